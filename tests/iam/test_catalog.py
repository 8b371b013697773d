"""The well-known policy catalog as a whole: every entry against its recorded upstream (the drift
test), valid and parliament-clean in every partition, scoped to what the user gives, and its
parameter models. An entry's own fixes are tested with its family (tests/iam/catalog/)."""

from __future__ import annotations

import fnmatch
import importlib.util
import json
from pathlib import Path

import pytest
from eks_pod_identity.iam import catalog, documents, grammar
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers import UPSTREAM, validators
from tests.helpers.catalog import BOUND, BUILT, NODE_ROLE, PARAMS, PARTITIONS, QUICK, ZONE, actions, granting, params, recorded, statements
from tools import refresh_upstream

# --- the catalog as a whole ------------------------------------------------------------------


def test_catalog_has_22_entries_each_with_upstream_version_and_service_account():
    assert set(PARAMS) == set(catalog.CATALOG) and len(catalog.CATALOG) >= 22
    for entry in catalog.CATALOG.values():
        assert entry.title and entry.source and entry.version and entry.checked == catalog.CHECKED
        assert "/" in entry.service_account
        assert entry.build or entry.managed_policies


def test_every_entry_has_its_upstream_recorded_at_the_version_it_names():
    assert {p.stem for p in UPSTREAM.glob("*.json")} == set(catalog.CATALOG)
    for key, entry in catalog.CATALOG.items():
        sources = recorded(key)["sources"]
        assert {(s["repo"], s["path"], s["version"]) for s in sources} == {(u.repo, u.path, u.version) for u in entry.upstream}, key
        assert all(s["actions"] == sorted(set(s["actions"])) and s["commit"] for s in sources), key


# --- the drift test -------------------------------------------------------------------------


def _unlisted(found: set[str], listed: dict[str, str]) -> tuple[set[str], set[str]]:
    """Actions no listed difference covers, and listed differences that cover no action. A
    listed key is an action as written, or a glob over actions (e.g. `vpc-lattice:*`)."""
    covers = lambda key, action: key == action or fnmatch.fnmatchcase(action, key)
    return {a for a in found if not any(covers(k, a) for k in listed)}, {k for k in listed if not any(covers(k, a) for a in found)}


@pytest.mark.parametrize("key", BUILT)
def test_entry_grants_what_its_upstream_grants_unless_the_difference_is_listed(key):
    """Literal action strings, wildcards as written: the entry (every feature on) against the union
    of its upstream sources at the recorded version."""
    record = recorded(key)
    upstream = {a for s in record["sources"] for a in s["actions"]}
    built = actions(key)
    missing, stale_missing = _unlisted(upstream - built, record["differences"]["missing"])
    extra, stale_extra = _unlisted(built - upstream, record["differences"]["extra"])
    assert not missing, f"{key} lacks upstream actions: {sorted(missing)} (grant them, or list them with a reason)"
    assert not extra, f"{key} grants actions upstream does not: {sorted(extra)} (drop them, or list them with a reason)"
    assert not stale_missing and not stale_extra, f"{key} lists differences that no longer exist: {stale_missing | stale_extra}"


def test_every_listed_difference_says_why():
    for key in catalog.CATALOG:
        record = recorded(key)
        for side in ("extra", "missing"):
            assert all(len(reason) > 20 for reason in record["differences"][side].values()), (key, side)
        assert all(isinstance(n, str) and n for n in record.get("notes", [])), key


def test_the_drift_test_catches_a_dropped_and_an_added_action():
    upstream = {a for s in recorded("awsLoadBalancerController")["sources"] for a in s["actions"]}
    dropped = upstream - {"ec2:GetSecurityGroupsForVpc"}  # an entry that lost one action
    assert _unlisted(upstream - dropped, {}) == ({"ec2:GetSecurityGroupsForVpc"}, set())
    added = upstream | {"iam:PassRole"}  # an entry that grants one more
    assert _unlisted(added - upstream, {}) == ({"iam:PassRole"}, set())
    assert _unlisted(upstream - upstream, {}) == (set(), set()), "nothing dropped, nothing reported"
    assert _unlisted({"vpc-lattice:GetService"}, {"vpc-lattice:*": "why"}) == (set(), set())
    assert _unlisted(set(), {"s3:PutBucketPolicy": "why"}) == (set(), {"s3:PutBucketPolicy"})


