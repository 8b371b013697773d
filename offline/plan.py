"""Offline plan: what a stack would create, without credentials or network.

    python -m offline.plan dev [--graph plan.mmd]
    python -m offline.plan dev --against plan-out/base.yaml [--accept HAZARD-ID ...]

Runs the program for `Pulumi.<stack>.yaml` under the tests' mocks and prints the resource
tree, each resource's dependencies, every IAM document, every Kubernetes manifest, the stack
outputs and the critical path. Values only AWS would know are placeholders: the account is
shown as <ACCOUNT> and generated IDs and names carry "mock".

With `--against OLD` it reviews the change from OLD to the stack instead (offline/review.py):
what `pulumi up` would create, update, replace and delete, IAM changes per statement, and
hazards; it exits 3 while a hazard is not accepted with `--accept`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from components.config import ConfigError

from . import access, critical_path, mocks, runner

IAM_DOCUMENT_KEYS = ("assumeRolePolicy", "policy")
SECRET_OUTPUTS = ("kubeconfigs", "sampleKubeconfig")


def placeholders(text: str) -> str:
    return text.replace(mocks.ACCOUNT, "<ACCOUNT>")


def _short(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def tree(result: runner.RunResult) -> list[str]:
    children: dict[str, list[runner.Registration]] = {}
    for reg in result.registrations:
        children.setdefault(reg.parent, []).append(reg)
    roots = [r for r in result.registrations if r.parent not in {x.urn for x in result.registrations}]
    lines: list[str] = []

    def walk(reg: runner.Registration, depth: int) -> None:
        deps = sorted({_short(d) for d in result.all_dependencies(reg)})
        suffix = f"  <- {', '.join(deps)}" if deps else ""
        lines.append(f"{'  ' * depth}{reg.name}  [{reg.type}]{suffix}")
        for child in children.get(reg.urn, []):
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
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


def mermaid(result: runner.RunResult) -> str:
    graph = critical_path.dependency_graph(result)
    by_urn = {r.urn: r for r in result.registrations}
    ids = {urn: f"r{i}" for i, urn in enumerate(graph)}
    lines = ["flowchart LR"]
    lines += [f'  {ids[u]}["{by_urn[u].name}<br/><small>{by_urn[u].type}</small>"]' for u in graph]
    lines += [f"  {ids[d]} --> {ids[u]}" for u, deps in graph.items() for d in sorted(deps) if d in ids]
    return "\n".join(lines) + "\n"


def render(stack: str, result: runner.RunResult) -> str:
    out = [f"# Offline plan for stack '{stack}' (mocks: no AWS, no credentials)",
           "# Placeholders: <ACCOUNT> is the AWS account; names and IDs containing 'mock' are assigned by AWS.", ""]
    out += ["## Resources (indented under their component; <- what each waits for)", *tree(result), ""]
    out += ["## IAM documents"]
    for where, doc in iam_documents(result):
        out += [f"### {where}", json.dumps(doc, indent=2, sort_keys=True), ""]
    out += ["## Kubernetes manifests"]
    docs = manifests(result)
    out += [yaml.safe_dump_all([_integral(d) for d in docs], sort_keys=False).rstrip() if docs else "(none)", ""]
    outputs = {k: ("[secret]" if k in SECRET_OUTPUTS else v) for k, v in result.outputs.items()}
    out += ["## Stack outputs", yaml.safe_dump(outputs, sort_keys=True).rstrip(), ""]
    out += ["## Critical path (typical create times, see docs/performance.md)", critical_path.critical_path(result).report(), ""]
    out += [access.render(result, access.committed_stack, "Who gets what (each binding's role and its permissions)", depth=2)]
    return placeholders("\n".join(out))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m offline.plan", description=__doc__.split("\n\n")[0])
    parser.add_argument("stack", help="stack name (reads Pulumi.<stack>.yaml), or the path of a stack file")
    parser.add_argument("--graph", metavar="FILE", help="also write the dependency graph as a Mermaid flowchart")
    parser.add_argument("--against", metavar="OLD",
                        help="review the change from OLD (a stack name or stack file) to this stack instead of planning it")
    parser.add_argument("--accept", metavar="HAZARD-ID", action="append", default=[],
                        help="with --against: a hazard reviewed and accepted (repeatable; shell-style * wildcards)")
    parser.add_argument("--accept-file", metavar="FILE", action="append", default=[],
                        help="with --against: a file of accepted hazard IDs, one a line (# comments)")
    args = parser.parse_args(argv)
    if args.against is not None:
        from . import review

        return review.main(args.stack, args.against, args.accept, args.accept_file)
    if args.accept or args.accept_file:
        parser.error("--accept and --accept-file need --against")
    path = Path(args.stack) if args.stack.endswith((".yaml", ".yml")) else None
    name = path.name.removeprefix("Pulumi.").rsplit(".", 1)[0] if path else args.stack
    if path is None and name not in runner.stack_names():
        print(f"no Pulumi.{name}.yaml; stacks: {', '.join(runner.stack_names())}", file=sys.stderr)
        return 2
    try:
        result = runner.run_stack(name, path=path)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(render(name, result))
    if args.graph:
        with open(args.graph, "w") as handle:
            handle.write(mermaid(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
