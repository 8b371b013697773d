"""The stack config read as a whole: missing, unknown, mistyped and misplaced keys are refused
before anything is created, all problems at once, each with the key's path, the value and the fix."""

from __future__ import annotations

import pytest
from eks_pod_identity import stack as config
from eks_pod_identity import suggest
from eks_pod_identity.offline.harness import runner

from tests.helpers.config_cases import BASE, DELETE, refusal_tests, refusals, with_change

# (case id, path, bad value, good neighbour value, text the error must contain)
CASES = [
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
    ("snake-case-key", "identities[0].service_account", "app", DELETE, "did you mean 'serviceAccount'? (keys are camelCase)"),
    ("misplaced-top-level-key", "namespace", "team-a", DELETE, "belongs under identities[]"),
    ("sample-as-text", "sample", "none", {"kind": "none"}, "must be an object of keys"),
    ("identities-as-number", "identities", 5, BASE["identities"], "must be a list of identities"),
]


BASES: dict[str, dict] = {}


test_bad_value_is_refused_with_its_path_and_fix, test_good_neighbour_passes = refusal_tests(CASES, BASES)


def test_there_are_at_least_thirty_bad_cases():
    """Counted over every table of bad cases, one per module of stack/ that checks config."""
    from tests.stack import test_checks, test_clusters, test_config, test_identities, test_quotas, test_sample

    tables = [CASES, *(m.CASES for m in (test_checks, test_clusters, test_config, test_identities, test_quotas, test_sample))]
    assert len({case[0] for table in tables for case in table}) >= 30


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


def test_bad_config_registers_nothing():
    overrides = {"eks-pod-identity:identities": with_change("identities[0].serviceAccount", "Bad_SA")["identities"]}
    result = runner.run_stack("dev", overrides=overrides, raise_errors=False)
    assert isinstance(result.error, config.ConfigError)
    assert "identities[0].serviceAccount = 'Bad_SA'" in str(result.error)
    assert result.registrations == []


def test_a_typed_error_does_not_hide_the_checks_across_keys():
    data = with_change("clusters[1].create", "maybe")
    data = with_change("identities[0].clusters", ["c1", "c2", "c9"], data)
    with pytest.raises(config.ConfigError) as caught:
        config.parse(data)
    text = "\n".join(caught.value.problems)
    assert "clusters[1].create" in text and "'c9': is not a cluster of this stack" in text
    assert "'c2': is not a cluster" not in text, "c2 exists; it only has a type error of its own"


def test_a_misspelled_project_namespace_is_named():
    raw, region, early = config.from_config_map(
        {"eks-pod-identiy:identities": "[]", "aws:region": "us-east-1", "eks-pod-identity:clusters": "[]"}
    )
    assert early == ["eks-pod-identiy:identities: unknown namespace 'eks-pod-identiy'; did you mean eks-pod-identity:identities?"]
    with pytest.raises(config.ConfigError, match="did you mean eks-pod-identity:identities"):
        config.parse(raw, region, early)


def test_base_config_is_valid():
    config.parse(BASE)


def test_thousands_of_managed_policies_are_one_problem_found_before_any_is_looked_up():
    """2,000 unknown AWS managed policies took 26 s (a suggestion each) and gave 2,000 lines."""
    arns = [f"arn:aws:iam::aws:policy/NoSuchPolicy{i}" for i in range(2000)]
    (problem,) = refusals(managedPolicyArns=arns)
    assert problem == "eks-pod-identity:identities[0].managedPolicyArns: 2000 items; IAM attaches at most 20 policies to a role"


def test_suggestions_are_made_for_the_first_problems_only():
    clusters = [{"name": f"c{i}", "instanceType": f"t3.mediun{i}"} for i in range(50)]
    with pytest.raises(config.ConfigError) as error:
        config.parse({"clusters": clusters}, "us-east-1")
    hinted = [p for p in error.value.problems if "did you mean" in p]
    assert len(error.value.problems) == 50 and len(hinted) == suggest.BUDGET


def test_the_managed_policy_error_suggests_by_the_names_words():
    """`policy/AmazonS3ReadOnly` was "did you mean ...AmazonLexReadOnly"."""
    (problem,) = refusals(managedPolicyArns=["arn:aws:iam::aws:policy/AmazonS3ReadOnly"])
    assert problem.endswith("did you mean arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess?")


def test_a_stack_without_a_region_is_refused_naming_aws_region():
    """Without aws:region the program planned in us-east-1; the docs say it is required."""
    raw, region, early = config.from_config_map({"eks-pod-identity:clusters": "[]"})
    assert region is None and early == ["aws:region: is required; set it in the stack file (`pulumi config set aws:region us-east-1`)"]
    with pytest.raises(config.ConfigError, match="aws:region: is required"):
        config.parse(raw, region, early)
