"""Config field types of IAM values, each checked as IAM checks it: a value IAM refuses is
refused when the config is read, with what it should be."""

from __future__ import annotations

import pytest
from eks_pod_identity.iam import fields
from pydantic import TypeAdapter, ValidationError


def refusal(field, value) -> str | None:
    """The message a field gives `value`, or None when it takes it."""
    try:
        TypeAdapter(field).validate_python(value)
    except ValidationError as error:
        return error.errors()[0]["msg"]
    return None


@pytest.mark.parametrize("key", ["team", "kubernetes.io/cluster/blue", "Cost Center", "a" * 128])
def test_tag_keys_iam_and_eks_take(key):
    assert fields.tag_key_problem(key) is None


@pytest.mark.parametrize(
    "key, problem",
    [
        ("aws:owner", "AWS reserves"),
        ("AWS:owner", "AWS reserves"),
        ("a" * 129, "has at most 128"),
        ("team|a", "which a tag key may not"),
        ("", "is empty"),
    ],
)
def test_tag_keys_iam_or_eks_refuse(key, problem):
    assert problem in fields.tag_key_problem(key)


def test_a_policy_arn_of_aws_must_name_a_managed_policy_that_exists_at_its_path():
    assert refusal(fields.PolicyArn, "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy") is None
    assert refusal(fields.PolicyArn, "arn:aws:iam::123456789012:policy/any-name-at-all") is None, "a customer policy is the user's"
    assert "policy/service-role/AmazonEBSCSIDriverPolicy" in refusal(fields.PolicyArn, "arn:aws:iam::aws:policy/AmazonEBSCSIDriverPolicy")
    assert "is not an IAM policy ARN" in refusal(fields.PolicyArn, "AmazonS3ReadOnlyAccess")


@pytest.mark.parametrize(
    "field, good, bad",
    [
        (fields.RoleArn, "arn:aws:iam::123456789012:role/path/app", "arn:aws:iam::123456789012:user/alice"),
        (fields.PrincipalArn, "arn:aws:iam::123456789012:user/alice", "arn:aws:iam::123456789012:group/ops"),
        (fields.HostedZoneArn, "arn:aws:route53:::hostedzone/Z0123456789", "Z0123456789"),
        (fields.BucketArn, "arn:aws:s3:::my-bucket", "arn:aws:s3:::my-bucket/key"),
        (fields.KmsKeyArn, "arn:aws-cn:kms:cn-north-1:123456789012:alias/app", "alias/app"),
        # Region and account take IAM's wildcard, as every other ARN field does (the catalog's SQS queues did).
        (fields.KmsKeyArn, "arn:aws:kms:*:*:key/*", "arn:aws:kms:EU:123456789012:key/k"),
        (fields.SsmParameterArn, "arn:aws:ssm:*:123456789012:parameter/app/*", "arn:aws:ssm:us-east-1:123:parameter/app"),
        (fields.SecretArn, "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/*", "prod/db"),
        (fields.TableArn, "arn:aws:dynamodb:us-east-1:123456789012:table/orders", "arn:aws:dynamodb:us-east-1:123456789012:table/*"),
        (fields.RoleName, "team-a.reader@x", "team a"),
        (fields.IamPath, "/pods/team-a/", "pods"),
    ],
)
def test_an_arn_or_name_field_takes_its_kind_only(field, good, bad):
    assert refusal(field, good) is None
    assert refusal(field, bad) is not None


def test_statements_are_held_to_iams_grammar_each_named_by_its_index():
    good = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    assert refusal(fields.Statements, [good]) is None
    message = refusal(fields.Statements, [good, {**good, "Effect": "allow"}])
    assert message.startswith("Value error, statement 1 ") and "Effect" in message
