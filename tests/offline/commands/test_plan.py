"""The offline plan: every stack plans without AWS, with every section, a graph file and no
invented value shown as real."""

from __future__ import annotations

import re

import pytest
import yaml
from eks_pod_identity import cli
from eks_pod_identity.offline.commands import plan

from tests.helpers import ROOT, STACKS


@pytest.mark.parametrize("stack", STACKS)
def test_plan_prints_every_section_for_every_stack(stack, planned):
    out, graph, _ = planned[stack]
    for section in ("## Resources", "## IAM documents", "## Kubernetes manifests", "## Stack outputs", "## Critical path"):
        assert section in out
    assert "123456789012" not in out, "the mocks' account is shown as a placeholder"
    assert graph.startswith("flowchart LR")


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
    assert kinds == ["ServiceAccount", "Job", "Deployment"], "the probe Job proves the association before the Deployment"
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


def test_the_readme_quotes_the_dev_graph_line(planned, stack_runs):
    readme = (ROOT / "README.md").read_text()
    assert f"wrote plan-out/dev.mmd ({plan.graph_size(stack_runs['dev'])})" in readme


def test_graph_into_a_missing_folder_creates_it(tmp_path, capsys):
    graph = tmp_path / "a" / "b" / "identities.mmd"
    assert cli.main(["plan", "identities", "--graph", str(graph)]) == 0
    assert graph.is_file() and f"wrote {graph} (2 nodes, 1 edge)" in capsys.readouterr().out


@pytest.mark.parametrize("where", ["under a file", "a folder"])
def test_graph_that_cannot_be_written(where, tmp_path, capsys):
    (tmp_path / "file").write_text("")
    graph = tmp_path / "file" / "g.mmd" if where == "under a file" else tmp_path
    assert cli.main(["plan", "identities", "--graph", str(graph)]) == 1
    assert f"error: --graph {graph}: cannot write it" in capsys.readouterr().err


@pytest.mark.parametrize("stack", ["prod", "team-cluster"])
def test_the_offline_plan_has_a_who_gets_what_section(stack, stack_runs):
    from eks_pod_identity.offline.commands import plan

    text = plan.render(stack, stack_runs[stack])
    section = text.split("## Who gets what")[1]
    assert "| cluster | namespace | service account |" in section and "#### role: `arn:aws:iam::<ACCOUNT>:role/s3-reader-role-" in section
    assert "AmazonS3ReadOnlyAccess (AWS managed)" in section, "team-cluster's role is read from the identities stack"
