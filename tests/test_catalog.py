"""The well-known policy catalog: every entry against its recorded upstream (the drift test),
valid and parliament-clean in every partition, scoped to what the user gives, and the fixes
and AWS managed alternatives the entries offer."""

from __future__ import annotations

import fnmatch
import importlib.util
import json
import subprocess
from pathlib import Path

import pytest
from eks_pod_identity.iam import catalog, documents, grammar
from eks_pod_identity.offline.harness import runner
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import validators
from tools import refresh_upstream

PARTITIONS = ["aws", "aws-cn", "aws-us-gov"]
UPSTREAM = Path(__file__).parent / "upstream"
KMS = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ZONE = "arn:aws:route53:::hostedzone/Z0123456789"
QUEUE = "arn:aws:sqs:us-west-2:123456789012:interruptions"
NODE_ROLE = "arn:aws:iam::123456789012:role/KarpenterNodeRole"
BOUND = ["west", "east"]

# Every entry with every optional feature on: the drift test compares these builds with upstream.
PARAMS = {
    "awsLoadBalancerController": {},
    "awsLoadBalancerControllerTargetGroupBinding": {"assumeRoleArns": ["arn:aws:iam::210987654321:role/tg-owner"]},
    "gatewayApiController": {},
    "ebsCsi": {"kmsKeyArns": [KMS]},
    "efsCsi": {},
    "fsxLustreCsi": {"dataRepositoryBucketArns": ["arn:aws:s3:::lustre-data"]},
    "mountpointS3Csi": {"bucketArns": ["arn:aws:s3:::data"], "kmsKeyArns": [KMS]},
    "velero": {"bucketArns": ["arn:aws:s3:::backups"], "kmsKeyArns": [KMS]},
    "externalDns": {"hostedZoneArns": [ZONE]},
    "certManager": {"hostedZoneArns": [ZONE]},
    "privateCaIssuer": {"certificateAuthorityArns": ["arn:aws:acm-pca:us-west-2:123456789012:certificate-authority/0123-abcd"]},
    "clusterAutoscaler": {},
    "karpenter": {"nodeRoleArns": [NODE_ROLE], "interruptionQueueArns": [QUEUE]},
    "nodeTerminationHandler": {"queueArns": [QUEUE], "managedAsgTag": "aws-node-termination-handler/managed"},
    "vpcCni": {"vpcIds": ["vpc-0123456789abcdef0"], "ipv6": True},
    "externalSecrets": {
        "secretsManagerArns": ["arn:aws:secretsmanager:us-west-2:123456789012:secret:prod/*"],
        "ssmParameterArns": ["arn:aws:ssm:us-west-2:123456789012:parameter/prod/*"],
        "kmsKeyArns": [KMS],
    },
    "secretsStoreCsi": {
        "secretsManagerArns": ["arn:aws:secretsmanager:us-west-2:123456789012:secret:app-*"],
        "ssmParameterArns": ["arn:aws:ssm:us-west-2:123456789012:parameter/app/*"],
        "kmsKeyArns": [KMS],
    },
    "ecrImageBuilder": {
        "repositoryArns": ["arn:aws:ecr:us-west-2:123456789012:repository/team/app"],
        "pullRepositoryArns": ["arn:aws:ecr:us-west-2:123456789012:repository/base/*"],
    },
    "kedaOperator": {"sqsQueueArns": [QUEUE], "cloudwatchMetrics": True},
    "cloudwatchObservability": {},
    "prometheus": {"workspaceArns": ["arn:aws:aps:us-west-2:123456789012:workspace/ws-0123abcd"], "query": True},
    "fluentBit": {"logGroupNames": ["/aws/eks/fleet/*"]},
}
BUILT = sorted(k for k, e in catalog.CATALOG.items() if e.build)
WITH_ALTERNATIVES = sorted(k for k, e in catalog.CATALOG.items() if e.managed_alternatives)


def params(key: str, **changes):
    return catalog.CATALOG[key].params.model_validate({**PARAMS[key], **changes})


def statements(key: str, partition: str = "aws", bound=BOUND, **changes) -> list[dict]:
    return catalog.statements_for(key, params(key, **changes), partition, bound)


def actions(key: str, **changes) -> set[str]:
    return {a for s in statements(key, **changes) for a in s["Action"]}


def granting(key: str, action: str, **changes) -> list[dict]:
    return [s for s in statements(key, **changes) if action in s["Action"]]


def recorded(key: str) -> dict:
    return json.loads((UPSTREAM / f"{key}.json").read_text())


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


# --- the issue's fixes, one by one --------------------------------------------------------------


