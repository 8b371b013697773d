"""eks-pod-identity access: per binding, the role its pods run as and everything that role may do,
read from what the stack registers, with the flags an audit starts from."""

from __future__ import annotations

import json

import pytest
from eks_pod_identity import cli
from eks_pod_identity.offline.commands import access
from eks_pod_identity.offline.harness import runner

from tests.helpers import STACK_FILES, STACKS

AUDIT = STACK_FILES / "Pulumi.audit.yaml"


def by_key(result: runner.RunResult, other=None) -> dict[str, access.Binding]:
    return {b.key: b for b in access.bindings(result, other)}


@pytest.fixture(scope="module")
def audit() -> dict[str, access.Binding]:
    return by_key(runner.run_stack("audit", path=AUDIT))


@pytest.mark.parametrize("stack", STACKS)
def test_every_binding_of_every_stack_is_reported(stack, stack_runs):
    """The bindingRoleArns output holds each association and add-on binding once, and the
    report says, for each, the role its pods end up as."""
    result = stack_runs[stack]
    keys = {r.name for r in result.of_type(access.ASSOCIATION)}
    keys |= {
        f"{a.inputs['clusterName']}/kube-system/{p['serviceAccount']}"
        for a in result.of_type(access.ADDON)
        for p in a.inputs.get("podIdentityAssociations") or []
    }
    found = by_key(result, access.committed_stack)
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
    (b,) = access.bindings(stack_runs["team-cluster"], access.committed_stack)
    assert b.role.managed_by == "stack organization/eks-pod-identity/identities"
    assert b.role.managed_policies == ["AmazonS3ReadOnlyAccess (AWS managed)"] and b.flags == []
    (alone,) = access.bindings(stack_runs["team-cluster"])
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
    assert access.levels(action) == expected


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
    first, second = access.statements(doc, "t")
    assert first.services == {"s3": ["GetObject", "ListBucket"], "kms": ["Decrypt"]} and first.resources == ["arn:aws:s3:::b/*"]
    assert second.services == {"iam": ["NOT *"]} and second.resources == ["NOT arn:aws:iam::*:role/x"]
    assert second.conditions == ["StringEquals aws:PrincipalTag/team"]
    b = access.Binding("c", "n", "s", "i", access.RoleAccess("arn:aws:iam::111122223333:role/r", "this stack", statements=[second]))
    assert access.flags(b, "111122223333") == ["write", "wildcard-resource"], "NotAction writes; NotResource is a wildcard"


def test_markdown_escapes_table_cells_and_lists_roles_once(audit, stack_runs):
    text = access.render(stack_runs["fleet"], title="t")
    assert text.startswith("# t\n")
    assert text.count("### role: `arn:aws:iam::123456789012:role/tenants-role-") == 1, "six bindings, one role"
    assert f"### target role: `{stack_runs['fleet'].outputs['targetRoleArns']['analytics-reader']}`" in text
    assert "### Session policy of fleet-west/external-secrets/external-secrets" in text
    assert access._cell(["a|b"]) == "a\\|b"
    assert "No binding" in access.render(stack_runs["identities"])


def test_cli_markdown_and_json(capsys):
    assert cli.main(["access", "fleet"]) == 0
    text = capsys.readouterr().out
    assert "123456789012" not in text and "<ACCOUNT>" in text
    assert cli.main(["access", str(AUDIT), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["key"]: r["flags"] for r in rows}["audit/ops/iam-bot"] == ["iam-write", "write"]


def test_cli_refuses_an_unknown_stack_and_a_bad_config(tmp_path, capsys):
    assert cli.main(["access", "nope"]) == 1
    bad = tmp_path / "Pulumi.bad.yaml"
    bad.write_text("config:\n  aws:region: us-east-1\n  eks-pod-identity:clusters: [{name: c, version: '1.20'}]\n")
    assert cli.main(["access", str(bad)]) == 1
    assert "eks-pod-identity:clusters[0].version = '1.20'" in capsys.readouterr().err
    assert cli.main(["access", str(tmp_path / "Pulumi.missing.yaml")]) == 1


def test_access_says_nothing_on_stderr_but_its_progress():
    """parliament's pkg_resources deprecation warning leaked to stderr (in a fresh process, where
    parliament is imported for the first time)."""
    import subprocess
    import sys

    from tests.helpers import ROOT

    done = subprocess.run(
        [sys.executable, "-m", "eks_pod_identity", "access", "identities", "--program", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert all(line.startswith(("running stack", "  stack")) for line in done.stderr.splitlines()), done.stderr


def test_an_existing_target_role_gets_the_trust_it_needs_printed(tmp_path, capsys):
    """With `targetRole: {arn: ...}` nothing said what that role's trust must admit."""
    path = tmp_path / "Pulumi.target.yaml"
    path.write_text(
        "config:\n  aws:region: eu-west-1\n  eks-pod-identity:clusters: [{name: shop, create: false}]\n"
        "  eks-pod-identity:identities: [{name: reports, namespace: reports, serviceAccount: writer,"
        " targetRole: {arn: 'arn:aws:iam::444455556666:role/reports-target'}}]\n"
    )
    for command in ("access", "plan"):
        assert cli.main([command, str(path)]) == 0
        section = capsys.readouterr().out.split("The trust target role `reports-target` needs", 1)[1]
        assert "--namespace reports --service-account writer" in section and "account 444455556666" in section
        doc = json.loads(section.split("<<EOF\n", 1)[1].split("\nEOF", 1)[0].replace("${EXTERNAL_ID_1}", "x"))
        (statement,) = doc["Statement"]
        assert statement["Condition"]["StringEquals"]["sts:ExternalId"] == ["x"]
        assert statement["Condition"]["ArnEquals"]["aws:PrincipalArn"][0].split(":role/")[1].startswith("reports-role")
