"""The node controllers' entries: each changes only its own clusters' resources."""

from __future__ import annotations

import json

from tests.helpers.catalog import BOUND, NODE_ROLE, QUEUE, actions, granting, statements


def test_autoscaler_scales_the_groups_auto_discovery_finds_whatever_their_tag_values():
    scale = granting("clusterAutoscaler", "autoscaling:SetDesiredCapacity")
    assert [s["Condition"] for s in scale] == [
        {"Null": {"aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "false", f"aws:ResourceTag/k8s.io/cluster-autoscaler/{c}": "false"}}
        for c in BOUND
    ]


def test_karpenter_changes_only_its_own_clusters_resources():
    for statement in statements("karpenter"):
        writes = [
            a
            for a in statement["Action"]
            if a.startswith(("ec2:", "iam:"))
            and a.split(":")[1].startswith(("Terminate", "Delete", "Tag", "Create", "AddRole", "RemoveRole"))
        ]
        if not writes or statement["Sid"] == "LaunchFromSharedResources":
            continue
        condition = json.dumps(statement.get("Condition", {}))
        assert any(f"kubernetes.io/cluster/{c}" in condition for c in BOUND), statement["Sid"]
    (passing,) = granting("karpenter", "iam:PassRole")
    assert passing["Resource"] == [NODE_ROLE]
    (queue,) = granting("karpenter", "sqs:ReceiveMessage")
    assert queue["Resource"] == [QUEUE]
    assert not granting("karpenter", "sqs:ReceiveMessage", interruptionQueueArns=[])
    (describe,) = granting("karpenter", "eks:DescribeCluster")
    assert describe["Resource"] == [f"arn:aws:eks:*:*:cluster/{c}" for c in BOUND]


def test_karpenter_launches_only_from_its_clusters_templates_and_tags_what_it_launches():
    (templates,) = [s for s in granting("karpenter", "ec2:RunInstances") if s["Resource"] == "arn:aws:ec2:*:*:launch-template/*"][:1]
    assert templates["Condition"]["StringEquals"] == {"aws:ResourceTag/kubernetes.io/cluster/west": "owned"}
    tagged = [s for s in granting("karpenter", "ec2:RunInstances") if "arn:aws:ec2:*:*:instance/*" in s["Resource"]]
    assert [s["Condition"]["StringEquals"]["aws:RequestTag/eks:eks-cluster-name"] for s in tagged] == BOUND


def test_vpc_cni_manages_only_its_clusters_interfaces_and_grants_ipv6_on_request():
    own = {"StringEquals": {"aws:ResourceTag/cluster.k8s.amazonaws.com/name": BOUND}}
    for action in ("ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"):
        assert [s["Condition"] for s in granting("vpcCni", action)] == [own]
    assert "ec2:AssignIpv6Addresses" in actions("vpcCni") and "ec2:AssignIpv6Addresses" not in actions("vpcCni", ipv6=False)
