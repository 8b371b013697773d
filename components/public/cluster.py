"""An EKS cluster ready for Pod Identity, as one component: created with pulumi-eks in its own VPC,
or an existing one adopted by name, with the eks-pod-identity-agent add-on and other add-ons.

Its inputs are a `clusters[]` entry of a stack file; `EksPodIdentity` takes a list of them. It
is built by the stack program's own stages (`program.build` on a stack of this one cluster).
No `from __future__ import annotations`: the SDK reads these annotations (see `identity`).
"""

import re
from typing import Any, NotRequired, TypedDict

import pulumi

from ..stack.program import build
from .inputs import camel_keys, checked, deployment, refuse

TYPE = "eks-pod-identity:index:Cluster"


class ClusterNetworkArgs(TypedDict):
    """Where a created cluster runs: an existing VPC (vpcId and its subnets), or a new one (the default)."""

    vpc_id: NotRequired[str]
    """An existing VPC to create the cluster in (give privateSubnetIds too)."""
    private_subnet_ids: NotRequired[list[str]]
    """At least two private subnets of vpcId, in two zones: the nodes run there."""
    public_subnet_ids: NotRequired[list[str]]
    """Public subnets of vpcId, for internet-facing load balancers."""
    cidr: NotRequired[str]
    """A new VPC's IPv4 block (default 10.0.0.0/16)."""
    availability_zones: NotRequired[int]
    """How many zones a new VPC spans (2 to 6, default 2)."""
    availability_zone_names: NotRequired[list[str]]
    """The zones a new VPC spans, by name (instead of availabilityZones)."""
    nat_gateways: NotRequired[str]
    """'single' (default) or 'onePerAz'."""


class ClusterAddonArgs(TypedDict):
    """An EKS add-on on the cluster, optionally with its own pod identity."""

    name: str
    """The add-on's name, e.g. aws-ebs-csi-driver."""
    version: NotRequired[str]
    """Pin the add-on's version (default: the newest for the cluster's Kubernetes version)."""
    identity: NotRequired[str]
    """The identity (a key of identities) whose role the add-on's service account gets; give serviceAccount too."""
    service_account: NotRequired[str]
    """The add-on's own service account, bound to identity."""
    namespace: NotRequired[str]
    """Install the add-on into this namespace (default: its own)."""
    configuration_values: NotRequired[dict[str, Any]]
    """The add-on's configuration values."""


class ClusterArgs(TypedDict):
    """An EKS cluster: created with pulumi-eks in its own network, or an existing one adopted by name."""

    name: str
    """The EKS cluster name."""
    create: NotRequired[bool]
    """true (default): create it; false: adopt the existing cluster of that name."""
    version: NotRequired[str]
    """A created cluster's Kubernetes version, e.g. "1.35"."""
    instance_type: NotRequired[str]
    """A created cluster's node instance type (default t3.medium)."""
    desired_capacity: NotRequired[int]
    """The node group's desired size (default 2); afterwards the autoscaler's to change."""
    min_size: NotRequired[int]
    """The node group's minimum size (default 1)."""
    max_size: NotRequired[int]
    """The node group's maximum size (default 3)."""
    authentication_mode: NotRequired[str]
    """'API' (default) or 'API_AND_CONFIG_MAP'."""
    auto_mode: NotRequired[bool]
    """Create an EKS Auto Mode cluster (no node group; the agent is built in)."""
    install_agent: NotRequired[bool]
    """Make sure the eks-pod-identity-agent add-on runs (default true; one installed by others is left alone)."""
    agent_version: NotRequired[str]
    """Pin the agent add-on, e.g. v1.3.10-eksbuild.2."""
    node_types: NotRequired[list[str]]
    """What an adopted cluster runs: linux, windows, fargate, hybrid (Pod Identity needs linux or hybrid)."""
    addons: NotRequired[list[ClusterAddonArgs]]
    """Other EKS add-ons."""
    network: NotRequired[ClusterNetworkArgs]
    """Where a created cluster runs (default: a new VPC with private nodes)."""
    endpoint_public_access: NotRequired[bool]
    """A public API endpoint (default true); private access is always on."""
    public_access_cidrs: NotRequired[list[str]]
    """Who may reach the public endpoint (default: everywhere)."""
    admin_principal_arns: NotRequired[list[str]]
    """Roles or users made cluster admins with access entries (not whoever creates the cluster: EKS did)."""


CLUSTER_NESTED: dict[str, dict[str, Any]] = {"network": {}, "addons": {}}
"""A cluster's inputs whose keys are typed (snake_case in Python)."""


def stack_config(args: dict[str, Any]) -> dict[str, Any]:
    """The stack file of this one cluster, no identity, no sample."""
    return {"clusters": [camel_keys(args, CLUSTER_NESTED)], "identities": [], "sample": {"kind": "none"}}


INPUT_NAMES = (
    (re.compile(r"eks-pod-identity:clusters\[0\]\."), ""),
    (re.compile(r"eks-pod-identity:clusters\[0\]"), "inputs"),
    (re.compile(r"eks-pod-identity:"), ""),
)
"""The equivalent stack file's keys -> this component's inputs (`inputs` for the whole cluster)."""


class Cluster(pulumi.ComponentResource):
    """An EKS cluster ready for Pod Identity: created with pulumi-eks in its own VPC with private nodes, or an existing
    one adopted by name; the eks-pod-identity-agent add-on (one installed by others is left alone), and other EKS add-ons.
    Add-ons with their own identity are declared with Addon, or in an EksPodIdentity."""

    cluster_name: pulumi.Output[str]
    """The EKS cluster's name."""
    arn: pulumi.Output[str]
    """The cluster's ARN."""
    version: pulumi.Output[str]
    """The cluster's Kubernetes version."""
    kubeconfig: pulumi.Output[Any]
    """A kubeconfig for the cluster, using aws eks get-token (secret)."""
    agent_version: pulumi.Output[str] | None
    """The agent add-on's version, when this component manages it."""

    def __init__(self, name: str, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        subject = f"Cluster {name!r}"
        given = checked(subject, args, ClusterArgs)
        addons = given.get("addons")
        listed = addons if isinstance(addons, list) else []
        refuse(
            subject, [f"addons[{i}].identity: {ADDON_IDENTITY}" for i, a in enumerate(listed) if isinstance(a, dict) and a.get("identity")]
        )
        cfg, d = deployment(subject, stack_config(given), INPUT_NAMES, self, opts)
        super().__init__(TYPE, name, None, opts)
        outputs = build(cfg, d)
        key = cfg.clusters[0].name
        self.cluster_name = outputs["clusterNames"][key]
        self.arn = outputs["clusterArns"][key]
        self.version = outputs["clusterVersions"][key]
        self.kubeconfig = outputs["kubeconfigs"].apply(lambda k: k[key])  # secret, as build() made it
        agent = outputs["agentVersions"].get(key)
        self.agent_version = pulumi.Output.from_input(agent) if agent is not None else None
        self.register_outputs({"clusterName": self.cluster_name, "arn": self.arn, "version": self.version})


ADDON_IDENTITY = "an add-on's identity is a role of its own: declare the add-on with Addon, or in an EksPodIdentity with the identity"
