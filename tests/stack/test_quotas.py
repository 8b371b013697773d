"""IAM's quotas, measured on what the config would create: policies per role, tags, and document sizes."""

from __future__ import annotations

from eks_pod_identity.iam import documents, limits

from tests.helpers.config_cases import DELETE, NO_SAMPLE, SESSION_POLICY, STATEMENT, parse_identity, refusal_tests, refusals, with_change

# (case id, path, bad value, good neighbour value, text the error must contain)
CASES = [
    (
        "managed-policy-quota",
        "identities[0].managedPolicyArns",
        [f"arn:aws:iam::123456789012:policy/P{i}" for i in range(11)],
        [f"arn:aws:iam::123456789012:policy/P{i}" for i in range(10)],
        "IAM allows 10 per role (roleManagedPolicyQuota",
    ),
    (
        "too-many-policies-with-catalog",
        "identities[0].managedPolicyArns",
        [f"arn:aws:iam::123456789012:policy/P{i}" for i in range(8)],
        [f"arn:aws:iam::123456789012:policy/P{i}" for i in range(6)],
        "IAM allows 10 per role",
    ),
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
    ("quota-raised", "roleManagedPolicyQuota", 9, 20, "roleManagedPolicyQuota = 9"),
]


# Cases whose change only shows against a slightly different valid config.
BASES: dict[str, dict] = {
    "too-many-policies-with-catalog": with_change(
        "identities[0].wellKnown", {"awsLoadBalancerController": {}, "cloudwatchObservability": {}}
    ),
    "trust-too-large": with_change("identities[0].namespace", DELETE, NO_SAMPLE),
    "inline-too-large": NO_SAMPLE,
    "session-policy-too-large": with_change("identities[0].disableSessionTags", True),
    "quota-raised": with_change("identities[0].managedPolicyArns", [f"arn:aws:iam::123456789012:policy/P{i}" for i in range(11)]),
}


test_bad_value_is_refused_with_its_path_and_fix, test_good_neighbour_passes = refusal_tests(CASES, BASES)


def test_a_created_target_roles_inline_statements_are_held_to_the_inline_quota():
    """A statement of 400 bucket ARNs is 11,696 characters: CreateRole succeeded, then PutRolePolicy failed."""
    buckets = [f"arn:aws:s3:::bucket-{i:04d}/*" for i in range(400)]
    statement = {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": buckets}
    assert documents.size(documents.document([statement])) > limits.INLINE_POLICIES_SIZE
    create = {"deployRoleArn": "arn:aws:iam::210987654321:role/deploy", "statements": [statement]}
    (problem,) = refusals(targetRole={"create": create})
    assert problem.startswith("eks-pod-identity:identities[0].targetRole.create.statements = 'app':")
    assert f"IAM allows {limits.INLINE_POLICIES_SIZE} per role" in problem
    parse_identity(targetRole={"create": {**create, "statements": [{**statement, "Resource": buckets[:100]}]}})
