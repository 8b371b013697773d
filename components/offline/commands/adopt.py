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
import re
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import yaml

from ... import stack as config_module
from ...addons.agent import AGENT_ADDON
from ...stack.identities import STACK_NAME
from ...tokens import ADDON, ASSOCIATION
from ..harness import mocks, monitor, project, runner
from ..harness.stackfile import StackFileError
from ..inputs import awsjson
from . import BAD_INPUT, OK

STACK_TYPE = "pulumi:pulumi:Stack"


def owner_tags(stack: str) -> dict[str, str]:
    """The tags by which the program knows an add-on on an adopted cluster is its own
    (components/addons/installed.py reads pulumi-project and pulumi-stack, OWNER_TAGS)."""
    return {"pulumi-project": config_module.PROJECT, "pulumi-stack": stack, "managed-by": "pulumi"}


@dataclass
class Adoption:
    """What adopting the given objects into one stack amounts to."""

    stack: str
    imports: list[tuple[monitor.Registration, str, str]] = field(default_factory=list)
    """(registration, import ID, where the object was read)."""
    tag_commands: list[str] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)
    unmanaged: list[tuple[str, str, str]] = field(default_factory=list)
    """(object, cluster, why it stays as it is)."""
    to_create: list[monitor.Registration] = field(default_factory=list)
    result: runner.RunResult | None = None


def _unmanaged_cluster(cluster: str, clusters: dict[str, Any]) -> str | None:
    if cluster not in clusters:
        return f"cluster {cluster} is not in this stack"
    if clusters[cluster].create:
        return f"this stack creates cluster {cluster}, so it cannot hold objects yet: is this the right stack?"
    return None


def world(cfg: Any, found: awsjson.Inputs, stack: str, leave_addons: bool) -> dict[str, mocks.AdoptedCluster]:
    """The adopted clusters as the files show them, the add-ons to adopt tagged as this stack's.

    An add-on the files do not show is taken as absent (the stack then creates it); one the
    stack does not declare, or any with --leave-addons, keeps the tags it has.
    """
    by_arn = {a.association_arn: a for a in found.associations if a.association_arn}
    out: dict[str, mocks.AdoptedCluster] = {}
    for c in cfg.clusters:
        if c.create:
            continue
        declared = {AGENT_ADDON} if c.install_agent else set()
        declared |= {a.name for a in c.addons}
        addons = {}
        for addon in (a for a in found.addons if a.cluster == c.name):
            owned = addon.name in declared and not leave_addons and not _foreign_owner(addon, stack)
            bound = [by_arn[arn] for arn in addon.association_arns if arn in by_arn]
            addons[addon.name] = mocks.MockAddon(
                addon.version,
                tags=owner_tags(stack) if owned else dict(addon.tags),
                associations={a.service_account: a.role_arn or "(role not described)" for a in bound},
            )
        out[c.name] = mocks.AdoptedCluster(addons=addons)
    return out


def _foreign_owner(addon: awsjson.Addon, stack: str) -> str | None:
    """The other stack of this project that already owns `addon`, if any."""
    other = addon.tags.get("pulumi-stack")
    if addon.tags.get("pulumi-project") == config_module.PROJECT and other and other != stack:
        return other
    return None


def account_of(found: awsjson.Inputs) -> str | None:
    """The AWS account the objects live in, from their ARNs: the program checks bound roles
    against the account it deploys to, so the mocks must deploy to this one."""
    arns = [a.association_arn for a in found.associations] + [a.arn for a in found.addons]
    accounts = sorted({m.group(1) for arn in arns if (m := re.search(r":(\d{12}):", arn))})
    if len(accounts) > 1:
        raise awsjson.InputError(f"the files hold objects of accounts {', '.join(accounts)}; adopt one account's clusters at a time")
    return accounts[0] if accounts else None


def run_stack(
    stack_file: str, path: Path | None, stack: str, adopted: dict[str, mocks.AdoptedCluster], account: str | None = None
) -> runner.RunResult:
    """The program run as `pulumi up` of stack `stack` would run it, in `account`, against `adopted`."""
    cfg_map = project.stack_config(stack_file, path=path)
    caller = account or mocks.ACCOUNT
    refs = {  # run in the same account: a role another stack exports must be of this one's
        ref: runner.run_stack(project.stack_of(ref), caller_account=caller).outputs
        for ref in runner.referenced_stacks(cfg_map)
        if project.stack_of(ref) in project.stack_names()
    }
    return runner.run(cfg_map, stack=stack, adopted=adopted, stack_outputs=refs, caller_account=caller)


