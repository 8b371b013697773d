"""The sample's bucket and image rules, as pure predicates."""

from __future__ import annotations

import pytest
from eks_pod_identity.sample import rules as sample_rules


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
