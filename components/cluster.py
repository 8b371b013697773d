"""The EKS cluster a stack works on: created with pulumi-eks, or an existing one adopted by name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks
import pulumi_kubernetes as k8s

from . import documents
from .kubeconfig import exec_kubeconfig

# What a Linux node needs; AmazonEKSWorkerNodePolicy carries eks-auth:AssumeRoleForPodIdentity,
# which the Pod Identity agent on the node calls.
NODE_POLICIES = ("AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly")


@dataclass(frozen=True)
class EksClusterArgs:
    """How to get the cluster. With `create=False` only the component's name is used."""

    create: bool = True
    version: str | None = None
    instance_type: str = "t3.medium"
    desired_capacity: int = 2
    min_size: int = 1
    max_size: int = 3
    authentication_mode: str = "API"
    auto_mode: bool = False
    tags: Mapping[str, str] = field(default_factory=dict)


class EksCluster(pulumi.ComponentResource):
    """An EKS cluster and a Kubernetes provider for it.

    The component's name is the EKS cluster name. A created cluster gets Linux managed nodes
    (or EKS Auto Mode); an adopted one is read with `aws.eks.get_cluster` at every run, and
    its kubeconfig uses the `aws eks get-token` exec plugin, so nothing about it is stored
    but its name.
    """

    name: pulumi.Output[str]
    """The EKS cluster name; depends on the cluster, so consumers wait for it."""
    arn: pulumi.Output[str]
    """The cluster ARN."""
    static_arn: pulumi.Output[str]
    """The ARN derived from name, region and account: IAM documents that name the cluster
    use it, so roles need not wait ten minutes for the control plane."""
    version: pulumi.Output[str]
    """The cluster's Kubernetes version."""
    kubernetes_version: str
    """The Kubernetes version known at program time, for add-on version lookups."""
    auto_mode: bool
    """True when EKS Auto Mode runs the nodes (the Pod Identity agent is built in)."""
    kubeconfig: pulumi.Output[str]
    """Kubeconfig JSON, a secret."""
    provider: k8s.Provider
    """Kubernetes provider bound to this cluster: every Kubernetes object must use it."""
    cluster: eks.Cluster | None
    """The pulumi-eks cluster when created here, else None."""

    def __init__(self, name: str, args: EksClusterArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("eks-pod-identity:index:EksCluster", name, None, opts)
        self.cluster = None
        if args.create:
            self._create(name, args)
        else:
            self._adopt(name)
        self.provider = k8s.Provider(f"{name}-k8s", kubeconfig=self.kubeconfig, opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({"name": self.name, "arn": self.arn, "version": self.version})

    def _create(self, name: str, args: EksClusterArgs) -> None:
        child = pulumi.ResourceOptions(parent=self)
        self.cluster = eks.Cluster(
            f"{name}-eks",
            name=name,
            version=args.version,
            authentication_mode=eks.AuthenticationMode(args.authentication_mode),
            auto_mode=eks.AutoModeOptionsArgs(enabled=True) if args.auto_mode else None,
            # Managed nodes below replace pulumi-eks's self-managed default group.
            skip_default_node_group=True,
            tags=dict(args.tags),
            opts=child,
        )
        invoke = pulumi.InvokeOutputOptions(parent=self)
        partition = aws.get_partition_output(opts=invoke)
        self.static_arn = pulumi.Output.all(
            partition.partition, aws.get_region_output(opts=invoke).region, aws.get_caller_identity_output(opts=invoke).account_id
        ).apply(lambda v: f"arn:{v[0]}:eks:{v[1]}:{v[2]}:cluster/{name}")
        if not args.auto_mode:
            node_role = aws.iam.Role(
                f"{name}-node-role",
                assume_role_policy=partition.dns_suffix.apply(lambda s: documents.to_json(documents.ec2_trust_policy(s))),
                tags=dict(args.tags),
                opts=child,
            )
            attachments = [
                aws.iam.RolePolicyAttachment(
                    f"{name}-node-{policy}",
                    role=node_role.name,
                    policy_arn=partition.partition.apply(lambda p, policy=policy: f"arn:{p}:iam::aws:policy/{policy}"),
                    opts=child,
                )
                for policy in NODE_POLICIES
            ]
            # Nodes without these policies never join; the node group must also outlive them on destroy.
            eks.ManagedNodeGroup(
                f"{name}-nodes",
                cluster=self.cluster,
                node_role=node_role,
                instance_types=[args.instance_type],
                scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                    desired_size=args.desired_capacity, min_size=args.min_size, max_size=args.max_size
                ),
                tags=dict(args.tags),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.cluster, *attachments]),
            )
        self.name = self.cluster.eks_cluster.name
        self.arn = self.cluster.eks_cluster.arn
        self.version = self.cluster.eks_cluster.version
        self.kubernetes_version = args.version or ""
        self.auto_mode = args.auto_mode
        self.kubeconfig = pulumi.Output.secret(self.cluster.kubeconfig_json)

    def _adopt(self, name: str) -> None:
        found = aws.eks.get_cluster(name=name, opts=pulumi.InvokeOptions(parent=self))
        region = found.arn.split(":")[3]
        self.name = pulumi.Output.from_input(found.name)
        self.arn = pulumi.Output.from_input(found.arn)
        self.static_arn = self.arn
        self.version = pulumi.Output.from_input(found.version)
        self.kubernetes_version = found.version
        self.auto_mode = bool(found.compute_configs and found.compute_configs[0].enabled)
        self.kubeconfig = pulumi.Output.secret(
            exec_kubeconfig(found.name, found.endpoint, found.certificate_authorities[0].data, region)
        )
