"""An EKS add-on that uses Pod Identity itself (EBS CSI, VPC CNI, ...), ordered after the agent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from .agent import addon_version


@dataclass(frozen=True)
class EksAddonArgs:
    """The add-on and, optionally, the role its own service account gets."""

    cluster_name: pulumi.Input[str]
    addon_name: str
    kubernetes_version: pulumi.Input[str]
    version: str | None = None
    role_arn: pulumi.Input[str] | None = None
    service_account: str | None = None
    configuration_values: str | None = None
    depends_on: Sequence[pulumi.Resource] = ()
    """The agent add-on (and the role's permissions): the add-on's pods need credentials at start."""
    tags: Mapping[str, str] = field(default_factory=dict)
    former_name: str | None = None
    """The component name an earlier release used, kept as an alias of the add-on."""


class EksAddon(pulumi.ComponentResource):
    """One add-on; its Pod Identity association belongs to the add-on and goes with it."""

    addon: aws.eks.Addon

    def __init__(self, name: str, args: EksAddonArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("eks-pod-identity:index:EksAddon", name, None, opts)
        associations = None
        if args.role_arn is not None and args.service_account:
            associations = [aws.eks.AddonPodIdentityAssociationArgs(role_arn=args.role_arn, service_account=args.service_account)]
        self.addon = aws.eks.Addon(
            f"{name}-addon",
            cluster_name=args.cluster_name,
            addon_name=args.addon_name,
            addon_version=addon_version(args.addon_name, args.kubernetes_version, args.version, self),
            pod_identity_associations=associations,
            configuration_values=args.configuration_values,
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=list(args.depends_on),
                # Keep the add-on an earlier release named otherwise: a second CreateAddon for
                # one add-on fails (ResourceInUseException).
                aliases=[pulumi.Alias(name=f"{args.former_name}-addon")] if args.former_name else None,
            ),
        )
        self.register_outputs({"addonVersion": self.addon.addon_version})
