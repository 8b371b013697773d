"""Who gets what: per binding, cluster / namespace / service account -> role -> its permissions.

    eks-pod-identity access STACK [--json]

Runs the program for `Pulumi.<STACK>.yaml` under the tests' mocks and reads, from what it
registers, every permission a pod bound by the stack receives: managed policies by name,
the catalog entries and inline statements grouped by service with their resources, the
association's session policy and target role, with flags for what an audit looks at first.
Markdown, so it renders in a pull request. An IRSA cluster cannot answer "which service
account can do what" without scripts (seed 003); here the stack's own record answers it.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import asdict

import pulumi
import yaml

from ...arn import account_of, name_of
from ...identity.trust import target_trust_policy
from ..grants import FLAGS, Binding, OtherStack, RoleAccess, Statement, bindings
from ..harness import project, runner
from ..inputs.irsa import external_id_lookups, placeholder, update_command
from ..placeholders import mark, recording
from . import BAD_INPUT, OK


def _cell(values: Iterable[str]) -> str:
    return "<br>".join(v.replace("|", "\\|") for v in values) or "—"


def _table(stmts: list[Statement]) -> list[str]:
    rows = ["| from | effect | service | actions | resources | conditions |", "|---|---|---|---|---|---|"]
    for s in stmts:
        for service, actions in s.services.items():
            rows.append(f"| {s.source} | {s.effect} | {service} | {_cell(actions)} | {_cell(s.resources)} | {_cell(s.conditions)} |")
    return rows


def _role_lines(label: str, r: RoleAccess, bound: list[str], heading: str) -> list[str]:
    lines = [
        f"{heading} {label}: `{r.arn}`",
        "",
        f"- managed by: {r.managed_by}",
        f"- bound to: {', '.join(bound)}",
        f"- managed policies: {', '.join(r.managed_policies) or '—'}",
        f"- policies created for it (catalog entries): {', '.join(dict.fromkeys(re.sub(r'-[0-9]+$', '', c) for c in r.catalog)) or '—'}",
    ]
    lines += [f"- permissions boundary: `{r.boundary}`"] if r.boundary else []
    lines.append("")
    if r.statements:
        lines += [*_table(r.statements), ""]
    elif r.managed_by == "outside this stack" or r.managed_by.endswith("(not run here)"):
        lines += [
            (
                "Its policies are not in this stack: run this report on the stack that owns it, or "
                f"`aws iam list-attached-role-policies --role-name {r.name}` and `list-role-policies`."
            ),
            "",
        ]
    return lines


def _target_trust_lines(target: str, chained: list[Binding], heading: str) -> list[str]:
    """The trust an existing target role (`targetRole.arn`) needs, which this stack cannot set: its
    association roles may assume it, each association with its external ID (identity.trust
    target_trust_policy, what a created target role gets)."""
    variables = {b.key: f"EXTERNAL_ID_{i + 1}" for i, b in enumerate(chained)}
    doc = target_trust_policy(sorted({b.role.arn for b in chained}), [placeholder(v) for v in variables.values()])
    lookups = external_id_lookups([(b.cluster, b.namespace, b.service_account, variables[b.key]) for b in chained])
    account = account_of(target) or "the target account"
    return [
        f"{heading} The trust target role `{name_of(target)}` needs",
        "",
        (
            "This stack does not manage the role, and EKS chains into it only when its trust admits the association "
            "role with each association's external ID. After `pulumi up` made the associations, read the IDs with the "
            f"cluster account's credentials, then update the trust with account {account}'s (e.g. another AWS_PROFILE):"
        ),
        "",
        "```sh",
        *lookups,
        update_command(name_of(target), doc),
        "```",
        "",
    ]


def render(result: runner.RunResult, other_stack: OtherStack | None = None, title: str | None = None, depth: int = 1) -> str:
    """The report in Markdown; `depth` is the level of its title (2 inside the offline plan)."""
    found = bindings(result, other_stack)
    lines = [f"{'#' * depth} {title}", ""] if title else []
    if not found:
        return "\n".join([*lines, "No binding: no pod gets a role from this stack."]) + "\n"
    lines += ["| cluster | namespace | service account | role (pods run as) | identity | flags |", "|---|---|---|---|---|---|"]
    for b in found:
        runs = f"`{(b.target or b.role).name}`" + (f" via `{b.role.name}`" if b.target else "")
        via = b.identity + (f" (add-on {b.addon})" if b.addon else "")
        lines.append(
            f"| {b.cluster} | {b.namespace} | {b.service_account} | {runs} | {via} | {', '.join(f'**{f}**' for f in b.flags) or '—'} |"
        )
    used = [f for f in FLAGS if any(f in b.flags for b in found)]
    lines += ["", *([f"- **{f}**: {FLAGS[f]}" for f in used] + [""] if used else []), f"{'#' * (depth + 1)} Roles", ""]
    roles: dict[tuple[str, str], tuple[RoleAccess, list[str]]] = {}
    for b in found:
        roles.setdefault(("role", b.role.arn), (b.role, []))[1].append(b.key)
        if b.target:
            roles.setdefault(("target role", b.target.arn), (b.target, []))[1].append(b.key)
    for (label, _), (r, bound) in roles.items():
        lines += _role_lines(label, r, bound, "#" * (depth + 2))
    for target in dict.fromkeys(b.target.arn for b in found if b.target and b.target.managed_by == "outside this stack"):
        lines += _target_trust_lines(target, [b for b in found if b.target and b.target.arn == target], "#" * (depth + 2))
    for b in (b for b in found if b.session_policy):
        lines += [
            f"{'#' * (depth + 2)} Session policy of {b.key}",
            "",
            "The association narrows the role: pods get the intersection of the role's permissions and this.",
            "",
            *_table(b.session_policy),
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


@functools.cache
def committed_stack(reference: str) -> runner.RunResult | None:
    """A committed stack file's run, for a StackReference `<org>/<project>/<name>` to it."""
    short = project.stack_of(reference)
    return runner.run_stack(short) if short in project.stack_names() else None


def reader(result: runner.RunResult) -> OtherStack:
    """Where the stacks `result` references are read: the runs its StackReferences already
    made (runner.run_stack keeps them), else the committed stack file's own run."""
    return lambda reference: result.referenced.get(reference) or committed_stack(reference)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("stack", help="stack name (reads Pulumi.<stack>.yaml), or the path of a stack file")
    parser.add_argument("--json", action="store_true", help="print the bindings as JSON instead of Markdown")


def run(args: argparse.Namespace) -> int:
    try:
        name, path = project.stack_argument(args.stack)
        with recording() as invented:
            result = runner.run_stack(name, path=path)
        if args.json:
            text = json.dumps([{**asdict(b), "key": b.key} for b in bindings(result, reader(result))], indent=2) + "\n"
        else:
            text = render(result, reader(result), title=f"Who gets what: stack '{name}' (offline; <ACCOUNT> is the stack's AWS account)")
    except (pulumi.RunError, ValueError, yaml.YAMLError) as error:
        print(f"error: {error}", file=sys.stderr)
        return BAD_INPUT
    print(mark(text, invented), end="")
    return OK
