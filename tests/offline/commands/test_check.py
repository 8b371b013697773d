"""`eks-pod-identity check`: one's own stack files checked offline, saying what it could not run
and what fails."""

from __future__ import annotations

import shutil

from eks_pod_identity import cli
from eks_pod_identity.offline.commands import check
from eks_pod_identity.offline.harness import project

from tests.helpers import ROOT, own_copy_of_team_cluster


def test_check_passes_committed_stacks(capsys):
    """(Every committed stack runs in the suite anyway; two keep this fast.)"""
    assert cli.main(["check", "dev", "team-cluster"]) == 0
    out = capsys.readouterr().out
    assert "Pulumi.dev.yaml: OK: 1 cluster, 1 identity, 11 resources under mocks" in out
    assert "Pulumi.team-cluster.yaml: OK:" in out
    assert out.rstrip().endswith("2 stack files: 2 OK, 0 with problems")


def test_check_says_what_it_could_not_run_and_what_fails(tmp_path, capsys):
    mine = own_copy_of_team_cluster(tmp_path)
    bad = tmp_path / "Pulumi.bad.yaml"
    bad.write_text("config:\n  aws:region: us-east-1\n  eks-pod-identity:clusters: [{name: c, version: '1.20'}]\n")
    assert cli.main(["check", str(mine)]) == 0
    assert "OK (config only): not run under mocks: roleFromStack names stack" in capsys.readouterr().out
    assert cli.main(["check", str(mine), str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}: FAILED, 1 problem:\n  - eks-pod-identity:clusters[0].version = '1.20'" in out
    assert out.rstrip().endswith("2 stack files: 1 OK, 1 with problems")


def test_check_by_default_takes_every_stack_file_of_the_folder(tmp_path):
    own_copy_of_team_cluster(tmp_path)
    shutil.copy(ROOT / "Pulumi.dev.yaml", tmp_path / "Pulumi.dev.yaml")
    assert [name for name, _ in check.targets([], root=tmp_path)] == ["dev", "mine"]
    assert [name for name, _ in check.targets([], root=ROOT)] == project.stack_names()


def test_check_of_a_stack_that_does_not_exist(capsys):
    assert cli.main(["check", "nope"]) == 1
    assert "Pulumi.nope.yaml: FAILED, 1 problem:\n  - cannot read the stack file: no such file" in capsys.readouterr().out


def test_check_counts_problems_not_the_errors_header(tmp_path, capsys):
    """ "stack config has 1 problem(s); nothing was created:" was counted as a problem."""
    path = tmp_path / "Pulumi.bad.yaml"
    path.write_text(
        "config:\n  aws:region: eu-west-1\n  eks-pod-identity:clusters: [{name: shop, create: false}]\n"
        "  eks-pod-identity:identities: [{name: a, namespace: n, serviceAccount: s, roleArn: 'arn:aws:iam::111111111111:role/x'}]\n"
    )
    assert cli.main(["check", str(path), "--account", "222222222222"]) == 1
    out = capsys.readouterr().out
    assert "FAILED, 1 problem:" in out and "nothing was created" not in out
