"""The program on disk: the stack files the suite runs (what git tracks), and the account a stack deploys to."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from eks_pod_identity.offline.harness import mocks, project, stackfile

from tests.helpers import ROOT, STACKS, own_copy_of_team_cluster

GIT = shutil.which("git")


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


def _config(**extra: str) -> dict[str, str]:
    identities = '[{"name": "a", "namespace": "n", "serviceAccount": "s", "roleArn": "arn:aws:iam::210987654321:role/r"}]'
    return {"aws:region": "eu-west-1", "eks-pod-identity:clusters": "[]", "eks-pod-identity:identities": identities, **extra}


def test_the_account_is_the_one_the_stacks_arns_name():
    assert project.account_for(_config()) == "210987654321"


def test_allowed_account_ids_win_over_what_the_arns_say_only_when_they_agree():
    assert project.account_for(_config(**{"aws:allowedAccountIds": '["210987654321", "111111111111"]'})) == "210987654321"
    with pytest.raises(stackfile.StackFileError, match="111111111111, 222222222222"):
        project.account_for(_config(**{"aws:allowedAccountIds": '["111111111111", "222222222222"]'}))


def test_nothing_naming_an_account_is_the_placeholder_and_a_flag_wins():
    assert project.account_for({"aws:region": "eu-west-1"}) == mocks.ACCOUNT
    with project.using(project.Program(ROOT), account="999999999999"):
        assert project.account_for(_config()) == "999999999999"


def test_a_program_is_found_where_the_cli_finds_it(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\nmain: app/\n")
    (tmp_path / "app").mkdir()
    deeper = tmp_path / "a" / "b"
    deeper.mkdir(parents=True)
    found = project.Program.find(deeper)
    assert found.root == tmp_path and found.main == tmp_path / "app" / "__main__.py"
    with pytest.raises(stackfile.StackFileError, match="no Pulumi.yaml here or in a folder above"):
        project.Program.find(tmp_path.parent / "elsewhere")
