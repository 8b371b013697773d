"""Nodes and their networking: Cluster Autoscaler, Karpenter, the Node Termination Handler and
the VPC CNI. The cluster-scoped ones default to the clusters the identity is bound in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from pydantic import Field, model_validator

from ...cluster.rules import ClusterName, VpcId
from ...model import Model
from ..documents import Statement
from ..fields import RoleArn
from .base import ManagedChoice, QueueArn, Upstream, WellKnown, arn, stmt

CNI_MANAGED = ("AmazonEKS_CNI_Policy",)


def clusters_of(names: Sequence[str], bound: Sequence[str], key: str) -> list[str]:
    """The clusters an entry is scoped to: the ones given, else the ones the identity is bound in."""
    clusters = list(names) or list(bound)
    if not clusters:
        raise ValueError(f"wellKnown.{key} needs clusterNames: the identity is bound in no cluster of this stack")
    return clusters


class ClusterParams(Model):
    cluster_names: list[ClusterName] = Field(default_factory=list)
    """Default: the clusters the identity is bound in."""


def cluster_autoscaler(params: ClusterParams, partition: str, bound: Sequence[str]) -> list[Statement]:
    """The README's full-features policy. Scaling is limited to the groups auto-discovery finds:
    those carrying both discovery tags, whatever their values (only the keys matter to
    `--node-group-auto-discovery`; EKS managed node groups set `true`/`owned`, others may not)."""
    clusters = clusters_of(params.cluster_names, bound, "clusterAutoscaler")
    groups = arn(partition, "autoscaling", "autoScalingGroup:*:autoScalingGroupName/*")
    statements = [
        stmt(
            "Describe",
            [
                "autoscaling:DescribeAutoScalingGroups",
                "autoscaling:DescribeAutoScalingInstances",
                "autoscaling:DescribeLaunchConfigurations",
                "autoscaling:DescribeScalingActivities",
                "ec2:DescribeImages",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeLaunchTemplateVersions",
                "ec2:GetInstanceTypesFromInstanceRequirements",
            ],
        ),
        stmt("NodeGroups", ["eks:DescribeNodegroup"], [arn(partition, "eks", f"nodegroup/{c}/*/*") for c in clusters]),
    ]
    for i, cluster in enumerate(clusters):
        statements.append(
            stmt(
                f"ScaleDiscoveredGroups{i}",
                ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
                groups,
                {
                    "Null": {
                        "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "false",
                        f"aws:ResourceTag/k8s.io/cluster-autoscaler/{cluster}": "false",
                    }
                },
            )
        )
    return statements


class KarpenterParams(ClusterParams):
    node_role_arns: list[RoleArn] = Field(min_length=1)
    """The node role(s) EC2NodeClasses name: Karpenter passes them to the instance profiles it creates."""
    interruption_queue_arns: list[QueueArn] = Field(default_factory=list)
    """The interruption queue(s) (`settings.interruptionQueue`); none: interruption handling off."""


def karpenter(params: KarpenterParams, partition: str, bound: Sequence[str]) -> list[Statement]:
    """The controller policies of the getting-started CloudFormation template, per cluster. Upstream
    pins each ARN to the stack's region; here any region, since one identity may serve clusters in
    several, and the cluster tag conditions keep Karpenter to its own cluster's resources."""
    clusters = clusters_of(params.cluster_names, bound, "karpenter")

    def ec2(resource: str) -> str:
        return arn(partition, "ec2", resource)

    profiles = f"arn:{partition}:iam::*:instance-profile/*"
    statements = [
        stmt(
            "LaunchFromSharedResources",
            ["ec2:RunInstances", "ec2:CreateFleet"],
            [
                f"arn:{partition}:ec2:*::image/*",
                f"arn:{partition}:ec2:*::snapshot/*",
                ec2("security-group/*"),
                ec2("subnet/*"),
                ec2("capacity-reservation/*"),
                ec2("placement-group/*"),
            ],
        ),
        stmt(
            "Discovery",
            [
                "ec2:DescribeCapacityReservations",
                "ec2:DescribeImages",
                "ec2:DescribeInstances",
                "ec2:DescribeInstanceStatus",
                "ec2:DescribeInstanceTypeOfferings",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeLaunchTemplates",
                "ec2:DescribePlacementGroups",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSpotPriceHistory",
                "ec2:DescribeSubnets",
                "pricing:GetProducts",
            ],
        ),
        # Public parameters have no account in their ARN; `*` matches the empty one too.
        stmt("PublicParameters", ["ssm:GetParameter"], arn(partition, "ssm", "parameter/aws/service/*")),
        stmt("ListInstanceProfiles", ["iam:ListInstanceProfiles"]),
        stmt("ReadInstanceProfiles", ["iam:GetInstanceProfile"], profiles),
        stmt(
            "PassNodeRole",
            ["iam:PassRole"],
            params.node_role_arns,
            {"StringEquals": {"iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"]}},
        ),
        stmt("ApiServerEndpoint", ["eks:DescribeCluster"], [arn(partition, "eks", f"cluster/{c}") for c in clusters]),
        # parliament's IAM data knows only load balancers as zonal-shift resources, not EKS clusters.
        stmt(
            "ZonalShiftStatus",
            ["arc-zonal-shift:GetManagedResource"],
            "*",
            {"StringLike": {"arc-zonal-shift:ResourceIdentifier": [arn(partition, "eks", f"cluster/{c}") for c in clusters]}},
        ),
    ]
    if params.interruption_queue_arns:
        statements.append(
            stmt("InterruptionQueue", ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"], params.interruption_queue_arns)
        )
    for i, c in enumerate(clusters):
        statements += _karpenter_cluster(partition, i, c)
    return statements


def _karpenter_cluster(partition: str, i: int, c: str) -> list[Statement]:
    """Launching, tagging and deleting only what Karpenter tagged as its own in cluster `c`."""

    def ec2(resource: str) -> str:
        return arn(partition, "ec2", resource)

    launched = [
        ec2(r) for r in ("fleet/*", "instance/*", "volume/*", "network-interface/*", "launch-template/*", "spot-instances-request/*")
    ]
    nodepool = {"aws:ResourceTag/karpenter.sh/nodepool": "*"}
    owned = {f"aws:ResourceTag/kubernetes.io/cluster/{c}": "owned"}
    requested = {f"aws:RequestTag/kubernetes.io/cluster/{c}": "owned", "aws:RequestTag/eks:eks-cluster-name": c}
    return [
        stmt(
            f"LaunchFromOwnTemplates{i}",
            ["ec2:RunInstances", "ec2:CreateFleet"],
            ec2("launch-template/*"),
            {"StringEquals": owned, "StringLike": nodepool},
        ),
        stmt(
            f"LaunchTagged{i}",
            ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
            launched,
            {"StringEquals": requested, "StringLike": {"aws:RequestTag/karpenter.sh/nodepool": "*"}},
        ),
        stmt(
            f"TagOnLaunch{i}",
            ["ec2:CreateTags"],
            launched,
            {
                "StringEquals": {**requested, "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"]},
                "StringLike": {"aws:RequestTag/karpenter.sh/nodepool": "*"},
            },
        ),
        stmt(
            f"TagOwnInstances{i}",
            ["ec2:CreateTags"],
            ec2("instance/*"),
            {
                "StringEquals": owned,
                "StringLike": nodepool,
                "StringEqualsIfExists": {"aws:RequestTag/eks:eks-cluster-name": c},
                "ForAllValues:StringEquals": {"aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"]},
            },
        ),
        stmt(
            f"DeleteOwn{i}",
            ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
            [ec2("instance/*"), ec2("launch-template/*")],
            {"StringEquals": owned, "StringLike": nodepool},
        ),
        *_karpenter_instance_profiles(partition, i, c),
    ]


