"""Hazards of a stack-file change: what breaks running workloads, fails halfway through
`pulumi up`, or destroys what the stack runs. Each hazard has a stable id (`<kind>:<urn>`)
that `--accept` takes once a reviewer has read it, and says in one sentence what happens.

Hazards of resources inside a cluster that is deleted or replaced are folded into that
cluster's hazard: everything in it goes anyway.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import access, resources
from .compare import Comparison, compare
from .hazard import Hazard, refs
from .sides import Side

__all__ = ["Review", "review"]

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
class Review:
    stack: str
    old_label: str
    new_label: str
    comparison: Comparison
    hazards: list[Hazard]
    unused_accepts: list[str] = field(default_factory=list)


def review(stack: str, old: Side, new: Side) -> Review:
    """Compare the runs and find every hazard; hazards inside a cluster that goes fold into its own."""
    comparison = compare(old.result, new.result)
    cluster_hazards, gone = resources.cluster_hazards(comparison, old, new)
    found = [
        *resources.key_hazards(comparison, old, new),
        *access.role_hazards(comparison, old, new, stack),
        *access.permission_hazards(comparison, old, new),
        *access.binding_hazards(comparison),
        *resources.object_hazards(comparison),
        *resources.refused_hazards(comparison),
        *resources.zone_hazards(comparison),
    ]
    # A VPC deleted under a cluster that is deleted too is part of that deletion.
    gone_clusters = [old.result.by_urn(u) for u in gone if old.result.by_urn(u).type == resources.CLUSTER]
    under_gone = {comparison.owner.get(u, u) for c in gone_clusters for u in refs(c)}
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
