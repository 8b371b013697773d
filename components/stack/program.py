"""The whole stack, built from a validated StackConfig in named stages.

`__main__.py` calls `build(config.load())`; tests and the offline tools call it the same way
under mocks. The ordering that the manual flows get wrong is encoded here as explicit
dependencies: nodes -> agent add-on -> add-ons with identities, and (agent, association,
role permissions) -> workload. Roles and associations wait for nothing but what they name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from .. import credentials, migrations, names
from ..addons.addon import EksAddon, EksAddonArgs
from ..addons.agent import AGENT_ADDON, PodIdentityAgent, PodIdentityAgentArgs
from ..addons.installed import InstalledAddon, installed_addon, owned
from ..arn import name_of
from ..cluster.cluster import EksCluster, EksClusterArgs
from ..cluster.existing import access_entry_tags, describe_cluster
from ..cluster.network import NetworkArgs
from ..errors import ConfigError
from ..iam import documents
from ..identity.association import AssociationTarget, PodIdentityAssociations, PodIdentityAssociationsArgs
from ..identity.organization import organization_id
from ..identity.role import PodIdentityRole
from ..identity.trust import RESOURCE_ORG_ID_VARIABLE
from ..sample.workload import SampleWorkload, SampleWorkloadArgs
from . import accounts
from .checks import Problem
from .clusters import ClusterConfig
from .config import PROJECT, StackConfig, base_tags
from .wiring import TRUST_SCOPES_OUTPUT, role_args, shared_role_arns, target_arn, target_role, target_role_name, trust_scopes_output


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

    @property
    def opts(self) -> pulumi.ResourceOptions:
        """Options of every top-level component: its children inherit the renames' aliases."""
        return pulumi.ResourceOptions(transformations=[self.renames.transformation()])


def read(cfg: StackConfig) -> Deployment:
    """Stage 1: the account, region and adopted clusters; refuses (ConfigError) what only they reveal."""
    tags = base_tags(cfg.environment, pulumi.get_stack())
    # The credentials of `pulumi up` reach the kubeconfigs' `aws eks get-token` and the
    # target-account provider too, not only the default AWS provider.
    creds = credentials.stack_credentials(kubeconfigs=bool(cfg.clusters))
    partition = aws.get_partition()
    region = aws.get_region().region
    caller = aws.get_caller_identity()
    # Every cluster the stack adopts is read once, before anything registers: a missing one is
    # a config problem, not a failure halfway through the clusters.
    found = {c.name: describe_cluster(c.name) for c in cfg.clusters if not c.create}
    problems = accounts.problems(cfg, caller.account_id)
    problems += _adopted_problems(cfg, found, region) + _creator_problems(cfg, caller.arn, tags) + _organization_problems(cfg)
    if problems:
        raise ConfigError([f"{PROJECT}:{path} = {value!r}: {why}" for path, value, why in problems])
    installed = {
        (c.name, addon): installed_addon(c.name, addon, tags)
        for c in cfg.clusters
        if not c.create
        for addon in [*([AGENT_ADDON] if c.install_agent else []), *(a.name for a in c.addons)]
    }
    return Deployment(cfg, tags, creds, partition, region, caller.account_id, found, installed)


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


def _organization_problems(cfg: StackConfig) -> list[Problem]:
    """`trust.sourceOrgId` against the account's organization. `aws:ResourceOrgId` is in the
    request context only when the role's account is in an organization (IAM User Guide, global
    condition keys, aws:ResourceOrgID), so outside one the condition never holds and every pod
    is denied; an explicit ID must be the account's own organization's for the same reason."""
    wanted = [(i, ident.trust.source_org_id) for i, ident in enumerate(cfg.identities) if ident.creates_role and ident.trust.source_org_id]
    if not wanted:
        return []
    organization = organization_id()
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