def _karpenter_instance_profiles(partition: str, i: int, c: str) -> list[Statement]:
    """The instance profiles Karpenter creates for its EC2NodeClasses in cluster `c`."""
    profiles = f"arn:{partition}:iam::*:instance-profile/*"
    requested = {f"aws:RequestTag/kubernetes.io/cluster/{c}": "owned", "aws:RequestTag/eks:eks-cluster-name": c}
    profile_tags = {f"aws:ResourceTag/kubernetes.io/cluster/{c}": "owned"}
    return [
        # Upstream also pins topology.kubernetes.io/region to the stack's region; here the tag must be present.
        stmt(
            f"CreateInstanceProfiles{i}",
            ["iam:CreateInstanceProfile"],
            profiles,
            {
                "StringEquals": requested,
                "StringLike": {"aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*"},
                "Null": {"aws:RequestTag/topology.kubernetes.io/region": "false"},
            },
        ),
        stmt(
            f"TagOwnInstanceProfiles{i}",
            ["iam:TagInstanceProfile"],
            profiles,
            {
                "StringEquals": {**profile_tags, **requested},
                "StringLike": {
                    "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
                    "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
                },
                "Null": {
                    "aws:ResourceTag/topology.kubernetes.io/region": "false",
                    "aws:RequestTag/topology.kubernetes.io/region": "false",
                },
            },
        ),
        stmt(
            f"ManageOwnInstanceProfiles{i}",
            ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
            profiles,
            {
                "StringEquals": profile_tags,
                "StringLike": {"aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*"},
                "Null": {"aws:ResourceTag/topology.kubernetes.io/region": "false"},
            },
        ),
    ]


