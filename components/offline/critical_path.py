"""The deploy's critical path, from the dependency graph the program registers.

Durations are typical create times per resource type (TYPICAL_SECONDS, with sources); the
graph is exact. A resource starts when everything it depends on is created, so the longest
chain of durations is the least time `pulumi up` can take.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..identity.probe import PROBE_APP
from ..sample.manifests import APP_LABEL
from .harness.monitor import Registration
from .harness.runner import RunResult

# Typical create times in seconds, and where each figure comes from.
PROBE = "probe Job"
"""The kind of an association's probe Job (identity/probe.py), timed apart from other Jobs."""
TYPICAL_SECONDS: dict[str, tuple[float, str]] = {
    "eks:index:Cluster": (
        900,
        (
            "EKS control plane: 13-16 min measured in 21 regions (easontechtalk.com, "
            "'Unofficial EKS Cluster Creation Performance'); 15 min in us-west-2"
        ),
    ),
    "eks:index:ManagedNodeGroup": (
        180,
        (
            "estimate: EC2 launch, bootstrap and node registration; the anchors give no "
            "measurement - replace with your own `pulumi up` event timestamps"
        ),
    ),
    "aws:eks/addon:Addon": (
        60,
        ("estimate: the add-on turns ACTIVE when its DaemonSet runs on the nodes (seed 004 waits for it with `aws eks wait addon-active`)"),
    ),
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": (2, "one EKS API call (seeds 000, 003, 004)"),
    "aws:iam/role:Role": (2, "one IAM API call; IAM is eventually consistent within seconds"),
    "aws:iam/policy:Policy": (2, "one IAM API call"),
    "aws:iam/rolePolicy:RolePolicy": (1, "one IAM API call"),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (1, "one IAM API call"),
    "aws:s3/bucket:Bucket": (3, "a few S3 API calls"),
    "kubernetes:apps/v1:Deployment": (60, "estimate: pull of the ~150 MB AWS CLI image and pod start, then rollout"),
    PROBE: (
        60,
        (
            "estimate: pull of the AWS CLI image, pod start and one STS call, as the sample Job; more when the "
            "association takes longer to be effective (EKS: eventually consistent), up to the probe's deadline"
        ),
    ),
    "awsx:ec2:Vpc": (150, "estimate: VPC, subnets, route tables and a NAT gateway (NAT gateways take minutes to turn available)"),
    "kubernetes:batch/v1:Job": (60, "estimate: image pull, pod start and the Job's two AWS calls"),
}
DEFAULT_SECONDS = (1.0, "API call or local work")
# The floor of a deploy: network, cluster, nodes, agent, pod start - each step counted when present.
FLOOR_STEPS = (
    ("awsx:ec2:Vpc",),
    ("eks:index:Cluster",),
    ("eks:index:ManagedNodeGroup",),
    ("aws:eks/addon:Addon",),
    (PROBE,),
    ("kubernetes:apps/v1:Deployment", "kubernetes:batch/v1:Job"),
)
# The seeds' manual order, step by step (seed 002 restarts the pod it started too early).
MANUAL_STEPS = [
    ("create the network (eksctl makes a VPC first, seed 003)", "awsx:ec2:Vpc"),
    ("create the cluster", "eks:index:Cluster"),
    ("create the node group", "eks:index:ManagedNodeGroup"),
    ("install the agent add-on, wait until ACTIVE", "aws:eks/addon:Addon"),
    ("start the AWS CLI pod (no association yet)", "kubernetes:apps/v1:Deployment"),
    ("create the role", "aws:iam/role:Role"),
    ("attach its policy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment"),
    ("create the association", "aws:eks/podIdentityAssociation:PodIdentityAssociation"),
    ("restart the pod so it gets credentials", "kubernetes:apps/v1:Deployment"),
]


def seconds(type_: str) -> float:
    return TYPICAL_SECONDS.get(type_, DEFAULT_SECONDS)[0]


