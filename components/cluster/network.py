"""The network a created cluster runs in: a VPC the stack creates, or an existing one.

pulumi-eks given no VPC takes every subnet of the account's default VPC (pulumi-eks
nodejs/eks/cluster/cluster.ts createCore, `getVpc({default: true})`), which fails where the
default VPC was deleted or has a subnet in an AZ EKS refuses, and puts nodes in public
subnets. So a created cluster always gets a network: private subnets for the nodes, public
ones for internet-facing load balancers, tagged the way the AWS Load Balancer Controller
discovers them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_awsx as awsx

# Subnet tags the AWS Load Balancer Controller (and the in-tree cloud provider) use to pick
# subnets for internet-facing and internal load balancers.
PUBLIC_SUBNET_TAGS = {"kubernetes.io/role/elb": "1"}
PRIVATE_SUBNET_TAGS = {"kubernetes.io/role/internal-elb": "1"}
ZONE_BITS = 3
"""Bits of the VPC's block that number its zones: room for 8 zone blocks, above the 6 zones a
stack may ask for. awsx otherwise derives each zone's block from the zone count (awsx/ec2/
subnetDistributorNew.ts allocateSubnetCidrBlocks: `azCidrMask ?? vpc bitmask + newBits(zones)`),
so going from 2 to 3 zones re-addressed every subnet, and the new subnets overlap the old ones
still in use. With a fixed mask, zone i keeps block i and a new zone takes a free one."""
NAT_STRATEGIES = {"single": awsx.ec2.NatGatewayStrategy.SINGLE, "onePerAz": awsx.ec2.NatGatewayStrategy.ONE_PER_AZ}


@dataclass(frozen=True)
class NetworkArgs:
    """Either `vpc_id` with its subnets, or the shape of a VPC to create."""

    vpc_id: str | None = None
    private_subnet_ids: Sequence[str] = ()
    public_subnet_ids: Sequence[str] = ()
    cidr_block: str = "10.0.0.0/16"
    availability_zones: int = 2
    availability_zone_names: Sequence[str] = ()
    nat_gateways: str = "single"
    """`single` (one NAT gateway for the VPC, the cheap choice) or `onePerAz` (no single point of failure)."""
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.nat_gateways not in NAT_STRATEGIES:
            raise ValueError(f"nat_gateways {self.nat_gateways!r} is none of {sorted(NAT_STRATEGIES)}")
        if self.vpc_id is None:
            try:
                ipaddress.IPv4Network(self.cidr_block)
            except ValueError as error:
                raise ValueError(f"cidr_block {self.cidr_block!r} is no IPv4 block: {error}") from None


class Network(pulumi.ComponentResource):
    """The cluster's VPC and subnets (created with pulumi-awsx, or given)."""

    vpc: awsx.ec2.Vpc | None
    """The VPC this stack created, or None for an existing one."""
    vpc_id: pulumi.Output[str]
    private_subnet_ids: pulumi.Output[Sequence[str]]
    """Where the nodes go."""
    public_subnet_ids: pulumi.Output[Sequence[str]]
    """Where internet-facing load balancers go (empty for an existing VPC without them)."""

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("eks-pod-identity:index:Network", name, None, opts)
        self.vpc = None
        if args.vpc_id:
            self.vpc_id = pulumi.Output.from_input(args.vpc_id)
            self.private_subnet_ids = pulumi.Output.from_input(list(args.private_subnet_ids))
            self.public_subnet_ids = pulumi.Output.from_input(list(args.public_subnet_ids))
        else:
            zones = list(args.availability_zone_names)
            self.vpc = awsx.ec2.Vpc(
                f"{name}-vpc",
                cidr_block=args.cidr_block,
                availability_zone_names=zones or None,
                number_of_availability_zones=None if zones else args.availability_zones,
                # awsx defaults to one NAT gateway per AZ (awsx/ec2/vpc.ts Vpc.initialize); say which.
                nat_gateways=awsx.ec2.NatGatewayConfigurationArgs(strategy=NAT_STRATEGIES[args.nat_gateways]),
                subnet_strategy=awsx.ec2.SubnetAllocationStrategy.AUTO,
                availability_zone_cidr_mask=ipaddress.IPv4Network(args.cidr_block).prefixlen + ZONE_BITS,
                subnet_specs=[
                    awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.PRIVATE, tags=PRIVATE_SUBNET_TAGS),
                    awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.PUBLIC, tags=PUBLIC_SUBNET_TAGS),
                ],
                enable_dns_hostnames=True,
                tags=dict(args.tags),
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.vpc_id = self.vpc.vpc_id
            self.private_subnet_ids = self.vpc.private_subnet_ids
            self.public_subnet_ids = self.vpc.public_subnet_ids
        self.register_outputs({"vpcId": self.vpc_id, "privateSubnetIds": self.private_subnet_ids})
