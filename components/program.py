"""The whole stack, built from a validated StackConfig.

`__main__.py` calls `build(config.load())`; tests and the offline plan call it the same way
under mocks. The ordering that the manual flows get wrong is encoded here as explicit
dependencies: nodes -> agent add-on -> add-ons with identities, and (agent, association,
role permissions) -> workload. Roles and associations wait for nothing but what they name.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pulumi
import pulumi_aws as aws

from . import documents, names, rules
from .addon import EksAddon, EksAddonArgs
from .agent import AGENT_ADDON, PodIdentityAgent, PodIdentityAgentArgs
from .association import (
    AssociationTarget,
    PodIdentityAssociations,
    PodIdentityAssociationsArgs,
)
from .cluster import EksCluster, EksClusterArgs
from .config import PROJECT, ClusterConfig, ConfigError, StackConfig
from .credentials import stack_credentials
from .existing import InstalledAddon, describe_cluster, installed_addon
from .identity_wiring import TRUST_SCOPES_OUTPUT, role_args, shared_role_arns, target_arn, target_role, trust_scopes_output
from .network import NetworkArgs
from .role import PodIdentityRole, legacy_attachment_claims
from .workload import SampleWorkload, SampleWorkloadArgs


def base_tags(cfg: StackConfig) -> dict[str, str]:
    """Tags on every AWS resource, so a fleet's resources can be traced to their stack."""
    return {
        "managed-by": "pulumi",
        "pulumi-project": PROJECT,
        "pulumi-stack": pulumi.get_stack(),
        **({"environment": cfg.environment} if cfg.environment else {}),
    }


def _network_args(c: ClusterConfig, tags: dict[str, str]) -> NetworkArgs:
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


def _installed(cfg: StackConfig, tags: dict[str, str]) -> dict[tuple[str, str], InstalledAddon | None]:
    """(cluster, add-on) -> what each adopted cluster already runs under the add-ons the stack
    declares there; a created cluster has nothing yet. Read before anything is declared."""
    return {
        (c.name, addon): installed_addon(c.name, addon, tags)
        for c in cfg.clusters
        if not c.create
        for addon in [*([AGENT_ADDON] if c.install_agent else []), *(a.name for a in c.addons)]
    }