# --- valid IAM, parliament, size --------------------------------------------------------------


@pytest.mark.parametrize("partition", PARTITIONS)
@pytest.mark.parametrize("key", sorted(PARAMS))
def test_entry_is_valid_iam_that_passes_parliament_and_fits_managed_policies(key, partition):
    docs = catalog.policy_documents(key, params(key), partition, BOUND)
    for doc in docs:
        assert grammar.document_problems(doc) == []
        assert len(documents.to_json(doc)) <= documents.MANAGED_POLICY_MAX
        assert validators.unwaived(validators.parliament_findings(doc)) == []
        # Every ARN the entry builds itself is in the stack's partition (the given ARNs are the user's).
        text = documents.to_json(doc)
        for value in json.dumps(PARAMS[key]).split('"'):
            text = text.replace(value, "") if value.startswith("arn:") else text
        if partition != "aws":
            assert "arn:aws:" not in text
    assert catalog.policy_count(key, params(key), BOUND) <= 4, "one entry should leave room for the others (20 per role)"
    for arn in catalog.managed_policy_arns(key, partition, params(key)):
        assert arn.startswith(f"arn:{partition}:iam::aws:policy/")


def test_waivers_cover_only_what_parliament_cannot_know():
    lbc = [
        f
        for d in catalog.policy_documents("awsLoadBalancerController", params("awsLoadBalancerController"), "aws", [])
        for f in validators.parliament_findings(d)
    ]
    assert {issue for issue, _ in lbc} == {"UNKNOWN_CONDITION_FOR_ACTION", "UNKNOWN_ACTION"}
    assert validators.unwaived(lbc) == []
    # The Karpenter waivers match its three launch statements exactly: a fourth shape is reported.
    shared = next(s for s in statements("karpenter") if s["Sid"] == "LaunchFromSharedResources")
    narrower = {**shared, "Action": ["ec2:RunInstances"]}
    assert validators.unwaived(validators.parliament_findings(documents.document([narrower]))) != []


# --- scoped to what the user gives -----------------------------------------------------------


def test_writes_are_scoped_to_the_given_arns():
    (change,) = granting("externalDns", "route53:ChangeResourceRecordSets")
    assert change["Resource"] == [ZONE]
    assert granting("velero", "s3:PutObject")[0]["Resource"] == ["arn:aws:s3:::backups/*"]
    assert granting("ecrImageBuilder", "ecr:PutImage")[0]["Resource"] == PARAMS["ecrImageBuilder"]["repositoryArns"]
    assert granting("prometheus", "aps:RemoteWrite")[0]["Resource"] == PARAMS["prometheus"]["workspaceArns"]
    assert granting("fluentBit", "logs:PutLogEvents")[0]["Resource"] == ["arn:aws:logs:*:*:log-group:/aws/eks/fleet/*:log-stream:*"]


@pytest.mark.parametrize(
    "key, bad",
    [
        ("externalDns", {}),
        ("certManager", {"hostedZoneArns": ["Z123"]}),
        ("velero", {"bucketArns": ["my-bucket"]}),
        ("externalSecrets", {}),
        ("secretsStoreCsi", {}),
        ("ebsCsi", {"kmsKeyArns": ["alias/x"]}),
        ("ebsCsi", {"awsManagedPolicies": ["AmazonS3FullAccess"]}),
        ("karpenter", {}),
        ("karpenter", {"nodeRoleArns": [NODE_ROLE], "interruptionQueueArns": ["my-queue"]}),
        ("karpenter", {"nodeRoleArns": [NODE_ROLE], "clusterNames": ["-bad"]}),
        ("nodeTerminationHandler", {}),
        ("vpcCni", {}),
        ("vpcCni", {"vpcIds": ["vpc-x"]}),
        ("privateCaIssuer", {}),
        ("ecrImageBuilder", {}),
        ("ecrImageBuilder", {"repositoryArns": ["team/app"]}),
        ("kedaOperator", {}),
        ("prometheus", {}),
        ("prometheus", {"workspaceArns": PARAMS["prometheus"]["workspaceArns"], "ingest": False}),
        ("fluentBit", {}),
        ("awsLoadBalancerControllerTargetGroupBinding", {"targetGroupArns": ["web"]}),
        ("efsCsi", {"typo": True}),
    ],
)
def test_parameters_are_validated(key, bad):
    with pytest.raises(ValueError):
        catalog.CATALOG[key].params.model_validate(bad)


