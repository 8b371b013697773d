"""Hazards of a stack-file change: what breaks running workloads, fails halfway through
`pulumi up`, or destroys what the stack runs. Each hazard has a stable id (`<kind>:<urn>`)
that `--accept` takes once a reviewer has read it, and says in one sentence what happens.

Hazards of resources inside a cluster that is deleted or replaced are folded into that
cluster's hazard: everything in it goes anyway.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...addons.agent import AGENT_ADDON
from ...tokens import ADDON, ASSOCIATION, ATTACHMENT, INLINE, ROLE
from ..harness import monitor, project, runner
from ..harness.runner import short_name as _short
from . import iam_diff
from .compare import Comparison, compare, scope_of, urns_in
from .facts import ENGINE_FACTS
from .paths import overlaps, parse_path
from .replacements import rule_for, unique_key
from .sides import Side

POLICY = "aws:iam/policy:Policy"
CLUSTER = "eks:index:Cluster"
NODE_GROUP = "eks:index:ManagedNodeGroup"
ROLE_COMPONENT = "eks-pod-identity:index:PodIdentityRole"
CREDENTIALS = (
    "pods keep the old credentials until they expire or restart (the agent caches them for hours, "
    "see README Troubleshooting): restart them after `pulumi up`"
)
# Hazards about things inside a cluster; folded into the cluster's hazard when it goes.
INSIDE_CLUSTER = {
    "association-replaced",
    "association-deleted",
    "agent-removed",
    "k8s-provider-replaced",
    "namespace-deleted",
    "nodegroup-replaced",
    "nodegroup-deleted",
    "role-replaced",
}


@dataclass
class Hazard:
    kind: str
    urn: str
    message: str
    details: list[str] = field(default_factory=list)
    accepted: bool = False

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.urn}"

    def lines(self) -> list[str]:
        return [self.message, *(f"  - {d}" for d in self.details)]


@dataclass
class Review:
    stack: str
    old_label: str
    new_label: str
    comparison: Comparison
    hazards: list[Hazard]
    unused_accepts: list[str] = field(default_factory=list)


def _refs(reg: monitor.Registration) -> set[str]:
    """Everything a registration waits for or reads from."""
    return {
        *reg.dependencies,
        *(u for us in reg.property_dependencies.values() for u in us),
        *urns_in(reg.inputs),
        *([reg.provider.rsplit("::", 1)[0]] if reg.provider else []),
    }


def inside(result: runner.RunResult, root: str, owner: dict[str, str]) -> set[str]:
    """URNs of `result` that depend, directly or not, on `root` (or a child the mocks made for it)."""
    found = {root}
    for reg in result.registrations:
        if any(owner.get(u, u) in found for u in _refs(reg)):
            found.add(reg.urn)
    return found - {root}


def bindings(result: runner.RunResult) -> dict[str, list[str]]:
    """Role URN -> the bindings that hand the role to pods ("cluster/namespace/sa", add-ons, targets)."""
    roles = {r.urn: r for r in result.of_type(ROLE)}
    out: dict[str, list[str]] = {}
    for reg in result.of_type(ASSOCIATION):
        where = "/".join(str(reg.inputs.get(k)) for k in ("clusterName", "namespace", "serviceAccount"))
        for urn in reg.property_dependencies.get("roleArn", []):
            if urn in roles:
                out.setdefault(urn, []).append(where)
        target = reg.inputs.get("targetRoleArn")
        for urn, role in roles.items():
            name, path = role.inputs.get("name"), role.inputs.get("path") or "/"
            if name and isinstance(target, str) and target.endswith(f":role{path}{name}"):
                out.setdefault(urn, []).append(f"{where} (target role)")
    for reg in result.of_type(ADDON):
        for urn in reg.property_dependencies.get("podIdentityAssociations", []):
            if urn in roles:
                out.setdefault(urn, []).append(f"{reg.inputs.get('clusterName')} add-on {reg.inputs.get('addonName')}")
    return out


def shared_roles(side: Side) -> dict[str, str]:
    """Role URN -> identity name, for `shared: true` identities (roles other stacks bind)."""
    if side.config is None:
        return {}
    names = {i.name for i in side.config.identities if i.shared}
    parents = {r.urn: r.name for r in side.result.of_type(ROLE_COMPONENT) if r.name in names}
    return {r.urn: parents[r.parent] for r in side.result.of_type(ROLE) if r.parent in parents}


def external_bindings(stack: str, identity: str) -> list[tuple[str, str, str, str]]:
    """(stack, cluster, namespace, service account) of every binding committed cluster stacks
    make of `identity` exported by `stack` (roleFromStack)."""
    out = []
    for other in project.stack_names():
        if other == stack:
            continue
        try:
            cfg = project.parsed_config(other)
        except Exception:  # noqa: BLE001, S112 - a broken neighbour is not this review's subject
            continue
        for ident in cfg.identities:
            ref = ident.role_from_stack
            if ref and ref.stack.rsplit("/", 1)[-1] == stack and (ref.key or ident.name) == identity:
                out += [(other, b.cluster, b.namespace, b.service_account) for b in cfg.bindings() if b.identity == ident.name]
    return out


def _permissions(result: runner.RunResult, role: str) -> tuple[set[str], Any, Any]:
    """(attached policy identities, allowed grants, denied grants) of a role in one run."""
    policies = {r.urn: r for r in result.of_type(POLICY)}
    attached: set[str] = set()
    docs: list[Any] = []
    for reg in result.of_type(ATTACHMENT):
        if role in reg.property_dependencies.get("role", []):
            from_stack = [u for u in reg.property_dependencies.get("policyArn", []) if u in policies]
            attached.add(f"policy {_short(from_stack[0])}" if from_stack else str(reg.inputs.get("policyArn")))
            docs += [iam_diff.parse(policies[u].inputs.get("policy")) for u in from_stack]
    for reg in result.of_type(INLINE):
        if role in reg.property_dependencies.get("role", []):
            docs.append(iam_diff.parse(reg.inputs.get("policy")))
    allow: set[iam_diff.Grant] = set()
    deny: set[iam_diff.Grant] = set()
    for doc in docs:
        a, d = iam_diff.grants(doc)
        allow |= a
        deny |= d
    return attached, allow, deny


def _cluster_hazards(comparison: Comparison, old: Side, new: Side) -> tuple[list[Hazard], set[str]]:
    """Clusters deleted, replaced or updated in a way EKS refuses; and the old URNs inside the ones that go."""
    out: list[Hazard] = []
    gone: set[str] = set()
    for change in comparison.changes:
        if change.reg.type != CLUSTER:
            continue
        name = change.reg.inputs.get("name") or change.reg.name
        if change.op in ("delete", "replace"):
            assert change.old is not None
            members = inside(old.result, change.old.urn, comparison.owner)
            gone |= members | {change.old.urn}
            kinds: dict[str, int] = {}
            for urn in members:
                reg = old.result.by_urn(urn)
                rule = rule_for(reg.type)
                if (reg.custom or (rule is not None and rule.kind == "remote")) and not reg.type.startswith("pulumi:providers:"):
                    kinds[reg.type.rsplit(":", 1)[-1]] = kinds.get(reg.type.rsplit(":", 1)[-1], 0) + 1
            goes = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
            if change.op == "delete":
                adopted = new.config is not None and any(c.name == name and not c.create for c in new.config.clusters)
                why = (
                    " Setting `create: false` adopts a cluster but does not hand this one over: Pulumi deletes what it created."
                    if adopted
                    else ""
                )
                created = [
                    c.new.inputs.get("name") or c.new.name
                    for c in comparison.changes
                    if c.op == "create" and c.new and c.new.type == CLUSTER
                ]
                out.append(
                    Hazard(
                        "cluster-deleted",
                        change.old.urn,
                        f"The EKS cluster {name} is deleted, with its nodes and every workload in it.{why}",
                        [
                            *([f"this stack's resources in it go too: {goes}"] if goes else []),
                            *(f"a new cluster is created: {c} (a rename is a new cluster)" for c in created),
                        ],
                    )
                )
            else:
                out.append(
                    Hazard(
                        "cluster-replaced",
                        change.urn,
                        f"The EKS cluster {name} is replaced: a new cluster is created and the old one, "
                        "with every workload in it, deleted.",
                        [*change.reasons, f"replaced with it: {goes}"],
                    )
                )
        elif change.op == "update" and change.old and change.new:
            before, after = change.old.inputs.get("version"), change.new.inputs.get("version")
            try:
                b, a = (tuple(int(x) for x in str(v).split(".")[:2]) for v in (before, after))
            except (AttributeError, ValueError):
                continue  # no version, or not major.minor: nothing to compare
            if a != b:
                if a < b:
                    out.append(
                        Hazard(
                            "cluster-version-downgrade",
                            change.urn,
                            f"The EKS cluster {name} would go from Kubernetes {before} to {after}: EKS cannot "
                            "downgrade a cluster, so `pulumi up` fails (EKS User Guide, update-cluster.html).",
                        )
                    )
                elif a[0] == b[0] and a[1] - b[1] > 1:
                    out.append(
                        Hazard(
                            "cluster-version-skip",
                            change.urn,
                            f"The EKS cluster {name} would go from {before} to {after} in one step: EKS upgrades "
                            "one minor version at a time, so `pulumi up` fails (eksctl docs, cluster-upgrade.html).",
                        )
                    )
    return out, gone


def _key_hazards(comparison: Comparison, old: Side, new: Side) -> list[Hazard]:
    """Creates that meet an old resource with the same cloud-unique key, still there until the deletes at the end."""
    held: dict[Any, list[monitor.Registration]] = {}
    for reg in old.result.registrations:
        key = unique_key(rule_for(reg.type), reg.inputs, scope_of(reg, old.result))
        if key:
            held.setdefault(key, []).append(reg)
    out: list[Hazard] = []
    seen_new: dict[Any, Any] = {}
    for change in comparison.changes:
        if change.new is None or change.op not in ("create", "replace", "update", "same"):
            continue
        key = unique_key(rule_for(change.new.type), change.new.inputs, scope_of(change.new, new.result))
        if key is None:
            continue
        first = seen_new.setdefault(key, change)
        if first is not change and {first.op, change.op} & {"create", "replace"}:
            out.append(
                Hazard(
                    "unique-key-conflict",
                    change.urn,
                    f"{change.new.name} and {first.reg.name} both claim {key.key.what} "
                    f"{tuple(str(p) for p in key.parts)}: the second create fails.",
                    [key.key.source],
                )
            )
        if change.op not in ("create", "replace"):
            continue
        for holder in held.get(key, []):
            fate = comparison.by_old[holder.urn]
            if holder.retain_on_delete and fate.op in ("delete", "replace"):
                when = (
                    "is retained (retainOnDelete): the engine drops it from the stack but never deletes it "
                    f"({ENGINE_FACTS['retain-on-delete']})"
                )
            elif change.op == "replace" and change.delete_first:
                continue
            elif holder is change.old:
                when = "is deleted only after the new one is created (create-first)"
            elif fate.op == "delete" or (fate.op == "replace" and not fate.delete_first):
                when = "is deleted only after every create"
            elif fate.op == "replace":
                when = "is replaced delete-first, in an order the engine does not tie to this create"
            else:
                continue  # it keeps the key: a duplicate in the new run, reported above
            parts = tuple(str(p) for p in key.parts)
            if key.key.collision == "create-fails":
                out.append(
                    Hazard(
                        "unique-key-conflict",
                        change.urn,
                        f"{change.op.capitalize()} of {change.new.name} fails: {holder.name} still holds "
                        f"{key.key.what} {parts} and {when}.",
                        [key.key.source, ENGINE_FACTS["deletes-last"]],
                    )
                )
            elif not holder.retain_on_delete and (fate.op != "replace" or holder is change.old):
                out.append(
                    Hazard(
                        "lost-after-update",
                        change.urn,
                        f"{change.new.name} re-creates {key.key.what} {parts} that {holder.name} already has "
                        f"(a no-op); deleting {holder.name} at the end removes it, and the stack ends without it.",
                        [key.key.source, ENGINE_FACTS["deletes-last"]],
                    )
                )
    return out


def _role_hazards(comparison: Comparison, old: Side, new: Side, stack: str) -> list[Hazard]:
    old_bound, new_bound = bindings(old.result), bindings(new.result)
    old_shared, new_shared = shared_roles(old), shared_roles(new)
    out: list[Hazard] = []
    for change in comparison.changes:
        if change.reg.type != ROLE or change.old is None:
            continue
        uses = old_bound.get(change.old.urn, [])
        if change.old.urn in old_shared and change.op in ("delete", "replace"):
            ident = old_shared[change.old.urn]
            out.append(
                Hazard(
                    f"shared-role-{change.op}d",
                    change.old.urn,
                    f"The shared role of identity {ident} is {change.op}d: cluster stacks that bind it "
                    "(roleFromStack) keep associations to a role that is gone until they run `pulumi up` again.",
                    [f"bound by committed stack {s}: {c}/{n}/{a}" for s, c, n, a in external_bindings(stack, ident)],
                )
            )
        if change.op == "replace" and uses:
            how = (
                "delete-first: between the delete and the create no pod can get credentials"
                if change.delete_first
                else "create-first: associations move to the new role"
            )
            out.append(
                Hazard(
                    "role-replaced",
                    change.urn,
                    f"Role {change.reg.name} is replaced ({how}) while associations hand it to pods; {CREDENTIALS}.",
                    [*change.reasons, *(f"bound at {u}" for u in uses)],
                )
            )
        elif change.op == "delete" and uses:
            moved = [u for u in uses if any(u in elsewhere for elsewhere in new_bound.values())]
            if moved:
                out.append(
                    Hazard(
                        "role-replaced",
                        change.old.urn,
                        f"Role {change.old.name} is deleted while its bindings move to another role; {CREDENTIALS}.",
                        [f"moves: {u}" for u in moved],
                    )
                )
        if change.new and change.op in ("update", "same") and change.old.urn in old_shared and change.new.urn in new_shared:
            cut = iam_diff.narrowed(
                iam_diff.parse(change.old.inputs.get("assumeRolePolicy")), iam_diff.parse(change.new.inputs.get("assumeRolePolicy"))
            )
            if cut:
                ident = new_shared[change.new.urn]
                trust = iam_diff.parse(change.new.inputs.get("assumeRolePolicy"))
                lost = [f"{s}: {c}/{n}/{a}" for s, c, n, a in external_bindings(stack, ident) if not iam_diff.admits(trust, n, a, c)]
                out.append(
                    Hazard(
                        "trust-narrowed",
                        change.urn,
                        f"The trust of shared role {change.reg.name} ({ident}) narrows: cluster stacks elsewhere may "
                        "bind a namespace or service account it no longer admits, and their pods get AccessDenied.",
                        [*cut, *(f"committed stack no longer admitted: {b}" for b in lost)],
                    )
                )
    return out


def _permission_hazards(comparison: Comparison, old: Side, new: Side) -> list[Hazard]:
    """Roles in use in both runs that lose an attachment or an allowed action/resource."""
    old_bound, new_bound = bindings(old.result), bindings(new.result)
    shared_old, shared_new = shared_roles(old), shared_roles(new)
    out: list[Hazard] = []
    for change in comparison.changes:
        if change.reg.type != ROLE or change.old is None or change.new is None:
            continue
        in_use = (change.old.urn in old_bound and change.new.urn in new_bound) or (
            change.old.urn in shared_old and change.new.urn in shared_new
        )
        if not in_use:
            continue
        before, after = _permissions(old.result, change.old.urn), _permissions(new.result, change.new.urn)
        renamed = {
            f"policy {_short(c.old.urn)}": f"policy {_short(c.new.urn)}"
            for c in comparison.changes
            if c.old and c.new and c.reg.type == POLICY
        }
        detached = sorted(p for p in before[0] if renamed.get(p, p) not in after[0])
        lost = iam_diff.lost(before[1], after[1], after[2], before[2])
        if detached or lost:
            details = [f"detached: {p}" for p in detached]
            details += [f"no longer allowed: {a} on {r}" + (f" when {', '.join(sorted(c))}" if c else "") for a, r, c in lost[:20]]
            details += [f"... and {len(lost) - 20} more"] if len(lost) > 20 else []
            users = new_bound.get(change.new.urn) or [f"shared: {shared_new.get(change.new.urn)}"]
            out.append(
                Hazard(
                    "permissions-removed",
                    change.urn,
                    f"Role {change.reg.name} loses permissions while pods use it ({', '.join(users)}): calls that "
                    "worked start failing with AccessDenied as soon as the change is applied.",
                    details,
                )
            )
    return out


def _refused_hazards(comparison: Comparison) -> list[Hazard]:
    """Updates the cloud rejects although the provider plans them (facts.Rule.refused)."""
    out: list[Hazard] = []
    for change in comparison.changes:
        rule = rule_for(change.reg.type)
        if change.op not in ("update", "replace") or rule is None or not rule.refused:
            continue
        for fact in rule.refused:
            hit = [c for c in change.inputs if overlaps(parse_path(fact.path), c.path)]
            if hit:
                out.append(
                    Hazard(
                        "change-refused",
                        change.urn,
                        f"{change.reg.name}: {fact.path} changes, which the cloud refuses in place, so `pulumi up` "
                        "fails at this resource after the steps before it ran.",
                        [fact.source],
                    )
                )
    return out


def _binding_hazards(comparison: Comparison) -> list[Hazard]:
    out: list[Hazard] = []
    created = [c.new for c in comparison.changes if c.op == "create" and c.new and c.new.type == ASSOCIATION]
    for change in comparison.changes:
        reg = change.reg
        if change.op == "delete" and reg.retain_on_delete:
            continue  # it stays in the cloud; only the stack lets go of it
        where = "/".join(str(reg.inputs.get(k)) for k in ("clusterName", "namespace", "serviceAccount"))
        if reg.type == ASSOCIATION and change.op == "replace":
            mode = "delete-first" if change.delete_first else "create-first"
            out.append(
                Hazard("association-replaced", change.urn, f"The association {where} is replaced ({mode}); {CREDENTIALS}.", change.reasons)
            )
        elif reg.type == ASSOCIATION and change.op == "delete":
            moves = [
                f"{c.inputs.get('clusterName')}/{c.inputs.get('namespace')}/{c.inputs.get('serviceAccount')}"
                for c in created
                if c.inputs.get("clusterName") == reg.inputs.get("clusterName")
                and c.inputs.get("serviceAccount") == reg.inputs.get("serviceAccount")
            ]
            out.append(
                Hazard(
                    "association-deleted",
                    change.urn,
                    f"The association {where} is deleted: pods running as that service account lose the role "
                    "when their cached credentials expire.",
                    [f"a new binding is created at {m}" for m in moves],
                )
            )
        elif reg.type == ADDON and reg.inputs.get("addonName") == AGENT_ADDON and change.op == "delete":
            out.append(
                Hazard(
                    "agent-removed",
                    change.urn,
                    f"The {AGENT_ADDON} add-on is deleted from {reg.inputs.get('clusterName')} (Pulumi deletes the "
                    "add-on it installed; `installAgent: false` does not leave it behind): no pod there gets Pod "
                    "Identity credentials any more, unless the cluster runs EKS Auto Mode, whose agent is built in.",
                )
            )
        elif reg.type == "pulumi:providers:kubernetes" and change.op == "replace":
            users = [
                c.new.name for c in comparison.changes if c.op == "replace" and c.new and c.new.provider.rsplit("::", 1)[0] == change.urn
            ]
            out.append(
                Hazard(
                    "k8s-provider-replaced",
                    change.urn,
                    f"The Kubernetes provider {reg.name} is replaced, so every object it manages is replaced (deleted and created again).",
                    [*change.reasons, f"objects: {', '.join(users) or 'none'}"],
                )
            )
        elif reg.type == "kubernetes:core/v1:Namespace" and change.op in ("delete", "replace"):
            out.append(
                Hazard(
                    "namespace-deleted",
                    change.urn,
                    f"Namespace {(reg.inputs.get('metadata') or {}).get('name')} is {change.op}d: Kubernetes deletes "
                    "everything in it, including objects this stack does not manage.",
                )
            )
        elif reg.type == "aws:s3/bucket:Bucket" and change.op in ("delete", "replace"):
            out.append(
                Hazard(
                    "bucket-deleted",
                    change.urn,
                    f"Bucket {reg.inputs.get('bucket') or reg.name} is {change.op}d with its objects (forceDestroy).",
                    change.reasons,
                )
            )
        elif reg.type == "awsx:ec2:Vpc" and change.op in ("delete", "replace"):
            out.append(
                Hazard(
                    f"vpc-{change.op}d",
                    change.urn,
                    f"The VPC {reg.name} is {change.op}d: its subnets, NAT gateway and everything with a network "
                    "interface in it go, and AWS refuses to delete a VPC while a cluster's interfaces remain.",
                    change.reasons,
                )
            )
        elif reg.type == NODE_GROUP and change.op in ("delete", "replace"):
            out.append(
                Hazard(
                    f"nodegroup-{change.op}d",
                    change.urn,
                    f"The managed node group {reg.name} is {change.op}d: its nodes are drained and terminated, "
                    "and pods are rescheduled (or stay pending if no nodes are left).",
                    change.reasons,
                )
            )
    return out


def review(stack: str, old: Side, new: Side) -> Review:
    """Compare the runs and find every hazard; hazards inside a cluster that goes fold into its own."""
    comparison = compare(old.result, new.result)
    cluster_hazards, gone = _cluster_hazards(comparison, old, new)
    found = [
        *_key_hazards(comparison, old, new),
        *_role_hazards(comparison, old, new, stack),
        *_permission_hazards(comparison, old, new),
        *_binding_hazards(comparison),
        *_refused_hazards(comparison),
    ]
    # A VPC deleted under a cluster that is deleted too is part of that deletion.
    gone_clusters = [old.result.by_urn(u) for u in gone if old.result.by_urn(u).type == CLUSTER]
    under_gone = {comparison.owner.get(u, u) for c in gone_clusters for u in _refs(c)}
    kept = []
    for hazard in found:
        change = comparison.by_new.get(hazard.urn) or comparison.by_old.get(hazard.urn)
        old_urn = change.old.urn if change and change.old else hazard.urn
        if (hazard.kind in INSIDE_CLUSTER and old_urn in gone) or (hazard.kind == "vpc-deleted" and old_urn in under_gone):
            continue
        kept.append(hazard)
    unique: dict[str, Hazard] = {}
    for hazard in [*cluster_hazards, *kept]:
        unique.setdefault(hazard.id, hazard)
    return Review(stack, old.label, new.label, comparison, list(unique.values()))
