"""Stage 1 of the program: where the stack deploys and what is there already.

Everything the program can only learn from AWS (the account, the region, each adopted
cluster, the add-ons it runs, the creator's access entries, the account's organization) is
read here, once, before anything registers; what it reveals to be wrong is refused as a
config error naming the key, so that nothing is half-created.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from .. import credentials, migrations
from ..addons.agent import AGENT_ADDON
from ..addons.installed import InstalledAddon, installed_addon, owned
from ..cluster.existing import access_entry_tags, describe_cluster
from ..errors import ConfigError
from ..identity.organization import organization_id
from ..identity.trust import RESOURCE_ORG_ID_VARIABLE
from . import accounts
from .checks import Problem
from .config import PROJECT, StackConfig, base_tags


@dataclass
class Deployment:
    """Where the stack deploys and what is there already, read before anything registers."""

    cfg: StackConfig
    tags: dict[str, str]
    credentials: credentials.Credentials
    partition: aws.GetPartitionResult
    region: str
    account: str
    found: dict[str, aws.eks.GetClusterResult | None]
    """Each adopted cluster as EKS describes it."""
    installed: dict[tuple[str, str], InstalledAddon | None] = field(default_factory=dict)
    """(cluster, add-on) -> what an adopted cluster already runs under the add-ons declared there."""
    renames: migrations.Renames = field(default_factory=migrations.Renames)
    """Every former name of the stack's resources, kept as aliases (`migrations`)."""
    parent: pulumi.Resource | None = None
    """The component that declares the stages (`PodIdentity`); none for the program itself."""

    @property
    def opts(self) -> pulumi.ResourceOptions:
        """Options of every top-level component: its children inherit the renames' aliases. A
        component's children have no former names: nothing was deployed under it before 0.2.0."""
        if self.parent is not None:
            return pulumi.ResourceOptions(parent=self.parent)
        return pulumi.ResourceOptions(transformations=[self.renames.transformation()])


def read(
    cfg: StackConfig,
    parent: pulumi.Resource | None = None,
    kubeconfigs: bool | None = None,
    invoke: pulumi.InvokeOptions | None = None,
) -> Deployment:
    """Stage 1: the account, region and adopted clusters; refuses (ConfigError) what only they reveal.

    With a `parent` (a component declaring the stages) the tags name the program's own project;
    `kubeconfigs` is false where no cluster's Kubernetes API is used (default: any cluster);
    `invoke` names the AWS provider the lookups ask (a component's, not the default one)."""
    tags = base_tags(cfg.environment, pulumi.get_stack(), pulumi.get_project() if parent else PROJECT)
    # The credentials of `pulumi up` reach the kubeconfigs' `aws eks get-token` and the
    # target-account provider too, not only the default AWS provider.
    creds = credentials.stack_credentials(kubeconfigs=bool(cfg.clusters) if kubeconfigs is None else kubeconfigs)
    partition = aws.get_partition(opts=invoke)
    region = aws.get_region(opts=invoke).region
    caller = aws.get_caller_identity(opts=invoke)
    # Every cluster the stack adopts is read once, before anything registers: a missing one is
    # a config problem, not a failure halfway through the clusters.
    found = {c.name: describe_cluster(c.name, invoke) for c in cfg.clusters if not c.create}
    problems = accounts.problems(cfg, caller.account_id)
    problems += (
        _adopted_problems(cfg, found, region) + _creator_problems(cfg, caller.arn, tags, invoke) + _organization_problems(cfg, invoke)
    )
    if problems:
        raise ConfigError([f"{PROJECT}:{path} = {value!r}: {why}" for path, value, why in problems])
    installed = {
        (c.name, addon): installed_addon(c.name, addon, tags, invoke)
        for c in cfg.clusters
        if not c.create
        for addon in [*([AGENT_ADDON] if c.install_agent else []), *(a.name for a in c.addons)]
    }
    return Deployment(cfg, tags, creds, partition, region, caller.account_id, found, installed, parent=parent)


def _adopted_problems(cfg: StackConfig, found: dict[str, aws.eks.GetClusterResult | None], region: str) -> list[Problem]:
    return [
        (
            f"clusters[{i}].name",
            c.name,
            (
                f"is adopted (create: false), and EKS has no cluster of that name in aws:region "
                f"{region!r}: check the name and the region, or set create: true to create it"
            ),
        )
        for i, c in enumerate(cfg.clusters)
        if not c.create and found[c.name] is None
    ]


def _organization_problems(cfg: StackConfig, invoke: pulumi.InvokeOptions | None) -> list[Problem]:
    """`trust.sourceOrgId` against the account's organization. `aws:ResourceOrgId` is in the
    request context only when the role's account is in an organization (IAM User Guide, global
    condition keys, aws:ResourceOrgID), so outside one the condition never holds and every pod
    is denied; an explicit ID must be the account's own organization's for the same reason."""
    wanted = [(i, ident.trust.source_org_id) for i, ident in enumerate(cfg.identities) if ident.creates_role and ident.trust.source_org_id]
    if not wanted:
        return []
    organization = organization_id(invoke)
    problems: list[Problem] = []
    for i, value in wanted:
        if organization is None:
            why = (
                "the stack's account is in no AWS Organization, so aws:ResourceOrgId is never set and the trust admits "
                "no pod: remove sourceOrgId, or move the account into an organization"
            )
        elif value not in (RESOURCE_ORG_ID_VARIABLE, organization):
            why = f"the stack's account is in organization {organization}: a trust on another organization admits no pod"
        else:
            continue
        problems.append((f"identities[{i}].trust.sourceOrgId", value, why))
    return problems


def _creator_problems(cfg: StackConfig, caller: str, tags: dict[str, str], invoke: pulumi.InvokeOptions | None) -> list[Problem]:
    """The caller among a created cluster's adminPrincipalArns. EKS gives whoever creates the
    cluster an admin access entry of its own (pulumi-eks sets bootstrapClusterCreatorAdminPermissions
    with authenticationMode, which this program always gives), and CreateAccessEntry for a
    principal that has one fails (ResourceInUseException, botocore eks model): before the
    cluster exists, and after, when its entry is not one this stack made (its tags say)."""
    problems: list[Problem] = []
    for cluster, entries in accounts.creator_entries(cfg, caller).items():
        exists = describe_cluster(cluster, invoke) is not None
        for path, arn in entries:
            entry_tags = access_entry_tags(cluster, arn, invoke) if exists else None
            if exists and (entry_tags is None or owned(entry_tags, tags)):
                continue
            why = "which creates" if not exists else "which created"
            problems.append(
                (
                    path,
                    arn,
                    (
                        f"is who runs this `pulumi up` ({caller}), {why} cluster {cluster!r}: EKS makes the creator cluster admin "
                        "with an access entry of its own, and a second entry for it fails with 409. Leave it out: the creator is "
                        "admin already"
                    ),
                )
            )
    return problems
