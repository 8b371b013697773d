"""Pod Identity for your own workload on an EKS cluster that already exists, built from the
eks-pod-identity components (`pip install` them; see README, "Use the components in your own
program").

    pulumi stack init dev
    pulumi config set aws:region us-east-1
    pulumi config set clusterName my-cluster
    pulumi up

The cluster is adopted by name and left as it is. The Pod Identity agent add-on is installed
only if the cluster lacks it (one installed by someone else is never touched or removed). The
role trusts only pods of `namespace/serviceAccount` on that cluster, and one association binds
it there. Run your workload with that service account; pods started before the association
exists need a restart.
"""

import pulumi
from eks_pod_identity.addons.agent import AGENT_ADDON, PodIdentityAgent, PodIdentityAgentArgs
from eks_pod_identity.addons.installed import installed_addon
from eks_pod_identity.cluster.cluster import EksCluster, EksClusterArgs
from eks_pod_identity.credentials import stack_credentials
from eks_pod_identity.identity.association import AssociationTarget, PodIdentityAssociations, PodIdentityAssociationsArgs
from eks_pod_identity.identity.role import PodIdentityRole, PodIdentityRoleArgs
from eks_pod_identity.identity.trust import TrustScope

config = pulumi.Config()
cluster_name = config.require("clusterName")
namespace = config.get("namespace") or "default"
service_account = config.get("serviceAccount") or "app"
policy_arns = config.get_object("managedPolicyArns") or ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
# Tags that mark what this stack created: an add-on carrying them is this stack's to manage.
tags = {"pulumi-project": pulumi.get_project(), "pulumi-stack": pulumi.get_stack()}

cluster = EksCluster(cluster_name, EksClusterArgs(create=False, credentials=stack_credentials()))
agent = PodIdentityAgent(
    f"{cluster_name}-agent",
    PodIdentityAgentArgs(
        cluster_name=cluster.name,
        kubernetes_version=cluster.kubernetes_version,
        adopted=True,
        installed=installed_addon(cluster_name, AGENT_ADDON, tags, pulumi.InvokeOptions(parent=cluster)),
        tags=tags,
    ),
)
role = PodIdentityRole(
    service_account,
    PodIdentityRoleArgs(
        scopes=[TrustScope(namespaces=(namespace,), service_accounts=(service_account,), clusters=(cluster_name,))],
        cluster_arns={cluster_name: cluster.static_arn},
        managed_policy_arns=policy_arns,
        tags=tags,
    ),
)
associations = PodIdentityAssociations(
    service_account,
    PodIdentityAssociationsArgs(
        role_arn=role.arn,
        targets=[AssociationTarget(cluster_name, cluster.name, namespace, service_account)],
        tags=tags,
    ),
)

outputs = {
    "roleArn": role.arn,
    "associationIds": associations.association_ids,
    "agentVersion": agent.version,
}
for key, value in outputs.items():
    pulumi.export(key, value)
