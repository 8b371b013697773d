"""Traffic into the cluster: the AWS Load Balancer Controller (full and TargetGroupBinding-only)
and the Gateway API controller for Amazon VPC Lattice."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from ...model import Model
from ..documents import Statement
from ..fields import RoleArn
from .base import NoParams, TargetGroupArn, Upstream, WellKnown, arn, stmt

LBC_REPO = "kubernetes-sigs/aws-load-balancer-controller"
CLUSTER_TAG = "elbv2.k8s.aws/cluster"


def load_balancer_controller(_: NoParams, partition: str, __: Sequence[str]) -> list[Statement]:
    """iam_policy.json, with `*` narrowed to each action's resource types and the controller's
    `elbv2.k8s.aws/cluster` tag conditions kept as upstream writes them."""
    return _lbc_discovery(partition) + _lbc_management(partition)


def _lbc_discovery(partition: str) -> list[Statement]:
    """What the controller reads, and the WAF and Shield settings it attaches to balancers."""
    app_balancers = f"arn:{partition}:elasticloadbalancing:*:*:loadbalancer/app/*/*"
    return [
        stmt(
            "ElbServiceLinkedRole",
            ["iam:CreateServiceLinkedRole"],
            f"arn:{partition}:iam::*:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing",
            {"StringEquals": {"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}},
        ),
        stmt(
            "Describe",
            [
                "ec2:DescribeAccountAttributes",
                "ec2:DescribeAddresses",
                "ec2:DescribeAvailabilityZones",
                "ec2:DescribeInternetGateways",
                "ec2:DescribeVpcs",
                "ec2:DescribeVpcPeeringConnections",
                "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeInstances",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeTags",
                "ec2:DescribeCoipPools",
                "ec2:DescribeIpamPools",
                "ec2:DescribeRouteTables",
                "elasticloadbalancing:DescribeLoadBalancers",
                "elasticloadbalancing:DescribeLoadBalancerAttributes",
                "elasticloadbalancing:DescribeListeners",
                "elasticloadbalancing:DescribeListenerCertificates",
                "elasticloadbalancing:DescribeSSLPolicies",
                "elasticloadbalancing:DescribeRules",
                "elasticloadbalancing:DescribeTargetGroups",
                "elasticloadbalancing:DescribeTargetGroupAttributes",
                "elasticloadbalancing:DescribeTargetHealth",
                "elasticloadbalancing:DescribeTags",
                "elasticloadbalancing:DescribeTrustStores",
                "elasticloadbalancing:DescribeListenerAttributes",
                "elasticloadbalancing:DescribeCapacityReservation",
                "acm:ListCertificates",
                "iam:ListServerCertificates",
                "shield:GetSubscriptionState",
                "shield:CreateProtection",
            ],
        ),
        # Added upstream for "ELB API changes" (aws-load-balancer-controller e96c227f0, #3921;
        # in docs/install/iam_policy.json since v2.10.0).
        stmt("VpcSecurityGroups", ["ec2:GetSecurityGroupsForVpc"], arn(partition, "ec2", "vpc/*")),
        stmt("CoipPools", ["ec2:GetCoipPoolUsage"], arn(partition, "ec2", "coip-pool/*")),
        stmt("Certificates", ["acm:DescribeCertificate"], arn(partition, "acm", "certificate/*")),
        stmt("ServerCertificates", ["iam:GetServerCertificate"], f"arn:{partition}:iam::*:server-certificate/*"),
        stmt("CognitoClients", ["cognito-idp:DescribeUserPoolClient"], arn(partition, "cognito-idp", "userpool/*")),
        stmt("ShieldProtections", ["shield:DescribeProtection", "shield:DeleteProtection"], f"arn:{partition}:shield::*:protection/*"),
        stmt(
            "WafRegional",
            [
                "waf-regional:GetWebACL",
                "waf-regional:GetWebACLForResource",
                "waf-regional:AssociateWebACL",
                "waf-regional:DisassociateWebACL",
            ],
            [arn(partition, "waf-regional", "webacl/*"), app_balancers],
        ),
        stmt(
            "WafV2",
            ["wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL"],
            [arn(partition, "wafv2", "regional/webacl/*/*"), app_balancers],
        ),
        stmt("WafV2Disassociate", ["wafv2:DisassociateWebACL"], app_balancers),
    ]


def _lbc_management(partition: str) -> list[Statement]:
    """What the controller creates and changes: only resources tagged with its cluster tag."""
    tagged_request = {"Null": {f"aws:RequestTag/{CLUSTER_TAG}": "false"}}
    tagged_resource = {"Null": {f"aws:ResourceTag/{CLUSTER_TAG}": "false"}}
    untagged_request_tagged_resource = {"Null": {f"aws:RequestTag/{CLUSTER_TAG}": "true", f"aws:ResourceTag/{CLUSTER_TAG}": "false"}}
    elb = f"arn:{partition}:elasticloadbalancing:*:*"
    balancers = [f"{elb}:targetgroup/*/*", f"{elb}:loadbalancer/net/*/*", f"{elb}:loadbalancer/app/*/*"]
    listeners = [f"{elb}:listener/net/*/*/*", f"{elb}:listener/app/*/*/*"]
    rules_ = [f"{elb}:listener-rule/net/*/*/*", f"{elb}:listener-rule/app/*/*/*"]
    app_balancers = f"{elb}:loadbalancer/app/*/*"
    return [
        *_lbc_security_groups(partition),
        stmt(
            "CreateTaggedBalancers",
            ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
            balancers,
            tagged_request,
        ),
        stmt(
            "Listeners",
            [
                "elasticloadbalancing:CreateListener",
                "elasticloadbalancing:DeleteListener",
                "elasticloadbalancing:CreateRule",
                "elasticloadbalancing:DeleteRule",
            ],
            [f"{elb}:loadbalancer/net/*/*", app_balancers, *listeners, *rules_],
        ),
        stmt(
            "RetagOwnBalancers",
            ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            balancers,
            untagged_request_tagged_resource,
        ),
        stmt("TagListeners", ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"], [*listeners, *rules_]),
        stmt(
            "ManageOwnBalancers",
            [
                "elasticloadbalancing:ModifyLoadBalancerAttributes",
                "elasticloadbalancing:SetIpAddressType",
                "elasticloadbalancing:SetSecurityGroups",
                "elasticloadbalancing:SetSubnets",
                "elasticloadbalancing:DeleteLoadBalancer",
                "elasticloadbalancing:ModifyTargetGroup",
                "elasticloadbalancing:ModifyTargetGroupAttributes",
                "elasticloadbalancing:DeleteTargetGroup",
                "elasticloadbalancing:ModifyListenerAttributes",
                "elasticloadbalancing:ModifyCapacityReservation",
                "elasticloadbalancing:ModifyIpPools",
            ],
            [*balancers, *listeners],
            tagged_resource,
        ),
        stmt(
            "TagOnCreate",
            ["elasticloadbalancing:AddTags"],
            balancers,
            {"StringEquals": {"elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"]}, **tagged_request},
        ),
        stmt("Targets", ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], f"{elb}:targetgroup/*/*"),
        stmt(
            "ListenerSettings",
            [
                "elasticloadbalancing:ModifyListener",
                "elasticloadbalancing:AddListenerCertificates",
                "elasticloadbalancing:RemoveListenerCertificates",
                "elasticloadbalancing:ModifyRule",
                "elasticloadbalancing:SetRulePriorities",
            ],
            [*listeners, *rules_],
        ),
        stmt("WebAcl", ["elasticloadbalancing:SetWebAcl"]),
    ]


def _lbc_security_groups(partition: str) -> list[Statement]:
    """The security groups the controller creates for balancers, and their ingress rules."""
    tagged_request = {"Null": {f"aws:RequestTag/{CLUSTER_TAG}": "false"}}
    tagged_resource = {"Null": {f"aws:ResourceTag/{CLUSTER_TAG}": "false"}}
    untagged_request_tagged_resource = {"Null": {f"aws:RequestTag/{CLUSTER_TAG}": "true", f"aws:ResourceTag/{CLUSTER_TAG}": "false"}}
    security_groups = arn(partition, "ec2", "security-group/*")
    return [
        # Upstream grants these on `*`; a rule resource is authorised too when rules are tagged.
        stmt(
            "SecurityGroupIngress",
            ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
            [security_groups, arn(partition, "ec2", "security-group-rule/*")],
        ),
        stmt("CreateSecurityGroup", ["ec2:CreateSecurityGroup"], [security_groups, arn(partition, "ec2", "vpc/*")]),
        stmt(
            "TagNewSecurityGroups",
            ["ec2:CreateTags"],
            security_groups,
            {"StringEquals": {"ec2:CreateAction": "CreateSecurityGroup"}, **tagged_request},
        ),
        stmt("RetagOwnSecurityGroups", ["ec2:CreateTags", "ec2:DeleteTags"], security_groups, untagged_request_tagged_resource),
        stmt(
            "ManageOwnSecurityGroups",
            ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
            security_groups,
            tagged_resource,
        ),
    ]


class TargetGroupBindingParams(Model):
    target_group_arns: list[TargetGroupArn] = Field(default_factory=list)
    """Default: every target group (the controller binds whatever TargetGroupBindings name)."""
    assume_role_arns: list[RoleArn] = Field(default_factory=list)
    """Roles in other accounts that own target groups (TargetGroupBinding `iamRoleArnToAssume`)."""


def target_group_binding_only(params: TargetGroupBindingParams, partition: str, _: Sequence[str]) -> list[Statement]:
    """The installation guide's subset for a controller that only registers targets in existing
    target groups (and manages no security group rules)."""
    groups = params.target_group_arns or [arn(partition, "elasticloadbalancing", "targetgroup/*/*")]
    statements = [
        stmt(
            "Describe",
            [
                "ec2:DescribeVpcs",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeInstances",
                "elasticloadbalancing:DescribeTargetGroups",
                "elasticloadbalancing:DescribeTargetHealth",
            ],
        ),
        stmt(
            "BoundTargetGroups",
            [
                "elasticloadbalancing:ModifyTargetGroup",
                "elasticloadbalancing:ModifyTargetGroupAttributes",
                "elasticloadbalancing:RegisterTargets",
                "elasticloadbalancing:DeregisterTargets",
            ],
            groups,
        ),
    ]
    if params.assume_role_arns:
        statements.append(stmt("TargetGroupOwnerRoles", ["sts:AssumeRole"], params.assume_role_arns))
    return statements


# Upstream's `vpc-lattice:*` on `*`, split by what each action authorizes (parliament's IAM data):
# actions on VPC Lattice resources get Lattice ARNs; the rest (lists, mostly) take only `*`.
LATTICE_ON_RESOURCES = [
    "vpc-lattice:Get*",
    "vpc-lattice:Update*",
    "vpc-lattice:Delete*",
    "vpc-lattice:Put*",
    "vpc-lattice:RegisterTargets",
    "vpc-lattice:DeregisterTargets",
    "vpc-lattice:TagResource",
    "vpc-lattice:UntagResource",
    "vpc-lattice:ListTargets",
    "vpc-lattice:CreateAccessLogSubscription",
    "vpc-lattice:CreateListener",
    "vpc-lattice:CreateResourceConfiguration",
    "vpc-lattice:CreateResourceGateway",
    "vpc-lattice:CreateRule",
    "vpc-lattice:CreateService",
    "vpc-lattice:CreateServiceNetwork",
    "vpc-lattice:CreateServiceNetworkResourceAssociation",
    "vpc-lattice:CreateServiceNetworkServiceAssociation",
    "vpc-lattice:CreateServiceNetworkVpcAssociation",
    "vpc-lattice:CreateTargetGroup",
]
LATTICE_UNSCOPED = [
    "vpc-lattice:CreateServiceNetworkVpcEndpointAssociation",
    "vpc-lattice:ListAccessLogSubscriptions",
    "vpc-lattice:ListListeners",
    "vpc-lattice:ListResourceConfigurations",
    "vpc-lattice:ListResourceEndpointAssociations",
    "vpc-lattice:ListResourceGateways",
    "vpc-lattice:ListRules",
    "vpc-lattice:ListServiceNetworkResourceAssociations",
    "vpc-lattice:ListServiceNetworkServiceAssociations",
    "vpc-lattice:ListServiceNetworkVpcAssociations",
    "vpc-lattice:ListServiceNetworkVpcEndpointAssociations",
    "vpc-lattice:ListServiceNetworks",
    "vpc-lattice:ListServices",
    "vpc-lattice:ListTagsForResource",
    "vpc-lattice:ListTargetGroups",
]


def gateway_api_controller(_: NoParams, partition: str, __: Sequence[str]) -> list[Statement]:
    """recommended-inline-policy.json, with `vpc-lattice:*` split as above. Upstream's
    `s3:GetBucketPolicy`/`s3:PutBucketPolicy` on every bucket (access logs to S3) are left out:
    PutBucketPolicy lets the role grant itself anything on any bucket."""
    return [
        stmt("Lattice", LATTICE_ON_RESOURCES, arn(partition, "vpc-lattice", "*")),
        stmt("LatticeLists", LATTICE_UNSCOPED),
        stmt(
            "Discovery",
            [
                "ec2:DescribeVpcs",
                "ec2:DescribeSubnets",
                "ec2:DescribeTags",
                "ec2:DescribeSecurityGroups",
                "tag:GetResources",
                "tag:TagResources",
                "tag:UntagResources",
                "acm:ListCertificates",
            ],
        ),
        stmt(
            "AccessLogDelivery",
            [
                "logs:CreateLogDelivery",
                "logs:GetLogDelivery",
                "logs:DescribeLogGroups",
                "logs:PutResourcePolicy",
                "logs:DescribeResourcePolicies",
                "logs:UpdateLogDelivery",
                "logs:DeleteLogDelivery",
                "logs:ListLogDeliveries",
            ],
        ),
        stmt("AccessLogStreams", ["firehose:TagDeliveryStream"], arn(partition, "firehose", "deliverystream/*")),
        stmt(
            "LatticeServiceLinkedRole",
            ["iam:CreateServiceLinkedRole"],
            f"arn:{partition}:iam::*:role/aws-service-role/vpc-lattice.amazonaws.com/AWSServiceRoleForVpcLattice",
            {"StringLike": {"iam:AWSServiceName": "vpc-lattice.amazonaws.com"}},
        ),
        stmt(
            "LogDeliveryServiceLinkedRole",
            ["iam:CreateServiceLinkedRole"],
            f"arn:{partition}:iam::*:role/aws-service-role/delivery.logs.amazonaws.com/AWSServiceRoleForLogDelivery",
            {"StringLike": {"iam:AWSServiceName": "delivery.logs.amazonaws.com"}},
        ),
    ]


ENTRIES = [
    WellKnown(
        "awsLoadBalancerController",
        "AWS Load Balancer Controller",
        NoParams,
        load_balancer_controller,
        (Upstream(LBC_REPO, "docs/install/iam_policy.json", "v3.5.0"),),
        "kube-system/aws-load-balancer-controller",
    ),
    WellKnown(
        "awsLoadBalancerControllerTargetGroupBinding",
        "AWS Load Balancer Controller, TargetGroupBinding only",
        TargetGroupBindingParams,
        target_group_binding_only,
        (Upstream(LBC_REPO, "docs/deploy/installation.md", "v3.5.0"),),
        "kube-system/aws-load-balancer-controller",
    ),
    WellKnown(
        "gatewayApiController",
        "AWS Gateway API Controller (Amazon VPC Lattice)",
        NoParams,
        gateway_api_controller,
        (Upstream("aws/aws-application-networking-k8s", "files/controller-installation/recommended-inline-policy.json", "v2.1.3"),),
        "aws-application-networking-system/gateway-api-controller",
    ),
]
