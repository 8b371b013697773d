"""The offline runner: the engine's URNs and its refusals (a URN twice), the committed stacks
(what git tracks), and the stacks a stack references, run once and kept with its run."""

from __future__ import annotations

from eks_pod_identity import cli
from eks_pod_identity.offline.harness import runner

from tests.helpers import own_copy_of_team_cluster

# --- the committed stacks, and stack files of one's own ------------------------------------------


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
