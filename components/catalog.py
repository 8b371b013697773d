"""Well-known permission sets for the controllers that commonly run with Pod Identity.

Each entry is scoped by the ARNs the identity gives (hosted zones, buckets, KMS keys,
secrets, cluster names) and defaults to the narrowest useful scope: where a write has no
safe default, the ARNs are required. Every entry records the upstream document it follows
and the date it was last compared with it: controllers add permissions as they grow, so
these go stale and must be re-checked on upgrade.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import Field, model_validator

from .documents import Document, Statement, split_documents
from .model import (
    BucketArn,
    HostedZoneArn,
    KmsKeyArn,
    Model,
    SecretArn,
    SsmParameterArn,
)

CHECKED = "2026-11-25"


def _stmt(sid: str, actions: Sequence[str], resources: Sequence[str] | str = "*", condition: dict[str, Any] | None = None) -> Statement:
    statement: Statement = {"Sid": sid, "Effect": "Allow", "Action": list(actions), "Resource": resources if isinstance(resources, str) else list(resources)}
    if condition:
        statement["Condition"] = condition
    return statement


# --- parameter models (the `wellKnown.<entry>` config blocks) ---------------------------

class NoParams(Model):
    """Entries scoped by resource tags the controller sets itself: nothing to configure."""


class KmsParams(Model):
    kms_key_arns: list[KmsKeyArn] = Field(default_factory=list)


class HostedZoneParams(Model):
    hosted_zone_arns: list[HostedZoneArn] = Field(min_length=1)


class AutoscalerParams(Model):
    cluster_names: list[str] = Field(default_factory=list)
    """Default: the clusters the identity is bound in."""


class ExternalSecretsParams(Model):
    secrets_manager_arns: list[SecretArn] = Field(default_factory=list)
    ssm_parameter_arns: list[SsmParameterArn] = Field(default_factory=list)
    kms_key_arns: list[KmsKeyArn] = Field(default_factory=list)

    @model_validator(mode="after")
    def _something(self) -> ExternalSecretsParams:
        if not self.secrets_manager_arns and not self.ssm_parameter_arns:
            raise ValueError("give secretsManagerArns and/or ssmParameterArns: the secrets the operator may read")
        return self


class BucketParams(Model):
    bucket_arns: list[BucketArn] = Field(min_length=1)
    kms_key_arns: list[KmsKeyArn] = Field(default_factory=list)


# --- statement builders --------------------------------------------------------------------

def _kms_for_volumes(keys: Sequence[str]) -> list[Statement]:
    if not keys:
        return []
    return [
        _stmt("KmsGrantsForAwsResources", ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], keys,
              {"Bool": {"kms:GrantIsForAWSResource": "true"}}),
        _stmt("KmsUse", ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], keys),
    ]


def load_balancer_controller(_: NoParams, partition: str, __: Sequence[str]) -> list[Statement]:
    cluster_tag = "elbv2.k8s.aws/cluster"
    tagged_request = {"Null": {f"aws:RequestTag/{cluster_tag}": "false"}}
    tagged_resource = {"Null": {f"aws:ResourceTag/{cluster_tag}": "false"}}
    untagged_request_tagged_resource = {"Null": {f"aws:RequestTag/{cluster_tag}": "true", f"aws:ResourceTag/{cluster_tag}": "false"}}
    elb = f"arn:{partition}:elasticloadbalancing:*:*"
    balancers = [f"{elb}:targetgroup/*/*", f"{elb}:loadbalancer/net/*/*", f"{elb}:loadbalancer/app/*/*"]
    listeners = [f"{elb}:listener/net/*/*/*", f"{elb}:listener/app/*/*/*"]
    rules_ = [f"{elb}:listener-rule/net/*/*/*", f"{elb}:listener-rule/app/*/*/*"]
    app_balancers = f"{elb}:loadbalancer/app/*/*"
    security_groups = f"arn:{partition}:ec2:*:*:security-group/*"
    return [
        _stmt("ElbServiceLinkedRole", ["iam:CreateServiceLinkedRole"],
              f"arn:{partition}:iam::*:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing",
              {"StringEquals": {"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}}),
        _stmt("Describe", [
            "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones",
            "ec2:DescribeInternetGateways", "ec2:DescribeVpcs", "ec2:DescribeVpcPeeringConnections",
            "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeInstances",
            "ec2:DescribeNetworkInterfaces", "ec2:DescribeTags", "ec2:DescribeCoipPools",
            "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
            "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerCertificates",
            "elasticloadbalancing:DescribeSSLPolicies", "elasticloadbalancing:DescribeRules",
            "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes",
            "elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:DescribeTags",
            "elasticloadbalancing:DescribeTrustStores", "elasticloadbalancing:DescribeListenerAttributes",
            "acm:ListCertificates", "iam:ListServerCertificates", "shield:GetSubscriptionState", "shield:CreateProtection",
        ]),
        _stmt("CoipPools", ["ec2:GetCoipPoolUsage"], f"arn:{partition}:ec2:*:*:coip-pool/*"),
        _stmt("Certificates", ["acm:DescribeCertificate"], f"arn:{partition}:acm:*:*:certificate/*"),
        _stmt("ServerCertificates", ["iam:GetServerCertificate"], f"arn:{partition}:iam::*:server-certificate/*"),
        _stmt("CognitoClients", ["cognito-idp:DescribeUserPoolClient"], f"arn:{partition}:cognito-idp:*:*:userpool/*"),
        _stmt("ShieldProtections", ["shield:DescribeProtection", "shield:DeleteProtection"], f"arn:{partition}:shield::*:protection/*"),
        _stmt("WafRegional", ["waf-regional:GetWebACL", "waf-regional:GetWebACLForResource", "waf-regional:AssociateWebACL",
                              "waf-regional:DisassociateWebACL"], [f"arn:{partition}:waf-regional:*:*:webacl/*", app_balancers]),
        _stmt("WafV2", ["wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL"],
              [f"arn:{partition}:wafv2:*:*:regional/webacl/*/*", app_balancers]),
        _stmt("WafV2Disassociate", ["wafv2:DisassociateWebACL"], app_balancers),
        _stmt("SecurityGroupIngress", ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"], security_groups),
        _stmt("CreateSecurityGroup", ["ec2:CreateSecurityGroup"], [security_groups, f"arn:{partition}:ec2:*:*:vpc/*"]),
        _stmt("TagNewSecurityGroups", ["ec2:CreateTags"], security_groups,
              {"StringEquals": {"ec2:CreateAction": "CreateSecurityGroup"}, **tagged_request}),
        _stmt("RetagOwnSecurityGroups", ["ec2:CreateTags", "ec2:DeleteTags"], security_groups, untagged_request_tagged_resource),
        _stmt("ManageOwnSecurityGroups",
              ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
              security_groups, tagged_resource),
        _stmt("CreateTaggedBalancers", ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
              balancers, tagged_request),
        _stmt("Listeners", ["elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener",
                            "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule"],
              [f"{elb}:loadbalancer/net/*/*", app_balancers, *listeners, *rules_]),
        _stmt("RetagOwnBalancers", ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"], balancers,
              untagged_request_tagged_resource),
        _stmt("TagListeners", ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"], [*listeners, *rules_]),
        _stmt("ManageOwnBalancers", [
            "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType",
            "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets",
            "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup",
            "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup",
            "elasticloadbalancing:ModifyListenerAttributes",
        ], [*balancers, *listeners], tagged_resource),
        _stmt("TagOnCreate", ["elasticloadbalancing:AddTags"], balancers, {
            "StringEquals": {"elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"]}, **tagged_request}),
        _stmt("Targets", ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], f"{elb}:targetgroup/*/*"),
        _stmt("ListenerSettings", ["elasticloadbalancing:ModifyListener", "elasticloadbalancing:AddListenerCertificates",
                                   "elasticloadbalancing:RemoveListenerCertificates", "elasticloadbalancing:ModifyRule"],
              [*listeners, *rules_]),
        _stmt("WebAcl", ["elasticloadbalancing:SetWebAcl"]),
    ]


def ebs_csi(params: KmsParams, partition: str, _: Sequence[str]) -> list[Statement]:
    volume, snapshot = f"arn:{partition}:ec2:*:*:volume/*", f"arn:{partition}:ec2:*:*:snapshot/*"
    instance = f"arn:{partition}:ec2:*:*:instance/*"
    statements = [
        _stmt("Describe", ["ec2:DescribeAvailabilityZones", "ec2:DescribeInstances", "ec2:DescribeSnapshots", "ec2:DescribeTags",
                           "ec2:DescribeVolumes", "ec2:DescribeVolumesModifications"]),
        _stmt("AttachVolumes", ["ec2:AttachVolume", "ec2:DetachVolume"], [volume, instance]),
        _stmt("ModifyVolumes", ["ec2:ModifyVolume"], volume),
        _stmt("Snapshot", ["ec2:CreateSnapshot"], [volume, snapshot]),
        _stmt("TagOnCreate", ["ec2:CreateTags"], [volume, snapshot],
              {"StringEquals": {"ec2:CreateAction": ["CreateVolume", "CreateSnapshot"]}}),
        _stmt("Untag", ["ec2:DeleteTags"], [volume, snapshot]),
    ]
    # Each tag the driver may set is its own statement: IAM ORs statements, not keys.
    for i, (key, value) in enumerate([("ebs.csi.aws.com/cluster", "true"), ("CSIVolumeName", "*"), ("kubernetes.io/cluster/*", "owned")]):
        statements.append(_stmt(f"CreateVolumeTagged{i}", ["ec2:CreateVolume"], [volume, snapshot],
                                {"StringLike": {f"aws:RequestTag/{key}": value}}))
    for i, (key, value) in enumerate([
        ("ebs.csi.aws.com/cluster", "true"), ("CSIVolumeName", "*"), ("kubernetes.io/cluster/*", "owned"),
        ("kubernetes.io/created-for/pvc/name", "*"),
    ]):
        statements.append(_stmt(f"DeleteVolumeTagged{i}", ["ec2:DeleteVolume"], volume, {"StringLike": {f"ec2:ResourceTag/{key}": value}}))
    for i, (key, value) in enumerate([("CSIVolumeSnapshotName", "*"), ("ebs.csi.aws.com/cluster", "true")]):
        statements.append(_stmt(f"DeleteSnapshotTagged{i}", ["ec2:DeleteSnapshot"], snapshot,
                                {"StringLike": {f"ec2:ResourceTag/{key}": value}}))
    return statements + _kms_for_volumes(params.kms_key_arns)


def efs_csi(_: NoParams, partition: str, __: Sequence[str]) -> list[Statement]:
    tag = "efs.csi.aws.com/cluster"
    file_systems = f"arn:{partition}:elasticfilesystem:*:*:file-system/*"
    access_points = f"arn:{partition}:elasticfilesystem:*:*:access-point/*"
    return [
        _stmt("Describe", ["ec2:DescribeAvailabilityZones", "elasticfilesystem:DescribeAccessPoints",
                           "elasticfilesystem:DescribeFileSystems"]),
        _stmt("MountTargets", ["elasticfilesystem:DescribeMountTargets"], file_systems),
        _stmt("CreateTaggedAccessPoints", ["elasticfilesystem:CreateAccessPoint", "elasticfilesystem:TagResource"],
              [file_systems, access_points], {"StringLike": {f"aws:RequestTag/{tag}": "true"}}),
        _stmt("DeleteOwnAccessPoints", ["elasticfilesystem:DeleteAccessPoint"], access_points,
              {"StringEquals": {f"aws:ResourceTag/{tag}": "true"}}),
    ]


def external_dns(params: HostedZoneParams, partition: str, _: Sequence[str]) -> list[Statement]:
    # Listing records is limited to the managed zones too: run ExternalDNS with matching
    # zone filters (--zone-id-filter / --domain-filter).
    return [
        _stmt("ManageRecords", ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"], params.hosted_zone_arns),
        _stmt("FindZones", ["route53:ListHostedZones", "route53:ListTagsForResource"]),
    ]


def cert_manager(params: HostedZoneParams, partition: str, _: Sequence[str]) -> list[Statement]:
    return [
        _stmt("ChangeStatus", ["route53:GetChange"], f"arn:{partition}:route53:::change/*"),
        _stmt("ChallengeRecords", ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"], params.hosted_zone_arns),
        _stmt("FindZones", ["route53:ListHostedZonesByName"]),
    ]


def cluster_autoscaler(params: AutoscalerParams, partition: str, bound_clusters: Sequence[str]) -> list[Statement]:
    clusters = params.cluster_names or list(bound_clusters)
    groups = f"arn:{partition}:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/*"
    statements = [
        _stmt("Describe", [
            "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances",
            "autoscaling:DescribeLaunchConfigurations", "autoscaling:DescribeScalingActivities", "autoscaling:DescribeTags",
            "ec2:DescribeImages", "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplateVersions",
            "ec2:GetInstanceTypesFromInstanceRequirements",
        ]),
        _stmt("NodeGroups", ["eks:DescribeNodegroup"], [f"arn:{partition}:eks:*:*:nodegroup/{c}/*/*" for c in clusters]),
    ]
    # Scale only the groups tagged for auto-discovery in the clusters this identity serves.
    for i, cluster in enumerate(clusters):
        statements.append(_stmt(f"ScaleOwnGroups{i}", ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
                                groups, {
            "StringEquals": {
                "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "true",
                f"aws:ResourceTag/k8s.io/cluster-autoscaler/{cluster}": "owned",
            }
        }))
    return statements


def external_secrets(params: ExternalSecretsParams, partition: str, _: Sequence[str]) -> list[Statement]:
    statements = []
    if params.ssm_parameter_arns:
        statements += [
            _stmt("FindParameters", ["ssm:DescribeParameters"]),
            _stmt("ReadParameters", ["ssm:GetParameter", "ssm:GetParameters"], params.ssm_parameter_arns),
        ]
    if params.secrets_manager_arns:
        statements += [
            _stmt("FindSecrets", ["secretsmanager:ListSecrets"]),
            _stmt("ReadSecrets", ["secretsmanager:GetResourcePolicy", "secretsmanager:GetSecretValue",
                                  "secretsmanager:DescribeSecret", "secretsmanager:ListSecretVersionIds"], params.secrets_manager_arns),
        ]
    if params.kms_key_arns:
        statements.append(_stmt("Decrypt", ["kms:Decrypt"], params.kms_key_arns))
    return statements


def velero(params: BucketParams, partition: str, _: Sequence[str]) -> list[Statement]:
    volumes = [f"arn:{partition}:ec2:*:*:volume/*", f"arn:{partition}:ec2:*:*:snapshot/*"]
    statements = [
        _stmt("DescribeVolumes", ["ec2:DescribeVolumes", "ec2:DescribeSnapshots"]),
        _stmt("Snapshots", ["ec2:CreateTags", "ec2:CreateVolume", "ec2:CreateSnapshot", "ec2:DeleteSnapshot"], volumes),
        _stmt("BackupObjects", ["s3:GetObject", "s3:DeleteObject", "s3:PutObject", "s3:PutObjectTagging",
                                "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"], [f"{b}/*" for b in params.bucket_arns]),
        _stmt("ListBackups", ["s3:ListBucket"], params.bucket_arns),
    ]
    if params.kms_key_arns:
        statements += [
            _stmt("Kms", ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey",
                          "kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant", "kms:RetireGrant"], params.kms_key_arns),
            # ListRetirableGrants is keyed by principal, not key: it takes no resource ARN.
            _stmt("KmsRetirable", ["kms:ListRetirableGrants"]),
        ]
    return statements


def mountpoint_s3_csi(params: BucketParams, partition: str, _: Sequence[str]) -> list[Statement]:
    statements = [
        _stmt("ListMountedBuckets", ["s3:ListBucket"], params.bucket_arns),
        _stmt("MountedObjects", ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject"],
              [f"{b}/*" for b in params.bucket_arns]),
    ]
    if params.kms_key_arns:
        statements.append(_stmt("Kms", ["kms:Decrypt", "kms:GenerateDataKey"], params.kms_key_arns))
    return statements


@dataclass(frozen=True)
class WellKnown:
    """One catalog entry: its config key, what it builds, and where its permissions come from."""

    key: str
    title: str
    params: type[Model]
    build: Callable[[Any, str, Sequence[str]], list[Statement]] | None
    source: str
    managed_policies: tuple[str, ...] = ()
    """AWS managed policy names attached instead of (or besides) built statements."""
    service_account: str = ""
    """Where the controller usually runs (namespace/serviceAccount), for the docs."""
    checked: str = CHECKED


CATALOG: dict[str, WellKnown] = {
    entry.key: entry
    for entry in [
        WellKnown("awsLoadBalancerController", "AWS Load Balancer Controller", NoParams, load_balancer_controller,
                  "kubernetes-sigs/aws-load-balancer-controller docs/install/iam_policy.json (v2.8+ actions)",
                  service_account="kube-system/aws-load-balancer-controller"),
        WellKnown("ebsCsi", "Amazon EBS CSI driver", KmsParams, ebs_csi,
                  "kubernetes-sigs/aws-ebs-csi-driver docs/example-iam-policy.json (KMS block from docs/install.md)",
                  service_account="kube-system/ebs-csi-controller-sa"),
        WellKnown("efsCsi", "Amazon EFS CSI driver", NoParams, efs_csi,
                  "kubernetes-sigs/aws-efs-csi-driver docs/iam-policy-example.json",
                  service_account="kube-system/efs-csi-controller-sa"),
        WellKnown("externalDns", "ExternalDNS", HostedZoneParams, external_dns,
                  "kubernetes-sigs/external-dns docs/tutorials/aws.md (IAM Policy)",
                  service_account="external-dns/external-dns"),
        WellKnown("certManager", "cert-manager (Route 53 DNS-01)", HostedZoneParams, cert_manager,
                  "cert-manager.io docs/configuration/acme/dns01/route53 (Set up an IAM Role)",
                  service_account="cert-manager/cert-manager"),
        WellKnown("clusterAutoscaler", "Cluster Autoscaler", AutoscalerParams, cluster_autoscaler,
                  "kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/README.md (IAM Policy, restricted)",
                  service_account="kube-system/cluster-autoscaler"),
        WellKnown("externalSecrets", "External Secrets Operator", ExternalSecretsParams, external_secrets,
                  "external-secrets.io docs/provider/aws-secrets-manager and aws-parameter-store",
                  service_account="external-secrets/external-secrets"),
        WellKnown("velero", "Velero (AWS plugin)", BucketParams, velero,
                  "vmware-tanzu/velero-plugin-for-aws README.md (Set permissions for Velero)",
                  service_account="velero/velero-server"),
        WellKnown("cloudwatchObservability", "Amazon CloudWatch Observability add-on", NoParams, None,
                  "EKS User Guide, install CloudWatch Observability (CloudWatchAgentServerPolicy, AWSXrayWriteOnlyAccess)",
                  managed_policies=("CloudWatchAgentServerPolicy", "AWSXrayWriteOnlyAccess"),
                  service_account="amazon-cloudwatch/cloudwatch-agent"),
        WellKnown("mountpointS3Csi", "Mountpoint for Amazon S3 CSI driver", BucketParams, mountpoint_s3_csi,
                  "awslabs/mountpoint-s3 doc/CONFIGURATION.md (IAM permissions)",
                  service_account="kube-system/s3-csi-driver-sa"),
    ]
}


def statements_for(key: str, params: Model, partition: str, bound_clusters: Sequence[str]) -> list[Statement]:
    """The permission statements of one catalog entry, for one partition."""
    entry = CATALOG[key]
    return entry.build(params, partition, bound_clusters) if entry.build else []


def policy_documents(key: str, params: Model, partition: str, bound_clusters: Sequence[str]) -> list[Document]:
    """The entry's statements as customer managed policies, split to fit IAM's size limit."""
    statements = statements_for(key, params, partition, bound_clusters)
    return split_documents(statements) if statements else []


def policy_count(key: str, params: Model, bound_clusters: Sequence[str]) -> int:
    """How many policies the entry attaches (counted with the longest partition name)."""
    return len(CATALOG[key].managed_policies) + len(policy_documents(key, params, "aws-us-gov", bound_clusters))


def managed_policy_arns(key: str, partition: str) -> list[str]:
    return [f"arn:{partition}:iam::aws:policy/{name}" for name in CATALOG[key].managed_policies]