def adopt(stack_file: str, found: awsjson.Inputs, stack: str, path: Path | None = None, leave_addons: bool = False) -> Adoption:
    """Match every object in `found` to what the program registers for `stack`."""
    cfg = config_module.parse(project.raw_config(project.stack_config(stack_file, path=path)))
    clusters = {c.name: c for c in cfg.clusters}
    result = run_stack(stack_file, path, stack, world(cfg, found, stack, leave_addons), account_of(found))
    out = Adoption(stack=stack, result=result)
    regs = {
        (
            r.type,
            r.inputs.get("clusterName"),
            r.inputs.get("addonName") or f"{r.inputs.get('namespace')}/{r.inputs.get('serviceAccount')}",
        ): r
        for r in result.registrations
        if r.type in (ASSOCIATION, ADDON)
    }
    matched: set[str] = set()
    adopted_addon_arns = set()
    for addon in found.addons:
        label = f"add-on {addon.name}"
        why = _unmanaged_cluster(addon.cluster, clusters)
        reg = regs.get((ADDON, addon.cluster, addon.name))
        other = _foreign_owner(addon, stack)
        if why is None and other:
            why = f"tagged as stack {other!r}'s (pulumi-stack={other}): adopting it here would give it two owners"
        if why is None and leave_addons:
            why = "--leave-addons: the stack leaves it to whoever installed it"
        if why is None and reg is None:
            why = f"the stack does not declare it on {addon.cluster}" + (" (installAgent: false)" if addon.name == AGENT_ADDON else "")
        if why:
            out.unmanaged.append((label, addon.cluster, why))
            continue
        assert reg is not None
        out.imports.append((reg, f"{addon.cluster}:{addon.name}", addon.source))
        matched.add(reg.urn)
        adopted_addon_arns.add(addon.arn)
        if any(addon.tags.get(k) != v for k, v in owner_tags(stack).items()):
            tags = ",".join(f"{k}={v}" for k, v in owner_tags(stack).items())
            out.tag_commands.append(f"aws eks tag-resource --resource-arn {shlex.quote(addon.arn)} --tags {tags}")
        out.attention += _addon_changes(addon, reg, clusters[addon.cluster])
    owner_of = {arn: a for a in found.addons for arn in a.association_arns}
    for assoc in found.associations:
        label = f"association {assoc.namespace}/{assoc.service_account} ({assoc.association_id})"
        owner = assoc.owner_arn or (owner_of[assoc.association_arn].arn if assoc.association_arn in owner_of else "")
        why = _unmanaged_cluster(assoc.cluster, clusters)
        reg = regs.get((ASSOCIATION, assoc.cluster, f"{assoc.namespace}/{assoc.service_account}"))
        if why is None and owner:
            name = owner.split("/")[-2] if owner.count("/") >= 2 else owner
            why = (
                f"belongs to add-on {name}, imported with it"
                if owner in adopted_addon_arns
                else f"belongs to add-on {name} (EKS-managed, goes with the add-on), which stays as it is"
            )
        if why is None and reg is None:
            why = f"no identity of the stack binds {assoc.namespace}/{assoc.service_account} on {assoc.cluster}"
        if why is None and reg is not None and reg.urn in matched:
            why = (
                "another association of the files binds the same service account (EKS keeps one per service "
                "account): the files disagree, list the cluster's associations again"
            )
        if why:
            out.unmanaged.append((label, assoc.cluster, why))
            continue
        assert reg is not None
        out.imports.append((reg, f"{assoc.cluster},{assoc.association_id}", assoc.source))
        matched.add(reg.urn)
        out.attention += _association_changes(assoc, reg)
    out.to_create = [r for r in result.registrations if r.type in (ASSOCIATION, ADDON) and r.urn not in matched]
    return out


def _addon_changes(addon: awsjson.Addon, reg: monitor.Registration, cluster: Any) -> list[str]:
    notes = []
    wanted = cluster.agent_version if addon.name == AGENT_ADDON else next((a.version for a in cluster.addons if a.name == addon.name), None)
    if wanted and wanted != addon.version:
        notes.append(f"{reg.name}: installed {addon.version}, the stack pins {wanted}: `pulumi up` updates the add-on")
    elif not wanted:
        key = "agentVersion" if addon.name == AGENT_ADDON else f"addons[name={addon.name}].version"
        notes.append(
            f"{reg.name}: the stack does not pin a version, so `pulumi up` moves {addon.version} to the newest "
            f"for the cluster's Kubernetes version when a newer one exists; set `{key}: {addon.version}` to keep it"
        )
    declared_ns = (reg.inputs.get("namespaceConfig") or {}).get("namespace")
    if declared_ns and addon.namespace and declared_ns != addon.namespace:
        notes.append(
            f"{reg.name}: installed in namespace {addon.namespace}, the stack declares {declared_ns}: the add-on would be REPLACED"
        )
    if addon.status in ("CREATING", "UPDATING"):
        notes.append(f"{reg.name}: status {addon.status} when read; `aws eks wait addon-active` before importing")
    elif addon.status and addon.status != "ACTIVE":
        notes.append(f"{reg.name}: status {addon.status}; fix it before importing (`aws eks describe-addon` shows its health)")
    return notes


