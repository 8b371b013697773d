"""What a stack-file change does: creates, updates, replacements, deletes, IAM diffs, hazards.

    eks-pod-identity review NEW --against OLD [--accept HAZARD-ID ...] [--accept-file FILE ...]

Both stack files run through this working tree's program under the same deterministic mocks
(the OLD file as the NEW stack, so URNs and stack tags compare), and the two sets of
registrations are compared the way the engine does: by URN and aliases. What replaces a
resource comes from offline/review/provider_rules.py, where every fact names its source; the
hazards come from offline/review/hazards.py. Exit status: 0 nothing hazardous (or every hazard
accepted), 3 unaccepted hazards, 1 a stack file that cannot be read or fails the config checks.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from ...tokens import ATTACHMENT
from ..harness import mocks
from ..review import iam_diff
from ..review.compare import Change, Comparison, Unknown
from ..review.facts import ENGINE_FACTS
from ..review.iam_diff import IAM_DOCUMENT_KEYS
from ..review.paths import format_path
from ..review.sides import BadInput, prepare, stack_target
from ..review.sides import run as run_side
from . import BAD_INPUT, HAZARDS

CANNOT_KNOW = (
    (
        "real IDs, ARNs and generated names (the mocks make them up, the same way in both runs, so only "
        "what the stack files change shows as a change)"
    ),
    "drift: what was changed outside Pulumi since the last `pulumi up` (no state is read)",
    (
        "provider defaults and the diffs providers compute themselves (normalised JSON, defaults filled in, "
        "server-side defaults of Kubernetes objects, ignoreChanges inside providers)"
    ),
    (
        "the inside of remote components: eks:index:Cluster, eks:index:ManagedNodeGroup and awsx:ec2:Vpc are one "
        "opaque registration each under mocks; only the inputs that replace their main resource are known"
    ),
    (
        "whether an output is unknown during a real preview beyond created or replaced resources (e.g. a pulumi-eks "
        "kubeconfig recomputed on an update would replace the Kubernetes provider and every object)"
    ),
    (
        "live state the providers read while diffing: a Job annotated pulumi.com/replaceUnready is replaced when the "
        "live Job is not complete (pulumi-kubernetes provider.go kubeProvider.Diff, ReplaceUnready)"
    ),
    "changes to the program itself: both stack files run through this working tree's program",
)

# --- rendering ------------------------------------------------------------------------------

SYMBOL = {"create": "+", "import": "=", "update": "~", "replace": "+-", "delete": "-"}


def _show(value: Any, path: tuple[Any, ...] = ()) -> str:
    if isinstance(value, Unknown):
        return repr(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if path[:1] and path[0] in IAM_DOCUMENT_KEYS and iam_diff.parse(value) is not None:
        return "(IAM document, see IAM changes)"
    if path[:1] == ("kubeconfig",):
        return "(a kubeconfig)"
    text = json.dumps(value, sort_keys=True) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 90 else text[:87] + "..."


def render_change(change: Change) -> list[str]:
    reg = change.reg
    head = f"{SYMBOL[change.op]:<2} {change.op:<7} {reg.type}  {reg.name}"
    if change.renamed and change.old:
        head += f"  (was {change.old.name}, linked by an alias)"
    if change.op == "replace":
        head += f"  [delete-first: {change.delete_first}]" if change.delete_first else "  [create-first]"
    if change.op == "delete" and reg.retain_on_delete:
        head += "  [retainOnDelete: leaves the stack, stays in the cloud]"
    out = [head]
    if change.op in ("update", "replace"):
        for c in change.inputs:
            mark = f"  <- forces replacement ({c.forces})" if c.forces else ""
            if c.may_force and not c.forces:
                mark = f"  <- replaced if {' or '.join(c.may_force)} turns out to change"
            out.append(f"       {format_path(c.path) or '(inputs)'}: {_show(c.old, c.path)} -> {_show(c.new, c.path)}{mark}")
        forced = {f"{format_path(c.path)}: {c.forces}" for c in change.inputs if c.forces}
        out += [f"       <- {reason}" for reason in change.reasons if reason not in forced]
    return out


def attachment_lines(comparison: Comparison) -> list[str]:
    """Managed policies attached and detached, by role: half of what a role may do."""
    out: list[str] = []
    for change in comparison.changes:
        if change.reg.type != ATTACHMENT or change.op == "same":
            continue
        for sign, reg in (("-", change.old), ("+", change.new)):
            if reg is None or (change.op == "update" and sign == "-"):
                continue
            verb = "attach" if sign == "+" else "detach"
            out.append(
                f"{sign} {verb} {_show(reg.inputs.get('policyArn'))} {'to' if sign == '+' else 'from'} role "
                f"{_show(reg.inputs.get('role'))}  ({change.op} {reg.name})"
            )
    return out


def iam_sections(comparison: Comparison) -> list[str]:
    out: list[str] = []
    attachments = attachment_lines(comparison)
    if attachments:
        out += ["### managed policy attachments", *attachments]
    for change in comparison.changes:
        if change.kind not in ("custom", "unknown") or change.op == "same":
            continue
        for key in IAM_DOCUMENT_KEYS:
            before = iam_diff.parse(change.old.inputs.get(key)) if change.old else None
            after = iam_diff.parse(change.new.inputs.get(key)) if change.new else None
            if before is None and after is None:
                continue
            diffs = iam_diff.diff_documents(before, after)
            if diffs:
                out.append(f"### {change.op} {change.reg.name} ({change.reg.type.rsplit(':', 1)[-1]}.{key})")
                out += [line for d in diffs for line in d.lines()]
    return out


def render(review: Any) -> str:
    """The review as text: operations, IAM changes, hazards and what offline cannot know."""
    comparison: Comparison = review.comparison
    out = [
        f"# Review of stack '{review.stack}': {review.old_label} -> {review.new_label}",
        "# Offline, under mocks: no AWS, no credentials, no state. <ACCOUNT> is the AWS account.",
        "",
    ]
    counts: dict[str, int] = {}
    components: dict[str, int] = {}
    listed: list[str] = []
    for change in comparison.changes:
        if change.kind == "component":
            components[change.op] = components.get(change.op, 0) + 1
            continue
        counts[change.op] = counts.get(change.op, 0) + 1
        if change.op != "same":
            listed += render_change(change)
    summary = ", ".join(f"{counts.get(op, 0)} to {op}" for op in ("create", "update", "replace", "delete"))
    summary += f", {counts['import']} to import" if counts.get("import") else ""
    out += [f"## Resources: {summary}, {counts.get('same', 0)} unchanged"]
    out += listed or ["(no changes)"]
    if components:
        out.append("   components (never replaced in the cloud): " + ", ".join(f"{n} {op}" for op, n in sorted(components.items())))
    out.append("")
    unknown = sorted({c.reg.type for c in comparison.changes if c.kind == "unknown"})
    out += [f"note: no replacement facts for {t} (offline/review/provider_rules.py): its updates may be replacements" for t in unknown]
    out += ["## IAM changes (per statement; - removed, + added)", *(iam_sections(comparison) or ["(none)"]), ""]
    open_ = [h for h in review.hazards if not h.accepted]
    out += [f"## Hazards: {len(review.hazards)} found, {len(open_)} not accepted"]
    for hazard in review.hazards:
        out += [f"{'ACCEPTED' if hazard.accepted else 'HAZARD'}  {hazard.id}", *(f"    {line}" for line in hazard.lines())]
    out += ["" if review.hazards else "(none)", ""]
    for pattern in review.unused_accepts:
        out.append(f"note: --accept {pattern} matches no hazard of this change")
    if counts.get("replace") or counts.get("delete"):
        out += ["## How the engine orders it", *(f"- {ENGINE_FACTS[k]}" for k in ("create-before-delete", "deletes-last", "unknowns")), ""]
    out += ["## What this review cannot know offline", *(f"- {line}" for line in CANNOT_KNOW), ""]
    if open_:
        out.append(f"exit {HAZARDS}: {len(open_)} hazard(s) not accepted; after review, rerun with --accept <id> for each")
    else:
        out.append(
            "exit 0: nothing here breaks or destroys what the stack runs" if not review.hazards else "exit 0: every hazard was accepted"
        )
    return "\n".join(out).replace(mocks.ACCOUNT, "<ACCOUNT>")


# --- running it -----------------------------------------------------------------------------


def settle(review: Any, patterns: list[str]) -> int:
    """Mark the hazards `patterns` accept (shell-style wildcards) and return the exit status."""
    for hazard in review.hazards:
        hazard.accepted = any(fnmatch.fnmatchcase(hazard.id, p) for p in patterns)
    review.unused_accepts = [p for p in patterns if not any(fnmatch.fnmatchcase(h.id, p) for h in review.hazards)]
    return HAZARDS if any(not h.accepted for h in review.hazards) else 0


def accepted_ids(accept: Iterable[str], accept_files: Iterable[str]) -> list[str]:
    patterns = list(accept)
    for name in accept_files:
        try:
            lines = Path(name).read_text().splitlines()
        except OSError as error:
            raise BadInput(f"--accept-file {name}: {error}") from None
        patterns += [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]
    return patterns


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("stack", metavar="NEW", help="the stack after the change: a stack name or a stack file")
    parser.add_argument(
        "--against", metavar="OLD", required=True, help="the stack before it: a stack name or stack file (an empty file is a new stack)"
    )
    parser.add_argument(
        "--accept",
        metavar="HAZARD-ID",
        action="append",
        default=[],
        help="a hazard reviewed and accepted (repeatable; shell-style * wildcards)",
    )
    parser.add_argument(
        "--accept-file", metavar="FILE", action="append", default=[], help="a file of accepted hazard IDs, one a line (# comments)"
    )


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Print the review of NEW against OLD; the exit status gates CI."""
    from ..review import hazards

    out = out or sys.stdout
    stack, _ = stack_target(args.stack)
    try:
        patterns = accepted_ids(args.accept, args.accept_file)
        # Both files are read before either side runs: a bad OLD file is said at once.
        new_file, old_file = prepare(stack, args.stack), prepare(stack, args.against, empty_is_new=True)
        new, old = run_side(new_file), run_side(old_file)
    except BadInput as error:
        print(f"error: {error}", file=sys.stderr)
        return BAD_INPUT
    review = hazards.review(stack, old, new)
    status = settle(review, patterns)
    print(render(review), file=out)
    return status
