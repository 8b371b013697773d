"""What each binding grants: per binding, the role its pods run as and everything that role may
do, read from what the stack registers, with the flags an audit starts from."""

from __future__ import annotations

import pytest
from eks_pod_identity.offline import grants
from eks_pod_identity.offline.commands.access import committed_stack as COMMITTED
from eks_pod_identity.offline.harness import runner

from tests.helpers import STACK_FILES, STACKS

AUDIT = STACK_FILES / "Pulumi.audit.yaml"


def by_key(result: runner.RunResult, other=None) -> dict[str, grants.Binding]:
    return {b.key: b for b in grants.bindings(result, other)}


@pytest.fixture(scope="module")
def audit() -> dict[str, grants.Binding]:
    return by_key(runner.run_stack("audit", path=AUDIT))


@pytest.mark.parametrize("stack", STACKS)
def test_every_binding_of_every_stack_is_reported(stack, stack_runs):
    """The bindingRoleArns output holds each association and add-on binding once, and the
    report says, for each, the role its pods end up as."""
    result = stack_runs[stack]
    keys = {r.name for r in result.of_type(grants.ASSOCIATION)}
    keys |= {
        f"{a.inputs['clusterName']}/kube-system/{p['serviceAccount']}"
        for a in result.of_type(grants.ADDON)
        for p in a.inputs.get("podIdentityAssociations") or []
    }
    found = by_key(result, COMMITTED)
    assert set(found) == keys == set(result.outputs["bindingRoleArns"])
    for key, b in found.items():
        assert (b.target or b.role).arn == result.outputs["bindingRoleArns"][key]


def test_prod_role_has_its_managed_policy_and_the_samples_inline_grant(stack_runs):
    found = by_key(stack_runs["prod"])
    blue, green = found["prod-blue/default/aws-cli-sa"], found["prod-green/default/aws-cli-sa"]
    assert blue.role == green.role and blue.identity == "s3-reader"
    assert blue.role.managed_policies == ["AmazonS3ReadOnlyAccess (AWS managed)"] and blue.role.managed_by == "this stack"
    (inline,) = blue.role.statements
    assert inline.source == "inline sample-put-object (sample)" and inline.services == {"s3": ["PutObject"]}
    assert inline.resources[0].startswith("arn:aws:s3:::sample-bucket-") and inline.resources[0].endswith("/*")
    assert blue.flags == ["write"], "PutObject writes; AWS's read-only policy is not flagged"


def test_fleet_target_role_session_policy_and_catalog(stack_runs):
    found = by_key(stack_runs["fleet"])
    analytics = found["fleet-west/analytics/reader"]
    target = stack_runs["fleet"].outputs["targetRoleArns"]["analytics-reader"]
    assert analytics.target is not None and analytics.target.arn == target and target.split(":")[4] == "444455556666"
    assert analytics.target.managed_policies == ["AmazonS3ReadOnlyAccess (AWS managed)"]
    assert analytics.role.statements[0].services == {"sts": ["AssumeRole", "TagSession"]}
    assert "cross-account" in analytics.flags
    secrets = found["fleet-west/external-secrets/external-secrets"]
    assert secrets.role.catalog == ["externalSecrets"]
    (session,) = secrets.session_policy
    assert session.services == {"secretsmanager": ["DescribeSecret", "GetSecretValue"]}
    assert found["fleet-west/kube-system/ebs-csi-controller-sa"].addon == "aws-ebs-csi-driver"
    assert found["fleet-west/kube-system/ebs-csi-controller-sa"].identity == "ebs-csi"
    assert found["fleet-east/ci/runner"].flags == ["outside-stack"], "an existing role of the cluster's account"
    cloudwatch = found["fleet-west/amazon-cloudwatch/cloudwatch-agent"]
    assert cloudwatch.flags == ["write", "not-expanded"], "AWSXrayWriteOnlyAccess writes; CloudWatchAgentServerPolicy is not expanded"


def test_a_role_from_another_stack_is_read_from_that_stack(stack_runs):
    (b,) = grants.bindings(stack_runs["team-cluster"], COMMITTED)
    assert b.role.managed_by == "stack organization/eks-pod-identity/identities"
    assert b.role.managed_policies == ["AmazonS3ReadOnlyAccess (AWS managed)"] and b.flags == []
    (alone,) = grants.bindings(stack_runs["team-cluster"])
    assert alone.role.managed_by.endswith("(not run here)") and alone.flags == ["outside-stack"]


def test_audit_flags(audit):
    assert audit["audit/ops/default"].flags == ["admin", "iam-write", "write", "wildcard-resource", "default-sa"]
    assert audit["audit/ops/iam-bot"].flags == ["iam-write", "write"]
    assert audit["audit/ops/power"].flags == ["admin", "iam-write", "write", "wildcard-resource", "not-expanded"], (
        "PowerUserAccess allows everything but IAM; AWSLambda_FullAccess passes any role to a new function"
    )
    assert audit["audit/apps/reader"].flags == [], "s3:Get* and s3:List* only read"
    assert audit["audit/apps/partner"].flags == ["cross-account", "outside-stack"]


@pytest.mark.parametrize(
    "action,expected",
    [
        ("s3:GetObject", {"Read"}),
        ("s3:PutObject", {"Write"}),
        ("iam:PutRolePolicy", {"Permissions management"}),
        ("s3:List*", {"List"}),
        ("*", {"*"}),
        ("madeup:GetThing", {"Read"}),
        ("madeup:DoThing", {"Write"}),
    ],
)
def test_access_levels(action, expected):
    assert grants.levels(action) == expected


def test_statements_group_actions_by_service_and_keep_negations():
    doc = {
        "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket", "kms:Decrypt", "s3:GetObject"], "Resource": "arn:aws:s3:::b/*"},
            {
                "Effect": "Allow",
                "NotAction": "iam:*",
                "NotResource": "arn:aws:iam::*:role/x",
                "Condition": {"StringEquals": {"aws:PrincipalTag/team": "a"}},
            },
        ]
    }
    first, second = grants.statements(doc, "t")
    assert first.services == {"s3": ["GetObject", "ListBucket"], "kms": ["Decrypt"]} and first.resources == ["arn:aws:s3:::b/*"]
    assert second.services == {"iam": ["NOT *"]} and second.resources == ["NOT arn:aws:iam::*:role/x"]
    assert second.conditions == ["StringEquals aws:PrincipalTag/team"]
    b = grants.Binding("c", "n", "s", "i", grants.RoleAccess("arn:aws:iam::111122223333:role/r", "this stack", statements=[second]))
    assert grants.flags(b, "111122223333") == ["write", "wildcard-resource"], "NotAction writes; NotResource is a wildcard"