def test_load_balancer_controller_has_the_actions_of_v2_10_to_v3():
    assert {
        "ec2:GetSecurityGroupsForVpc",
        "elasticloadbalancing:SetRulePriorities",
        "ec2:DescribeRouteTables",
        "ec2:DescribeIpamPools",
        "elasticloadbalancing:ModifyIpPools",
        "elasticloadbalancing:DescribeCapacityReservation",
        "elasticloadbalancing:ModifyCapacityReservation",
    } <= actions("awsLoadBalancerController")
    (vpc,) = granting("awsLoadBalancerController", "ec2:GetSecurityGroupsForVpc")
    assert vpc["Resource"] == "arn:aws:ec2:*:*:vpc/*"
    for action in ("elasticloadbalancing:ModifyIpPools", "elasticloadbalancing:ModifyCapacityReservation"):
        (own,) = granting("awsLoadBalancerController", action)
        assert own["Condition"] == {"Null": {"aws:ResourceTag/elbv2.k8s.aws/cluster": "false"}}


def test_ebs_restore_from_a_snapshot_is_authorized_on_the_snapshot_by_its_own_tag():
    """Since January 2025 CreateVolume from a snapshot authorizes the snapshot as a resource: a
    request-tag condition alone (the old catalog) denies restores and clones."""
    snapshot = "arn:aws:ec2:*:*:snapshot/*"
    restore = [s for s in granting("ebsCsi", "ec2:CreateVolume") if snapshot in s["Resource"]]
    assert restore and all("aws:RequestTag" not in json.dumps(s.get("Condition", {})) for s in restore)
    assert restore[0]["Condition"] == {"StringEquals": {"ec2:ResourceTag/ebs.csi.aws.com/cluster": "true"}}
    # A new volume still needs the driver's tag in the request.
    created = [s for s in granting("ebsCsi", "ec2:CreateVolume") if s["Resource"] == "arn:aws:ec2:*:*:volume/*"]
    assert created[0]["Condition"] == {"StringEquals": {"aws:RequestTag/ebs.csi.aws.com/cluster": "true"}}
    assert {
        "ec2:CopyVolumes",
        "ec2:EnableFastSnapshotRestores",
        "ec2:LockSnapshot",
        "ec2:DescribeVolumeStatus",
        "ec2:DescribeInstanceTypes",
    } <= actions("ebsCsi")


def test_ebs_deletes_only_its_own_volumes_and_snapshots():
    for action in ("ec2:DeleteVolume", "ec2:DeleteSnapshot", "ec2:LockSnapshot", "ec2:ModifyVolume"):
        for statement in granting("ebsCsi", action):
            assert "ec2:ResourceTag/" in json.dumps(statement["Condition"]), (action, statement["Sid"])


def test_external_secrets_reads_in_batches_and_by_path():
    assert "secretsmanager:BatchGetSecretValue" in actions("externalSecrets")
    (read,) = granting("externalSecrets", "ssm:GetParameter*")
    assert read["Resource"] == PARAMS["externalSecrets"]["ssmParameterArns"]
    assert not granting("externalSecrets", "ssm:GetParameter*", ssmParameterArns=[])


def test_smaller_fixes():
    assert "route53:ListTagsForResources" in actions("externalDns") and "route53:ListTagsForResource" not in actions("externalDns")
    assert {
        "s3files:CreateAccessPoint",
        "s3files:TagResource",
        "s3files:DeleteAccessPoint",
        "s3files:ListAccessPoints",
        "s3files:ListFileSystems",
    } <= actions("efsCsi")
    (change,) = granting("certManager", "route53:ChangeResourceRecordSets")
    assert change["Condition"] == {"ForAllValues:StringEquals": {"route53:ChangeResourceRecordSetsRecordTypes": ["TXT"]}}


