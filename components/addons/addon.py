"""An EKS add-on that uses Pod Identity itself (EBS CSI, VPC CNI, ...), ordered after the agent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from .. import names
from .agent import addon_options, addon_version, preserve_on
from .installed import InstalledAddon


@dataclass(frozen=True)
class EksAddonArgs:
    """The add-on and, optionally, the role its own service account gets."""

    cluster_name: pulumi.Input[str]
    addon_name: str
    kubernetes_version: pulumi.Input[str]
    version: str | None = None
    role_arn: pulumi.Input[str] | None = None
    service_account: str | None = None
    namespace: str | None = None
    """Install into this namespace (EKS `namespace_config`); None: the add-on's default."""
    configuration_values: str | None = None
    depends_on: Sequence[pulumi.Resource] = ()
    """The agent add-on (and the role's permissions): the add-on's pods need credentials at start."""
    tags: Mapping[str, str] = field(default_factory=dict)
    cluster: str = ""
    """The cluster's key in this stack (names the standalone association, if one is needed)."""
    role_namespace: str = "kube-system"
    """Where the add-on's service account lives, for a standalone association."""
    adopted: bool = False
    """The cluster exists outside this stack: deleting the add-on keeps its software (`preserve_on`)."""
    installed: InstalledAddon | None = None
    """What the adopted cluster already runs under this add-on's name."""


class EksAddon(pulumi.ComponentResource):
    """One add-on; its Pod Identity association belongs to the add-on and goes with it.

    On an adopted cluster where someone else installed the add-on, it is left alone (it
    cannot be created twice), and its service account is bound with a plain association
    unless the add-on already binds it.
    """

    addon: aws.eks.Addon | None
    association: aws.eks.PodIdentityAssociation | None
    ready: list[pulumi.Resource]

    def __init__(self, name: str, args: EksAddonArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("eks-pod-identity:index:EksAddon", name, None, opts)
        self.addon, self.association = None, None
        if args.installed is not None and not args.installed.owned:
            self._foreign(name, args, args.installed)
        else:
            associations = None
            if args.role_arn is not None and args.service_account:
                associations = [aws.eks.AddonPodIdentityAssociationArgs(role_arn=args.role_arn, service_account=args.service_account)]
            options = addon_options(self, args.depends_on)
            self.addon = aws.eks.Addon(
                f"{name}-addon",
                cluster_name=args.cluster_name,
                addon_name=args.addon_name,
                addon_version=addon_version(args.addon_name, args.kubernetes_version, args.version, self),
                pod_identity_associations=associations,
                namespace_config=aws.eks.AddonNamespaceConfigArgs(namespace=args.namespace) if args.namespace else None,
                configuration_values=args.configuration_values,
                resolve_conflicts_on_create="OVERWRITE",
                resolve_conflicts_on_update="OVERWRITE",
                preserve=preserve_on(args.adopted),
                tags=dict(args.tags),
                opts=options,
            )
        self.ready = [r for r in (self.addon, self.association) if r is not None]
        self.register_outputs({"addonVersion": self.addon.addon_version if self.addon else args.installed and args.installed.version})

    def _foreign(self, name: str, args: EksAddonArgs, installed: InstalledAddon) -> None:
        note = f"add-on {args.addon_name} {installed.version} was installed outside this stack: it is left as it is"
        bound = installed.associations.get(args.service_account or "")
        if args.role_arn is not None and args.service_account and bound is None:
            self.association = aws.eks.PodIdentityAssociation(
                names.association(args.cluster, args.role_namespace, args.service_account),
                cluster_name=args.cluster_name,
                namespace=args.role_namespace,
                service_account=args.service_account,
                role_arn=args.role_arn,
                tags=dict(args.tags),
                opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on)),
            )
            note += f"; its service account {args.service_account} is bound to the identity's role by a plain association"
        elif bound is not None:
            note += f"; its service account {args.service_account} keeps the role the add-on gives it ({bound})"
        pulumi.log.warn(note, resource=self)
