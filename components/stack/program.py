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

from .. import migrations, names
from ..addons.addon import EksAddon, EksAddonArgs
from ..addons.agent import AGENT_ADDON, PodIdentityAgent, PodIdentityAgentArgs
from ..arn import name_of
from ..cluster.cluster import EksCluster, EksClusterArgs
from ..cluster.network import NetworkArgs
from ..iam import documents
from ..identity.association import PodIdentityAssociations
from ..identity.probe import AssociationProbe, AssociationProbeArgs
from ..identity.role import PodIdentityRole
from ..sample.workload import SampleWorkload, SampleWorkloadArgs
from .clusters import ClusterConfig
from .config import StackConfig
from .deployment import Deployment, read
from .identity_stages import declare_identities
from .wiring import TRUST_SCOPES_OUTPUT, target_arn, target_role_name, trust_scopes_output


def renames(cfg: StackConfig) -> migrations.Renames:
    """The former names of this stack's associations, add-ons and target roles (see
    `migrations`); the roles' are added as their arguments are built (`identity_stages.declare_roles`)."""
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


def build(cfg: StackConfig, d: Deployment | None = None) -> dict[str, Any]:
    """Declare every resource of the stack; returns the stack outputs. `d`: what `read` found,
    when a component declares the stack under itself (`public.stack`); its resources have
    no former names."""
    if d is None:
        d = read(cfg)
        d.renames = renames(cfg)
    clusters = declare_clusters(d)
    agents = declare_agents(d, clusters)
    ids = declare_identities(d, {k: c.name for k, c in clusters.items()}, {k: c.static_arn for k, c in clusters.items()})
    roles, role_arns, associations, targets = ids.roles, ids.role_arns, ids.associations, ids.targets
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
    sample = declare_sample(d, clusters, agents, roles, role_arns, associations, targets)
    outputs.update(sample.outputs)
    proven = declare_probes(d, clusters, agents, roles, targets, role_arns, associations, sample)
    if proven:
        outputs["provenAssociationIds"] = proven
    return outputs


def binding_role_arns(cfg: StackConfig, role_arns: dict[str, pulumi.Output[str]]) -> pulumi.Output[dict[str, str]]:
    """`cluster/namespace/serviceAccount` -> the role its pods run as (the target role when
    chaining): one Output over the identities' roles, not one per binding (a fleet has thousands)."""
    chained = {i.name: target_arn(i) for i in cfg.identities}
    keys = [(names.association(*b.key), b.identity) for b in [*cfg.bindings(), *cfg.addon_bindings()]]
    return pulumi.Output.all(**role_arns).apply(lambda arns: {key: chained[ident] or arns[ident] for key, ident in keys})


@dataclass
class Sample:
    """What the sample stage declared: the stack outputs it adds, and its association's probe."""

    outputs: dict[str, Any] = field(default_factory=dict)
    probe: AssociationProbe | None = None
    key: str = ""


def pod_needs(
    agents: dict[str, PodIdentityAgent],
    roles: dict[str, PodIdentityRole],
    targets: dict[str, Any],
    identity: str,
    cluster: str,
) -> list[pulumi.Resource]:
    """What a pod bound to `identity` on `cluster` needs first: the agent, the role's permissions
    and the target role's (the webhook injects credentials only at admission: EKS User Guide,
    pod-id-how-it-works)."""
    agent, role, target = agents.get(cluster), roles.get(identity), targets.get(identity)
    return [*(agent.ready if agent else []), *(role.ready if role else []), *(target.ready if target else [])]


def expected_role_name(d: Deployment, role_arns: dict[str, pulumi.Output[str]], identity: str) -> pulumi.Input[str]:
    """The role a pod bound to `identity` runs as: the target role when chaining."""
    chained = target_arn(d.cfg.identity(identity))
    return name_of(chained) if chained else role_arns[identity].apply(name_of)


def declare_sample(
    d: Deployment,
    clusters: dict[str, EksCluster],
    agents: dict[str, PodIdentityAgent],
    roles: dict[str, PodIdentityRole],
    role_arns: dict[str, pulumi.Output[str]],
    associations: dict[str, PodIdentityAssociations],
    targets: dict[str, Any],
) -> Sample:
    """Stage 8: the sample workload, after the proof that its association is in effect."""
    cfg = d.cfg
    sample = cfg.sample_binding()
    if sample is None:
        return Sample()
    if "propagation_seconds" in cfg.sample.model_fields_set:
        pulumi.log.warn(
            "eks-pod-identity:sample.propagationSeconds no longer applies: the sample waits for a probe Job that proves its "
            "association is in effect, instead of a fixed wait; remove the key"
        )
    role = roles.get(sample.identity)
    key = names.association(*sample.key)
    workload = SampleWorkload(
        "sample",
        SampleWorkloadArgs(
            kind=cfg.sample.kind,  # type: ignore[arg-type]
            namespace=sample.namespace,
            service_account=sample.service_account,
            image=cfg.sample.image or cfg.aws_cli_image,
            provider=clusters[sample.cluster].provider,
            association=associations[sample.identity].associations[key],
            expected_role_name=expected_role_name(d, role_arns, sample.identity),
            nodes=clusters[sample.cluster].nodes,
            depends_on=pod_needs(agents, roles, targets, sample.identity, sample.cluster),
            role_name=role.role_name if role else None,
            region=d.region,
            bucket_name=cfg.sample.bucket_name,
            create_namespace=cfg.sample.create_namespace,
            create_service_account=cfg.sample.create_service_account,
            adopted_cluster=clusters[sample.cluster].cluster is None,
            association_key=key,
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
    return Sample(outputs, workload.probe, key)


def declare_probes(
    d: Deployment,
    clusters: dict[str, EksCluster],
    agents: dict[str, PodIdentityAgent],
    roles: dict[str, PodIdentityRole],
    targets: dict[str, Any],
    role_arns: dict[str, pulumi.Output[str]],
    associations: dict[str, PodIdentityAssociations],
    sample: Sample,
) -> dict[str, pulumi.Output[str]]:
    """Stage 9: a probe per binding of the identities with `proveAssociations`; the proven
    association IDs by `cluster/namespace/serviceAccount` (the sample's binding has its probe)."""
    proven = {sample.key: sample.probe.proven_association_id} if sample.probe else {}
    wanted = {i.name for i in d.cfg.identities if i.prove_associations}
    for b in d.cfg.bindings():
        key = names.association(*b.key)
        if b.identity not in wanted or key in proven:
            continue
        probe = AssociationProbe(
            f"{key}-probe",
            AssociationProbeArgs(
                association=associations[b.identity].associations[key],
                key=key,
                namespace=b.namespace,
                service_account=b.service_account,
                provider=clusters[b.cluster].provider,
                image=d.cfg.aws_cli_image,
                expected_role_name=expected_role_name(d, role_arns, b.identity),
                region=d.region,
                depends_on=[*clusters[b.cluster].nodes, *pod_needs(agents, roles, targets, b.identity, b.cluster)],
            ),
            opts=d.opts,
        )
        proven[key] = probe.proven_association_id
    return proven