def _creator_problems(cfg: StackConfig, caller: str, tags: dict[str, str]) -> list[Problem]:
    """The caller among a created cluster's adminPrincipalArns. EKS gives whoever creates the
    cluster an admin access entry of its own (pulumi-eks sets bootstrapClusterCreatorAdminPermissions
    with authenticationMode, which this program always gives), and CreateAccessEntry for a
    principal that has one fails (ResourceInUseException, botocore eks model): before the
    cluster exists, and after, when its entry is not one this stack made (its tags say)."""
    problems: list[Problem] = []
    for cluster, entries in accounts.creator_entries(cfg, caller).items():
        exists = describe_cluster(cluster) is not None
        for path, arn in entries:
            entry_tags = access_entry_tags(cluster, arn) if exists else None
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


def renames(cfg: StackConfig) -> migrations.Renames:
    """The former names of this stack's associations, add-ons and target roles (see
    `migrations`); the roles' are added as their arguments are built (`declare_roles`)."""
    found = migrations.Renames()
    found.associations((b.identity, *b.key) for b in cfg.bindings())
    found.addons((c.name, a.name) for c in cfg.clusters for a in c.addons)
    for ident in cfg.identities:
        create = ident.target_role.create if ident.target_role else None
        if create:
            found.target_role(
                f"{ident.name}-target", create.account, target_role_name(ident, pulumi.get_stack()), create.managed_policy_arns
            )
    return found


def network_args(c: ClusterConfig, tags: dict[str, str]) -> NetworkArgs:
    n = c.network
    return NetworkArgs(
        vpc_id=n.vpc_id,
        private_subnet_ids=n.private_subnet_ids,
        public_subnet_ids=n.public_subnet_ids,
        cidr_block=n.cidr,
        availability_zones=n.availability_zones,
        availability_zone_names=n.availability_zone_names,
        nat_gateways=n.nat_gateways,
        tags={**tags, "Name": f"{c.name}-vpc"},
    )


def declare_clusters(d: Deployment) -> dict[str, EksCluster]:
    """Stage 2: each cluster, created in its network or adopted, with its Kubernetes provider."""
    return {
        c.name: EksCluster(
            c.name,
            EksClusterArgs(
                create=c.create,
                version=c.kubernetes_version,
                instance_type=c.instance_type,
                desired_capacity=c.desired_capacity,
                min_size=c.min_size,
                max_size=c.max_size,
                authentication_mode=c.authentication_mode,
                auto_mode=c.auto_mode,
                network=network_args(c, d.tags),
                endpoint_public_access=c.endpoint_public_access,
                public_access_cidrs=c.public_access_cidrs,
                admin_principal_arns=c.admin_principal_arns,
                credentials=d.credentials,
                tags=d.tags,
                found=d.found.get(c.name),
                partition=d.partition,
                region=d.region,
                account=d.account,
            ),
            opts=d.opts,
        )
        for c in d.cfg.clusters
    }


def declare_agents(d: Deployment, clusters: dict[str, EksCluster]) -> dict[str, PodIdentityAgent]:
    """Stage 3: the agent add-on where asked for, after the cluster's nodes."""
    return {
        c.name: PodIdentityAgent(
            f"{c.name}-agent",
            PodIdentityAgentArgs(
                cluster_name=clusters[c.name].name,
                kubernetes_version=clusters[c.name].kubernetes_version,
                version=c.agent_version,
                auto_mode=clusters[c.name].auto_mode,
                depends_on=[clusters[c.name], *clusters[c.name].nodes],
                tags=d.tags,
                adopted=not c.create,
                installed=d.installed.get((c.name, AGENT_ADDON)),
            ),
            opts=d.opts,
        )
        for c in d.cfg.clusters
        if c.install_agent
    }


