"""Config of `eks-pod-identity:clusters`: the clusters a stack creates or adopts, and their add-ons."""

from __future__ import annotations

import ipaddress
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from .. import names
from ..addons.agent import AGENT_ADDON, AddonVersion
from ..cluster import rules
from ..cluster.rules import DEFAULT_KUBERNETES_VERSION, ClusterName, InstanceType, SubnetId, VpcId
from ..iam.fields import PrincipalArn
from ..iam.grammar import ROLE_NAME_MAX
from ..kubernetes import Namespace, ServiceAccountName
from ..model import Model

# Add-ons whose service account does not live in kube-system by default (EKS User Guide,
# "Amazon CloudWatch Observability": namespace amazon-cloudwatch, service account cloudwatch-agent).
ADDON_NAMESPACES = {"amazon-cloudwatch-observability": "amazon-cloudwatch"}


class NetworkConfig(Model):
    """Where a created cluster runs: an existing VPC (`vpcId` and subnets), or a new one."""

    vpc_id: VpcId | None = None
    private_subnet_ids: list[SubnetId] = Field(default_factory=list)
    public_subnet_ids: list[SubnetId] = Field(default_factory=list)
    cidr: str = "10.0.0.0/16"
    availability_zones: int = Field(2, ge=2, le=6)
    availability_zone_names: list[str] = Field(default_factory=list)
    nat_gateways: Literal["single", "onePerAz"] = "single"

    @field_validator("cidr")
    @classmethod
    def _cidr(cls, value: str) -> str:
        try:
            network = ipaddress.IPv4Network(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an IPv4 CIDR block like '10.0.0.0/16'") from None
        if not rules.VPC_PREFIX_MIN <= network.prefixlen <= rules.VPC_PREFIX_MAX:
            raise ValueError(
                f"{value!r} has a /{network.prefixlen} prefix; give /{rules.VPC_PREFIX_MIN} to /{rules.VPC_PREFIX_MAX}, "
                "room for a private and a public subnet per zone with nodes and pods in them"
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> NetworkConfig:
        given = self.model_fields_set
        if self.vpc_id:
            created_only = sorted({"cidr", "availabilityZones", "availabilityZoneNames", "natGateways"} & _aliases(self, given))
            if created_only:
                raise ValueError(f"{created_only} shape a VPC the stack creates; with vpcId they do not apply: remove them")
            if len(set(self.private_subnet_ids)) < 2:
                raise ValueError("an existing VPC needs privateSubnetIds: at least two private subnets, in two zones (EKS needs two)")
            both = sorted(set(self.private_subnet_ids) & set(self.public_subnet_ids))
            if both:
                raise ValueError(f"subnets {both} are listed as both private and public")
        elif self.private_subnet_ids or self.public_subnet_ids:
            raise ValueError("privateSubnetIds/publicSubnetIds need vpcId, the VPC they belong to")
        if self.availability_zone_names and "availabilityZones" in _aliases(self, given):
            raise ValueError("give either availabilityZones (a count) or availabilityZoneNames, not both")
        if self.availability_zone_names and len(set(self.availability_zone_names)) < 2:
            raise ValueError("availabilityZoneNames needs at least two zones (EKS needs subnets in two)")
        if len(self.availability_zone_names) > 6:
            raise ValueError(f"availabilityZoneNames names {len(self.availability_zone_names)} zones; a region has at most 6")
        return self


def _aliases(model: Model, fields: set[str]) -> set[str]:
    return {type(model).model_fields[f].alias or f for f in fields}


class AddonConfig(Model):
    """An EKS add-on on a cluster, optionally with its own Pod Identity role."""

    name: Namespace
    version: AddonVersion | None = None
    identity: str | None = None
    service_account: ServiceAccountName | None = None
    namespace: Namespace | None = None
    """Install the add-on into this namespace (EKS namespace_config); unset: its default one."""
    configuration_values: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> AddonConfig:
        if self.name == AGENT_ADDON:
            raise ValueError("the agent is installed by installAgent/agentVersion, not listed under addons")
        if bool(self.identity) != bool(self.service_account):
            raise ValueError("an add-on identity needs both identity and serviceAccount (the add-on's own service account)")
        return self

    @property
    def role_namespace(self) -> str:
        """Where the add-on's service account lives: its namespace, and its identity's trust scope."""
        return self.namespace or ADDON_NAMESPACES.get(self.name, "kube-system")


NodeType = Literal["linux", "windows", "fargate", "hybrid"]
# Keys that only shape a cluster the stack creates.
CREATED_ONLY = {
    "version",
    "instanceType",
    "desiredCapacity",
    "minSize",
    "maxSize",
    "authenticationMode",
    "autoMode",
    "network",
    "endpointPublicAccess",
    "publicAccessCidrs",
    "adminPrincipalArns",
}


class ClusterConfig(Model):
    """One EKS cluster: created with pulumi-eks, or an existing one adopted by name."""

    name: ClusterName
    create: bool = True
    version: str | None = None
    instance_type: InstanceType = "t3.medium"
    desired_capacity: int = Field(2, ge=0)
    min_size: int = Field(1, ge=0)
    max_size: int = Field(3, ge=1)
    authentication_mode: Literal["API", "API_AND_CONFIG_MAP"] = "API"
    auto_mode: bool = False
    install_agent: bool = True
    agent_version: AddonVersion | None = None
    node_types: list[NodeType] = Field(default_factory=lambda: list[NodeType](["linux"]))
    addons: list[AddonConfig] = Field(default_factory=list)
    network: NetworkConfig = Field(default_factory=NetworkConfig)
    endpoint_public_access: bool = True
    public_access_cidrs: list[str] = Field(default_factory=list)
    admin_principal_arns: list[PrincipalArn] = Field(default_factory=list)

    @field_validator("public_access_cidrs")
    @classmethod
    def _cidrs(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                ipaddress.IPv4Network(value)
            except ValueError:
                raise ValueError(f"{value!r} is not an IPv4 CIDR block like '203.0.113.0/24'") from None
        return values

    @field_validator("version", mode="before")
    @classmethod
    def _version_is_text(cls, value: Any) -> Any:
        if value is not None and not isinstance(value, str):
            raise ValueError(f'{value!r} must be a quoted string such as "1.35" (YAML reads 1.30 as the number 1.3)')
        return value

    @field_validator("version")
    @classmethod
    def _version(cls, value: str | None) -> str | None:
        if value is None:
            return value
        match = rules.KUBERNETES_VERSION.match(value)
        if not match:
            raise ValueError(f'{value!r} is not a Kubernetes minor version; quote it in YAML, e.g. "1.35"')
        if int(match.group(1)) < rules.MIN_POD_IDENTITY_MINOR:
            raise ValueError(f"{value!r} is too old: EKS Pod Identity needs Kubernetes 1.{rules.MIN_POD_IDENTITY_MINOR} or newer")
        if value not in rules.EKS_VERSIONS:
            raise ValueError(
                f"{value!r} is not a version EKS offers for new clusters (as of {rules.EKS_VERSIONS_AS_OF}: "
                f"{', '.join(rules.EKS_VERSIONS)})"
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ClusterConfig:
        if self.create and not self.min_size <= self.desired_capacity <= self.max_size:
            raise ValueError(
                f"node counts must satisfy minSize <= desiredCapacity <= maxSize; got {self.min_size} <= "
                f"{self.desired_capacity} <= {self.max_size}"
            )
        if not self.auto_mode and not {"linux", "hybrid"} & set(self.node_types):
            raise ValueError(
                f"nodeTypes {self.node_types} has no Linux EC2 or hybrid nodes; Pod Identity does not work on "
                "Fargate or Windows, so add Linux nodes or use IRSA for this cluster"
            )
        if self.create and set(self.node_types) != {"linux"}:
            raise ValueError("nodeTypes describes an adopted cluster; a created cluster always gets Linux managed nodes")
        if self.create and len(self.name) > rules.CREATED_CLUSTER_NAME_MAX:
            raise ValueError(
                f"a created cluster's name has at most {rules.CREATED_CLUSTER_NAME_MAX} characters (this one has "
                f"{len(self.name)}): pulumi-eks names its IAM roles after it (`<name>-eks-nodeRole-role-` and a "
                f"{names.AUTONAME_RANDOM}-character suffix) and IAM stops at {ROLE_NAME_MAX}"
            )
        if not self.endpoint_public_access and self.public_access_cidrs:
            raise ValueError(
                "publicAccessCidrs limit a public endpoint, and endpointPublicAccess is false (pulumi-eks refuses "
                "the pair, cluster.ts createCore): drop one of them"
            )
        if self.auto_mode and self.agent_version:
            raise ValueError("agentVersion pins an add-on Auto Mode does not use (its agent is built in): remove it")
        if not self.install_agent and self.agent_version:
            raise ValueError("agentVersion pins the agent add-on that installAgent: false leaves alone: remove one of them")
        if not self.create:
            ignored = sorted(_aliases(self, self.model_fields_set) & CREATED_ONLY)
            if ignored:
                raise ValueError(f"{ignored} shape a cluster the stack creates; this one is adopted (create: false): remove them")
        return self

    @property
    def kubernetes_version(self) -> str:
        return self.version or DEFAULT_KUBERNETES_VERSION
