"""The network a created cluster runs in: an existing VPC used as given, or a VPC created over
the zones asked for, private subnets for the nodes and public ones for load balancers."""

from __future__ import annotations

import ipaddress
import re

import pytest
from eks_pod_identity.cluster.network import PRIVATE_SUBNET_TAGS, PUBLIC_SUBNET_TAGS, Network, NetworkArgs

from tests.helpers import run_component


def outputs(network: Network) -> dict:
    return {"vpc": network.vpc_id, "private": network.private_subnet_ids, "public": network.public_subnet_ids}


def test_an_existing_vpc_is_used_as_given():
    args = NetworkArgs(vpc_id="vpc-0123456789abcdef0", private_subnet_ids=["subnet-aaaaaaaa", "subnet-bbbbbbbb"])
    result = run_component(lambda: outputs(Network("net", args)))
    assert [r.type for r in result.registrations] == ["eks-pod-identity:index:Network"], "no VPC is created"
    assert result.outputs == {"vpc": "vpc-0123456789abcdef0", "private": ["subnet-aaaaaaaa", "subnet-bbbbbbbb"], "public": []}


def test_a_created_vpc_covers_the_zones_asked_for_with_the_nat_gateways_asked_for():
    zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    args = NetworkArgs(cidr_block="10.1.0.0/16", availability_zone_names=zones, nat_gateways="onePerAz", tags={"team": "a"})
    result = run_component(lambda: outputs(Network("net", args)))
    (vpc,) = result.of_type("awsx:ec2:Vpc")
    assert vpc.parent == result.named("net").urn
    assert vpc.inputs["cidrBlock"] == "10.1.0.0/16" and vpc.inputs["tags"] == {"team": "a"}
    assert vpc.inputs["availabilityZoneNames"] == zones and "numberOfAvailabilityZones" not in vpc.inputs
    assert vpc.inputs["natGateways"] == {"strategy": "OnePerAz"}
    specs = {spec["type"]: spec["tags"] for spec in vpc.inputs["subnetSpecs"]}
    assert specs == {"Private": PRIVATE_SUBNET_TAGS, "Public": PUBLIC_SUBNET_TAGS}
    assert len(result.outputs["private"]) == len(result.outputs["public"]) == 3, "one subnet of each kind per zone"
    assert result.outputs["vpc"].startswith("vpc-") and result.outputs["vpc"] != "vpc-0123456789abcdef0"


def test_without_zone_names_a_number_of_zones_is_asked_for():
    result = run_component(lambda: outputs(Network("net", NetworkArgs(availability_zones=3))))
    (vpc,) = result.of_type("awsx:ec2:Vpc")
    assert vpc.inputs["numberOfAvailabilityZones"] == 3 and "availabilityZoneNames" not in vpc.inputs
    assert vpc.inputs["natGateways"] == {"strategy": "Single"}, "one NAT gateway unless asked for one per zone"


@pytest.mark.parametrize(("cidr", "mask"), [("10.0.0.0/16", 19), ("10.8.0.0/20", 23)])
@pytest.mark.parametrize("zones", [2, 3, 6])
def test_each_zone_block_is_fixed_whatever_the_zone_count(cidr, mask, zones):
    """awsx derives a zone's block from the zone count unless availabilityZoneCidrMask is given
    (awsx/ec2/subnetDistributorNew.ts allocateSubnetCidrBlocks), so 2 -> 3 zones re-addressed
    every subnet; a mask of the VPC's prefix + 3 leaves room for 8 zones, and zone i keeps block i."""
    result = run_component(lambda: outputs(Network("net", NetworkArgs(cidr_block=cidr, availability_zones=zones))))
    (vpc,) = result.of_type("awsx:ec2:Vpc")
    assert vpc.inputs["availabilityZoneCidrMask"] == mask and vpc.inputs["subnetStrategy"] == "Auto"
    blocks = list(ipaddress.IPv4Network(cidr).subnets(new_prefix=mask))
    assert len(blocks) >= 8 and zones <= 6, "room for every zone a stack may ask for"
    assert blocks[0].num_addresses // 2 >= 256, "two subnets of at least /24 per zone"


@pytest.mark.parametrize(
    ("changes", "message"), [({"nat_gateways": "two"}, "nat_gateways 'two' is none of"), ({"cidr_block": "10.0.0.0/33"}, "10.0.0.0/33")]
)
def test_a_network_awsx_cannot_build_is_refused_when_the_arguments_are_made(changes, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        NetworkArgs(**changes)
