"""The load balancer controllers' entries (issue fixes, one by one)."""

from __future__ import annotations

from tests.helpers.catalog import actions, granting


def test_load_balancer_controller_has_the_actions_of_v2_10_to_v3():
    assert {
        "ec2:GetSecurityGroupsForVpc",
        "elasticloadbalancing:SetRulePriorities",
        "ec2:DescribeRouteTables",
        "ec2:DescribeIpamPools",
        "elasticloadbalancing:ModifyIpPools",
        "elasticloadbalancing:DescribeCapacityReservation",
        "elasticloadbalancing:ModifyCapacityReservation",
    } <= actions("awsLoadBalancerController")
    (vpc,) = granting("awsLoadBalancerController", "ec2:GetSecurityGroupsForVpc")
    assert vpc["Resource"] == "arn:aws:ec2:*:*:vpc/*"
    for action in ("elasticloadbalancing:ModifyIpPools", "elasticloadbalancing:ModifyCapacityReservation"):
        (own,) = granting("awsLoadBalancerController", action)
        assert own["Condition"] == {"Null": {"aws:ResourceTag/elbv2.k8s.aws/cluster": "false"}}


def test_target_group_binding_only_registers_targets_and_assumes_only_the_given_roles():
    assert actions("awsLoadBalancerControllerTargetGroupBinding") < actions("awsLoadBalancerController") | {"sts:AssumeRole"}
    assert "sts:AssumeRole" not in actions("awsLoadBalancerControllerTargetGroupBinding", assumeRoleArns=[])
    groups = ["arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/web/0123abcd"]
    (bound,) = granting("awsLoadBalancerControllerTargetGroupBinding", "elasticloadbalancing:RegisterTargets", targetGroupArns=groups)
    assert bound["Resource"] == groups
