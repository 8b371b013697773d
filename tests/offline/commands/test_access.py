"""eks-pod-identity access: per binding, the role its pods run as and everything that role may do,
read from what the stack registers, with the flags an audit starts from."""

from __future__ import annotations

import json
import re

from eks_pod_identity import cli
from eks_pod_identity.offline.commands import access

from tests.helpers import STACK_FILES

AUDIT = STACK_FILES / "Pulumi.audit.yaml"


def test_markdown_escapes_table_cells_and_lists_roles_once(stack_runs):
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


def test_names_the_mocks_invent_are_shown_as_placeholders_as_plan_shows_them(capsys):
    """access printed role-name hashes the mocks made up (role/app-role-9a7ecdd) as if real."""
    assert cli.main(["access", "fleet"]) == 0
    out = capsys.readouterr().out
    assert "-role-<random>`" in out
    assert not re.search(r"-role-[0-9a-f]{7}\b", out)