def declare_roles(d: Deployment, clusters: dict[str, EksCluster]) -> tuple[dict[str, PodIdentityRole], dict[str, pulumi.Output[str]]]:
    """Stage 4: the roles this stack creates, and the ARN every identity binds (created, given,
    or exported by another stack)."""
    arns = {name: c.static_arn for name, c in clusters.items()}
    args = {i.name: role_args(d.cfg, i, arns, d.partition.partition, d.tags) for i in d.cfg.identities if i.creates_role}
    d.renames.roles(migrations.RoleNames(name, a.name, tuple(a.managed_policy_arns), tuple(a.policy_documents)) for name, a in args.items())
    roles = {name: PodIdentityRole(name, a, opts=d.opts) for name, a in args.items()}
    role_arns: dict[str, pulumi.Output[str]] = {
        **{name: role.arn for name, role in roles.items()},
        **{i.name: pulumi.Output.from_input(i.role_arn) for i in d.cfg.identities if i.role_arn},
        **shared_role_arns(d.cfg, d.account),
    }
    return roles, role_arns


def declare_associations(
    d: Deployment, clusters: dict[str, EksCluster], role_arns: dict[str, pulumi.Output[str]]
) -> dict[str, PodIdentityAssociations]:
    """Stage 5: every binding of every identity bound in this stack."""
    bindings = d.cfg.bindings()
    return {
        ident.name: PodIdentityAssociations(
            ident.name,
            PodIdentityAssociationsArgs(
                role_arn=role_arns[ident.name],
                targets=[
                    AssociationTarget(b.cluster, clusters[b.cluster].name, b.namespace, b.service_account)
                    for b in bindings
                    if b.identity == ident.name
                ],
                target_role_arn=target_arn(ident),
                disable_session_tags=ident.disable_session_tags,
                session_policy=documents.to_json(ident.session_policy) if ident.session_policy else None,
                tags=d.tags,
            ),
            opts=d.opts,
        )
        for ident in d.cfg.identities
        if not ident.shared
    }


def declare_addons(
    d: Deployment,
    clusters: dict[str, EksCluster],
    agents: dict[str, PodIdentityAgent],
    roles: dict[str, PodIdentityRole],
    role_arns: dict[str, pulumi.Output[str]],
) -> dict[str, EksAddon]:
    """Stage 7: the other add-ons, after the agent and their identity's permissions."""
    return {
        f"{c.name}/{a.name}": EksAddon(
            names.addon(c.name, a.name),
            EksAddonArgs(
                cluster_name=clusters[c.name].name,
                addon_name=a.name,
                kubernetes_version=clusters[c.name].kubernetes_version,
                version=a.version,
                role_arn=role_arns[a.identity] if a.identity else None,
                service_account=a.service_account,
                namespace=a.namespace,
                configuration_values=documents.to_json(a.configuration_values) if a.configuration_values else None,
                depends_on=[
                    *(agents[c.name].ready if c.name in agents else [clusters[c.name]]),
                    *(roles[a.identity].ready if a.identity in roles else []),
                ],
                tags=d.tags,
                cluster=c.name,
                role_namespace=a.role_namespace,
                adopted=not c.create,
                installed=d.installed.get((c.name, a.name)),
            ),
            opts=d.opts,
        )
        for c in d.cfg.clusters
        for a in c.addons
    }