class TerminationHandlerParams(Model):
    queue_arns: list[QueueArn] = Field(min_length=1)
    """The SQS queue(s) EventBridge (and ASG lifecycle hooks) send to (Queue Processor mode)."""
    managed_asg_tag: str | None = None
    """When set (e.g. `aws-node-termination-handler/managed`, NTH's `managedTag`), lifecycle actions
    are completed only for Auto Scaling groups carrying that tag."""


def node_termination_handler(params: TerminationHandlerParams, partition: str, _: Sequence[str]) -> list[Statement]:
    """The README's Queue Processor policy, with the queue given."""
    condition = {"Null": {f"aws:ResourceTag/{params.managed_asg_tag}": "false"}} if params.managed_asg_tag else None
    return [
        stmt("Describe", ["autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeTags", "ec2:DescribeInstances"]),
        stmt(
            "CompleteLifecycleActions",
            ["autoscaling:CompleteLifecycleAction"],
            arn(partition, "autoscaling", "autoScalingGroup:*:autoScalingGroupName/*"),
            condition,
        ),
        stmt("Queue", ["sqs:DeleteMessage", "sqs:ReceiveMessage"], params.queue_arns),
    ]


class CniParams(ClusterParams, ManagedChoice):
    vpc_ids: list[VpcId] = Field(default_factory=list)
    """The clusters' VPCs: new network interfaces go only in their subnets and security groups."""
    ipv6: bool = False
    """The cluster's IP family is IPv6 (`ec2:AssignIpv6Addresses`)."""
    MANAGED: ClassVar[tuple[str, ...]] = CNI_MANAGED

    @model_validator(mode="after")
    def _scoped(self) -> CniParams:
        if not self.vpc_ids and not self.aws_managed_policies:
            raise ValueError("give vpcIds (the clusters' VPCs), or awsManagedPolicies: [AmazonEKS_CNI_Policy]")
        return self


