"""Name and format rules as pure predicates."""

import pytest
from eks_pod_identity import arn, kubernetes
from eks_pod_identity.iam import grammar
from eks_pod_identity.sample import rules as sample_rules


@pytest.mark.parametrize("name", ["default", "kube-system", "a", "a" * 63, "team-1"])
def test_valid_namespaces(name):
    assert kubernetes.namespace_problem(name) is None


@pytest.mark.parametrize("name", ["Default", "-a", "a-", "a_b", "a.b", "a" * 64, ""])
def test_invalid_namespaces(name):
    assert kubernetes.namespace_problem(name)


@pytest.mark.parametrize("name", ["aws-cli-sa", "a.b-c", "a" * 253])
def test_valid_service_accounts(name):
    assert kubernetes.service_account_problem(name) is None


@pytest.mark.parametrize("name", ["Aws", "a..b", "a_b", "a" * 254, "-a"])
def test_invalid_service_accounts(name):
    assert kubernetes.service_account_problem(name)


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


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
        "arn:aws-cn:iam::123456789012:policy/team/x",
        "arn:aws-us-gov:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
    ],
)
def test_policy_arns_in_every_partition(arn):
    assert grammar.POLICY_ARN.match(arn)


@pytest.mark.parametrize("arn", ["arn:aws:iam::aws:role/x", "arn:azure:iam::aws:policy/x", "AmazonS3ReadOnlyAccess"])
def test_bad_policy_arns(arn):
    assert not grammar.POLICY_ARN.match(arn)


def test_role_arns():
    assert grammar.ROLE_ARN.match("arn:aws:iam::123456789012:role/path/name")
    assert not grammar.ROLE_ARN.match("arn:aws:iam::aws:role/name")
    assert arn.partition_of("arn:aws-cn:iam::123456789012:role/name") == "aws-cn"