def build(cfg: StackConfig) -> dict[str, Any]:
    """Declare every resource of the stack; returns the stack outputs."""
    d = read(cfg)
    d.renames = renames(cfg)
    clusters = declare_clusters(d)
    agents = declare_agents(d, clusters)
    roles, role_arns = declare_roles(d, clusters)
    associations = declare_associations(d, clusters, role_arns)
    # Stage 6: cross-account target roles, trusting the associations' external IDs.
    targets = {
        ident.name: target_role(cfg, ident, role_arns[ident.name], associations[ident.name], d.region, d.credentials, d.tags, d.opts)
        for ident in cfg.identities
        if ident.target_role and ident.target_role.create
    }
    addons = declare_addons(d, clusters, agents, roles, role_arns)
    outputs: dict[str, Any] = {
        "clusterNames": {k: c.name for k, c in clusters.items()},
        "clusterArns": {k: c.arn for k, c in clusters.items()},
        "clusterVersions": {k: c.version for k, c in clusters.items()},
        "kubeconfigs": pulumi.Output.secret({k: c.kubeconfig for k, c in clusters.items()}),
        "agentVersions": {k: a.version for k, a in agents.items() if a.version is not None},
        "addonVersions": {k: a.addon.addon_version for k, a in addons.items() if a.addon},
        "roleArns": role_arns,
        TRUST_SCOPES_OUTPUT: trust_scopes_output(cfg),
        "targetRoleArns": {i.name: target_arn(i) for i in cfg.identities if i.target_role},
        "associationIds": pulumi.Output.all(*(a.association_ids for a in associations.values())).apply(
            lambda ids: {key: value for each in ids for key, value in each.items()}
        ),
        # Who gets what: `cluster/namespace/serviceAccount` -> the role its pods run as (the
        # target role when chaining), for audits (`eks-pod-identity access` prints the rest).
        "bindingRoleArns": binding_role_arns(cfg, role_arns),
    }
    outputs.update(declare_sample(d, clusters, agents, roles, role_arns, associations, targets))
    return outputs


def binding_role_arns(cfg: StackConfig, role_arns: dict[str, pulumi.Output[str]]) -> pulumi.Output[dict[str, str]]:
    """`cluster/namespace/serviceAccount` -> the role its pods run as (the target role when
    chaining): one Output over the identities' roles, not one per binding (a fleet has thousands)."""
    chained = {i.name: target_arn(i) for i in cfg.identities}
    keys = [(names.association(*b.key), b.identity) for b in [*cfg.bindings(), *cfg.addon_bindings()]]
    return pulumi.Output.all(**role_arns).apply(lambda arns: {key: chained[ident] or arns[ident] for key, ident in keys})


def declare_sample(
    d: Deployment,
    clusters: dict[str, EksCluster],
    agents: dict[str, PodIdentityAgent],
    roles: dict[str, PodIdentityRole],
    role_arns: dict[str, pulumi.Output[str]],
    associations: dict[str, PodIdentityAssociations],
    targets: dict[str, Any],
) -> dict[str, Any]:
    """Stage 8: the sample workload, after everything its pod needs; returns its outputs."""
    cfg = d.cfg
    sample = cfg.sample_binding()
    if sample is None:
        return {}
    role = roles.get(sample.identity)
    agent = agents.get(sample.cluster)
    target = targets.get(sample.identity)
    chained = target_arn(cfg.identity(sample.identity))
    workload = SampleWorkload(
        "sample",
        SampleWorkloadArgs(
            kind=cfg.sample.kind,  # type: ignore[arg-type]
            namespace=sample.namespace,
            service_account=sample.service_account,
            image=cfg.sample.image or cfg.aws_cli_image,
            provider=clusters[sample.cluster].provider,
            association=associations[sample.identity].associations[names.association(*sample.key)],
            expected_role_name=name_of(chained) if chained else role_arns[sample.identity].apply(name_of),
            nodes=clusters[sample.cluster].nodes,
            depends_on=[*(agent.ready if agent else []), *(role.ready if role else []), *(target.ready if target else [])],
            role_name=role.role_name if role else None,
            region=d.region,
            bucket_name=cfg.sample.bucket_name,
            create_namespace=cfg.sample.create_namespace,
            create_service_account=cfg.sample.create_service_account,
            propagation_seconds=cfg.sample.propagation_seconds,
            tags=d.tags,
        ),
        opts=d.opts,
    )
    outputs: dict[str, Any] = {
        "sampleKubeconfig": clusters[sample.cluster].kubeconfig,
        "sampleVerifyCommand": workload.verify_command.apply(
            lambda cmd: (
                f"pulumi stack output sampleKubeconfig --show-secrets > sample-kubeconfig.json && KUBECONFIG=sample-kubeconfig.json {cmd}"
            )
        ),
    }
    if workload.bucket is not None:
        outputs["sampleBucket"] = workload.bucket.bucket
    return outputs
