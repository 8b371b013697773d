"""Upgrading from 0.1.0 keeps a cluster 0.1.0 created: the documented stack-file change pins the
network the cluster runs in; the former advice (adopt it in the same stack) deletes it."""

from __future__ import annotations

import re

import yaml
from eks_pod_identity.offline.commands import HAZARDS

from tests.helpers import ROOT
from tests.helpers.review import KEY, dev, judge, ops, side

DEPLOYING = ROOT / "docs" / "deploying.md"


def documented_clusters() -> list[dict]:
    """The `clusters` of the upgrade section's stack-file snippet."""
    section = DEPLOYING.read_text().split("## Upgrading a cluster created with 0.1.0", 1)[1].split("\n## ", 1)[0]
    (snippet,) = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    return yaml.safe_load(snippet)[f"{KEY}clusters"]


def test_adopting_the_cluster_in_the_same_stack_deletes_it():
    adopted = dev(clusters=[{"name": "pod-identity-dev", "create": False}])
    result, code = judge(side("dev"), side("dev", adopted))
    deleted = {t for t, _ in ops(result)["delete"]}
    assert {"eks:index:Cluster", "eks:index:ManagedNodeGroup", "aws:eks/addon:Addon", "awsx:ec2:Vpc"} <= deleted
    assert code == HAZARDS and any(h.id.startswith("cluster-deleted:") for h in result.hazards)


def test_the_pinned_network_gives_the_cluster_and_its_nodes_exactly_its_subnets():
    (cluster,) = documented_clusters()
    network = cluster["network"]
    run = side("dev", dev(clusters=[cluster])).result
    assert run.of_type("awsx:ec2:Vpc") == [], "no new VPC"
    (eks,) = run.of_type("eks:index:Cluster")
    assert eks.inputs["vpcId"] == network["vpcId"] and eks.inputs["name"] == "pod-identity-dev"
    assert eks.inputs["privateSubnetIds"] == network["privateSubnetIds"] and not eks.inputs.get("publicSubnetIds")
    (nodes,) = run.of_type("eks:index:ManagedNodeGroup")
    assert nodes.inputs["subnetIds"] == network["privateSubnetIds"], "0.1.0's nodes ran in every subnet of the cluster"
    assert [e.name for e in run.of_type("eks:index:Cluster")] == ["pod-identity-dev-eks"], "the name 0.1.0 gave it"


def test_the_changelog_no_longer_advises_adopting_a_created_cluster():
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert "adopt it (`create: false`) or plan its replacement" not in changelog
    assert "#upgrading-a-cluster-created-with-010" in changelog