def build(cfg: StackConfig) -> dict[str, Any]:
    """Declare every resource of the stack; returns the stack outputs."""
    tags = base_tags(cfg)
    # The credentials of `pulumi up` reach the kubeconfigs' `aws eks get-token` and the
    # target-account provider too, not only the default AWS provider.
    credentials = stack_credentials(kubeconfigs=bool(cfg.clusters))
    partition_info = aws.get_partition()
    partition = partition_info.partition
    region = aws.get_region().region
    caller = aws.get_caller_identity()
    account = caller.account_id
    problems = cfg.account_problems(account)
    # Every cluster the stack adopts is read once, before anything registers: a missing one is
    # a config problem, not a failure halfway through the clusters.
    found = {c.name: describe_cluster(c.name) for c in cfg.clusters if not c.create}
    problems += [
        (f"clusters[{i}].name", c.name, (f"is adopted (create: false), and EKS has no cluster of that name in aws:region "
                                         f"{region!r}: check the name and the region, or set create: true to create it"))
        for i, c in enumerate(cfg.clusters)
        if not c.create and found[c.name] is None
    ]
    for cluster_name, entries in cfg.creator_entries(caller.arn).items():
        if describe_cluster(cluster_name) is None:
            problems += [
                (path, arn, (f"is who runs this `pulumi up` ({caller.arn}), which creates cluster {cluster_name!r}: EKS makes "
                 "the creator cluster admin with an access entry of its own (pulumi-eks sets "
                 "bootstrapClusterCreatorAdminPermissions), and a second entry for it fails with 409 once the cluster exists. "
                 "Leave it out: the creator is admin already"))
                for path, arn in entries
            ]
    if problems:
        raise ConfigError([f"{PROJECT}:{path} = {value!r}: {why}" for path, value, why in problems])
    installed = _installed(cfg, tags)
    clusters = {
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
                network=_network_args(c, tags),
                endpoint_public_access=c.endpoint_public_access,
                public_access_cidrs=c.public_access_cidrs,
                admin_principal_arns=c.admin_principal_arns,
                credentials=credentials,
                tags=tags,
                found=found.get(c.name),
                partition=partition_info,
                region=region,
                account=account,
            ),
        )
        for c in cfg.clusters
    }
    agents = {
        c.name: PodIdentityAgent(
            f"{c.name}-agent",
            PodIdentityAgentArgs(
                cluster_name=clusters[c.name].name,
                kubernetes_version=clusters[c.name].kubernetes_version,
                version=c.agent_version,
                auto_mode=clusters[c.name].auto_mode,
                depends_on=[clusters[c.name], *clusters[c.name].nodes],
                tags=tags,
                adopted=not c.create,
                installed=installed.get((c.name, AGENT_ADDON)),
            ),
        )
        for c in cfg.clusters
        if c.install_agent
    }
    arns = {name: c.static_arn for name, c in clusters.items()}
    all_role_args = {ident.name: role_args(cfg, ident, arns, partition, tags) for ident in cfg.identities if ident.creates_role}
    claims = legacy_attachment_claims({name: a.managed_policy_arns for name, a in all_role_args.items()})
    roles = {name: PodIdentityRole(name, replace(a, legacy_claims=claims)) for name, a in all_role_args.items()}
    role_arns: dict[str, pulumi.Output[str]] = {
        **{name: role.arn for name, role in roles.items()},
        **{i.name: pulumi.Output.from_input(i.role_arn) for i in cfg.identities if i.role_arn},
        **shared_role_arns(cfg, account),
    }
    bindings = cfg.bindings()
    former_associations = names.first_claims(
        {names.association(*b.key): names.legacy_association(b.identity, *b.key) for b in bindings}
    )
    former_addons = names.first_claims({names.addon(c.name, a.name): names.legacy_addon(c.name, a.name) for c in cfg.clusters for a in c.addons})
    associations = {
        ident.name: PodIdentityAssociations(
            ident.name,
            PodIdentityAssociationsArgs(
                role_arn=role_arns[ident.name],
                targets=[
                    AssociationTarget(
                        b.cluster, clusters[b.cluster].name, b.namespace, b.service_account, former_associations.get(names.association(*b.key))
                    )
                    for b in bindings
                    if b.identity == ident.name
                ],
                target_role_arn=target_arn(ident),
                disable_session_tags=ident.disable_session_tags,
                session_policy=documents.to_json(ident.session_policy) if ident.session_policy else None,
                tags=tags,
            ),
        )
        for ident in cfg.identities
        if not ident.shared
    }
    targets = {
        ident.name: target_role(cfg, ident, role_arns[ident.name], associations[ident.name], region, credentials, tags)
        for ident in cfg.identities
        if ident.target_role and ident.target_role.create
    }
    addons = {
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
                tags=tags,
                former_name=former_addons.get(names.addon(c.name, a.name)),
                cluster=c.name,
                role_namespace=a.role_namespace,
                adopted=not c.create,
                installed=installed.get((c.name, a.name)),
            ),
        )
        for c in cfg.clusters
        for a in c.addons
    }
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
        "associationIds": {key: i for a in associations.values() for key, i in a.association_ids.items()},
        # Who gets what: `cluster/namespace/serviceAccount` -> the role its pods run as (the
        # target role when chaining), for audits (`python -m offline.access` prints the rest).
        "bindingRoleArns": {
            names.association(*b.key): target_arn(cfg.identity(b.identity)) or role_arns[b.identity]
            for b in [*bindings, *cfg.addon_bindings()]
        },
    }
    sample = cfg.sample_binding()
    if sample is not None:
        ident = cfg.identity(sample.identity)
        role = roles.get(sample.identity)
        agent = agents.get(sample.cluster)
        target = targets.get(sample.identity)
        chained = target_arn(ident)
        workload = SampleWorkload(
            "sample",
            SampleWorkloadArgs(
                kind=cfg.sample.kind,  # type: ignore[arg-type]
                namespace=sample.namespace,
                service_account=sample.service_account,
                image=cfg.sample.image or cfg.aws_cli_image,
                provider=clusters[sample.cluster].provider,
                association=associations[sample.identity].associations[names.association(*sample.key)],
                expected_role_name=rules.role_name_of(chained) if chained else role_arns[sample.identity].apply(rules.role_name_of),
                nodes=clusters[sample.cluster].nodes,
                depends_on=[
                    *(agent.ready if agent else []),
                    *(role.ready if role else []),
                    *(target.ready if target else []),
                ],
                role_name=role.role_name if role else None,
                region=region,
                bucket_name=cfg.sample.bucket_name,
                create_namespace=cfg.sample.create_namespace,
                create_service_account=cfg.sample.create_service_account,
                propagation_seconds=cfg.sample.propagation_seconds,
                tags=tags,
            ),
        )
        outputs["sampleKubeconfig"] = clusters[sample.cluster].kubeconfig
        outputs["sampleVerifyCommand"] = workload.verify_command.apply(
            lambda cmd: "pulumi stack output sampleKubeconfig --show-secrets > sample-kubeconfig.json && "
            f"KUBECONFIG=sample-kubeconfig.json {cmd}"
        )
        if workload.bucket is not None:
            outputs["sampleBucket"] = workload.bucket.bucket
    return outputs
