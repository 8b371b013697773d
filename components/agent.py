"""The `eks-pod-identity-agent` add-on: the node DaemonSet that hands pods their credentials."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

AGENT_ADDON = "eks-pod-identity-agent"


def addon_version(
    addon_name: str, kubernetes_version: pulumi.Input[str], pinned: str | None, parent: pulumi.Resource
) -> pulumi.Input[str]:
    """The pinned version, or the newest one EKS publishes for this Kubernetes version.

    An unpinned lookup is resolved at every run, so a new agent release shows up in
    `pulumi preview` as an update rather than drifting silently.
    """
    if pinned:
        return pinned
    return aws.eks.get_addon_version_output(
        addon_name=addon_name,
        kubernetes_version=kubernetes_version,
        most_recent=True,
        opts=pulumi.InvokeOutputOptions(parent=parent),
    ).version


@dataclass(frozen=True)
class PodIdentityAgentArgs:
    """Where to install the agent and which version."""

    cluster_name: pulumi.Input[str]
    kubernetes_version: pulumi.Input[str]
    version: str | None = None
    auto_mode: bool = False
    depends_on: Sequence[pulumi.Resource] = ()
    """What must exist first: the add-on goes ACTIVE only once nodes run its DaemonSet."""
    tags: Mapping[str, str] = field(default_factory=dict)


class PodIdentityAgent(pulumi.ComponentResource):
    """The agent add-on on one cluster; nothing on EKS Auto Mode, where the agent is built in."""

    addon: aws.eks.Addon | None
    """The add-on, or None on an Auto Mode cluster."""
    ready: list[pulumi.Resource]
    """What a workload must wait for before its pods can get credentials."""

    def __init__(self, name: str, args: PodIdentityAgentArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("eks-pod-identity:index:PodIdentityAgent", name, None, opts)
        self.addon = None
        if not args.auto_mode:
            self.addon = aws.eks.Addon(
                f"{name}-addon",
                cluster_name=args.cluster_name,
                addon_name=AGENT_ADDON,
                addon_version=addon_version(AGENT_ADDON, args.kubernetes_version, args.version, self),
                # The agent owns its DaemonSet: take it over from a hand-installed copy.
                resolve_conflicts_on_create="OVERWRITE",
                resolve_conflicts_on_update="OVERWRITE",
                tags=dict(args.tags),
                opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on)),
            )
        self.ready = [self.addon] if self.addon else []
        self.register_outputs({"addonVersion": self.addon.addon_version if self.addon else None})
