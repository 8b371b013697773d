"""The `eks-pod-identity-agent` add-on: the node DaemonSet that hands pods their credentials."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated

import pulumi
import pulumi_aws as aws

from ..model import matching
from .installed import InstalledAddon

AGENT_ADDON = "eks-pod-identity-agent"
# EKS add-on versions look like `v1.3.10-eksbuild.2` (DescribeAddonVersions).
ADDON_VERSION = re.compile(r"^v\d+\.\d+\.\d+-eksbuild\.\d+$")
AddonVersion = Annotated[str, matching(ADDON_VERSION, "an add-on version like 'v1.3.10-eksbuild.2'; omit it to use the newest")]


def addon_version(addon_name: str, kubernetes_version: pulumi.Input[str], pinned: str | None, parent: pulumi.Resource) -> pulumi.Input[str]:
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


def addon_options(parent: pulumi.Resource, depends_on: Sequence[pulumi.Resource]) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on))


def preserve_on(adopted: bool) -> bool | None:
    """`preserve` of an add-on: on a cluster the stack did not create, deleting the add-on (a
    `pulumi destroy`, `installAgent: false`) keeps its software running, since other workloads
    there may rely on it (the agent serves every pod's credentials) and the stack cannot tell.
    EKS then stops managing it (DeleteAddon `preserve`, botocore eks model), so the next
    `pulumi up` creates the add-on again over the running copy (resolveConflicts OVERWRITE)
    instead of meeting an add-on that exists (CreateAddon ResourceInUseException), as a
    retained add-on did. The provider reads `preserve` from the state it recorded
    (terraform-provider-aws internal/service/eks/addon.go resourceAddonDelete), so it holds for
    any delete after one `pulumi up` recorded it."""
    return True if adopted else None


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
    adopted: bool = False
    """The cluster exists outside this stack: deleting the add-on keeps its software (`preserve_on`)."""
    installed: InstalledAddon | None = None
    """What the adopted cluster already runs (see `addons.installed.installed_addon`)."""


class PodIdentityAgent(pulumi.ComponentResource):
    """The agent add-on on one cluster.

    Nothing is declared on EKS Auto Mode, where the agent is built in ("the
    eks-pod-identity-agent comes pre-installed", eksctl User Guide, pod-identity-associations), nor on an adopted
    cluster where someone else installed it: declaring it there would fail (the add-on
    exists) and `pulumi destroy` would cut every other workload off its credentials.
    """

    addon: aws.eks.Addon | None
    """The add-on this stack manages, or None."""
    ready: list[pulumi.Resource]
    """What a workload must wait for before its pods can get credentials."""
    version: pulumi.Output[str] | None
    """The agent version running (managed or found), None on Auto Mode."""

    def __init__(self, name: str, args: PodIdentityAgentArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("eks-pod-identity:index:PodIdentityAgent", name, None, opts)
        self.addon = None
        self.version = None
        foreign = args.installed is not None and not args.installed.owned
        if foreign:
            assert args.installed is not None
            self.version = pulumi.Output.from_input(args.installed.version)
            note = (
                f"{AGENT_ADDON} {args.installed.version} was installed on this cluster outside the stack: it is left "
                "as it is, and `pulumi destroy` will not remove it"
            )
            if args.version and args.version != args.installed.version:
                # A pin the user believes in, silently dropped, is worse than a warning.
                pulumi.log.warn(
                    f"{note}; agentVersion {args.version} applies only to an add-on the stack manages and is "
                    "ignored here: upgrade the add-on where it is managed, or remove the pin",
                    resource=self,
                )
            else:
                pulumi.log.info(note, resource=self)
        elif not args.auto_mode:
            self.addon = aws.eks.Addon(
                f"{name}-addon",
                cluster_name=args.cluster_name,
                addon_name=AGENT_ADDON,
                addon_version=addon_version(AGENT_ADDON, args.kubernetes_version, args.version, self),
                # A self-managed copy of the DaemonSet (no add-on) is taken over rather than refused
                # (CreateAddon resolveConflicts, pulumi_aws/eks/addon.py AddonArgs resolve_conflicts_on_create).
                resolve_conflicts_on_create="OVERWRITE",
                resolve_conflicts_on_update="OVERWRITE",
                preserve=preserve_on(args.adopted),
                tags=dict(args.tags),
                opts=addon_options(self, args.depends_on),
            )
            self.version = self.addon.addon_version
        self.ready = [self.addon] if self.addon else []
        self.register_outputs({"addonVersion": self.version})
