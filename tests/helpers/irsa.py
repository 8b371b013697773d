"""The IRSA setup of the migrate-irsa fixtures (tests/fixtures/aws/irsa-*.json): a cluster, its
annotated service accounts, and the roles they name."""

from __future__ import annotations

from eks_pod_identity.offline import migration as migration_module
from eks_pod_identity.offline.inputs import awsjson

from . import AWS

SAS = AWS / "irsa-service-accounts.json"
ROLES = [AWS / "irsa-roles.json", AWS / "irsa-role-cross-account.json"]
CLUSTER = "pod-identity-demo"
ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/5C7E1B8F9A3D2E6B4F0A1C9D8E7B6A5F"
EKSCTL_ROLE = "eksctl-pod-identity-demo-addon-iamserviceac-Role1-Q3Z8XK2M5N7P"
PODS = {"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}}
"""The start of a trust statement for EKS Pod Identity."""


def inputs(cluster_info: bool = True, workloads: bool = True) -> awsjson.Inputs:
    files = [
        SAS,
        *ROLES,
        *([AWS / "irsa-describe-cluster.json"] if cluster_info else []),
        *([AWS / "irsa-workloads.json"] if workloads else []),
    ]
    return awsjson.read(files)


def role_plan(m: migration_module.Migration, name: str) -> migration_module.RolePlan:
    """The plan for the role named `name`."""
    return next(p for p in m.roles if p.name == name)


def identities(m: migration_module.Migration) -> dict[str, dict]:
    """The fragment's identities by name, as the stack file gets them."""
    return {i.name: i.config(CLUSTER) for i in m.identities}
