"""What EKS and EC2 accept for a cluster and its network, and the Kubernetes versions offered."""

from __future__ import annotations

import re
from typing import Annotated

from .. import aws_data, names, suggest
from ..iam.grammar import ROLE_NAME_MAX
from ..model import matching, passing

# EKS CreateCluster: 1-100 characters, alphanumerics, hyphens and underscores,
# starting with an alphanumeric (botocore eks model, CreateClusterRequest.name).
EKS_CLUSTER_NAME = re.compile(r"^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$")
# A created cluster names IAM roles after itself: pulumi-eks's Auto Mode node role is
# `<cluster>-eks-nodeRole-role-<7>` (nodejs/eks/cluster/cluster.ts, createCore's Auto Mode
# node role, the component being `<cluster>-eks`), the longest of them; IAM role names stop at 64.
CREATED_CLUSTER_NAME_MAX = ROLE_NAME_MAX - len("-eks-nodeRole-role-") - names.AUTONAME_RANDOM
# VPC CIDR sizes the program accepts for a VPC it creates (AWS allows /16 to /28).
VPC_PREFIX_MIN, VPC_PREFIX_MAX = 16, 20
VPC_ID = re.compile(r"^vpc-[0-9a-f]{8}([0-9a-f]{9})?$")
SUBNET_ID = re.compile(r"^subnet-[0-9a-f]{8}([0-9a-f]{9})?$")

# EKS Pod Identity needs Kubernetes 1.24 or newer (EKS User Guide, pod-identities).
MIN_POD_IDENTITY_MINOR = 24
KUBERNETES_VERSION = re.compile(r"^1\.(\d{1,2})$")
# Kubernetes versions EKS offers for new clusters, as of 2026-11-26: (released on EKS, end of
# standard support, end of extended support). Source: EKS User Guide "Understand the Kubernetes
# version lifecycle on EKS" and its release calendar (mirrored by endoflife.date/amazon-eks);
# 1.31 leaves extended support on 2026-11-26 and is no longer offered. 1.36 was released
# upstream on 2026-04-22; its EKS dates could not be read offline and are estimated from
# EKS's 14 + 12 month policy (marked "estimated").
EKS_VERSIONS_AS_OF = "2026-11-26"
EKS_VERSIONS: dict[str, tuple[str, str, str]] = {
    "1.32": ("2025-01-25", "2026-03-23", "2027-03-23"),
    "1.33": ("2025-05-28", "2026-07-29", "2027-07-29"),
    "1.34": ("2025-10-06", "2026-12-02", "2027-12-02"),
    "1.35": ("2026-01-28", "2027-03-27", "2028-03-27"),
    "1.36": ("estimated 2026-06", "estimated 2027-08", "estimated 2028-08"),
}
DEFAULT_KUBERNETES_VERSION = "1.35"


def instance_type_problem(value: str) -> str | None:
    """Why `value` is no EC2 instance type (botocore ec2 model, InstanceType), or None."""
    types = aws_data.data()["ec2"]["instanceTypes"]
    if value in types:
        return None
    guess = suggest.close_match(value, types)
    return "is not an EC2 instance type" + (f"; did you mean {guess!r}?" if guess else "")


ClusterName = Annotated[
    str, matching(EKS_CLUSTER_NAME, "an EKS cluster name: 1-100 letters, digits, '-' or '_', starting with a letter or digit")
]
InstanceType = Annotated[str, passing(instance_type_problem)]
VpcId = Annotated[str, matching(VPC_ID, "a VPC ID like 'vpc-0123456789abcdef0'")]
SubnetId = Annotated[str, matching(SUBNET_ID, "a subnet ID like 'subnet-0123456789abcdef0'")]
