"""The offline plan and the critical path: every stack plans without AWS, and the graph keeps
IAM and associations off the critical path (asserted on the graph's shape, not on times)."""

from __future__ import annotations

import contextlib
import io
import re

import pytest
import yaml
from eks_pod_identity import cli
from eks_pod_identity.offline import critical_path as cp
from eks_pod_identity.offline import placeholders
from eks_pod_identity.offline.commands import plan
from eks_pod_identity.offline.harness import mocks, runner

from .conftest import ROOT, STACKS

SLOW = ("eks:index:Cluster", "eks:index:ManagedNodeGroup", "aws:eks/addon:Addon")
POD_IAM = (
    "aws:iam/role:Role",
    "aws:iam/policy:Policy",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
)


@pytest.fixture(scope="module")
def planned(tmp_path_factory) -> dict[str, tuple[str, str, set[str]]]:
    """Each committed stack through the command, once: (stdout, Mermaid file, invented hashes)."""
    found = {}
    for stack in STACKS:
        graph = tmp_path_factory.mktemp("plan") / "out" / f"{stack}.mmd"
        stdout = io.StringIO()
        with contextlib.redirect_stdout(stdout):
            assert cli.main(["plan", stack, "--graph", str(graph)]) == 0
        with placeholders.recording() as invented:
            runner.run_stack(stack)
        found[stack] = (stdout.getvalue(), graph.read_text(), invented)
    return found


@pytest.mark.parametrize("stack", STACKS)
def test_plan_prints_every_section_for_every_stack(stack, planned):
    out, graph, _ = planned[stack]
    for section in ("## Resources", "## IAM documents", "## Kubernetes manifests", "## Stack outputs", "## Critical path"):
        assert section in out
    assert "123456789012" not in out, "the mocks' account is shown as a placeholder"
    assert graph.startswith("flowchart LR")


@pytest.mark.parametrize("stack", STACKS)
def test_every_invented_value_is_a_placeholder(stack, planned):
    out, graph, invented = planned[stack]
    body = "\n".join(line for line in out.splitlines() if not line.startswith("#"))
    assert invented, "the mocks invented names or IDs"
    for text in (body, graph):
        assert "mock" not in text.lower(), [line for line in text.splitlines() if "mock" in line.lower()][:3]
        assert not [h for h in invented if h in text], "an invented hash is shown as if real"
        assert mocks.ACCOUNT not in text
        assert mocks.AGENT_VERSION not in text and mocks.OTHER_ADDON_VERSION not in text


def test_the_placeholders_read_as_what_they_stand_for(planned):
    dev = planned["dev"][0]
    assert "role/s3-reader-role-<random>" in dev and "eks-pod-identity/association-id: <association ID>" in dev
    assert "pod-identity-dev: <agent version (newest)>" in dev and "deploy/sample-deployment-<random>" in dev
    assert "clusterVersions:\n  pod-identity-dev: '1.35'" in dev, "a created cluster's version is the config's"
    prod = yaml.safe_load(planned["prod"][0].split("## Stack outputs")[1].split("## Critical path")[0])
    assert set(prod["clusterVersions"].values()) == {placeholders.ADOPTED_VERSION}
    assert "<ACCOUNT>" in placeholders.LEGEND and "<random>" in placeholders.LEGEND


def test_a_users_hex_name_is_not_taken_for_an_invented_one():
    text = "arn:aws:iam::111122223333:role/app-1234567 and sample-deployment-mockabcdef12"
    assert placeholders.mark(text, {"abcdef12"}) == "arn:aws:iam::111122223333:role/app-1234567 and sample-deployment-<random>"


def tree_names(out: str) -> set[str]:
    part = out.split("## Resources")[1].split("### Count by type")[0]
    return {line.split("  [")[0].strip() for line in part.splitlines()[2:] if "  [" in line}


@pytest.mark.parametrize("stack", STACKS)
def test_every_resource_the_plan_names_is_in_the_tree(stack, planned):
    out, graph, _ = planned[stack]
    names = tree_names(out)
    resources = out.split("## Resources")[1].split("### Count by type")[0]
    waited = {d for line in resources.splitlines() if "  <- " in line for d in line.split("  <- ")[1].split(", ")}
    assert waited <= names
    path = out.split("## Critical path")[1]
    on_path = {m.group(1) for m in re.finditer(r"^\s+\d+ s\s+\+\s*\d+ s\s+\S+\s+(.+)$", path, re.MULTILINE)}
    assert on_path and on_path <= names
    documents = {m.group(1) for m in re.finditer(r"^### (.+) \(\w+\.\w+\)$", out, re.MULTILINE)}
    assert documents <= names
    nodes = {m.group(1) for m in re.finditer(r'^  r\d+[\[({]+"(.+?)<br/>', graph, re.MULTILINE)}
    assert nodes and nodes <= names


@pytest.mark.parametrize("stack", STACKS)
def test_the_resource_count(stack, planned, stack_runs):
    out = planned[stack][0]
    regs = stack_runs[stack].registrations
    headline = out.split("## Resources: ")[1].splitlines()[0]
    assert headline.startswith(f"{len(regs)} registered: ")
    assert sum(int(n) for n in re.findall(r"(\d+) (?:resource|remote component|provider|component)", headline)) == len(regs)
    by_type = out.split("### Count by type")[1].split("## IAM documents")[0]
    counts = {line.split()[1]: int(line.split()[0]) for line in by_type.splitlines() if line.strip()[:1].isdigit()}
    assert counts == {t: sum(r.type == t for r in regs) for t in {r.type for r in regs}}


