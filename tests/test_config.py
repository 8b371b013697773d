"""Bad stack config is refused before anything is created, with the key's path, the value and the fix.

Each case changes one key of a valid config; its good neighbour changes the same key to a
value that must pass, so every check is shown to fire and to let the right input through.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from eks_pod_identity import stack as config
from eks_pod_identity.offline.harness import runner

DELETE = object()

BASE: dict[str, Any] = {
    "clusters": [{"name": "c1", "version": "1.35"}, {"name": "c2", "create": False}],
    "identities": [
        {
            "name": "app",
            "namespace": "team-a",
            "serviceAccount": "app",
            "managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
        }
    ],
    "sample": {"kind": "job", "identity": "app", "cluster": "c1", "createNamespace": True},
}

STATEMENT = {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*"}
SESSION_POLICY = {"Version": "2012-10-17", "Statement": [STATEMENT]}
SECOND = {"name": "other", "namespace": "team-a", "serviceAccount": "app", "clusters": ["c1"]}


def with_change(path: str, value: Any, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """A copy of `base` with the key at `path` (e.g. 'identities[0].trust.scopeToClusters') set or deleted."""
    data = copy.deepcopy(BASE if base is None else base)
    parts = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]
    node: Any = data
    for part in parts[:-1]:
        if isinstance(node, dict) and part not in node:
            node[part] = {}
        node = node[part]
    if value is DELETE:
        node.pop(parts[-1], None)
    elif isinstance(node, list) and parts[-1] == len(node):
        node.append(value)
    else:
        node[parts[-1]] = value
    return data


# (case id, path, bad value, good neighbour value, text the error must contain)
CASES = [
    # missing, unknown and mistyped keys
    ("missing-clusters", "clusters", DELETE, [{"name": "c1"}], "clusters: is required"),
    ("missing-cluster-name", "clusters[0].name", DELETE, "c1", "clusters[0].name: is required"),
    ("missing-service-account", "identities[0].serviceAccount", DELETE, "app", "needs both a namespace and a service account"),
    (
        "typo-managedPolicyArn",
        "identities[0].managedPolicyArn",
        ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        DELETE,
        "did you mean 'managedPolicyArns'",
    ),
    ("typo-top-level", "identity", [], DELETE, "did you mean eks-pod-identity:identities"),
    ("typo-nested-trust", "identities[0].trust.scopeToCluster", True, DELETE, "did you mean 'scopeToClusters'"),
    ("wrong-type-capacity", "clusters[0].desiredCapacity", "two", 2, "clusters[0].desiredCapacity"),
    (
        "wrong-type-identities",
        "identities",
        {"name": "app"},
        BASE["identities"],
        "identities = {'name': 'app'}: must be a list of identities",
    ),
    ("wrong-type-create", "clusters[1].create", "maybe", False, "clusters[1].create"),
    ("unquoted-version", "clusters[0].version", 1.3, "1.33", "clusters[0].version = 1.3: must be a quoted string"),
    # Kubernetes names
    ("namespace-uppercase", "identities[0].namespace", "Team-A", "team-a", "DNS-1123 label"),
    ("namespace-too-long", "identities[0].namespace", "a" * 64, "a" * 63, "at most 63"),
    ("service-account-underscore", "identities[0].serviceAccount", "my_sa", "my-sa.v1", "DNS-1123 subdomain"),
    ("service-account-too-long", "identities[0].serviceAccount", "a" * 254, "a" * 253, "at most 253"),
    ("cluster-name-chars", "clusters[0].name", "c 1", "c_1-x", "not an EKS cluster name"),
    # IAM names, paths and ARNs
    ("role-name-too-long", "identities[0].roleName", "r" * 65, "r" * 64, "has at most 64 (IAM API)"),
    ("role-name-prefix-too-long", "identities[0].roleNamePrefix", "p" * 39, "p" * 38, "at most 38"),
    ("identity-name-too-long", "identities[0].name", "a" * 52, "a" * 51, "within IAM's 64"),
    ("iam-path", "identities[0].path", "pods", "/pods/team-a/", "is not an IAM path"),
    (
        "policy-arn-format",
        "identities[0].managedPolicyArns",
        ["AmazonS3ReadOnlyAccess"],
        ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
        "not an IAM policy ARN",
    ),
    (
        "policy-arn-partition",
        "identities[0].managedPolicyArns",
        ["arn:aws-xx:iam::aws:policy/ReadOnlyAccess"],
        ["arn:aws-cn:iam::aws:policy/ReadOnlyAccess"],
        "partitions: aws, aws-cn, aws-us-gov",
    ),
    (
        "policy-arn-govcloud",
        "identities[0].managedPolicyArns",
        ["arn:aws-us-gov:iam::12345:policy/X"],
        ["arn:aws-us-gov:iam::123456789012:policy/X"],
        "not an IAM policy ARN",
    ),
    (
        "too-many-policies",
        "identities[0].managedPolicyArns",
        [f"arn:aws:iam::123456789012:policy/P{i}" for i in range(21)],
        [f"arn:aws:iam::123456789012:policy/P{i}" for i in range(10)],
        "at most 20",
    ),
    (
        "managed-policy-quota",
        "identities[0].managedPolicyArns",
        [f"arn:aws:iam::123456789012:policy/P{i}" for i in range(11)],
        [f"arn:aws:iam::123456789012:policy/P{i}" for i in range(10)],
        "IAM allows 10 per role (roleManagedPolicyQuota",
    ),
    (
        "permissions-boundary",
        "identities[0].permissionsBoundary",
        "boundary",
        "arn:aws:iam::123456789012:policy/boundary",
        "not an IAM policy ARN",
    ),
    (
        "role-arn-format",
        "identities[0]",
        {"name": "app", "namespace": "team-a", "serviceAccount": "app", "roleArn": "arn:aws:iam::aws:role/x"},
        {"name": "app", "namespace": "team-a", "serviceAccount": "app", "roleArn": "arn:aws:iam::123456789012:role/x"},
        "not an IAM role ARN",
    ),
    ("role-arn-with-own-policies", "identities[0].roleArn", "arn:aws:iam::123456789012:role/x", DELETE, "roleArn binds an existing role"),
    ("role-name-and-prefix", "identities[0].roleNamePrefix", "app-", DELETE, "either roleName or roleNamePrefix"),
    ("session-duration", "identities[0].maxSessionDuration", 600, 43200, "maxSessionDuration"),
    (
        "statement-principal",
        "identities[0].statements",
        [{**STATEMENT, "Principal": "*"}],
        [STATEMENT],
        "a permission policy has no Principal",
    ),
    (
        "statement-no-resource",
        "identities[0].statements",
        [{"Effect": "Allow", "Action": "s3:GetObject"}],
        [STATEMENT],
        "Resource or NotResource",
    ),
    (
        "statement-bad-action",
        "identities[0].statements",
        [{**STATEMENT, "Action": "s3GetObject"}],
        [{**STATEMENT, "Action": "s3:Get*"}],
        "not 'service:Action'",
    ),
    (
        "statement-bad-effect",
        "identities[0].statements",
        [{**STATEMENT, "Effect": "allow"}],
        [{**STATEMENT, "Effect": "Deny"}],
        "Effect 'Allow' or 'Deny'",
    ),
    ("org-id", "identities[0].trust.sourceOrgId", "org-123", "o-a1b2c3d4e5", "not an organization ID"),
    # references
    ("unknown-cluster", "identities[0].clusters", ["c3"], ["c2"], "identities[0].clusters[0] = 'c3': is not a cluster of this stack"),
    ("bound-to-no-cluster", "identities[0].clusters", [], ["c1"], "is bound to no cluster"),
    ("sample-unknown-identity", "sample.identity", "nobody", "app", "sample.identity = 'nobody': is not an identity"),
    ("sample-unknown-cluster", "sample.cluster", "c9", "c2", "sample.cluster = 'c9'"),
    ("sample-without-identity", "sample", {"kind": "deployment"}, {"kind": "none"}, "needs identity"),
    ("sample-unbound-namespace", "sample.namespace", "team-b", "team-a", "matches no binding"),
    (
        "job-on-existing-role",
        "identities[0]",
        {"name": "app", "namespace": "team-a", "serviceAccount": "app", "roleArn": "arn:aws:iam::123456789012:role/x"},
        {"name": "app", "namespace": "team-a", "serviceAccount": "app"},
        "must create its role",
    ),
    # duplicates
    (
        "duplicate-binding",
        "identities[1]",
        SECOND,
        {**SECOND, "serviceAccount": "other"},
        "identities[1] = 'c1/team-a/app': is bound by both identity 'app' and identity 'other'",
    ),
    (
        "duplicate-identity",
        "identities[1]",
        {**SECOND, "name": "app", "serviceAccount": "x"},
        {**SECOND, "serviceAccount": "x"},
        "identities[1].name = 'app': names an identity twice",
    ),
    ("duplicate-cluster", "clusters[1].name", "c1", "c2", "clusters[1].name = 'c1': names a cluster twice"),
    # limits
    (
        "too-many-associations",
        "identities[0]",
        {"name": "app", "namespaces": [f"n{i}" for i in range(11)], "serviceAccounts": [f"s{i}" for i in range(92)], "clusters": ["c1"]},
        {"name": "app", "namespaces": [f"n{i}" for i in range(10)], "serviceAccounts": [f"s{i}" for i in range(100)], "clusters": ["c1"]},
        "EKS allows 1000 per cluster",
    ),
    ("version-too-old", "clusters[0].version", "1.23", "1.34", "needs Kubernetes 1.24 or newer"),
    ("version-not-offered", "clusters[0].version", "1.99", "1.32", "not a version EKS offers"),
    ("version-retired", "clusters[0].version", "1.30", "1.36", "not a version EKS offers"),
    ("version-format", "clusters[0].version", "1.35.1", "1.35", "not a Kubernetes minor version"),
    ("node-counts", "clusters[0].minSize", 3, 2, "minSize <= desiredCapacity <= maxSize"),
    ("agent-version", "clusters[0].agentVersion", "1.3.10", "v1.3.10-eksbuild.2", "not an add-on version"),
    ("bucket-name", "sample.bucketName", "My_Bucket", "my-bucket", "sample.bucketName = 'My_Bucket'"),
    ("bucket-name-ip", "sample.bucketName", "192.168.5.4", "bucket-192-168-5-4", "IP address"),
    ("image-latest", "sample.image", "amazon/aws-cli:latest", "amazon/aws-cli:2.35.10", "not 'latest'"),
    ("image-too-old", "awsCliImage", "amazon/aws-cli:2.14.6", "amazon/aws-cli:2.15.0", "older than AWS CLI 2.15.0"),
    # combinations AWS rejects
    ("session-policy-without-disable", "identities[0].sessionPolicy", SESSION_POLICY, DELETE, "only with disableSessionTags: true"),
    ("session-policy-invalid", "identities[0].sessionPolicy", {"Statement": []}, DELETE, "not an IAM policy document"),
    ("tag-trust-with-disabled-tags", "identities[0].disableSessionTags", True, False, "never match when disableSessionTags"),
    ("fargate-only", "clusters[1].nodeTypes", ["fargate"], ["fargate", "linux"], "does not work on Fargate or Windows"),
    ("windows-only", "clusters[1].nodeTypes", ["windows"], ["windows", "hybrid"], "does not work on Fargate or Windows"),
    ("node-types-on-created", "clusters[0].nodeTypes", ["linux", "windows"], ["linux"], "a created cluster always gets Linux"),
    # fleet features
    (
        "wellknown-typo",
        "identities[0].wellKnown",
        {"externalDNS": {}},
        {"externalDns": {"hostedZoneArns": ["arn:aws:route53:::hostedzone/Z1"]}},
        "did you mean 'externalDns'",
    ),
    (
        "wellknown-missing-zones",
        "identities[0].wellKnown",
        {"externalDns": {}},
        {"certManager": {"hostedZoneArns": ["arn:aws:route53:::hostedzone/Z1"]}},
        "wellKnown.externalDns.hostedZoneArns: is required",
    ),
    (
        "wellknown-bad-bucket",
        "identities[0].wellKnown",
        {"velero": {"bucketArns": ["backups"]}},
        {"velero": {"bucketArns": ["arn:aws:s3:::backups"]}},
        "not an S3 bucket ARN",
    ),
    (
        "too-many-policies-with-catalog",
        "identities[0].managedPolicyArns",
        [f"arn:aws:iam::123456789012:policy/P{i}" for i in range(8)],
        [f"arn:aws:iam::123456789012:policy/P{i}" for i in range(6)],
        "IAM allows 10 per role",
    ),
    (
        "target-both",
        "identities[0].targetRole",
        {"arn": "arn:aws:iam::210987654321:role/t", "create": {"deployRoleArn": "arn:aws:iam::210987654321:role/d"}},
        {"arn": "arn:aws:iam::210987654321:role/t"},
        "exactly one of arn",
    ),
    (
        "target-deploy-arn",
        "identities[0].targetRole",
        {"create": {"deployRoleArn": "210987654321"}},
        {"create": {"deployRoleArn": "arn:aws:iam::210987654321:role/d"}},
        "not an IAM role ARN in the target account",
    ),
    (
        "role-from-stack-name",
        "identities[0]",
        {"name": "app", "namespace": "team-a", "serviceAccount": "app", "roleFromStack": {"stack": "a/b/c/d"}},
        {"name": "app", "namespace": "team-a", "serviceAccount": "app", "roleFromStack": {"stack": "org/eks-pod-identity/identities"}},
        "not a stack name",
    ),
    (
        "role-arn-and-stack",
        "identities[0]",
        {
            "name": "app",
            "namespace": "team-a",
            "serviceAccount": "app",
            "roleArn": "arn:aws:iam::123456789012:role/x",
            "roleFromStack": {"stack": "s"},
        },
        {"name": "app", "namespace": "team-a", "serviceAccount": "app", "roleFromStack": {"stack": "s"}},
        "either roleArn or roleFromStack",
    ),
    (
        "shared-with-clusters",
        "identities[0]",
        {"name": "app", "namespace": "team-a", "serviceAccount": "app", "shared": True, "clusters": ["c1"]},
        {"name": "app", "namespace": "team-a", "serviceAccount": "app", "shared": True},
        "binds nowhere in this stack",
    ),
    ("abac-without-tags", "identities[0].disableSessionTags", True, False, "abac templates match session tags"),
    (
        "job-on-target-role",
        "identities[0].targetRole",
        {"arn": "arn:aws:iam::210987654321:role/t"},
        DELETE,
        "must not chain into a target role",
    ),
    (
        "addon-unknown-identity",
        "clusters[0].addons",
        [{"name": "aws-ebs-csi-driver", "identity": "nobody", "serviceAccount": "ebs-csi-controller-sa"}],
        [{"name": "aws-ebs-csi-driver", "identity": "app", "serviceAccount": "ebs-csi-controller-sa"}],
        "clusters[0].addons[0].identity = 'nobody'",
    ),
    (
        "addon-without-service-account",
        "clusters[0].addons",
        [{"name": "aws-ebs-csi-driver", "identity": "app"}],
        [{"name": "aws-ebs-csi-driver"}],
        "needs both identity and serviceAccount",
    ),
    ("addon-is-the-agent", "clusters[0].addons", [{"name": "eks-pod-identity-agent"}], [{"name": "vpc-cni"}], "installAgent/agentVersion"),
    (
        "addon-twice",
        "clusters[0].addons",
        [{"name": "vpc-cni"}, {"name": "vpc-cni"}],
        [{"name": "vpc-cni"}, {"name": "coredns"}],
        "is listed twice",
    ),
    (
        "addon-binding-duplicate",
        "clusters[0].addons",
        [{"name": "x-addon", "identity": "app", "serviceAccount": "app", "namespace": "team-a"}],
        [{"name": "x-addon", "identity": "app", "serviceAccount": "app", "namespace": "kube-system"}],
        "is bound by both identity 'app' and add-on 'x-addon' (identity 'app')",
    ),
    # what a real deploy needs (issue: networking, adopted clusters, names, sample objects)
    ("created-cluster-name-too-long", "clusters[0].name", "c" * 39, "c" * 38, "has at most 38 characters"),
    ("adopted-with-creation-keys", "clusters[1].instanceType", "m5.large", DELETE, "shape a cluster the stack creates"),
    ("adopted-with-network", "clusters[1].network", {"natGateways": "onePerAz"}, DELETE, "shape a cluster the stack creates"),
    (
        "network-one-private-subnet",
        "clusters[0].network",
        {"vpcId": "vpc-0123456789abcdef0", "privateSubnetIds": ["subnet-aaaaaaaa"]},
        {"vpcId": "vpc-0123456789abcdef0", "privateSubnetIds": ["subnet-aaaaaaaa", "subnet-bbbbbbbb"]},
        "at least two private subnets",
    ),
    (
        "network-subnets-without-vpc",
        "clusters[0].network",
        {"privateSubnetIds": ["subnet-aaaaaaaa", "subnet-bbbbbbbb"]},
        {"availabilityZones": 3},
        "need vpcId",
    ),
    ("network-vpc-id", "clusters[0].network.vpcId", "vpc-xyz", "vpc-0123abcd", "not a VPC ID"),
    (
        "network-subnet-both",
        "clusters[0].network",
        {"vpcId": "vpc-0123abcd", "privateSubnetIds": ["subnet-aaaaaaaa", "subnet-bbbbbbbb"], "publicSubnetIds": ["subnet-aaaaaaaa"]},
        {"vpcId": "vpc-0123abcd", "privateSubnetIds": ["subnet-aaaaaaaa", "subnet-bbbbbbbb"], "publicSubnetIds": ["subnet-cccccccc"]},
        "both private and public",
    ),
    (
        "network-vpc-with-creation-keys",
        "clusters[0].network",
        {"vpcId": "vpc-0123abcd", "privateSubnetIds": ["subnet-aaaaaaaa", "subnet-bbbbbbbb"], "natGateways": "single"},
        {"vpcId": "vpc-0123abcd", "privateSubnetIds": ["subnet-aaaaaaaa", "subnet-bbbbbbbb"]},
        "with vpcId they do not apply",
    ),
    ("network-cidr-size", "clusters[0].network.cidr", "10.0.0.0/24", "10.0.0.0/20", "give /16 to /20"),
    ("network-cidr-format", "clusters[0].network.cidr", "10.0.0.0", "172.16.0.0/16", "/32 prefix"),
    ("network-nat-none", "clusters[0].network.natGateways", "none", "onePerAz", "clusters[0].network.natGateways"),
    ("network-one-zone", "clusters[0].network.availabilityZones", 1, 3, "clusters[0].network.availabilityZones"),
    (
        "network-zone-count-and-names",
        "clusters[0].network",
        {"availabilityZones": 3, "availabilityZoneNames": ["us-east-1a", "us-east-1b"]},
        {"availabilityZoneNames": ["us-east-1a", "us-east-1b"]},
        "either availabilityZones",
    ),
    (
        "admin-principal",
        "clusters[0].adminPrincipalArns",
        ["ci-role"],
        ["arn:aws:iam::123456789012:role/ci"],
        "not an IAM role or user ARN",
    ),
    ("public-access-cidr", "clusters[0].publicAccessCidrs", ["office"], ["203.0.113.0/24"], "not an IPv4 CIDR block"),
    ("sample-system-namespace", "sample.createNamespace", True, False, "would create namespace 'kube-system'"),
    ("sample-default-service-account", "identities[0].serviceAccount", "default", "app", "sample.serviceAccount = 'default'"),
    ("sample-namespace-and-existing-sa", "sample.createServiceAccount", False, True, "cannot exist yet"),
    ("sample-propagation", "sample.propagationSeconds", 1, 10, "sample.propagationSeconds"),
    (
        "shared-with-target",
        "identities[0]",
        {
            "name": "app",
            "namespace": "team-a",
            "serviceAccount": "app",
            "shared": True,
            "targetRole": {"arn": "arn:aws:iam::444455556666:role/t"},
        },
        {"name": "app", "namespace": "team-a", "serviceAccount": "app", "shared": True},
        "not supported for shared roles",
    ),
    (
        "shared-scoped-to-clusters",
        "identities[0].trust",
        {"scopeToClusters": True},
        {"scopeToServiceAccounts": True},
        "scopeToClusters would trust",
    ),
    # AWS's own limits (botocore's models, documented quotas)
    ("tag-aws-prefix", "identities[0].tags", {"aws:owner": "x"}, {"owner": "x"}, "AWS reserves"),
    ("tag-value-chars", "identities[0].tags", {"owner": "a|b"}, {"owner": "a b"}, "which a tag value may not"),
    ("too-many-tags", "identities[0].tags", {f"t{i}": "v" for i in range(48)}, {f"t{i}": "v" for i in range(47)}, "IAM allows 50"),
    ("description-emoji", "identities[0].description", "rocket 🚀", "rocket", "which a role description may not"),
    ("description-too-long", "identities[0].description", "d" * 1001, "d" * 1000, "has at most 1000"),
    ("instance-type-typo", "clusters[0].instanceType", "t3.medum", "t3.medium", "did you mean 't3.medium'"),
    ("environment-tag-chars", "environment", "prod|eu", "prod-eu", "environment = 'prod|eu'"),
    (
        "trust-too-large",
        "identities[0].namespaces",
        [f"namespace-{i:03}" for i in range(150)],
        [f"namespace-{i:03}" for i in range(50)],
        "IAM's quota is 2048",
    ),
    (
        "inline-too-large",
        "identities[0].statements",
        [{**STATEMENT, "Sid": f"S{i}"} for i in range(120)],
        [{**STATEMENT, "Sid": f"S{i}"} for i in range(40)],
        "IAM allows 10240 per role",
    ),
    (
        "session-policy-too-large",
        "identities[0].sessionPolicy",
        {"Version": "2012-10-17", "Statement": [{**STATEMENT, "Resource": [f"arn:aws:s3:::bucket-{i}/*" for i in range(80)]}]},
        SESSION_POLICY,
        "a session policy holds at most 2048",
    ),
    ("agent-version-on-auto-mode", "clusters[0].autoMode", True, False, "Auto Mode does not use"),
    ("agent-version-not-installed", "clusters[1].installAgent", False, True, "installAgent: false leaves alone"),
    ("sample-without-nodes", "clusters[0].desiredCapacity", 0, 1, "nothing would run it"),
    (
        "duplicate-sid-with-abac",
        "identities[0].statements",
        [{**STATEMENT, "Sid": "OwnPrefixObjects"}],
        [{**STATEMENT, "Sid": "Mine"}],
        "appear twice in the role's inline policy",
    ),
    ("statement-empty-action", "identities[0].statements", [{**STATEMENT, "Action": []}], [STATEMENT], "Action is empty"),
    (
        "statement-bad-operator",
        "identities[0].statements",
        [{**STATEMENT, "Condition": {"StringEqualz": {"s3:prefix": "a"}}}],
        [{**STATEMENT, "Condition": {"StringEquals": {"s3:prefix": "a"}}}],
        "not one IAM knows",
    ),
    (
        "statement-resource-arn",
        "identities[0].statements",
        [{**STATEMENT, "Resource": "arn:"}],
        [{**STATEMENT, "Resource": "arn:aws:s3:::b"}],
        "is not '*' nor an ARN",
    ),
    (
        "managed-policy-typo",
        "identities[0].managedPolicyArns",
        ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAcess"],
        ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
        "did you mean arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    ),
    (
        "managed-policy-path",
        "identities[0].managedPolicyArns",
        ["arn:aws:iam::aws:policy/AmazonEBSCSIDriverPolicy"],
        ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"],
        "policy/service-role/AmazonEBSCSIDriverPolicy",
    ),
    ("quota-raised", "roleManagedPolicyQuota", 9, 20, "roleManagedPolicyQuota = 9"),
    (
        "irsa-provider-arn",
        "identities[0].irsa",
        {"oidcProviderArns": ["arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"]},
        {"oidcProviderArns": ["arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789"]},
        "an EKS OIDC provider ARN",
    ),
    (
        "catalog-statement-too-big",
        "identities[0].wellKnown",
        {"externalDns": {"hostedZoneArns": [f"arn:aws:route53:::hostedzone/Z{i:020d}" for i in range(200)]}},
        {"externalDns": {"hostedZoneArns": [f"arn:aws:route53:::hostedzone/Z{i:020d}" for i in range(20)]}},
        "identities[0].wellKnown.externalDns = 'app': statement 'ManageRecords' alone exceeds 6144 characters",
    ),
    (
        "catalog-needs-clusters",
        "identities[0]",
        {
            "name": "as",
            "shared": True,
            "namespace": "kube-system",
            "serviceAccount": "cluster-autoscaler",
            "wellKnown": {"clusterAutoscaler": {}},
        },
        {
            "name": "as",
            "shared": True,
            "namespace": "kube-system",
            "serviceAccount": "cluster-autoscaler",
            "wellKnown": {"clusterAutoscaler": {"clusterNames": ["c1"]}},
        },
        "wellKnown.clusterAutoscaler = 'as': needs clusterNames",
    ),
    ("sample-namespace-not-created", "sample.createNamespace", False, True, "which the stack creates with only its system namespaces"),
    ("private-endpoint-with-cidrs", "clusters[0].endpointPublicAccess", False, True, "publicAccessCidrs limit a public endpoint"),
    (
        "namespace-listed-twice",
        "identities[0]",
        {"name": "app", "namespaces": ["team-a", "team-a"], "serviceAccount": "app"},
        {"name": "app", "namespaces": ["team-a", "team-b"], "serviceAccount": "app"},
        "is listed twice in identity 'app'",
    ),
    ("sample-on-unknown-cluster", "identities[0].clusters", ["zzz"], ["c1"], "identities[0].clusters[0] = 'zzz': is not a cluster"),
    ("no-cluster-at-all", "clusters", [], [{"name": "c1"}], "is bound to no cluster"),
    (
        "duplicate-role-name",
        "identities[1]",
        {**SECOND, "serviceAccount": "other", "roleName": "Team-Reader"},
        {**SECOND, "serviceAccount": "other", "roleName": "team-writer"},
        "names the same IAM role",
    ),
    # clear errors for what a YAML file can hold
    ("snake-case-key", "identities[0].service_account", "app", DELETE, "did you mean 'serviceAccount'? (keys are camelCase)"),
    ("misplaced-top-level-key", "namespace", "team-a", DELETE, "belongs under identities[]"),
    ("sample-as-text", "sample", "none", {"kind": "none"}, "must be an object of keys"),
    ("identities-as-number", "identities", 5, BASE["identities"], "must be a list of identities"),
    ("version-a-date", "clusters[0].version", "2024-01-01", "1.35", "not a Kubernetes minor version"),
    (
        "addon-unknown-identity-duplicate",
        "clusters[0].addons",
        [{"name": "x-addon", "identity": "nobody", "serviceAccount": "app", "namespace": "team-a"}],
        [{"name": "x-addon"}],
        "clusters[0].addons[0].identity = 'nobody'",
    ),
    # least privilege
    ("admin-statement", "identities[0].statements", [{"Effect": "Allow", "Action": "*", "Resource": "*"}], [STATEMENT], "allowAdmin: true"),
    (
        "admin-policy",
        "identities[0].managedPolicyArns",
        ["arn:aws:iam::aws:policy/AdministratorAccess"],
        ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        "AdministratorAccess is admin (its statement[0] allows every action on every resource)",
    ),
]

# Cases whose change only shows against a slightly different valid config. Without the
# sample, renaming or rebinding the identity leaves no dangling sample reference.
NO_SAMPLE = with_change("sample", {"kind": "none"})
BASES = {
    "tag-trust-with-disabled-tags": with_change("identities[0].trust.scopeToServiceAccounts", True),
    "role-name-and-prefix": with_change("identities[0].roleName", "app-role"),
    "cluster-name-chars": NO_SAMPLE,
    "identity-name-too-long": NO_SAMPLE,
    "role-arn-format": NO_SAMPLE,
    "unknown-cluster": NO_SAMPLE,
    "abac-without-tags": with_change("identities[0].abac", {"s3NamespacePrefix": {"bucketArns": ["arn:aws:s3:::shared"]}}),
    "too-many-policies-with-catalog": with_change(
        "identities[0].wellKnown", {"awsLoadBalancerController": {}, "cloudwatchObservability": {}}
    ),
    "role-from-stack-name": NO_SAMPLE,
    "target-both": NO_SAMPLE,
    "target-deploy-arn": NO_SAMPLE,
    "role-arn-and-stack": NO_SAMPLE,
    "shared-with-clusters": NO_SAMPLE,
    "created-cluster-name-too-long": NO_SAMPLE,
    "sample-system-namespace": with_change("identities[0].namespace", "kube-system", with_change("sample.namespace", "kube-system")),
    "network-vpc-id": with_change(
        "clusters[0].network", {"vpcId": "vpc-0123abcd", "privateSubnetIds": ["subnet-aaaaaaaa", "subnet-bbbbbbbb"]}
    ),
    "sample-namespace-and-existing-sa": with_change("sample.createNamespace", True),
    "shared-with-target": NO_SAMPLE,
    "shared-scoped-to-clusters": with_change("identities[0].shared", True, NO_SAMPLE),
    "inline-too-large": NO_SAMPLE,
    "private-endpoint-with-cidrs": with_change("clusters[0].publicAccessCidrs", ["203.0.113.0/24"]),
    "namespace-listed-twice": NO_SAMPLE,
    "no-cluster-at-all": NO_SAMPLE,
    "duplicate-role-name": with_change("identities[0].roleName", "team-reader"),
    "catalog-needs-clusters": NO_SAMPLE,
    "trust-too-large": with_change("identities[0].namespace", DELETE, NO_SAMPLE),
    "session-policy-too-large": with_change("identities[0].disableSessionTags", True),
    "agent-version-on-auto-mode": with_change("clusters[0].agentVersion", "v1.3.10-eksbuild.2"),
    "agent-version-not-installed": with_change("clusters[1].agentVersion", "v1.3.10-eksbuild.2"),
    "sample-without-nodes": with_change("clusters[0].minSize", 0),
    "duplicate-sid-with-abac": with_change("identities[0].abac", {"s3NamespacePrefix": {"bucketArns": ["arn:aws:s3:::shared"]}}),
    "quota-raised": with_change("identities[0].managedPolicyArns", [f"arn:aws:iam::123456789012:policy/P{i}" for i in range(11)]),
}


@pytest.mark.parametrize("case, path, bad, good, expected", CASES, ids=[c[0] for c in CASES])
def test_bad_value_is_refused_with_its_path_and_fix(case, path, bad, good, expected):
    with pytest.raises(config.ConfigError) as caught:
        config.parse(with_change(path, bad, BASES.get(case)))
    message = str(caught.value)
    assert expected in message, message
    assert "eks-pod-identity:" in message and "nothing was created" in message


@pytest.mark.parametrize("case, path, bad, good, expected", CASES, ids=[c[0] for c in CASES])
def test_good_neighbour_passes(case, path, bad, good, expected):
    config.parse(with_change(path, good, BASES.get(case)))


def test_there_are_at_least_thirty_bad_cases():
    assert len(CASES) >= 30


def test_several_problems_are_reported_together():
    data = with_change("identities[0].namespace", "Bad")
    data = with_change("clusters[0].version", "1.10", data)
    data = with_change("sample.bucketName", "x", data)
    with pytest.raises(config.ConfigError) as caught:
        config.parse(data)
    assert len(caught.value.problems) == 3
    paths = " ".join(caught.value.problems)
    assert "identities[0].namespace" in paths and "clusters[0].version" in paths and "sample.bucketName" in paths


def test_unknown_key_without_a_close_match_lists_the_known_ones():
    with pytest.raises(config.ConfigError, match="known keys: .*serviceAccount"):
        config.parse(with_change("identities[0].zzz", 1))


def test_admin_is_allowed_when_asked_for():
    data = with_change("identities[0].managedPolicyArns", ["arn:aws:iam::aws:policy/AdministratorAccess"])
    config.parse(with_change("identities[0].allowAdmin", True, data))


def test_disabled_session_tags_turn_the_default_scoping_off():
    parsed = config.parse(with_change("identities[0].disableSessionTags", True))
    assert parsed.identities[0].scoped_to_service_accounts is False
    assert config.parse(BASE).identities[0].scoped_to_service_accounts is True


def test_bad_config_registers_nothing():
    overrides = {"eks-pod-identity:identities": with_change("identities[0].serviceAccount", "Bad_SA")["identities"]}
    result = runner.run_stack("dev", overrides=overrides, raise_errors=False)
    assert isinstance(result.error, config.ConfigError)
    assert "identities[0].serviceAccount = 'Bad_SA'" in str(result.error)
    assert result.registrations == []


def test_config_error_is_a_clean_pulumi_run_error():
    import pulumi

    assert issubclass(config.ConfigError, pulumi.RunError)


# --- region, partial parses, sizes that must not be built ------------------------------------


@pytest.mark.parametrize(
    "region, expected",
    [
        ("us-east-7", "\n  - aws:region = 'us-east-7': is not a region where EKS runs; did you mean"),
        ("cn-north-1", "is in partition 'aws', but aws:region 'cn-north-1' is in 'aws-cn'"),
    ],
)
def test_the_region_and_the_arns_partition_must_agree(region, expected):
    with pytest.raises(config.ConfigError, match=re.escape(expected)):
        config.parse(BASE, region=region)
    config.parse(BASE, region="eu-west-1")


def test_a_typed_error_does_not_hide_the_checks_across_keys():
    data = with_change("clusters[1].create", "maybe")
    data = with_change("identities[0].clusters", ["c1", "c2", "c9"], data)
    with pytest.raises(config.ConfigError) as caught:
        config.parse(data)
    text = "\n".join(caught.value.problems)
    assert "clusters[1].create" in text and "'c9': is not a cluster of this stack" in text
    assert "'c2': is not a cluster" not in text, "c2 exists; it only has a type error of its own"


def test_a_huge_fan_out_is_refused_before_its_bindings_are_built(monkeypatch):
    def never(self):
        raise AssertionError("4,000,000 bindings built")

    monkeypatch.setattr(config.StackConfig, "bindings", never)
    identity = {"name": "app", "namespaces": [f"n{i}" for i in range(2000)], "serviceAccounts": [f"s{i}" for i in range(2000)]}
    with pytest.raises(config.ConfigError, match="gets 4000000 associations; EKS allows 1000 per cluster"):
        config.parse(with_change("identities[0]", identity, with_change("sample", {"kind": "none"})))


def test_a_misspelled_project_namespace_is_named():
    raw, region, early = config.from_config_map(
        {"eks-pod-identiy:identities": "[]", "aws:region": "us-east-1", "eks-pod-identity:clusters": "[]"}
    )
    assert early == ["eks-pod-identiy:identities: unknown namespace 'eks-pod-identiy'; did you mean eks-pod-identity:identities?"]
    with pytest.raises(config.ConfigError, match="did you mean eks-pod-identity:identities"):
        config.parse(raw, region, early)
