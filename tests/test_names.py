"""Resource names are unique by construction, and renames and moves keep the URNs of what
AWS keys uniquely (associations, fixed-name roles): the engine then updates in place where a
new URN would create a second association (409) or role (EntityAlreadyExists) first."""

from __future__ import annotations

import pytest
from eks_pod_identity import names
from eks_pod_identity.offline.harness import runner
from eks_pod_identity.tokens import ASSOCIATION, ROLE

from tests.helpers import READER, adopted, run_dev


def test_dash_joined_parts_that_once_collided_get_distinct_associations():
    identities = [{"name": "app", "namespaces": ["a", "a-b"], "serviceAccounts": ["b-c", "c"]}]
    result = run_dev(adopted("x"), identities)
    associations = result.of_type(ASSOCIATION)
    assert sorted((a.inputs["namespace"], a.inputs["serviceAccount"]) for a in associations) == [
        ("a", "b-c"),
        ("a", "c"),
        ("a-b", "b-c"),
        ("a-b", "c"),
    ]
    assert len({a.urn for a in associations}) == 4
    # `app-x-a-b-c` named two of them before; 0.1.0 registered (a, b-c) first, so only it keeps it.
    claimants = {
        (a.inputs["namespace"], a.inputs["serviceAccount"]) for a in associations for alias in a.aliases if alias.endswith("::app-x-a-b-c")
    }
    assert claimants == {("a", "b-c")}


def test_add_ons_of_clusters_whose_names_run_together_stay_apart():
    clusters = [{**adopted("a")[0], "addons": [{"name": "b-c"}]}, {**adopted("a-b")[0], "addons": [{"name": "c"}]}]
    result = run_dev(clusters, [])
    addons = [a for a in result.of_type("aws:eks/addon:Addon") if a.inputs["addonName"] != "eks-pod-identity-agent"]
    assert sorted((a.inputs["clusterName"], a.inputs["addonName"]) for a in addons) == [("a", "b-c"), ("a-b", "c")]
    # Both were `a-b-c`; the first cluster's add-on keeps the name, the second none.
    components = {c.name: [a.rsplit("::", 1)[1] for a in c.aliases] for c in result.of_type("eks-pod-identity:index:EksAddon")}
    assert components == {"a/b-c": ["a-b-c"], "a-b/c": []}


def test_policy_names_keep_account_and_path_apart():
    assert names.attachment("r", "arn:aws:iam::aws:policy/service-role/X") == "r/aws/service-role/X"
    assert names.attachment("r", "arn:aws:iam::123456789012:policy/X") == "r/123456789012/X"
    assert names.attachment("r", "arn:aws-us-gov:iam::aws:policy/X") != names.attachment("r", "arn:aws:iam::aws:policy/a/X")


# --- renames and moves: two runs, as `pulumi up` would see them ---------------------------------


def diff(before: runner.RunResult, after: runner.RunResult, type_: str) -> tuple[set[str], set[str]]:
    """(created, deleted) URNs of `type_`: what is new after (by URN and aliases), and what is gone."""
    old = {r.urn for r in before.of_type(type_)}
    kept = {r.urn for r in after.of_type(type_) if r.urn in old or old & set(r.aliases)}
    claimed = {u for r in after.of_type(type_) for u in (r.urn, *r.aliases)}
    return {r.urn for r in after.of_type(type_)} - kept, old - claimed


def keys(result: runner.RunResult, urns: set[str]) -> set[tuple[str, str, str]]:
    return {
        (r.inputs["clusterName"], r.inputs["namespace"], r.inputs["serviceAccount"]) for r in result.of_type(ASSOCIATION) if r.urn in urns
    }


@pytest.mark.parametrize("change", ["rename identity", "move binding", "rename identity with fixed role"])
def test_renames_and_moves_update_associations_in_place(change):
    before_ids, after_ids = [dict(i) for i in READER], [dict(i) for i in READER]
    if change == "rename identity":
        after_ids[0]["name"] = "s3-reader"
    elif change == "move binding":
        after_ids[0]["serviceAccounts"] = ["app"]
        after_ids.append({"name": "writer", "namespace": "team-a", "serviceAccount": "worker"})
    else:
        before_ids[0]["roleName"] = after_ids[0]["roleName"] = "team-a-reader"
        after_ids[0]["name"] = "s3-reader"
    before, after = run_dev(adopted("blue", "green"), before_ids), run_dev(adopted("blue", "green"), after_ids)
    created, deleted = diff(before, after, ASSOCIATION)
    assert created == deleted == set(), f"{change}: associations {keys(after, created)} would be created before the old ones go"
    if change == "rename identity with fixed role":
        assert diff(before, after, ROLE) == (set(), set()), "a second role named team-a-reader would be refused"


def test_renaming_an_identity_keeps_its_fixed_name_target_role():
    target = {
        "create": {
            "deployRoleArn": "arn:aws:iam::444455556666:role/deployer",
            "roleName": "team-a-target",
            "managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
        }
    }
    before = [{**READER[0], "targetRole": target}]
    after = [{**before[0], "name": "s3-reader"}]
    first, second = run_dev(adopted("blue"), before), run_dev(adopted("blue"), after)

    def target(result):
        (role,) = [r for r in result.of_type(ROLE) if r.inputs.get("name") == "team-a-target"]
        (attached,) = [a for a in result.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment") if a.parent == role.parent]
        return role.urn, attached.urn

    assert target(first) == target(second), "a second role named team-a-target would be refused, and its policy detached"
