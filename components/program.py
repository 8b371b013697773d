"""The whole stack, built from a validated StackConfig.

`__main__.py` calls `build(config.load())`; tests and the offline plan call it the same way
under mocks. The ordering that the manual flows get wrong is encoded here as explicit
dependencies: nodes -> agent add-on, and (agent, association, role permissions) -> workload.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from . import documents
from .agent import PodIdentityAgent, PodIdentityAgentArgs
from .association import AssociationTarget, PodIdentityAssociations, PodIdentityAssociationsArgs
from .cluster import EksCluster, EksClusterArgs
from .config import PROJECT, IdentityConfig, StackConfig
from .role import PodIdentityRole, PodIdentityRoleArgs
from .workload import SampleWorkload, SampleWorkloadArgs


def base_tags(cfg: StackConfig) -> dict[str, str]:
    """Tags on every AWS resource, so a fleet's resources can be traced to their stack."""
    return {
        "managed-by": "pulumi",
        "pulumi-project": PROJECT,
        "pulumi-stack": pulumi.get_stack(),
        **({"environment": cfg.environment} if cfg.environment else {}),
    }


def _role_args(ident: IdentityConfig, cluster_arns: list[pulumi.Output[str]], tags: dict[str, str]) -> PodIdentityRoleArgs:
    scoped = ident.scoped_to_service_accounts
    return PodIdentityRoleArgs(
        namespaces=ident.all_namespaces if scoped else (),
        service_accounts=ident.all_service_accounts if scoped else (),
        cluster_arns=cluster_arns if ident.trust.scope_to_clusters else (),
        source_org_id=ident.trust.source_org_id,
        managed_policy_arns=ident.managed_policy_arns,
        statements=ident.statements,
        name=ident.role_name,
        name_prefix=ident.role_name_prefix,
        path=ident.path,
        permissions_boundary=ident.permissions_boundary,
        max_session_duration=ident.max_session_duration,
        description=ident.description,
        tags={**tags, **ident.tags},
    )


def build(cfg: StackConfig) -> dict[str, Any]:
    """Declare every resource of the stack; returns the stack outputs."""
    tags = base_tags(cfg)
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
                tags=tags,
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
                depends_on=[clusters[c.name]],
                tags=tags,
            ),
        )
        for c in cfg.clusters
        if c.install_agent
    }
    roles = {
        ident.name: PodIdentityRole(
            ident.name, _role_args(ident, [clusters[c].static_arn for c in cfg.clusters_of(ident)], tags)
        )
        for ident in cfg.identities
        if ident.creates_role
    }
    role_arns = {i.name: roles[i.name].arn if i.name in roles else pulumi.Output.from_input(i.role_arn) for i in cfg.identities}
    bindings = cfg.bindings()
    associations = {
        ident.name: PodIdentityAssociations(
            ident.name,
            PodIdentityAssociationsArgs(
                role_arn=role_arns[ident.name],
                targets=[
                    AssociationTarget(b.cluster, clusters[b.cluster].name, b.namespace, b.service_account)
                    for b in bindings
                    if b.identity == ident.name
                ],
                disable_session_tags=ident.disable_session_tags,
                session_policy=documents.to_json(ident.session_policy) if ident.session_policy else None,
                tags=tags,
            ),
        )
        for ident in cfg.identities
    }
    outputs: dict[str, Any] = {
        "clusterNames": {k: c.name for k, c in clusters.items()},
        "clusterArns": {k: c.arn for k, c in clusters.items()},
        "clusterVersions": {k: c.version for k, c in clusters.items()},
        "kubeconfigs": pulumi.Output.secret({k: c.kubeconfig for k, c in clusters.items()}),
        "agentVersions": {k: a.addon.addon_version for k, a in agents.items() if a.addon},
        "roleArns": role_arns,
        "associationIds": {key: i for a in associations.values() for key, i in a.association_ids.items()},
    }
    sample = cfg.sample_binding()
    if sample is not None:
        binding = associations[sample.identity].associations[f"{sample.cluster}/{sample.namespace}/{sample.service_account}"]
        role = roles.get(sample.identity)
        agent = agents.get(sample.cluster)
        workload = SampleWorkload(
            "sample",
            SampleWorkloadArgs(
                kind=cfg.sample.kind,  # type: ignore[arg-type]
                namespace=sample.namespace,
                service_account=sample.service_account,
                image=cfg.sample.image or cfg.aws_cli_image,
                provider=clusters[sample.cluster].provider,
                association_id=binding.association_id,
                depends_on=[binding, *(agent.ready if agent else []), *(role.ready if role else [])],
                role_name=role.role_name if role else None,
                region=aws.get_region_output().region,
                bucket_name=cfg.sample.bucket_name,
                create_namespace=cfg.sample.create_namespace,
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
