"""Resource names are unique by construction, and renames and moves keep the URNs of what
AWS keys uniquely (associations, fixed-name roles): the engine then updates in place where a
new URN would create a second association (409) or role (EntityAlreadyExists) first."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest
from eks_pod_identity import names
from eks_pod_identity.offline.harness import monitor, project, runner

ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
ROLE = "aws:iam/role:Role"


def adopted(*clusters: str) -> list[dict]:
    return [{"name": c, "create": False} for c in clusters]


def run(clusters: list[dict], identities: list[dict]) -> runner.RunResult:
    config = project.stack_config(
        "dev",
        overrides={
            "eks-pod-identity:clusters": clusters,
            "eks-pod-identity:identities": identities,
            "eks-pod-identity:sample": {"kind": "none"},
        },
    )
    return runner.run(config, stack="dev")


def test_the_offline_monitor_refuses_a_urn_twice_as_the_engine_does():
    def program():
        aws.iam.Role("same", assume_role_policy="{}")
        aws.iam.Role("same", assume_role_policy="{}")

    result = runner.run({"aws:region": "us-east-1"}, program=program, raise_errors=False)
    assert isinstance(result.error, monitor.DuplicateUrnError)
    assert "Duplicate resource URN" in str(result.error)


@pytest.mark.parametrize("second", ["claims-the-alias", "is-the-alias"])
def test_the_offline_monitor_refuses_one_urn_claimed_twice_through_aliases(second):
    def program():
        aws.iam.Role("first", assume_role_policy="{}", opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="old")]))
        if second == "claims-the-alias":
            aws.iam.Role("second", assume_role_policy="{}", opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="old")]))
        else:
            aws.iam.Role("old", assume_role_policy="{}")

    result = runner.run({"aws:region": "us-east-1"}, program=program, raise_errors=False)
    assert isinstance(result.error, monitor.DuplicateAliasError)
    assert "aws:iam/role:Role::old" in str(result.error)


def test_a_former_attachment_name_two_identities_derive_is_the_first_ones_alias():
    """`team` + `.../a-Reader` and `team-a` + `.../Reader` were both `team-a-Reader`: 0.1.0
    created the first before the engine refused the second, so the first keeps it."""
    identities = [
        {"name": "team", "namespace": "a", "serviceAccount": "x", "managedPolicyArns": ["arn:aws:iam::123456789012:policy/a-Reader"]},
        {"name": "team-a", "namespace": "b", "serviceAccount": "y", "managedPolicyArns": ["arn:aws:iam::123456789012:policy/Reader"]},
        {"name": "other", "namespace": "c", "serviceAccount": "z", "managedPolicyArns": ["arn:aws:iam::123456789012:policy/Reader"]},
    ]
    result = run(adopted("x"), identities)
    attachments = {a.name: a.aliases for a in result.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert [a.rsplit("::", 1)[1] for a in attachments["team/123456789012/a-Reader"]] == ["team-a-Reader"]
    assert attachments["team-a/123456789012/Reader"] == [], "a second claim of one URN is refused by the engine"
    assert [a.rsplit("::", 1)[1] for a in attachments["other/123456789012/Reader"]] == ["other-Reader"]


def test_the_offline_monitor_gives_the_engines_urns():
    def program():
        parent = pulumi.ComponentResource("a:index:Outer", "outer")
        inner = pulumi.ComponentResource("a:index:Inner", "inner", opts=pulumi.ResourceOptions(parent=parent))
        aws.iam.Role("leaf", assume_role_policy="{}", opts=pulumi.ResourceOptions(parent=inner))

    result = runner.run({"aws:region": "us-east-1"}, program=program)
    assert result.named("outer").urn == "urn:pulumi:test::eks-pod-identity::a:index:Outer::outer"
    assert result.named("leaf").urn == "urn:pulumi:test::eks-pod-identity::a:index:Outer$a:index:Inner$aws:iam/role:Role::leaf"


def test_dash_joined_parts_that_once_collided_get_distinct_associations():
    identities = [{"name": "app", "namespaces": ["a", "a-b"], "serviceAccounts": ["b-c", "c"]}]
    result = run(adopted("x"), identities)
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
    result = run(clusters, [])
    addons = [a for a in result.of_type("aws:eks/addon:Addon") if a.inputs["addonName"] != "eks-pod-identity-agent"]
    assert sorted((a.inputs["clusterName"], a.inputs["addonName"]) for a in addons) == [("a", "b-c"), ("a-b", "c")]
    # Both were `a-b-c`; the first cluster's add-on keeps the name, the second none.
    components = {c.name: [a.rsplit("::", 1)[1] for a in c.aliases] for c in result.of_type("eks-pod-identity:index:EksAddon")}
    assert components == {"a/b-c": ["a-b-c"], "a-b/c": []}


def test_an_add_on_component_keeps_its_former_name():
    """0.1.0 named the component `<cluster>-<addon>`: without the alias a preview shows it
    deleted and created (its add-on child has its own alias)."""
    result = run([{**adopted("x")[0], "addons": [{"name": "aws-ebs-csi-driver"}]}], [])
    (component,) = result.of_type("eks-pod-identity:index:EksAddon")
    assert component.name == "x/aws-ebs-csi-driver"
    assert component.aliases == ["urn:pulumi:dev::eks-pod-identity::eks-pod-identity:index:EksAddon::x-aws-ebs-csi-driver"]


def test_a_policy_given_twice_is_attached_once():
    cloudwatch = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"
    identities = [
        {
            "name": "cw",
            "namespace": "amazon-cloudwatch",
            "serviceAccount": "cloudwatch-agent",
            "managedPolicyArns": [cloudwatch],
            "wellKnown": {"cloudwatchObservability": {}},
        }
    ]
    result = run(adopted("x"), identities)
    arns = [a.inputs["policyArn"] for a in result.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")]
    assert arns.count(cloudwatch) == 1


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


BASE = [
    {
        "name": "reader",
        "namespace": "team-a",
        "serviceAccounts": ["app", "worker"],
        "managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
    }
]


@pytest.mark.parametrize("change", ["rename identity", "move binding", "rename identity with fixed role"])
def test_renames_and_moves_update_associations_in_place(change):
    before_ids, after_ids = [dict(i) for i in BASE], [dict(i) for i in BASE]
    if change == "rename identity":
        after_ids[0]["name"] = "s3-reader"
    elif change == "move binding":
        after_ids[0]["serviceAccounts"] = ["app"]
        after_ids.append({"name": "writer", "namespace": "team-a", "serviceAccount": "worker"})
    else:
        before_ids[0]["roleName"] = after_ids[0]["roleName"] = "team-a-reader"
        after_ids[0]["name"] = "s3-reader"
    before, after = run(adopted("blue", "green"), before_ids), run(adopted("blue", "green"), after_ids)
    created, deleted = diff(before, after, ASSOCIATION)
    assert created == deleted == set(), f"{change}: associations {keys(after, created)} would be created before the old ones go"
    if change == "rename identity with fixed role":
        assert diff(before, after, ROLE) == (set(), set()), "a second role named team-a-reader would be refused"


def test_changing_a_fixed_role_name_replaces_it_delete_first():
    identities = [{**BASE[0], "roleName": "team-a-reader-v2"}]
    (role,) = [r for r in run(adopted("blue"), identities).of_type(ROLE)]
    assert role.inputs["name"] == "team-a-reader-v2" and role.delete_before_replace


def test_earlier_releases_names_are_aliases():
    result = run(adopted("blue"), BASE)
    (assoc, _) = result.of_type(ASSOCIATION)
    assert assoc.name == "blue/team-a/app"
    assert assoc.aliases == [assoc.urn.rsplit("::", 1)[0] + "::reader-blue-team-a-app"]
    (attachment,) = result.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert attachment.name == "reader/aws/AmazonS3ReadOnlyAccess"
    assert attachment.aliases == [attachment.urn.rsplit("::", 1)[0] + "::reader-AmazonS3ReadOnlyAccess"]


def test_renaming_an_identity_keeps_its_fixed_name_target_role():
    target = {
        "create": {
            "deployRoleArn": "arn:aws:iam::444455556666:role/deployer",
            "roleName": "team-a-target",
            "managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
        }
    }
    before = [{**BASE[0], "targetRole": target}]
    after = [{**before[0], "name": "s3-reader"}]
    first, second = run(adopted("blue"), before), run(adopted("blue"), after)

    def target(result):
        (role,) = [r for r in result.of_type(ROLE) if r.inputs.get("name") == "team-a-target"]
        (attached,) = [a for a in result.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment") if a.parent == role.parent]
        return role.urn, attached.urn

    assert target(first) == target(second), "a second role named team-a-target would be refused, and its policy detached"
