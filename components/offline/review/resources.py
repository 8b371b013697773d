"""Hazards to what the stack runs: clusters deleted, replaced or moved in a way EKS refuses,
unique keys claimed twice, updates the cloud refuses, objects deleted with their contents."""

from __future__ import annotations

from typing import Any

from ..harness import monitor
from .compare import Comparison, scope_of
from .facts import ENGINE_FACTS
from .hazard import Hazard, inside
from .paths import overlaps, parse_path
from .replacements import rule_for, unique_key
from .sides import Side

CLUSTER = "eks:index:Cluster"
NODE_GROUP = "eks:index:ManagedNodeGroup"


def cluster_hazards(comparison: Comparison, old: Side, new: Side) -> tuple[list[Hazard], set[str]]:
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


def key_hazards(comparison: Comparison, old: Side, new: Side) -> list[Hazard]:
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


def refused_hazards(comparison: Comparison) -> list[Hazard]:
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


def object_hazards(comparison: Comparison) -> list[Hazard]:
    """Objects deleted or replaced with what is in them: a Kubernetes provider and its objects,
    a namespace, a bucket, a VPC, a node group."""
    out: list[Hazard] = []
    for change in comparison.changes:
        reg = change.reg
        if change.op == "delete" and reg.retain_on_delete:
            continue  # it stays in the cloud; only the stack lets go of it
        if reg.type == "pulumi:providers:kubernetes" and change.op == "replace":
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


VPC = "awsx:ec2:Vpc"


def zone_hazards(comparison: Comparison) -> list[Hazard]:
    """A created VPC's zones removed or reordered. With its zone blocks fixed
    (availabilityZoneCidrMask), a zone added at the end takes a free block and nothing else
    moves; a zone that goes, or moves in the list, has its subnets deleted or re-addressed,
    which EC2 refuses while nodes, pods or load balancers have interfaces there (DeleteSubnet:
    DependencyViolation) and which takes the nodes there with it."""
    out: list[Hazard] = []
    for change in comparison.changes:
        if change.reg.type != VPC or change.op != "update" or change.old is None or change.new is None:
            continue
        before, after = change.old.inputs, change.new.inputs
        old_names, new_names = before.get("availabilityZoneNames") or [], after.get("availabilityZoneNames") or []
        old_count = before.get("numberOfAvailabilityZones") or len(old_names)
        new_count = after.get("numberOfAvailabilityZones") or len(new_names)
        moved = bool(old_names and new_names and new_names[: len(old_names)] != old_names)
        if new_count < old_count or moved:
            what = f"from {old_names} to {new_names}" if old_names and new_names else f"from {old_count} to {new_count} zones"
            out.append(
                Hazard(
                    "zones-removed",
                    change.urn,
                    f"{change.reg.name}: its availability zones change {what}: the subnets of zones that go or move are "
                    "deleted or re-addressed, which fails while anything runs in them. Add zones at the end only; to "
                    "leave a zone, move the nodes and load balancers out of it first.",
                    ["pulumi/pulumi-awsx awsx/ec2/subnetDistributorNew.ts allocateSubnetCidrBlocks: zone i takes block i"],
                )
            )
    return out
