"""Stack files of one's own: the tests run the committed ones only, `eks-pod-identity check`
checks the others, and a stack reference no file answers is said, not a traceback.

The issue's case: a copy of team-cluster referencing a stack that is not committed made
`make test` fail (1 failed, 10 errors).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from eks_pod_identity import cli
from eks_pod_identity.offline.commands import check
from eks_pod_identity.offline.harness import project, stackfile

from .conftest import ROOT, STACKS

GIT = shutil.which("git")


def own_copy_of_team_cluster(folder: Path, referenced: str = "shared-ids") -> Path:
    """The README's suggestion, followed: a new cluster stack copied from team-cluster."""
    text = (ROOT / "Pulumi.team-cluster.yaml").read_text()
    path = folder / "Pulumi.mine.yaml"
    path.write_text(text.replace("organization/eks-pod-identity/identities", f"organization/eks-pod-identity/{referenced}"))
    return path


@pytest.mark.skipif(GIT is None, reason="no git")
def test_the_suite_runs_exactly_the_stack_files_git_tracks():
    done = subprocess.run(["git", "-C", str(ROOT), "ls-files", "Pulumi.*.yaml"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip("not a git checkout")
    assert STACKS == sorted(n[len("Pulumi.") : -len(".yaml")] for n in done.stdout.split())


@pytest.mark.skipif(GIT is None, reason="no git")
def test_an_untracked_stack_file_is_not_a_committed_stack(tmp_path):
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.identities.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.identities.yaml"], check=True)
    own_copy_of_team_cluster(tmp_path)
    assert project.committed_stack_names(tmp_path) == ["dev", "identities"]
    assert project.stack_names(tmp_path) == ["dev", "identities", "mine"]


def test_outside_a_git_checkout_every_stack_file_counts(tmp_path):
    shutil.copy(ROOT / "Pulumi.dev.yaml", tmp_path / "Pulumi.dev.yaml")
    own_copy_of_team_cluster(tmp_path)
    assert stackfile.tracked_stack_names(tmp_path) is None
    assert project.committed_stack_names(tmp_path) == ["dev", "mine"]


def test_plan_of_a_stack_referencing_a_stack_with_no_file(tmp_path, capsys):
    assert cli.main(["plan", str(own_copy_of_team_cluster(tmp_path))]) == 1
    err = capsys.readouterr().err
    assert "roleFromStack names stack 'organization/eks-pod-identity/shared-ids', and there is no Pulumi.shared-ids.yaml here" in err
    assert "Traceback" not in err


def test_plan_of_a_copy_referencing_a_committed_stack_runs_it(tmp_path, capsys):
    assert cli.main(["plan", str(own_copy_of_team_cluster(tmp_path, referenced="identities"))]) == 0
    out = capsys.readouterr().out
    assert "team-cluster/default/aws-cli-sa  [aws:eks/podIdentityAssociation" in out
    assert "read, not created (waited for above):\n  organization/eks-pod-identity/identities  [pulumi:pulumi:StackReference]" in out


def test_a_stack_that_references_itself(tmp_path, capsys):
    path = own_copy_of_team_cluster(tmp_path, referenced="identities")
    selfref = path.rename(tmp_path / "Pulumi.identities.yaml")
    assert cli.main(["plan", str(selfref)]) == 1
    assert "a cycle of stack references (identities -> identities)" in capsys.readouterr().err


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
