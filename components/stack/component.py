"""EKS Pod Identity end to end as one component: what a stack file of this project declares.

Clusters created in their own VPC or adopted by name, the agent add-on, other add-ons with their
own identities, the identities' roles and associations, cross-account target roles, and the
sample that proves a pod got its role: the stack program's stages (`program.build`), declared
under a component, for programs in any language. Its inputs are the stack file's keys; each
identity is a `PodIdentity`'s inputs, keyed by its name.

No `from __future__ import annotations`: the SDK reads these annotations at run time for the
schema (see `pod_identity`).
"""

import re
from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

import pulumi

from ..errors import ConfigError
from ..pod_identity import STACK_KEYS, PodIdentityArgs, camel, identity_entry
from .deployment import read
from .load import parse
from .program import build

TYPE = "eks-pod-identity:index:EksPodIdentity"


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


class SampleArgs(TypedDict):
    """A workload that proves a pod receives its role: a Deployment ready only while it runs as the role, or a Job."""

    kind: NotRequired[str]
    """'deployment', 'job' or 'none' (default)."""
    identity: NotRequired[str]
    """The identity whose service account the sample runs as."""
    cluster: NotRequired[str]
    """Pick one of the identity's bindings: its cluster (default: the first binding's)."""
    namespace: NotRequired[str]
    """Pick one of the identity's bindings: its namespace."""
    service_account: NotRequired[str]
    """Pick one of the identity's bindings: its service account."""
    create_namespace: NotRequired[bool]
    """Create the namespace (restricted Pod Security Standard enforced)."""
    create_service_account: NotRequired[bool]
    """Manage the service account (default true); false leaves an existing one alone."""
    image: NotRequired[str]
    """The AWS CLI image of the sample (default awsCliImage)."""
    bucket_name: NotRequired[str]
    """Job only: the name of the bucket it writes to."""


class EksPodIdentityArgs(TypedDict):
    """The inputs of an EksPodIdentity: the keys of a stack file of this project (docs/configuration.md)."""

    clusters: list[ClusterArgs]
    """The clusters, created or adopted."""
    identities: NotRequired[dict[str, PodIdentityArgs]]
    """Pod identities by name, each bound in clusters of this component (its clusters input names them)."""
    sample: NotRequired[SampleArgs]
    """The sample workload that proves a pod got its role."""
    aws_cli_image: NotRequired[str]
    """The AWS CLI image of the sample and the probes, with a version tag of 2.15.0 or later."""
    environment: NotRequired[str]
    """Value of the 'environment' tag on every resource (empty for none)."""
    role_managed_policy_quota: NotRequired[int]
    """The account's quota of managed policies per role (10 unless AWS raised it, at most 20)."""
    role_trust_policy_quota: NotRequired[int]
    """The account's quota of trust policy characters (2048 unless AWS raised it, at most 4096)."""


NESTED: dict[str, dict[str, Any]] = {"network": {}, "addons": {}}
"""A cluster's inputs whose keys are typed (snake_case in Python)."""


def _camel(value: Mapping[str, Any], nested: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        inner = nested.get(key)
        if inner is not None and isinstance(item, list):
            out[camel(key)] = [_camel(i, inner) if isinstance(i, Mapping) else i for i in item]
        elif inner is not None and isinstance(item, Mapping):
            out[camel(key)] = _camel(item, inner)
        else:
            out[camel(key)] = item
    return out


def stack_config(args: Mapping[str, Any]) -> dict[str, Any]:
    """The stack file these inputs are: the same keys, in camelCase, identities as a list."""
    identities = args.get("identities") or {}
    raw: dict[str, Any] = {k: v for k, v in _camel(args, {"clusters": NESTED, "sample": {}}).items() if k != "identities"}
    if isinstance(identities, Mapping):
        raw["identities"] = [identity_entry(name, i) if isinstance(i, Mapping) else i for name, i in identities.items()]
    else:
        raw["identities"] = identities  # the model refuses it, naming the key
    return raw


def misplaced_keys(args: Mapping[str, Any]) -> list[str]:
    """Stack-level keys set on an identity (they would be ignored), and identities without
    `clusters` (a stack file's default, every cluster, is no input of PodIdentityArgs)."""
    identities = args.get("identities")
    if not isinstance(identities, Mapping):
        return []
    found = []
    for name, identity in identities.items():
        if not isinstance(identity, Mapping):
            continue
        found += [
            f"identities.{name}.{camel(key)}: a setting of the whole EksPodIdentity; set it there" for key in STACK_KEYS if key in identity
        ]
        if "clusters" not in identity:
            found.append(f"identities.{name}.clusters: is required; name the clusters to bind in ([] for an identity only add-ons use)")
    return found


def input_problems(problems: list[str], names: list[str]) -> list[str]:
    """A stack file's problem lines in terms of these inputs: identities by name, no project prefix."""

    def identity(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return f"identities.{names[index]}" if index < len(names) else match.group(0)

    return [re.sub(r"identities\[(\d+)\]", identity, line.replace("eks-pod-identity:", "")) for line in problems]


class EksPodIdentity(pulumi.ComponentResource):
    """EKS Pod Identity end to end: clusters (created in their own VPC, or adopted by name), the eks-pod-identity-agent
    add-on, add-ons with their own identities, roles trusting pods.eks.amazonaws.com, pod identity associations,
    cross-account target roles, and a sample workload that proves a pod got its role."""

    cluster_names: pulumi.Output[dict[str, str]]
    """Each cluster's name, by its key."""
    cluster_arns: pulumi.Output[dict[str, str]]
    """Each cluster's ARN."""
    kubeconfigs: pulumi.Output[dict[str, Any]]
    """Each cluster's kubeconfig (secret)."""
    role_arns: pulumi.Output[dict[str, str]]
    """The role each identity binds, by identity."""
    association_ids: pulumi.Output[dict[str, str]]
    """Association IDs by 'cluster/namespace/serviceAccount'."""
    binding_role_arns: pulumi.Output[dict[str, str]]
    """The role pods run as, by 'cluster/namespace/serviceAccount' (the target role when chaining)."""
    proven_association_ids: pulumi.Output[dict[str, str]]
    """The association IDs a probe Job proved in effect (the sample's, and proveAssociations identities')."""

    def __init__(self, name: str, args: EksPodIdentityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        identities = args.get("identities")
        names = list(identities) if isinstance(identities, Mapping) else []
        try:
            misplaced = misplaced_keys(args)
            if misplaced:
                raise ConfigError(misplaced)
            cfg = parse(stack_config(args))
            d = read(cfg, parent=self)
        except ConfigError as err:
            raise ConfigError(input_problems(err.problems, names), subject=f"EksPodIdentity {name!r}") from None
        super().__init__(TYPE, name, None, opts)
        outputs = build(cfg, d)
        self.cluster_names = pulumi.Output.from_input(outputs["clusterNames"])
        self.cluster_arns = pulumi.Output.from_input(outputs["clusterArns"])
        self.kubeconfigs = pulumi.Output.secret(outputs["kubeconfigs"])
        self.role_arns = pulumi.Output.from_input(outputs["roleArns"])
        self.association_ids = outputs["associationIds"]
        self.binding_role_arns = outputs["bindingRoleArns"]
        self.proven_association_ids = pulumi.Output.from_input(outputs.get("provenAssociationIds", {}))
        # The stack program's sample outputs name its own stack outputs; the proof is the probe's.
        self.register_outputs({key: value for key, value in outputs.items() if "ubeconfig" not in key and not key.startswith("sample")})
