"""The sample's bucket and image rules, as pure predicates."""

from __future__ import annotations

import pytest
from eks_pod_identity.sample import rules as sample_rules
from hypothesis import given, settings
from hypothesis import strategies as st


@pytest.mark.parametrize("name", ["my-bucket", "a.b.c", "abc"])
def test_valid_buckets(name):
    assert sample_rules.s3_bucket_problem(name) is None


@pytest.mark.parametrize("name", ["ab", "My-Bucket", "a..b", "192.168.1.1", "xn--abc", "abc-s3alias", "a" * 64, "-ab"])
def test_invalid_buckets(name):
    assert sample_rules.s3_bucket_problem(name)


def test_image_rules():
    assert sample_rules.image_problem("amazon/aws-cli:2.15.0") is None
    assert sample_rules.image_problem("public.ecr.aws/aws-cli/aws-cli:2.35.10") is None
    assert "latest" in sample_rules.image_problem("amazon/aws-cli:latest")
    assert "2.15.0" in sample_rules.image_problem("amazon/aws-cli:2.14.6")
    assert sample_rules.image_problem("amazon/aws-cli")
    assert sample_rules.aws_cli_version("amazon/aws-cli:2.35.10") == (2, 35, 10)


@pytest.mark.parametrize("size", [40_000, 200_000])
def test_a_huge_image_name_is_refused_by_its_length(size):
    """The image pattern was quadratic: 40,000 characters took 5.6 s, 200,000 timed out."""
    assert sample_rules.image_problem("a" * size) == f"is {size} characters; an image reference has at most {sample_rules.IMAGE_MAX}"


@pytest.mark.parametrize(
    ("image", "tag"),
    [
        ("amazon/aws-cli:2.35.10", "2.35.10"),
        ("localhost:5000/aws-cli:2.20.1", "2.20.1"),
        ("localhost:5000/aws-cli", None),
        ("amazon/aws-cli:2.35.10@sha256:" + "a" * 64, "2.35.10"),
        ("amazon/aws-cli:2.35.10@sha256:x", None),
        ("AMAZON/aws:2.35.1", None),
    ],
)
def test_the_tag_of_an_image_reference(image, tag):
    assert sample_rules.image_tag(image) == tag


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abc/:.-_@0123456789", max_size=sample_rules.IMAGE_MAX))
def test_any_image_reference_is_read_without_error(image):
    problem = sample_rules.image_problem(image)
    assert problem is None or isinstance(problem, str)
