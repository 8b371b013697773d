"""The offline runner: the engine's URNs and its refusals (a URN twice), the committed stacks
(what git tracks), and the stacks a stack references, run once and kept with its run."""

from __future__ import annotations

import shutil
import subprocess

import pulumi
import pulumi_aws as aws
import pytest
from eks_pod_identity import cli
from eks_pod_identity.offline.harness import runner, stackfile

from tests.helpers import ROOT, STACKS, own_copy_of_team_cluster


def test_the_offline_monitor_refuses_a_urn_twice_as_the_engine_does():
    def program():
        aws.iam.Role("same", assume_role_policy="{}")
        aws.iam.Role("same", assume_role_policy="{}")

    result = runner.run({"aws:region": "us-east-1"}, program=program, raise_errors=False)
    assert isinstance(result.error, runner.DuplicateUrnError)
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
    assert isinstance(result.error, runner.DuplicateAliasError)
    assert "aws:iam/role:Role::old" in str(result.error)


def test_the_offline_monitor_gives_the_engines_urns():
    def program():
        parent = pulumi.ComponentResource("a:index:Outer", "outer")
        inner = pulumi.ComponentResource("a:index:Inner", "inner", opts=pulumi.ResourceOptions(parent=parent))
        aws.iam.Role("leaf", assume_role_policy="{}", opts=pulumi.ResourceOptions(parent=inner))

    result = runner.run({"aws:region": "us-east-1"}, program=program)
    assert result.named("outer").urn == "urn:pulumi:test::eks-pod-identity::a:index:Outer::outer"
    assert result.named("leaf").urn == "urn:pulumi:test::eks-pod-identity::a:index:Outer$a:index:Inner$aws:iam/role:Role::leaf"


# --- the committed stacks, and stack files of one's own ------------------------------------------


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
    assert runner.committed_stack_names(tmp_path) == ["dev", "identities"]
    assert runner.stack_names(tmp_path) == ["dev", "identities", "mine"]


def test_outside_a_git_checkout_every_stack_file_counts(tmp_path):
    shutil.copy(ROOT / "Pulumi.dev.yaml", tmp_path / "Pulumi.dev.yaml")
    own_copy_of_team_cluster(tmp_path)
    assert stackfile.tracked_stack_names(tmp_path) is None
    assert runner.committed_stack_names(tmp_path) == ["dev", "mine"]


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


# --- referenced stacks, run once ------------------------------------------------------------------


def test_a_referenced_stack_runs_once_per_command(monkeypatch, capsys):
    """`plan team-cluster` reads the identities stack twice (its outputs for the StackReference,
    its bindings for "Who gets what"): the run made for the reference serves both."""
    runs: list[str] = []
    real_run = runner.run

    def counting(*args, **kwargs):
        runs.append(kwargs.get("stack", "test"))
        return real_run(*args, **kwargs)

    monkeypatch.setattr(runner, "run", counting)
    for _ in range(2):
        assert cli.main(["plan", "team-cluster"]) == 0
        out = capsys.readouterr().out
        assert "## Who gets what" in out and "<random>" in out
    assert runs == ["identities", "team-cluster"] * 2


def test_a_run_keeps_the_runs_of_the_stacks_it_references():
    result = runner.run_stack("team-cluster")
    (ref,) = result.referenced
    assert ref == "organization/eks-pod-identity/identities"
    (association,) = result.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert association.inputs["roleArn"] == result.referenced[ref].outputs["roleArns"]["s3-reader"], "the run it read"
    given = runner.run_stack("team-cluster", stack_outputs={ref: result.referenced[ref].outputs})
    assert given.referenced == {}, "outputs given by the caller: nothing was run here"
