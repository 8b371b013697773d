"""Hazards to who gets what: roles replaced, deleted, narrowed or stripped while pods use them,
associations replaced or deleted, the agent removed."""

from __future__ import annotations

from typing import Any

from ...addons.agent import AGENT_ADDON
from ...tokens import ADDON, ASSOCIATION, ATTACHMENT, INLINE, POLICY, ROLE
from ..harness import project, runner
from ..harness.runner import short_name as _short
from . import iam_diff
from .compare import Comparison
from .hazard import CREDENTIALS, Hazard
from .sides import Side

ROLE_COMPONENT = "eks-pod-identity:index:PodIdentityRole"


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
            if ref and project.stack_of(ref.stack) == stack and (ref.key or ident.name) == identity:
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


def role_hazards(comparison: Comparison, old: Side, new: Side, stack: str) -> list[Hazard]:
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


def permission_hazards(comparison: Comparison, old: Side, new: Side) -> list[Hazard]:
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


def binding_hazards(comparison: Comparison) -> list[Hazard]:
    """Associations replaced or deleted, and the agent removed: pods lose their credentials."""
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
        elif reg.type == ADDON and reg.inputs.get("addonName") == AGENT_ADDON and change.op == "delete" and not reg.inputs.get("preserve"):
            out.append(
                Hazard(
                    "agent-removed",
                    change.urn,
                    f"The {AGENT_ADDON} add-on is deleted from {reg.inputs.get('clusterName')} (Pulumi deletes the "
                    "add-on it installed; `installAgent: false` does not leave it behind): no pod there gets Pod "
                    "Identity credentials any more, unless the cluster runs EKS Auto Mode, whose agent is built in.",
                )
            )
    return out
