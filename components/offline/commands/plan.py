"""What a stack would create: resources, IAM documents, manifests, outputs, critical path.

    eks-pod-identity plan STACK [--graph FILE]

Runs the program for `Pulumi.<STACK>.yaml` under mocks and prints the resource tree, each
resource's dependencies, every IAM document, every Kubernetes manifest, the stack outputs, the
critical path and who gets what. Values only AWS or Pulumi would know are placeholders in
angle brackets (offline/placeholders.py): <ACCOUNT>, name-<random>, <association ID>, ...
To see what a change to a stack file does, use `eks-pod-identity review`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pulumi
import yaml

from .. import critical_path
from ..harness import monitor, project, runner
from ..harness.runner import short_name as _short
from ..harness.stackfile import StackFileError
from ..placeholders import ADOPTED_VERSION, LEGEND, mark, recording
from ..review.iam_diff import IAM_DOCUMENT_KEYS
from . import BAD_INPUT, OK, access

SECRET_OUTPUTS = ("kubeconfigs", "sampleKubeconfig")


def shown_name(urn: str, by_urn: dict[str, monitor.Registration]) -> str:
    """The name the tree shows for a dependency: its own, or for a resource the program did not
    register (one inside a remote component, e.g. pulumi-eks's aws:eks/cluster:Cluster) the
    name of the registered component it belongs to."""
    if urn in by_urn:
        return by_urn[urn].name
    chain, name = urn.split("::")[2], _short(urn)
    if "$" in chain:
        owner_type = chain.rsplit("$", 2)[-2]
        owners = [r for r in by_urn.values() if r.type == owner_type and name.startswith(r.name)]
        if owners:
            return max(owners, key=lambda r: len(r.name)).name
    return name


def tree(result: runner.RunResult) -> list[str]:
    """Components and their children, each with what it waits for. What is waited for but was
    read rather than created (a StackReference) is listed at the end, so that every name the
    plan mentions is in the tree."""
    children: dict[str, list[monitor.Registration]] = {}
    for reg in result.registrations:
        children.setdefault(reg.parent, []).append(reg)
    by_urn = {r.urn: r for r in result.registrations}
    names = {r.name for r in result.registrations}
    roots = [r for r in result.registrations if r.parent not in by_urn]
    lines: list[str] = []
    read: dict[str, str] = {}

    def walk(reg: monitor.Registration, depth: int) -> None:
        deps = set()
        for urn in result.all_dependencies(reg):
            name = shown_name(urn, by_urn)
            deps.add(name)
            if name not in names:
                read[name] = urn.split("::")[2].rsplit("$", 1)[-1]
        deps.discard(reg.name)
        suffix = f"  <- {', '.join(sorted(deps))}" if deps else ""
        lines.append(f"{'  ' * depth}{reg.name}  [{reg.type}]{suffix}")
        for child in children.get(reg.urn, []):
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    if read:
        lines.append("read, not created (waited for above):")
        lines += [f"  {name}  [{type_}]" for name, type_ in sorted(read.items())]
    return lines


def iam_documents(result: runner.RunResult) -> list[tuple[str, Any]]:
    found = []
    for reg in result.registrations:
        if not reg.type.startswith(("aws:iam/", "aws:eks/podIdentityAssociation")):
            continue
        for key in IAM_DOCUMENT_KEYS:
            value = reg.inputs.get(key)
            if isinstance(value, str) and value.startswith("{"):
                found.append((f"{reg.name} ({reg.type.rsplit(':', 1)[-1]}.{key})", json.loads(value)))
    return found


def manifests(result: runner.RunResult) -> list[dict[str, Any]]:
    return [
        {k: reg.inputs[k] for k in ("apiVersion", "kind", "metadata", "spec") if k in reg.inputs}
        for reg in result.registrations
        if reg.custom and reg.type.startswith("kubernetes:")
    ]


def _integral(value: Any) -> Any:
    """Mocks carry numbers as floats; show 1 rather than 1.0."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _integral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral(v) for v in value]
    return value


def kind(reg: monitor.Registration) -> str:
    """What a registration is, for the resource count."""
    if reg.type.startswith("pulumi:providers:"):
        return "provider"
    if reg.custom:
        return "resource"
    return "remote component" if critical_path._is_node(reg) else "component"


def counts(result: runner.RunResult) -> list[str]:
    """The resource count: by kind in one line, then by type."""
    by_kind: dict[str, int] = {}
    by_type: dict[str, int] = {}
    for reg in result.registrations:
        by_kind[kind(reg)] = by_kind.get(kind(reg), 0) + 1
        by_type[reg.type] = by_type.get(reg.type, 0) + 1
    plural = {"resource": "resources", "remote component": "remote components", "provider": "providers", "component": "components"}
    summary = ", ".join(f"{by_kind[k]} {k if by_kind[k] == 1 else plural[k]}" for k in plural if by_kind.get(k))
    lines = [f"{len(result.registrations)} registered: {summary or 'nothing'}"]
    if by_kind.get("remote component"):
        lines.append(
            "(a remote component, e.g. pulumi-eks's cluster or awsx's VPC, creates further AWS resources "
            "inside its provider; they are not counted)"
        )
    lines += [f"  {n:4d}  {t}" for t, n in sorted(by_type.items(), key=lambda item: (-item[1], item[0]))]
    return lines


MERMAID_LEGEND = """\
  %% Dependency graph of stack '{stack}', from the offline plan (eks-pod-identity plan).
  %% An arrow A --> B: B waits for A (B starts once A is created).
  %% Shapes: [[double box]] a remote component (pulumi-eks, awsx) that creates AWS resources itself,
  %% [box] an AWS resource, (rounded box) a Kubernetes object, {{{{hexagon}}}} a proof (an association's probe Job);
  %% a thick red border marks the critical path. The legend subgraph shows each shape.
"""


def _node(node_id: str, reg: monitor.Registration) -> str:
    label = f"{reg.name}<br/><small>{reg.type}</small>"
    if not reg.custom:
        return f'{node_id}[["{label}"]]'
    if critical_path.kind(reg) == critical_path.PROBE:
        return f'{node_id}{{{{"{label}"}}}}'
    if reg.type.startswith("kubernetes:"):
        return f'{node_id}("{label}")'
    return f'{node_id}["{label}"]'


def mermaid(result: runner.RunResult, stack: str = "") -> str:
    """The dependency graph as a Mermaid flowchart, with a legend (comments and a subgraph)."""
    graph = critical_path.dependency_graph(result)
    by_urn = {r.urn: r for r in result.registrations}
    ids = {urn: f"r{i}" for i, urn in enumerate(graph)}
    on_path = [ids[r.urn] for r in critical_path.critical_path(result).path if r.urn in ids]
    lines = ["flowchart LR", MERMAID_LEGEND.format(stack=stack).rstrip("\n")]
    lines += [f"  {_node(ids[u], by_urn[u])}" for u in graph]
    lines += [f"  {ids[d]} --> {ids[u]}" for u, deps in graph.items() for d in sorted(deps) if d in ids]
    lines += ["  classDef critical stroke:#d00,stroke-width:3px"]
    if on_path:
        lines.append(f"  class {','.join(on_path)} critical")
    lines += [
        '  subgraph legend["Legend: A --> B means B waits for A"]',
        "    direction LR",
        '    legend_a[["remote component"]] --> legend_b["AWS resource"]',
        '    legend_c("Kubernetes object")',
        '    legend_d{{"proof"}}',
        '    legend_e["on the critical path"]:::critical',
        "  end",
    ]
    return "\n".join(lines) + "\n"


def graph_size(result: runner.RunResult) -> str:
    graph = critical_path.dependency_graph(result)
    edges = sum(1 for deps in graph.values() for d in deps if d in graph)
    return f"{len(graph)} node{'s' * (len(graph) != 1)}, {edges} edge{'s' * (edges != 1)}"


def adopted_versions(result: runner.RunResult, outputs: dict[str, Any]) -> dict[str, Any]:
    """clusterVersions with an adopted cluster's version (the mocks' guess) as a placeholder."""
    created = {r.inputs.get("name") for r in result.of_type("eks:index:Cluster")}
    versions = outputs.get("clusterVersions")
    if not isinstance(versions, dict):
        return outputs
    return {**outputs, "clusterVersions": {c: v if c in created else ADOPTED_VERSION for c, v in versions.items()}}


def render(stack: str, result: runner.RunResult, invented: set[str] | frozenset[str] = frozenset()) -> str:
    """The plan as text; `invented` holds the hashes the mocks made up (see `run`)."""
    out = [f"# Offline plan for stack '{stack}' (mocks: no AWS, no credentials)", LEGEND, ""]
    out += [
        f"## Resources: {counts(result)[0]}",
        "(indented under their component; <- what each waits for)",
        *tree(result),
        "",
        "### Count by type",
        *counts(result)[1:],
        "",
    ]
    out += ["## IAM documents"]
    for where, doc in iam_documents(result):
        out += [f"### {where}", json.dumps(doc, indent=2, sort_keys=True), ""]
    out += ["## Kubernetes manifests"]
    docs = manifests(result)
    out += [yaml.safe_dump_all([_integral(d) for d in docs], sort_keys=False).rstrip() if docs else "(none)", ""]
    outputs = adopted_versions(result, {k: ("[secret]" if k in SECRET_OUTPUTS else v) for k, v in result.outputs.items()})
    out += ["## Stack outputs", yaml.safe_dump(outputs, sort_keys=True).rstrip(), ""]
    out += ["## Critical path (typical create times, see docs/performance.md)", critical_path.critical_path(result).report(), ""]
    out += [access.render(result, access.reader(result), "Who gets what (each binding's role and its permissions)", depth=2)]
    return mark("\n".join(out), invented)


def run_recording(name: str, path: Path | None = None) -> tuple[runner.RunResult, set[str]]:
    """Run the stack under mocks, recording the hashes the mocks invent for `render`."""
    with recording() as invented:
        result = runner.run_stack(name, path=path)
    return result, invented


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("stack", help="stack name (reads Pulumi.<stack>.yaml), or the path of a stack file")
    parser.add_argument("--graph", metavar="FILE", help="also write the dependency graph as a Mermaid flowchart")


def run(args: argparse.Namespace) -> int:
    try:
        name, path = project.stack_argument(args.stack)
        result, invented = run_recording(name, path)
    except StackFileError as error:
        print("\n".join(f"error: {problem}" for problem in error.problems), file=sys.stderr)
        return BAD_INPUT
    except pulumi.RunError as error:  # refused as `pulumi up` would (ConfigError too)
        print(f"error: {error}", file=sys.stderr)
        return BAD_INPUT
    except Exception as error:  # noqa: BLE001 - reported in one line, never a traceback
        print(f"error: the program failed under mocks: {type(error).__name__}: {error}", file=sys.stderr)
        return BAD_INPUT
    print(render(name, result, invented))
    if args.graph:
        return write_graph(Path(args.graph), name, result, invented)
    return OK


def write_graph(path: Path, stack: str, result: runner.RunResult, invented: set[str]) -> int:
    """Write the Mermaid graph to `path` (its folder created if missing) and say so."""
    text = mark(mermaid(result, stack), invented)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    except OSError as error:
        print(f"error: --graph {path}: cannot write it: {error.strerror or error}", file=sys.stderr)
        return BAD_INPUT
    print(f"wrote {path} ({graph_size(result)})")
    return OK
