"""An identity's config: Kubernetes and IAM names, policies and statements, trust, target roles,
and the combinations AWS rejects."""

from __future__ import annotations

from eks_pod_identity import stack as config

from tests.helpers.config_cases import BASE, DELETE, NO_SAMPLE, SESSION_POLICY, STATEMENT, refusal_tests, with_change

# (case id, path, bad value, good neighbour value, text the error must contain)
CASES = [
    ("namespace-uppercase", "identities[0].namespace", "Team-A", "team-a", "DNS-1123 label"),
    ("namespace-too-long", "identities[0].namespace", "a" * 64, "a" * 63, "at most 63"),
    ("service-account-underscore", "identities[0].serviceAccount", "my_sa", "my-sa.v1", "DNS-1123 subdomain"),
    ("service-account-too-long", "identities[0].serviceAccount", "a" * 254, "a" * 253, "at most 253"),
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
    ("session-policy-without-disable", "identities[0].sessionPolicy", SESSION_POLICY, DELETE, "only with disableSessionTags: true"),
    ("session-policy-invalid", "identities[0].sessionPolicy", {"Statement": []}, DELETE, "not an IAM policy document"),
    ("tag-trust-with-disabled-tags", "identities[0].disableSessionTags", True, False, "never match when disableSessionTags"),
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
    ("tag-aws-prefix", "identities[0].tags", {"aws:owner": "x"}, {"owner": "x"}, "AWS reserves"),
    ("tag-value-chars", "identities[0].tags", {"owner": "a|b"}, {"owner": "a b"}, "which a tag value may not"),
    ("too-many-tags", "identities[0].tags", {f"t{i}": "v" for i in range(48)}, {f"t{i}": "v" for i in range(47)}, "IAM allows 50"),
    ("description-emoji", "identities[0].description", "rocket 🚀", "rocket", "which a role description may not"),
    ("description-too-long", "identities[0].description", "d" * 1001, "d" * 1000, "has at most 1000"),
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
    (
        "irsa-provider-arn",
        "identities[0].irsa",
        {"oidcProviderArns": ["arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"]},
        {"oidcProviderArns": ["arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789"]},
        "an EKS OIDC provider ARN",
    ),
    ("admin-statement", "identities[0].statements", [{"Effect": "Allow", "Action": "*", "Resource": "*"}], [STATEMENT], "allowAdmin: true"),
    (
        "admin-policy",
        "identities[0].managedPolicyArns",
        ["arn:aws:iam::aws:policy/AdministratorAccess"],
        ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        "AdministratorAccess is admin (its statement[0] allows every action on every resource)",
    ),
]


# Cases whose change only shows against a slightly different valid config.
BASES: dict[str, dict] = {
    "identity-name-too-long": NO_SAMPLE,
    "role-arn-format": NO_SAMPLE,
    "role-name-and-prefix": with_change("identities[0].roleName", "app-role"),
    "tag-trust-with-disabled-tags": with_change("identities[0].trust.scopeToServiceAccounts", True),
    "target-both": NO_SAMPLE,
    "target-deploy-arn": NO_SAMPLE,
    "role-from-stack-name": NO_SAMPLE,
    "role-arn-and-stack": NO_SAMPLE,
    "shared-with-clusters": NO_SAMPLE,
    "abac-without-tags": with_change("identities[0].abac", {"s3NamespacePrefix": {"bucketArns": ["arn:aws:s3:::shared"]}}),
    "shared-with-target": NO_SAMPLE,
    "shared-scoped-to-clusters": with_change("identities[0].shared", True, NO_SAMPLE),
    "duplicate-sid-with-abac": with_change("identities[0].abac", {"s3NamespacePrefix": {"bucketArns": ["arn:aws:s3:::shared"]}}),
}


test_bad_value_is_refused_with_its_path_and_fix, test_good_neighbour_passes = refusal_tests(CASES, BASES)


def test_disabled_session_tags_turn_the_default_scoping_off():
    parsed = config.parse(with_change("identities[0].disableSessionTags", True))
    assert parsed.identities[0].scoped_to_service_accounts is False
    assert config.parse(BASE).identities[0].scoped_to_service_accounts is True