@pytest.mark.parametrize("key", ["clusterAutoscaler", "karpenter", "vpcCni"])
def test_cluster_scoped_entries_need_clusters(key):
    with pytest.raises(ValueError, match="clusterNames"):
        statements(key, bound=[])
    named = json.dumps(statements(key, bound=[], clusterNames=["solo"]))
    assert "/solo" in named and "/west" not in named


# --- AWS managed policies ----------------------------------------------------------------------


def _moto_managed_policies() -> dict:
    spec = importlib.util.find_spec("moto")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("moto (requirements-dev.txt) is not installed")
    source = (Path(next(iter(spec.submodule_search_locations))) / "iam" / "aws_managed_policies.py").read_text()
    return json.loads(source.split('"""')[1])


def test_every_managed_policy_exists_with_the_path_the_catalog_gives_it():
    known = _moto_managed_policies()
    for entry in catalog.CATALOG.values():
        for path_name in (*entry.managed_policies, *entry.managed_alternatives):
            path, _, name = path_name.rpartition("/")
            assert name in known, path_name
            assert known[name]["Path"] == f"/{path}/".replace("//", "/"), path_name


def test_recorded_managed_policy_versions_match_motos_copy():
    known = _moto_managed_policies()
    for key in catalog.CATALOG:
        for source in recorded(key)["sources"]:
            if source["repo"] == refresh_upstream.AWS_MANAGED:
                policy = known[source["path"]]
                assert source["version"] == policy["DefaultVersionId"], source["path"]


# --- properties of the parameter models --------------------------------------------------------


CLUSTER_NAMES = st.from_regex(r"\A[a-zA-Z0-9][a-zA-Z0-9_-]{0,39}\Z")


@QUICK
@given(
    clusters=st.lists(CLUSTER_NAMES, min_size=1, max_size=3, unique=True), key=st.sampled_from(["clusterAutoscaler", "karpenter", "vpcCni"])
)
def test_cluster_scoped_entries_stay_valid_and_name_each_cluster(clusters, key):
    built = catalog.policy_documents(key, params(key, clusterNames=clusters), "aws-us-gov", BOUND)
    assert all(grammar.document_problems(d) == [] and len(documents.to_json(d)) <= documents.MANAGED_POLICY_MAX for d in built)
    text = json.dumps(built)
    assert all(f"/{c}" in text for c in clusters) and not any(f'/{b}"' in text for b in BOUND if b not in clusters)


@QUICK
@given(key=st.sampled_from(sorted(PARAMS)), extra=st.from_regex(r"\A[a-z][A-Za-z]{2,12}\Z"))
def test_params_round_trip_through_their_camel_case_form_and_reject_unknown_keys(key, extra):
    model = params(key)
    assert type(model).model_validate(model.model_dump(by_alias=True)) == model
    if extra not in type(model).model_fields and extra not in {f.alias for f in type(model).model_fields.values()}:
        with pytest.raises(ValueError):
            type(model).model_validate({**PARAMS[key], extra: True})


def test_policies_are_counted_before_the_clusters_are_known():
    """An identity without `clusters` binds every cluster of the stack; config checks count its
    policies before that is resolved, so cluster-scoped entries must count without clusters."""
    for key in ("clusterAutoscaler", "karpenter", "vpcCni"):
        assert catalog.policy_count(key, params(key), []) >= 1