def test_autoscaler_scales_the_groups_auto_discovery_finds_whatever_their_tag_values():
    scale = granting("clusterAutoscaler", "autoscaling:SetDesiredCapacity")
    assert [s["Condition"] for s in scale] == [
        {"Null": {"aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "false", f"aws:ResourceTag/k8s.io/cluster-autoscaler/{c}": "false"}}
        for c in BOUND
    ]


# --- new entries ----------------------------------------------------------------------------


def test_karpenter_changes_only_its_own_clusters_resources():
    for statement in statements("karpenter"):
        writes = [
            a
            for a in statement["Action"]
            if a.startswith(("ec2:", "iam:"))
            and a.split(":")[1].startswith(("Terminate", "Delete", "Tag", "Create", "AddRole", "RemoveRole"))
        ]
        if not writes or statement["Sid"] == "LaunchFromSharedResources":
            continue
        condition = json.dumps(statement.get("Condition", {}))
        assert any(f"kubernetes.io/cluster/{c}" in condition for c in BOUND), statement["Sid"]
    (passing,) = granting("karpenter", "iam:PassRole")
    assert passing["Resource"] == [NODE_ROLE]
    (queue,) = granting("karpenter", "sqs:ReceiveMessage")
    assert queue["Resource"] == [QUEUE]
    assert not granting("karpenter", "sqs:ReceiveMessage", interruptionQueueArns=[])
    (describe,) = granting("karpenter", "eks:DescribeCluster")
    assert describe["Resource"] == [f"arn:aws:eks:*:*:cluster/{c}" for c in BOUND]


def test_karpenter_launches_only_from_its_clusters_templates_and_tags_what_it_launches():
    (templates,) = [s for s in granting("karpenter", "ec2:RunInstances") if s["Resource"] == "arn:aws:ec2:*:*:launch-template/*"][:1]
    assert templates["Condition"]["StringEquals"] == {"aws:ResourceTag/kubernetes.io/cluster/west": "owned"}
    tagged = [s for s in granting("karpenter", "ec2:RunInstances") if "arn:aws:ec2:*:*:instance/*" in s["Resource"]]
    assert [s["Condition"]["StringEquals"]["aws:RequestTag/eks:eks-cluster-name"] for s in tagged] == BOUND


def test_vpc_cni_manages_only_its_clusters_interfaces_and_grants_ipv6_on_request():
    own = {"StringEquals": {"aws:ResourceTag/cluster.k8s.amazonaws.com/name": BOUND}}
    for action in ("ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"):
        assert [s["Condition"] for s in granting("vpcCni", action)] == [own]
    assert "ec2:AssignIpv6Addresses" in actions("vpcCni") and "ec2:AssignIpv6Addresses" not in actions("vpcCni", ipv6=False)


def test_target_group_binding_only_registers_targets_and_assumes_only_the_given_roles():
    assert actions("awsLoadBalancerControllerTargetGroupBinding") < actions("awsLoadBalancerController") | {"sts:AssumeRole"}
    assert "sts:AssumeRole" not in actions("awsLoadBalancerControllerTargetGroupBinding", assumeRoleArns=[])
    groups = ["arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/web/0123abcd"]
    (bound,) = granting("awsLoadBalancerControllerTargetGroupBinding", "elasticloadbalancing:RegisterTargets", targetGroupArns=groups)
    assert bound["Resource"] == groups


def test_keda_and_prometheus_grant_only_the_features_asked_for():
    assert actions("kedaOperator", cloudwatchMetrics=False) == {"sqs:GetQueueAttributes"}
    assert actions("prometheus", query=False) == {"aps:RemoteWrite"}


# --- AWS managed alternatives -----------------------------------------------------------------


@pytest.mark.parametrize("key", WITH_ALTERNATIVES)
def test_a_managed_alternative_replaces_the_built_policy_and_keeps_its_iam_path(key):
    entry = catalog.CATALOG[key]
    for path_name in entry.managed_alternatives:
        name = path_name.rsplit("/", 1)[-1]
        chosen = entry.params.model_validate({**PARAMS[key], "awsManagedPolicies": [name]})
        assert catalog.managed_policy_arns(key, "aws-us-gov", chosen) == [f"arn:aws-us-gov:iam::aws:policy/{path_name}"]
        built = {a for s in catalog.statements_for(key, chosen, "aws", BOUND) for a in s["Action"]}
        assert all(a.startswith("kms:") for a in built), "only what no managed policy covers (the user's KMS keys) stays"
        assert catalog.policy_count(key, chosen, BOUND) == 1 + len(catalog.policy_documents(key, chosen, "aws-us-gov", BOUND))
    assert catalog.managed_policy_arns(key, "aws", params(key)) == []


def test_managed_alternatives_need_no_arns():
    for key in ("privateCaIssuer", "ecrImageBuilder", "prometheus", "vpcCni"):
        name = catalog.CATALOG[key].managed_alternatives[0].rsplit("/", 1)[-1]
        chosen = catalog.CATALOG[key].params.model_validate({"awsManagedPolicies": [name]})
        assert catalog.statements_for(key, chosen, "aws", BOUND) == []
    ebs = catalog.CATALOG["ebsCsi"].params.model_validate({"awsManagedPolicies": ["AmazonEBSCSIDriverPolicy"], "kmsKeyArns": [KMS]})
    assert catalog.managed_policy_arns("ebsCsi", "aws", ebs) == ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]
    assert {a for s in catalog.statements_for("ebsCsi", ebs, "aws", []) for a in s["Action"]} == {
        "kms:Decrypt",
        "kms:GenerateDataKeyWithoutPlaintext",
        "kms:CreateGrant",
    }


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


def test_the_program_attaches_the_chosen_managed_policy():
    identity = {
        "name": "ebs-csi",
        "namespace": "kube-system",
        "serviceAccount": "ebs-csi-controller-sa",
        "wellKnown": {"ebsCsi": {"awsManagedPolicies": ["AmazonEBSCSIDriverPolicyV2"]}},
    }
    result = runner.run_stack("dev", overrides={"eks-pod-identity:identities": [identity], "eks-pod-identity:sample": {"kind": "none"}})
    attached = {r.inputs["policyArn"] for r in result.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert "arn:aws:iam::aws:policy/AmazonEBSCSIDriverPolicyV2" in attached


# --- the refresh command ---------------------------------------------------------------------


def test_refresh_extracts_actions_from_json_markdown_cloudformation_and_prose():
    markdown = (
        'intro\n## Policy\n```json\n{"Statement": [{"Effect": "Allow", "Action": ["ssm:GetParameter*",], "Resource": "*"}]}\n```\n## Next\n'
        '```json\n{"Action": "s3:PutObject"}\n```\n'
    )
    assert refresh_upstream.extract_actions(markdown, {"start": "## Policy", "end": "## Next"}) == ["ssm:GetParameter*"]
    cloudformation = (
        'Action:\n  - "sts:AssumeRole"\nPolicyDocument: !Sub |\n'
        '  {"Action": "ec2:CreateTags", "Condition": {"StringEquals": {"ec2:CreateAction": "RunInstances"}}}'
    )
    assert refresh_upstream.extract_actions(cloudformation, {}) == ["ec2:CreateTags"]
    prose = "To read, you need `kms:Decrypt`; to write, `kms:Decrypt` and `kms:GenerateDataKey`. See docs."
    assert refresh_upstream.extract_actions(prose, {"kind": "prose", "end": "See"}) == ["kms:Decrypt", "kms:GenerateDataKey"]
    with pytest.raises(ValueError):
        refresh_upstream.extract_actions(markdown, {"start": "intro", "end": "## Policy"})


def test_refresh_rewrites_the_upstream_facts_and_keeps_the_listed_differences(tmp_path):
    checkout = tmp_path / "controller"
    (checkout / "docs").mkdir(parents=True)
    (checkout / "docs" / "policy.json").write_text('{"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"]}]}')
    git = ["git", "-C", str(checkout), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    for command in (["init", "-q"], ["add", "."], ["commit", "-qm", "policy"], ["tag", "v2.0.0"]):
        subprocess.run([*git, *command], check=True)
    records = tmp_path / "upstream"
    records.mkdir()
    differences = {"extra": {"kms:Decrypt": "our reason"}, "missing": {}}
    (records / "thing.json").write_text(
        json.dumps(
            {
                "entry": "thing",
                "differences": differences,
                "sources": [
                    {
                        "repo": "owner/controller",
                        "path": "docs/policy.json",
                        "version": "v1.0.0",
                        "commit": "old",
                        "actions": ["s3:GetObject"],
                    }
                ],
            }
        )
    )
    assert refresh_upstream.main([f"owner/controller={checkout}", "--dir", str(records)]) == 0
    record = json.loads((records / "thing.json").read_text())
    assert record["sources"][0]["version"] == "v2.0.0" and record["sources"][0]["actions"] == ["s3:GetObject", "s3:PutObject"]
    assert len(record["sources"][0]["commit"]) == 40 and record["differences"] == differences
    assert refresh_upstream.main([f"owner/controller={checkout}@v2.0.0", "--dir", str(records)]) == 0


# --- properties of the parameter models --------------------------------------------------------

CLUSTER_NAMES = st.from_regex(r"\A[a-zA-Z0-9][a-zA-Z0-9_-]{0,39}\Z")
QUICK = settings(max_examples=15, deadline=None)


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
@given(data=st.data(), key=st.sampled_from(WITH_ALTERNATIVES))
def test_any_choice_of_managed_alternatives_is_attached_with_its_path(data, key):
    entry = catalog.CATALOG[key]
    chosen = data.draw(st.lists(st.sampled_from(entry.managed_alternatives), min_size=1, unique=True))
    model = entry.params.model_validate({**PARAMS[key], "awsManagedPolicies": [p.rsplit("/", 1)[-1] for p in chosen]})
    assert catalog.managed_policy_arns(key, "aws-cn", model) == [f"arn:aws-cn:iam::aws:policy/{p}" for p in chosen]
    assert catalog.policy_count(key, model, BOUND) == len(chosen) + len(catalog.policy_documents(key, model, "aws-us-gov", BOUND))


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