@pytest.mark.parametrize("stack", STACKS)
def test_the_graph_file_is_said_and_has_a_legend(stack, planned):
    out, graph, _ = planned[stack]
    nodes = len(re.findall(r"^  r\d+[\[({]", graph, re.MULTILINE))
    edges = len(re.findall(r"^  r\d+ --> r\d+$", graph, re.MULTILINE))
    said = re.search(r"^wrote (\S+) \((\d+) nodes?, (\d+) edges?\)$", out, re.MULTILINE)
    assert said and said.group(1).endswith(f"out/{stack}.mmd") and (int(said.group(2)), int(said.group(3))) == (nodes, edges)
    assert "%% An arrow A --> B: B waits for A" in graph and 'subgraph legend["Legend' in graph
    assert re.search(r"^  class (r\d+,)*r\d+ critical$", graph, re.MULTILINE), "the critical path is marked"


def test_plan_shows_documents_manifests_and_hides_secrets(stack_runs):
    text = plan.render("dev", stack_runs["dev"])
    assert '"pods.eks.amazonaws.com"' in text and "<ACCOUNT>" in text
    manifests_part = text.split("## Kubernetes manifests")[1].split("## Stack outputs")[0]
    kinds = [d["kind"] for d in yaml.safe_load_all(manifests_part) if d]
    assert kinds == ["ServiceAccount", "Deployment"]
    outputs = yaml.safe_load(text.split("## Stack outputs")[1].split("## Critical path")[0])
    assert outputs["kubeconfigs"] == "[secret]" and outputs["sampleKubeconfig"] == "[secret]"


def test_plan_of_a_bad_stack_file_prints_the_config_errors(tmp_path, capsys):
    bad = tmp_path / "Pulumi.bad.yaml"
    bad.write_text(yaml.safe_dump({"config": {"aws:region": "us-east-1", "eks-pod-identity:clusters": [{"name": "c", "version": "1.20"}]}}))
    assert cli.main(["plan", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "eks-pod-identity:clusters[0].version = '1.20'" in err and "nothing was created" in err


def test_plan_refuses_an_unknown_stack(capsys):
    assert cli.main(["plan", "nope"]) == 1
    assert "no stack file Pulumi.nope.yaml" in capsys.readouterr().err


def pod_iam(result: runner.RunResult) -> set[str]:
    """URNs of the IAM resources inside PodIdentityRole components."""
    return {
        r.urn
        for r in result.registrations
        if r.type in POD_IAM and any(a.type == "eks-pod-identity:index:PodIdentityRole" for a in result.ancestors(r))
    }


@pytest.mark.parametrize("stack", STACKS)
def test_pod_iam_and_associations_wait_for_no_slow_resource(stack, stack_runs):
    result = stack_runs[stack]
    graph = cp.dependency_graph(result)
    by_urn = {r.urn: r for r in result.registrations}
    associations = {r.urn for r in result.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")}
    for urn in pod_iam(result) | associations:
        # An association needs its cluster to exist, nothing slower; a role needs nothing at all.
        allowed = ("eks:index:Cluster",) if urn in associations else ()
        slow = [by_urn[u].type for u in cp.upstream(graph, urn) if by_urn[u].type in SLOW and by_urn[u].type not in allowed]
        assert slow == [], f"{by_urn[urn].name} waits for {slow}"


@pytest.mark.parametrize("stack", STACKS)
def test_critical_path_holds_no_pod_iam_nor_association(stack, stack_runs):
    """Where the stack creates a cluster, IAM and associations are made while it comes up.
    (On adopted clusters they are the path: role, association, propagation wait, pod.)"""
    result = stack_runs[stack]
    if not result.of_type("eks:index:Cluster"):
        pytest.skip("no cluster created here")
    on_path = {r.urn for r in cp.critical_path(result).path}
    assert not on_path & pod_iam(result)
    assert not [r for r in result.registrations if r.urn in on_path and r.type.startswith("aws:eks/podIdentityAssociation")]


@pytest.mark.parametrize("stack", STACKS)
def test_workloads_wait_for_agent_and_association(stack, stack_runs):
    result = stack_runs[stack]
    graph = cp.dependency_graph(result)
    for reg in result.registrations:
        if reg.type in ("kubernetes:apps/v1:Deployment", "kubernetes:batch/v1:Job"):
            types = {r.type for r in result.registrations if r.urn in cp.upstream(graph, reg.urn)}
            assert {"aws:eks/podIdentityAssociation:PodIdentityAssociation", "time:index/sleep:Sleep"} <= types
            cluster = result.by_urn(reg.provider.rsplit("::", 1)[0]).inputs["clusterIdentifier"]
            agents = [
                a.urn
                for a in result.of_type("aws:eks/addon:Addon")
                if a.inputs["addonName"] == "eks-pod-identity-agent" and a.inputs["clusterName"] == cluster
            ]
            assert set(agents) <= cp.upstream(graph, reg.urn), "a managed agent comes before the pod"


def test_dev_critical_path_is_the_floor(stack_runs):
    path = cp.critical_path(stack_runs["dev"])
    assert [r.type for r in path.path] == [
        "awsx:ec2:Vpc",
        "eks:index:Cluster",
        "eks:index:ManagedNodeGroup",
        "aws:eks/addon:Addon",
        "kubernetes:apps/v1:Deployment",
    ]
    assert path.total == path.floor < path.manual
    assert "critical path" in path.report()


def test_every_typical_time_has_a_source():
    assert all(source for _, source in cp.TYPICAL_SECONDS.values())


def test_the_shape_checks_see_the_roles(stack_runs):
    assert len(pod_iam(stack_runs["dev"])) == 2 and len(pod_iam(stack_runs["fleet"])) > 20


def test_the_readme_quotes_the_dev_graph_line(planned, stack_runs):
    readme = (ROOT / "README.md").read_text()
    assert f"wrote plan-out/dev.mmd ({plan.graph_size(stack_runs['dev'])})" in readme


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