def _association_changes(assoc: awsjson.Association, reg: monitor.Registration) -> list[str]:
    """What `pulumi up` changes in place after the import (nothing is replaced: the
    cluster, namespace and service account match by construction)."""
    if not assoc.described:
        return [f"{reg.name}: only list output given (no role); add `aws eks describe-pod-identity-association` output to compare roles"]
    notes = []
    parent = reg.parent.rsplit("::", 1)[-1]
    computed = bool(reg.property_dependencies.get("roleArn"))
    if computed:
        notes.append(
            f"{reg.name}: bound to {assoc.role_arn} by hand; the stack binds the role it creates (or another "
            f"stack exports), so `pulumi up` updates roleArn in place. To keep the hand-made role, set "
            f"`roleArn: {assoc.role_arn}` on identity {parent}"
        )
    elif reg.inputs.get("roleArn") != assoc.role_arn:
        notes.append(
            f"{reg.name}: bound to {assoc.role_arn} by hand, the stack binds {reg.inputs.get('roleArn')}: `pulumi up` updates roleArn"
        )
    for key, have in (("targetRoleArn", assoc.target_role_arn), ("disableSessionTags", bool(assoc.disable_session_tags))):
        want = reg.inputs.get(key) or (False if key == "disableSessionTags" else None)
        if want != have and not reg.property_dependencies.get(key):
            notes.append(f"{reg.name}: {key} is {have!r} by hand, {want!r} in the stack: `pulumi up` updates it")
    if _policy(assoc.policy) != _policy(reg.inputs.get("policy")):
        notes.append(f"{reg.name}: its session policy differs from the stack's: `pulumi up` updates it")
    if notes:
        notes.append(f"{reg.name}: running pods keep their current credentials until restarted after that update")
    return notes


def _policy(text: str | None) -> Any:
    try:
        return json.loads(text) if text else None
    except json.JSONDecodeError:
        return text


def _is_root(urn: str) -> bool:
    return urn.split("::")[2] == STACK_TYPE if urn else True


def _key(reg: monitor.Registration) -> str:
    """A name-table key for a parent: unique (its type is part of it) and never a resource name."""
    return f"{reg.type.rsplit(':', 1)[-1]}:{reg.name}"


def import_document(adoption: Adoption, existing: set[str] | None = None, new_stack: bool = False) -> dict[str, Any]:
    """The `pulumi import --file` document.

    Parents named in `nameTable` by URN must already be in the stack: the engine refuses an
    unknown parent. A parent that is not (every parent with `new_stack`, or those absent
    from `existing`, the URNs of a `pulumi stack export`) is declared in the document as an
    empty component instead (`component: true`), which `pulumi import` creates and the next
    `pulumi up` fills in. Resources already in `existing` are left out.
    """
    assert adoption.result is not None
    by_urn = {r.urn: r for r in adoption.result.registrations}
    name_table: dict[str, str] = {}
    components: dict[str, dict[str, Any]] = {}

    def parent_key(urn: str) -> str | None:
        if _is_root(urn):
            return None
        parent = by_urn[urn]
        key = _key(parent)
        known = existing is not None and urn in existing
        if not new_stack and (existing is None or known):
            name_table[key] = urn
        elif key not in components:
            entry = {"type": parent.type, "name": key, "logicalName": parent.name, "component": True}
            grand = parent_key(parent.parent)
            components[key] = {**entry, **({"parent": grand} if grand else {})}
        return key

    resources = []
    for reg, import_id, _ in adoption.imports:
        if existing is not None and reg.urn in existing:
            continue
        entry = {"type": reg.type, "name": reg.name, "id": import_id}
        key = parent_key(reg.parent)
        resources.append({**entry, **({"parent": key} if key else {})})
    document: dict[str, Any] = {"resources": [*components.values(), *resources]}
    if name_table:
        document = {"nameTable": name_table, **document}
    return document


def state_urns(path: str) -> set[str]:
    """URNs in a `pulumi stack export` file."""
    docs = awsjson.documents(path)
    deployment = docs[0].get("deployment") if len(docs) == 1 and isinstance(docs[0], dict) else None
    resources = deployment.get("resources") if isinstance(deployment, dict) else None
    if not isinstance(resources, list):
        raise awsjson.InputError(f"{path}: not `pulumi stack export` output (no deployment.resources)")
    return {r["urn"] for r in resources if isinstance(r, dict) and isinstance(r.get("urn"), str)}


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
            raise awsjson.InputError(
                f"{wrong[0]}: IAM roles and Kubernetes objects are read by `eks-pod-identity migrate-irsa`, not "
                "here; adopt reads associations and add-ons"
            )
        if not found.associations and not found.addons:
            raise awsjson.InputError(f"{', '.join(args.inputs)}: no association nor add-on found")
        existing = state_urns(args.state) if args.state else None
        adoption = adopt(name, found, stack, path=path, leave_addons=args.leave_addons)
    except awsjson.InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return BAD_INPUT
    except (pulumi.RunError, yaml.YAMLError) as error:
        print(f"error: {error}", file=sys.stderr)
        return BAD_INPUT
    document = import_document(adoption, existing, args.new_stack)
    try:
        Path(args.out).write_text(json.dumps(document, indent=2) + "\n")
    except OSError as error:
        print(f"error: cannot write {args.out}: {error}", file=sys.stderr)
        return BAD_INPUT
    print(report(adoption, args.out, document, found.notes), end="")
    return OK
