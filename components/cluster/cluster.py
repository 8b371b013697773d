"""The EKS cluster a stack works on: created with pulumi-eks, or an existing one adopted by name."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks
import pulumi_kubernetes as k8s

from ..arn import Arn, partition_of
from ..credentials import Credentials
from ..iam import documents
from .existing import describe_cluster
from .kubeconfig import exec_kubeconfig
from .network import Network, NetworkArgs

# What a Linux node needs; AmazonEKSWorkerNodePolicy carries eks-auth:AssumeRoleForPodIdentity,
# which the Pod Identity agent on the node calls.
NODE_POLICIES = ("AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly")
CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy"


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
    network: NetworkArgs = field(default_factory=NetworkArgs)
    endpoint_public_access: bool = True
    """`pulumi up` reaches the API from outside the VPC; turn off only when it runs inside."""
    public_access_cidrs: Sequence[str] = ()
    admin_principal_arns: Sequence[str] = ()
    """IAM roles or users made cluster admins (access entries), e.g. a CI role or a colleague."""
    credentials: Credentials = field(default_factory=Credentials)
    """What the kubeconfig's `aws eks get-token` uses: the stack's `aws:profile` and `aws:assumeRoles`."""
    tags: Mapping[str, str] = field(default_factory=dict)
    found: aws.eks.GetClusterResult | None = None
    """An adopted cluster already read (existing.describe_cluster); None: read here."""
    partition: aws.GetPartitionResult | None = None
    region: pulumi.Input[str] | None = None
    account: str | None = None
    """Where the stack deploys, when the caller has looked it up already; None: looked up here."""

    def __post_init__(self) -> None:
        modes = [m.value for m in eks.AuthenticationMode]
        if self.authentication_mode not in modes:
            raise ValueError(f"authentication_mode {self.authentication_mode!r} is none of {modes}")


class ClusterNotFound(pulumi.RunError):
    """An adopted cluster could not be read: say which, where, and what to do."""


class EksCluster(pulumi.ComponentResource):
    """An EKS cluster and a Kubernetes provider for it.

    The component's name is the EKS cluster name. A created cluster gets its own network and
    Linux managed nodes (or EKS Auto Mode); an adopted one is read with `aws.eks.get_cluster`
    at every run. Both get a kubeconfig that calls `aws eks get-token` (with the stack's
    profile), so nothing about them is stored but their name.
    """

    cluster_name: str
    """The EKS cluster name, known when the program runs."""
    name: pulumi.Output[str]
    """The EKS cluster name; depends on the cluster, so consumers wait for it."""
    arn: pulumi.Output[str]
    """The cluster ARN."""
    static_arn: pulumi.Output[str]
    """The ARN derived from name, region and account: IAM documents that name the cluster
    use it, so roles need not wait ten minutes for the control plane."""
    version: pulumi.Output[str]
    """The cluster's Kubernetes version."""
    kubernetes_version: pulumi.Input[str]
    """The Kubernetes version for add-on version lookups: the one asked for, else the cluster's own."""
    auto_mode: bool
    """True when EKS Auto Mode runs the nodes (the Pod Identity agent is built in)."""
    kubeconfig: pulumi.Output[str]
    """Kubeconfig JSON, a secret."""
    provider: k8s.Provider
    """Kubernetes provider bound to this cluster: every Kubernetes object must use it."""
    cluster: eks.Cluster | None
    """The pulumi-eks cluster when created here, else None."""
    network: Network | None
    """The created cluster's network, else None."""
    nodes: list[pulumi.Resource]
    """The created cluster's node group: pods (and add-ons) need nodes to start."""

    def __init__(self, name: str, args: EksClusterArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("eks-pod-identity:index:EksCluster", name, None, opts)
        self.cluster_name = name
        self.cluster, self.network, self.nodes = None, None, []
        if args.create:
            endpoint, authority, region = self._create(name, args)
        else:
            endpoint, authority, region = self._adopt(name, args.found)
        self.kubeconfig = pulumi.Output.secret(
            pulumi.Output.all(endpoint, authority, region).apply(
                lambda v: exec_kubeconfig(name, v[0], v[1], v[2], args.credentials.get_token_args(), args.credentials.get_token_env())
            )
        )
        self.provider = k8s.Provider(
            f"{name}-k8s",
            kubeconfig=self.kubeconfig,
            # Without it, a kubeconfig that is unknown at preview (a cluster being updated)
            # replaces the provider and every object it manages (pulumi-kubernetes
            # provider/provider.go kubeProvider.DiffConfig); the cluster name never changes.
            cluster_identifier=name,
            # An object that already exists is an error, never taken over: this stack would
            # delete it on destroy (create is client-side since pulumi-kubernetes 4.29.0,
            # CHANGELOG #2926; AlreadyExists in provider/pkg/await/await.go Creation).
            upsert_existing_objects=False,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"name": self.name, "arn": self.arn, "version": self.version})

    def _create(self, name: str, args: EksClusterArgs) -> tuple[pulumi.Input[str], pulumi.Input[str], pulumi.Input[str]]:
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        partition = args.partition or aws.get_partition_output(opts=invoke)
        region = args.region if args.region is not None else aws.get_region_output(opts=invoke).region
        account = args.account or aws.get_caller_identity_output(opts=invoke).account_id
        self.network = Network(f"{name}-network", args.network, opts=child)
        self.cluster = eks.Cluster(
            f"{name}-eks",
            name=name,
            version=args.version,
            vpc_id=self.network.vpc_id,
            private_subnet_ids=self.network.private_subnet_ids,
            public_subnet_ids=self.network.public_subnet_ids,
            # Set explicitly: pulumi-eks waits for the API's /healthz only when endpointPublicAccess
            # is true (cluster.ts createCore, `endpoint`), and objects created before it answers
            # fail. Private access lets the nodes reach the API inside the VPC.
            endpoint_public_access=args.endpoint_public_access,
            endpoint_private_access=True,
            public_access_cidrs=list(args.public_access_cidrs) or None,
            authentication_mode=eks.AuthenticationMode(args.authentication_mode),
            access_entries=admin_entries(args.admin_principal_arns, args.tags) or None,
            auto_mode=eks.AutoModeOptionsArgs(enabled=True) if args.auto_mode else None,
            # Managed nodes below replace pulumi-eks's self-managed default group.
            skip_default_node_group=True,
            provider_credential_opts=eks.KubeconfigOptionsArgs(profile_name=args.credentials.profile, role_arn=args.credentials.role_arn)
            if args.credentials.profile or args.credentials.role_arn
            else None,
            tags=dict(args.tags),
            opts=child,
        )
        self.static_arn = pulumi.Output.concat("arn:", partition.partition, ":eks:", region, ":", account, ":cluster/", name)
        if not args.auto_mode:
            self.nodes = [self._nodes(name, args, partition.partition, partition.dns_suffix)]
        eks_cluster = self.cluster.eks_cluster
        self.name = eks_cluster.name
        self.arn = eks_cluster.arn
        self.version = eks_cluster.version
        # Without a version EKS picks its default; the add-ons then ask for that cluster's.
        self.kubernetes_version = args.version or eks_cluster.version
        self.auto_mode = args.auto_mode
        return eks_cluster.endpoint, eks_cluster.certificate_authority.data, region

    def _nodes(self, name: str, args: EksClusterArgs, partition: pulumi.Input[str], dns_suffix: pulumi.Input[str]) -> eks.ManagedNodeGroup:
        child = pulumi.ResourceOptions(parent=self)
        node_role = aws.iam.Role(
            f"{name}-node-role",
            assume_role_policy=pulumi.Output.from_input(dns_suffix).apply(lambda s: documents.to_json(documents.ec2_trust_policy(s))),
            tags=dict(args.tags),
            opts=child,
        )
        attachments = [
            aws.iam.RolePolicyAttachment(
                f"{name}-node-{policy}",
                role=node_role.name,
                policy_arn=pulumi.Output.concat("arn:", partition, ":iam::aws:policy/", policy),
                opts=child,
            )
            for policy in NODE_POLICIES
        ]
        assert self.cluster is not None and self.network is not None
        # Nodes without these policies never join; the node group must also outlive them on destroy.
        return eks.ManagedNodeGroup(
            f"{name}-nodes",
            cluster=self.cluster,
            node_role=node_role,
            # Without subnet_ids pulumi-eks uses core.subnetIds, public ones included
            # (nodes/nodegroup.ts createManagedNodeGroup): nodes belong in the private subnets.
            subnet_ids=self.network.private_subnet_ids,
            instance_types=[args.instance_type],
            scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                desired_size=args.desired_capacity, min_size=args.min_size, max_size=args.max_size
            ),
            # desiredCapacity sizes the group when it is created; after that the Cluster
            # Autoscaler or Karpenter owns the count (pulumi-eks nodegroup.ts
            # createManagedNodeGroup: ignoreChanges on scalingConfig.desiredSize), so an update
            # never resets it and terminates nodes they added. minSize and maxSize still apply.
            ignore_scaling_changes=True,
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.cluster, *attachments]),
        )

    def _adopt(self, name: str, found: aws.eks.GetClusterResult | None) -> tuple[str, str, str]:
        found = found or describe_cluster(name)
        if found is None:
            raise ClusterNotFound(
                f"cluster {name!r} is adopted (create: false), and EKS has no cluster of that name in this stack's "
                "region (eks:DescribeCluster). Check the name and aws:region, or set create: true to create it."
            )
        self.name = pulumi.Output.from_input(found.name)
        self.arn = pulumi.Output.from_input(found.arn)
        self.static_arn = self.arn
        self.version = pulumi.Output.from_input(found.version)
        self.kubernetes_version = found.version
        self.auto_mode = bool(found.compute_configs and found.compute_configs[0].enabled)
        arn = Arn.parse(found.arn)
        assert arn is not None, "EKS describes a cluster with its ARN"
        return found.endpoint, found.certificate_authorities[0].data, arn.region


def admin_entries(principal_arns: Sequence[str], tags: Mapping[str, str] | None = None) -> dict[str, eks.AccessEntryArgs]:
    """Access entries that make each principal a cluster admin (the creator alone is one by default).

    Keyed by a digest of the ARN, not its position: pulumi-eks names each entry's resources
    after its key, and a new name for the same principal would create a second entry before
    deleting the first, which EKS refuses. Tagged as the stack's, so that a later run tells its
    own entries from the one EKS gave the cluster's creator (stack.program._creator_problems).
    """
    return {
        f"admin-{hashlib.sha256(arn.encode()).hexdigest()[:10]}": eks.AccessEntryArgs(
            principal_arn=arn,
            tags=dict(tags or {}),
            access_policies={
                "cluster-admin": eks.AccessPolicyAssociationArgs(
                    policy_arn=f"arn:{partition_of(arn)}:eks::aws:cluster-access-policy/{CLUSTER_ADMIN_POLICY}",
                    access_scope=aws.eks.AccessPolicyAssociationAccessScopeArgs(type="cluster"),
                )
            },
        )
        for arn in principal_arns
    }