def kind(reg: Registration) -> str:
    """Its type, or PROBE for an association's probe Job (a Job of its own app label)."""
    labels = (reg.inputs.get("metadata") or {}).get("labels") or {} if reg.type == "kubernetes:batch/v1:Job" else {}
    return PROBE if labels.get(APP_LABEL) == PROBE_APP else reg.type


def duration(reg: Registration) -> float:
    """How long `reg` takes to create: its kind's typical time."""
    return seconds(kind(reg))


def _is_node(reg: Registration) -> bool:
    """Resources that take time to create: custom resources and remote (provider) components."""
    return (reg.custom or reg.type.startswith(("eks:index:", "awsx:"))) and not reg.type.startswith("pulumi:providers:")


def dependency_graph(result: RunResult) -> dict[str, set[str]]:
    """URN -> URNs of the timed resources it waits for (components expanded to their children)."""
    nodes = {r.urn: r for r in result.registrations if _is_node(r)}
    children: dict[str, list[str]] = {}
    for r in result.registrations:
        children.setdefault(r.parent, []).append(r.urn)
    by_urn = {r.urn: r for r in result.registrations}

    def expand(urn: str) -> set[str]:
        if urn in nodes:
            return {urn}
        if urn in by_urn and by_urn[urn].type.startswith("pulumi:providers:"):
            # A provider waits for what its inputs name (a kubeconfig waits for its cluster).
            return set().union(*(expand(d) for d in result.all_dependencies(by_urn[urn])))
        return set().union(*(expand(c) for c in children.get(urn, [])))

    graph = {}
    for urn, reg in nodes.items():
        deps = set().union(*(expand(d) for d in result.all_dependencies(reg)))
        if reg.provider:
            deps |= expand(reg.provider.rsplit("::", 1)[0])
        graph[urn] = deps - {urn}
    return graph


def upstream(graph: dict[str, set[str]], urn: str) -> set[str]:
    """Everything `urn` waits for, directly or not."""
    seen: set[str] = set()
    stack = list(graph.get(urn, ()))
    while stack:
        dep = stack.pop()
        if dep not in seen:
            seen.add(dep)
            stack.extend(graph.get(dep, ()))
    return seen


@dataclass
class CriticalPath:
    path: list[Registration]
    total: float
    floor: float
    manual: float

    def report(self) -> str:
        lines = [f"critical path: {self.total:.0f} s ({self.total / 60:.1f} min)"]
        start = 0.0
        for reg in self.path:
            lines.append(f"  {start:7.0f} s  +{duration(reg):5.0f} s  {reg.type}  {reg.name}")
            start += duration(reg)
        lines.append(f"floor (cluster + nodes + agent + proof + pod start, as present): {self.floor:.0f} s")
        lines.append(f"the seeds' manual order, step after step: {self.manual:.0f} s")
        return "\n".join(lines)


def critical_path(result: RunResult) -> CriticalPath:
    graph = dependency_graph(result)
    by_urn = {r.urn: r for r in result.registrations}
    finish: dict[str, float] = {}
    via: dict[str, str | None] = {}
    # Registration order is topological: a resource registers only after the URNs it names.
    for reg in result.registrations:
        if reg.urn not in graph:
            continue
        deps = graph[reg.urn]
        prev = max(deps, key=lambda d: finish.get(d, 0.0), default=None)
        finish[reg.urn] = (finish.get(prev, 0.0) if prev else 0.0) + duration(reg)
        via[reg.urn] = prev
    end = max(finish, key=lambda urn: finish[urn], default=None)
    path: list[Registration] = []
    while end:
        path.append(by_urn[end])
        end = via[end]
    path.reverse()
    present = {kind(r) for r in result.registrations}
    floor = sum(max((seconds(t) for t in step if t in present), default=0.0) for step in FLOOR_STEPS)
    manual = sum(seconds(t) for _, t in MANUAL_STEPS)
    return CriticalPath(path, finish[path[-1].urn] if path else 0.0, floor, manual)
