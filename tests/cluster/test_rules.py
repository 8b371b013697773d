"""What EKS and EC2 accept for a cluster and its network, and the Kubernetes versions offered."""

from __future__ import annotations

import datetime
import re

import pytest
from eks_pod_identity.cluster import rules


@pytest.mark.parametrize("value", ["t3.medium", "m5.large", "c7g.xlarge"])
def test_instance_types_ec2_offers(value):
    assert rules.instance_type_problem(value) is None


def test_a_misspelled_instance_type_is_said_with_the_closest_that_exists():
    assert rules.instance_type_problem("t3.medum") == "is not an EC2 instance type; did you mean 't3.medium'?"
    assert rules.instance_type_problem("quantum") == "is not an EC2 instance type"


@pytest.mark.parametrize(
    "name, ok", [("a", True), ("prod_blue-2", True), ("1-cluster", True), ("-a", False), ("a b", False), ("a" * 101, False)]
)
def test_eks_cluster_names(name, ok):
    assert bool(rules.EKS_CLUSTER_NAME.match(name)) is ok


@pytest.mark.parametrize(
    "pattern, good, bad",
    [
        (rules.VPC_ID, ["vpc-0123abcd", "vpc-0123456789abcdef0"], ["vpc-xyz", "vpc-0123abc", "subnet-0123abcd"]),
        (rules.SUBNET_ID, ["subnet-aaaaaaaa", "subnet-0123456789abcdef0"], ["subnet-aaaa", "vpc-0123abcd"]),
    ],
)
def test_vpc_and_subnet_ids(pattern, good, bad):
    assert all(pattern.match(v) for v in good) and not any(pattern.match(v) for v in bad)


def test_the_offered_versions_support_pod_identity_and_the_default_is_offered():
    minors = [int(re.fullmatch(r"1\.(\d+)", v).group(1)) for v in rules.EKS_VERSIONS]
    assert min(minors) >= rules.MIN_POD_IDENTITY_MINOR
    assert rules.DEFAULT_KUBERNETES_VERSION in rules.EKS_VERSIONS
    released = {v: dates[0] for v, dates in rules.EKS_VERSIONS.items() if not dates[0].startswith("estimated")}
    assert all(datetime.date.fromisoformat(d) <= datetime.date.fromisoformat(rules.EKS_VERSIONS_AS_OF) for d in released.values())
