"""AWS's own machine-readable limits, as committed in components/data/: the regions where EKS runs
by partition, and the length and pattern limits of names, each broken limit said in words.
(That the committed data is what botocore and moto give: tests/tools/test_refresh_aws_data.py.)"""

from __future__ import annotations

import re

import pytest
from eks_pod_identity import aws_data


@pytest.mark.parametrize(
    "region, partition",
    [
        ("eu-west-1", "aws"),
        ("us-east-1", "aws"),
        ("cn-north-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("us-east-7", None),
        ("", None),
    ],
)
def test_the_partition_of_a_region_where_eks_runs(region, partition):
    assert aws_data.partition_of_region(region) == partition
    assert (aws_data.region_problem(region) is None) == (partition is not None)


def test_a_region_where_eks_does_not_run_is_said_with_the_closest_that_does():
    problem = aws_data.region_problem("us-east-7")
    (guess,) = re.fullmatch(r"is not a region where EKS runs; did you mean '([\w-]+)'\?", problem).groups()
    assert aws_data.partition_of_region(guess) == "aws" and guess.startswith("us-east-")
    assert aws_data.region_problem("nowhere") == "is not a region where EKS runs", "no guess when nothing is close"


@pytest.mark.parametrize(
    "value, problem",
    [
        ("r" * 64, None),
        ("team-a.reader@x", None),
        ("r" * 65, "is 65 characters; a role name has at most 64 (IAM API)"),
        ("", "is empty; a role name needs at least 1 character(s)"),
        ("my role!", "holds ' ', '!', which a role name may not; allowed: [\\w+=,.@-]"),
        # Java's \w, as the model means it, is ASCII: IAM refuses rôle ("IAM identifiers").
        ("rôle", "holds 'ô', which a role name may not; allowed: [\\w+=,.@-]"),
    ],
)
def test_a_modelled_limit_says_what_breaks_it(value, problem):
    assert aws_data.spec("iam.roleName") == {"min": 1, "max": 64, "pattern": "[\\w+=,.@-]+"}, "botocore's RoleName"
    assert aws_data.problem("iam.roleName", value, "a role name") == problem


@pytest.mark.parametrize("path, ok", [("/", True), ("/team/", True), ("/team/a/", True), ("team", False), ("/team", False), ("//", False)])
def test_a_pattern_that_is_no_character_class_is_said_as_the_pattern(path, ok):
    problem = aws_data.problem("iam.path", path, "an IAM path")
    assert (problem is None) is ok
    if not ok:
        assert problem.startswith("is not an IAM path: it must match ")


def test_a_value_shorter_than_its_minimum_says_its_length_not_empty():
    assert aws_data.problem("sts.externalId", "a", "an external ID") == "is 1 character(s); an external ID needs at least 2 character(s)"
