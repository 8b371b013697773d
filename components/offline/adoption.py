"""Adopting what exists: each hand-made association and add-on matched to the resource the
program registers for it (same type, name and parent), so that `pulumi import` puts it where
`pulumi up` declares it and the next `pulumi up` creates none of them.

The program is run under the mocks against the clusters as the user's AWS CLI output shows
them, with the add-ons to adopt tagged as this stack's. Pure apart from that run; the
command `eks-pod-identity adopt` reads the files and prints the steps.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import stack as config_module
from ..addons.agent import AGENT_ADDON
from ..arn import account_of as arn_account
from ..tokens import ADDON, ASSOCIATION
from . import import_file
from .harness import mocks, monitor, project, runner
from .inputs import awsjson
from .inputs.shapes import InputError

EKS_CLUSTER = "eks:index:Cluster"
"""pulumi-eks's cluster component: what the stack registers for a cluster it creates."""


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


@dataclass
class Target:
    """The stack adopted into: its clusters, and what is known of its state."""

    stack: str
    clusters: dict[str, Any]
    created_urns: dict[str, str]
    """Cluster name -> the URN of the EKS cluster the stack creates under that name."""
    existing: set[str] | None = None
    """The URNs of the stack's state (`--state`), when given."""
    new_stack: bool = False

    def why_not(self, cluster: str) -> str | None:
        """Why objects of `cluster` cannot be imported into the stack, or None.

        A cluster the stack creates holds objects once a `pulumi up` made them, or an interrupted
        one left them outside the state; they are imported next to the cluster, which must then be
        in the state: a stack without it would create a cluster of a name EKS has (409)."""
        if cluster not in self.clusters:
            return f"cluster {cluster} is not in this stack"
        if not self.clusters[cluster].create:
            return None
        fix = "adopt the cluster instead (`create: false`), or check that this is the right stack"
        if self.new_stack:
            return f"this stack creates cluster {cluster}, and a new stack does not hold it: `pulumi up` would create it again; {fix}"
        if self.existing is not None and self.created_urns.get(cluster) not in self.existing:
            return f"this stack creates cluster {cluster}, and its state (--state) does not hold it; {fix}"
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
    accounts = sorted({account for arn in arns if (account := arn_account(arn))})
    if len(accounts) > 1:
        raise InputError(f"the files hold objects of accounts {', '.join(accounts)}; adopt one account's clusters at a time")
    return accounts[0] if accounts else None


def run_stack(
    stack_file: str, path: Path | None, stack: str, adopted: dict[str, mocks.AdoptedCluster], account: str | None = None
) -> runner.RunResult:
    """The program run as `pulumi up` of stack `stack` would run it, against `adopted`, in
    `account` (else the one the stack says: --account, aws:allowedAccountIds, its ARNs), its
    stack references answered as every command answers them (`runner.run_stack`)."""
    return runner.run_stack(stack_file, path=path, stack_name=stack, adopted=adopted, caller_account=account)


def adopt(
    stack_file: str,
    found: awsjson.Inputs,
    stack: str,
    path: Path | None = None,
    leave_addons: bool = False,
    existing: set[str] | None = None,
    new_stack: bool = False,
) -> Adoption:
    """Match every object in `found` to what the program registers for `stack`."""
    cfg = config_module.parse(project.raw_config(project.stack_config(stack_file, path=path)))
    result = run_stack(stack_file, path, stack, world(cfg, found, stack, leave_addons), account_of(found))
    created = {str(r.inputs.get("name")): r.urn for r in result.registrations if r.type == EKS_CLUSTER}
    target = Target(stack, {c.name: c for c in cfg.clusters}, created, existing, new_stack)
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
    adopted_addon_arns = _adopt_addons(out, found, regs, target, matched, leave_addons)
    _adopt_associations(out, found, regs, target, matched, adopted_addon_arns)
    out.to_create = [r for r in result.registrations if r.type in (ASSOCIATION, ADDON) and r.urn not in matched]
    imported = {reg.inputs.get("clusterName") for reg, _, _ in out.imports}
    out.attention += [
        (
            f"cluster {c}: this stack creates it, so its objects are imported next to it in the stack's state"
            + ("" if existing is not None else "; pass --state to check that the state holds the cluster")
        )
        for c in sorted(str(c) for c in imported)
        if target.clusters[c].create
    ]
    return out


def _adopt_addons(
    out: Adoption, found: awsjson.Inputs, regs: dict[Any, monitor.Registration], target: Target, matched: set[str], leave: bool
) -> set[str]:
    """Each add-on imported or left with the reason; the ARNs of those imported."""
    adopted = set()
    for addon in found.addons:
        why = target.why_not(addon.cluster)
        reg = regs.get((ADDON, addon.cluster, addon.name))
        other = _foreign_owner(addon, target.stack)
        if why is None and other:
            why = f"tagged as stack {other!r}'s (pulumi-stack={other}): adopting it here would give it two owners"
        if why is None and leave:
            why = "--leave-addons: the stack leaves it to whoever installed it"
        if why is None and reg is None:
            why = f"the stack does not declare it on {addon.cluster}" + (" (installAgent: false)" if addon.name == AGENT_ADDON else "")
        if why:
            out.unmanaged.append((f"add-on {addon.name}", addon.cluster, why))
            continue
        assert reg is not None
        out.imports.append((reg, f"{addon.cluster}:{addon.name}", addon.source))
        matched.add(reg.urn)
        adopted.add(addon.arn)
        cluster = target.clusters[addon.cluster]
        if not cluster.create and any(addon.tags.get(k) != v for k, v in owner_tags(target.stack).items()):
            tags = ",".join(f"{k}={v}" for k, v in owner_tags(target.stack).items())
            out.tag_commands.append(f"aws eks tag-resource --resource-arn {shlex.quote(addon.arn)} --tags {tags}")
        out.attention += _addon_changes(addon, reg, cluster)
    return adopted


def _adopt_associations(
    out: Adoption, found: awsjson.Inputs, regs: dict[Any, monitor.Registration], target: Target, matched: set[str], adopted: set[str]
) -> None:
    """Each association imported, or left with the reason (an add-on's goes with its add-on)."""
    owner_of = {arn: a for a in found.addons for arn in a.association_arns}
    for assoc in found.associations:
        label = f"association {assoc.namespace}/{assoc.service_account} ({assoc.association_id})"
        owner = assoc.owner_arn or (owner_of[assoc.association_arn].arn if assoc.association_arn in owner_of else "")
        why = target.why_not(assoc.cluster)
        reg = regs.get((ASSOCIATION, assoc.cluster, f"{assoc.namespace}/{assoc.service_account}"))
        if why is None and owner:
            name = owner.split("/")[-2] if owner.count("/") >= 2 else owner
            why = (
                f"belongs to add-on {name}, imported with it"
                if owner in adopted
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


def import_document(adoption: Adoption, existing: set[str] | None = None, new_stack: bool = False) -> dict[str, Any]:
    """The `pulumi import --file` document of what the adoption matched (see import_file.document)."""
    assert adoption.result is not None
    imports = [(reg, import_id) for reg, import_id, _ in adoption.imports]
    return import_file.document(adoption.result.registrations, imports, existing, new_stack)
