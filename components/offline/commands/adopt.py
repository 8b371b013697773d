"""Adopt what already exists: hand-made associations and add-ons, imported into a stack.

    eks-pod-identity adopt STACK --from FILE [--from FILE ...] --out import.json
                           [--stack-name NAME] [--new-stack | --state FILE] [--leave-addons]

Reads what `aws eks list-pod-identity-associations`, `describe-pod-identity-association`
and `describe-addon` printed, runs the program for `Pulumi.<STACK>.yaml` under the tests'
mocks (no AWS, no credentials) with those add-ons marked as this stack's, and matches each
object to the resource the program registers for it: same type, name and parent. Writes a
`pulumi import --file` document whose parents are the URNs the engine gives the program's
components, and prints what to tag, what changes on the next `pulumi up` and what stays
hand-made. Without it, `pulumi up` on such a cluster fails with 409 on the first
association that already exists.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pulumi
import yaml

from ... import stack as config_module
from ...stack.identities import STACK_NAME
from .. import import_file
from ..adoption import Adoption, adopt, import_document
from ..harness import project
from ..harness.stackfile import StackFileError
from ..inputs import awsjson
from ..inputs.shapes import InputError
from . import BAD_INPUT, OK


def report(adoption: Adoption, out_path: str, document: dict[str, Any], notes: list[str]) -> str:
    """The summary for the user, in Markdown."""
    stack = adoption.stack
    lines = [f"# Adopting into stack '{stack}' (URNs urn:pulumi:{stack}::{config_module.PROJECT}::…)", ""]
    parents = sum(1 for e in document["resources"] if e.get("component"))
    count = len(document["resources"]) - parents
    lines += [
        f"## Import: {count} resource(s)" + (f" and {parents} parent component(s)" if parents else "") + f" written to {out_path}",
        "",
    ]
    if adoption.imports:
        lines += ["| resource | type | import ID | parent | read from |", "|---|---|---|---|---|"]
        for reg, import_id, source in adoption.imports:
            lines.append(f"| `{reg.name}` | `{reg.type}` | `{import_id}` | `{reg.parent.rsplit('::', 1)[-1]}` | {source} |")
    else:
        lines.append("Nothing in the files matches what the stack declares.")
    if any(e.get("component") for e in document["resources"]):
        lines += [
            "",
            (
                "Parents not yet in the stack are declared in the document as empty components "
                "(`component: true`, `logicalName`: a Pulumi CLI from 2024 on reads them); `pulumi up` fills them in."
            ),
        ]
    if document.get("nameTable"):
        lines += [
            "",
            "Parents named in `nameTable` by URN must already be in the stack (`pulumi stack --show-urns "
            "--stack " + stack + "`); the engine refuses an unknown parent. For a stack never deployed, run "
            "this again with `--new-stack`, or give `--state` a `pulumi stack export`.",
        ]
    if adoption.tag_commands:
        lines += [
            "",
            "## First, tag the add-ons as this stack's",
            "",
            "The program manages an add-on on an adopted cluster only when it carries the stack's owner tags:",
            "",
            "```sh",
            *adoption.tag_commands,
            "```",
        ]
    lines += [
        "",
        "## Then import, and check",
        "",
        "```sh",
        f"pulumi import --stack {stack} --file {out_path} --protect=false --generate-code=false",
        f"pulumi preview --stack {stack}   # no create for the imported resources",
        "```",
        "",
        (
            "`--generate-code=false`: the program already declares them. The preview still shows in-place updates: "
            "the stack's tags on every imported resource, and what is listed below."
        ),
    ]
    if adoption.attention:
        lines += ["", "## What the next `pulumi up` changes, and what to check", "", *[f"- {n}" for n in adoption.attention]]
    lines += ["", "## Left as they are (not in the stack)", ""]
    if adoption.unmanaged:
        lines += ["| object | cluster | why |", "|---|---|---|", *[f"| {o} | {c} | {w} |" for o, c, w in adoption.unmanaged]]
    else:
        lines.append("Nothing: every object in the files is imported.")
    if adoption.to_create:
        lines += [
            "",
            "## Not found in the files: `pulumi up` creates them",
            "",
            *[f"- `{r.name}` ({r.type.rsplit(':', 1)[-1]})" for r in adoption.to_create],
            "",
            "If one of them exists, add its describe output and run this again: creating it would fail (409 / ResourceInUse).",
        ]
    if notes:
        lines += ["", "## Notes on the inputs", "", *[f"- {n}" for n in notes]]
    return "\n".join(lines) + "\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("stack", help="stack name (reads Pulumi.<stack>.yaml), or the path of a stack file")
    parser.add_argument(
        "--from",
        dest="inputs",
        action="append",
        required=True,
        metavar="FILE",
        help="AWS CLI output: list/describe-pod-identity-association(s), describe-addon (repeatable)",
    )
    parser.add_argument("--out", required=True, metavar="FILE", help="where to write the pulumi import document")
    parser.add_argument(
        "--stack-name",
        help="the Pulumi stack's name when it differs from the file's, e.g. "
        "organization/eks-pod-identity/prod (URNs and tags use its last part)",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--new-stack", action="store_true", help="the stack was never deployed: declare the parent components too")
    where.add_argument("--state", metavar="FILE", help="`pulumi stack export` output: parents and resources already there are known")
    parser.add_argument("--leave-addons", action="store_true", help="import associations only; add-ons stay with whoever installed them")


def run(args: argparse.Namespace) -> int:
    if args.stack_name is not None and not STACK_NAME.fullmatch(args.stack_name):
        print(
            f"error: --stack-name {args.stack_name!r} is not a Pulumi stack name: [ORG/[PROJECT/]]STACK, each part "
            "letters, digits, '_', '.' or '-'",
            file=sys.stderr,
        )
        return BAD_INPUT
    try:
        name, path = project.stack_argument(args.stack)
    except StackFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return BAD_INPUT
    stack = project.stack_of(args.stack_name or name)
    try:
        found = awsjson.read(args.inputs)
        wrong = [r.source for r in found.roles] + [s.source for s in found.service_accounts] + [w.source for w in found.workloads]
        if wrong:
            raise InputError(
                f"{wrong[0]}: IAM roles and Kubernetes objects are read by `eks-pod-identity migrate-irsa`, not "
                "here; adopt reads associations and add-ons"
            )
        if not found.associations and not found.addons:
            raise InputError(f"{', '.join(args.inputs)}: no association nor add-on found")
        existing = import_file.state_urns(args.state) if args.state else None
        adoption = adopt(name, found, stack, path, args.leave_addons, existing, args.new_stack)
    except (InputError, pulumi.RunError, yaml.YAMLError) as error:
        print(f"error: {error}", file=sys.stderr)
        return BAD_INPUT
    document = import_document(adoption, existing, args.new_stack)
    if not any(not e.get("component") for e in document["resources"]):
        return _nothing_to_import(adoption, existing)
    try:
        Path(args.out).write_text(json.dumps(document, indent=2) + "\n")
    except OSError as error:
        print(f"error: cannot write {args.out}: {error}", file=sys.stderr)
        return BAD_INPUT
    print(report(adoption, args.out, document, found.notes), end="")
    return OK


def _nothing_to_import(adoption: Adoption, existing: set[str] | None) -> int:
    """No import file when there is nothing to import: done if the state holds every match,
    else the files do not match the stack, which is said with each object's reason."""
    if adoption.imports:
        print(f"Nothing to import: the stack's state (--state) holds all {len(adoption.imports)} matched object(s) already.")
        return OK
    reasons = "\n".join(f"  - {o} on {c}: {w}" for o, c, w in adoption.unmanaged)
    print(
        f"error: nothing to import into stack {adoption.stack!r}: no object of the files is one the stack declares; "
        f"no import file written\n{reasons}",
        file=sys.stderr,
    )
    return BAD_INPUT