def vpc_cni(params: CniParams, partition: str, bound: Sequence[str]) -> list[Statement]:
    """docs/iam-policy.md's scope-down policy per cluster (plus DescribeSecurityGroups, since added
    to the generic policy). It needs the CNI's CLUSTER_NAME setting: the CNI then tags every ENI
    it manages, the primary one included, with `cluster.k8s.amazonaws.com/name`.

    CreateNetworkInterface and AttachNetworkInterface authorize two resources each; every
    statement names both types (as parliament requires) and its condition admits one of them:
    the ENI by its cluster tag, the subnet and security group by VPC, the instance by the
    cluster's `kubernetes.io/cluster/<name>` tag."""
    if params.aws_managed_policies:
        return []
    clusters = clusters_of(params.cluster_names, bound, "vpcCni")
    interface, instance = arn(partition, "ec2", "network-interface/*"), arn(partition, "ec2", "instance/*")
    subnet, group = arn(partition, "ec2", "subnet/*"), arn(partition, "ec2", "security-group/*")
    in_vpcs = {"ArnEquals": {"ec2:Vpc": [arn(partition, "ec2", f"vpc/{v}") for v in params.vpc_ids]}}
    own_interface = {"StringEquals": {"aws:ResourceTag/cluster.k8s.amazonaws.com/name": clusters}}
    statements = [
        stmt(
            "Describe",
            [
                "ec2:DescribeInstances",
                "ec2:DescribeTags",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeSubnets",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeSecurityGroups",
            ],
        ),
        stmt("TagInterfaces", ["ec2:CreateTags"], interface),
        stmt(
            "CreateTaggedInterfaces",
            ["ec2:CreateNetworkInterface"],
            [interface, subnet, group],
            {"StringEquals": {"aws:RequestTag/cluster.k8s.amazonaws.com/name": clusters}},
        ),
        stmt("CreateInterfacesInVpcs", ["ec2:CreateNetworkInterface"], [interface, subnet, group], in_vpcs),
        stmt(
            "ManageOwnInterfaces",
            [
                "ec2:DeleteNetworkInterface",
                "ec2:UnassignPrivateIpAddresses",
                "ec2:AssignPrivateIpAddresses",
                "ec2:ModifyNetworkInterfaceAttribute",
            ],
            interface,
            own_interface,
        ),
        stmt("AttachOwnInterfaces", ["ec2:AttachNetworkInterface", "ec2:DetachNetworkInterface"], [interface, instance], own_interface),
        # Security groups are not the CNI's to tag: the VPC condition admits them (and, as
        # ModifyNetworkInterfaceAttribute requires naming ENIs, the ENIs of those VPCs).
        stmt("InterfaceSecurityGroups", ["ec2:ModifyNetworkInterfaceAttribute"], [interface, group], in_vpcs),
    ]
    for i, c in enumerate(clusters):
        statements.append(
            stmt(
                f"ClusterInstances{i}",
                ["ec2:AttachNetworkInterface", "ec2:DetachNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute"],
                [interface, instance],
                {"StringEquals": {f"aws:ResourceTag/kubernetes.io/cluster/{c}": "owned"}},
            )
        )
    if params.ipv6:
        statements.append(stmt("Ipv6Prefixes", ["ec2:AssignIpv6Addresses"], interface))
    return statements


ENTRIES = [
    WellKnown(
        "clusterAutoscaler",
        "Cluster Autoscaler",
        ClusterParams,
        cluster_autoscaler,
        (Upstream("kubernetes/autoscaler", "cluster-autoscaler/cloudprovider/aws/README.md", "cluster-autoscaler-1.36.1"),),
        "kube-system/cluster-autoscaler",
    ),
    WellKnown(
        "karpenter",
        "Karpenter",
        KarpenterParams,
        karpenter,
        (
            Upstream(
                "aws/karpenter-provider-aws",
                "website/content/en/docs/getting-started/getting-started-with-karpenter/cloudformation.yaml",
                "v1.14.1",
            ),
        ),
        "kube-system/karpenter",
    ),
    WellKnown(
        "nodeTerminationHandler",
        "AWS Node Termination Handler (Queue Processor)",
        TerminationHandlerParams,
        node_termination_handler,
        (Upstream("aws/aws-node-termination-handler", "README.md", "v1.25.6"),),
        "kube-system/aws-node-termination-handler",
    ),
    WellKnown(
        "vpcCni",
        "Amazon VPC CNI",
        CniParams,
        vpc_cni,
        (Upstream("aws/amazon-vpc-cni-k8s", "docs/iam-policy.md", "v1.23.0"),),
        "kube-system/aws-node",
        managed_alternatives=CNI_MANAGED,
    ),
]
