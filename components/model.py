"""The base of every config model, and the constrained string types its fields share.

A field declares what it is (`RoleArn`, `Namespace`, `list[PolicyArn]`) and the rule and its
message live here once; pydantic reports a failure at the field's path, list index included.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from . import limits, policy_checks, rules


class Model(BaseModel):
    """Config section: keys are camelCase in YAML, snake_case in Python; typos are errors."""

    # Only the camelCase spelling is accepted: `service_account` would otherwise pass silently
    # in YAML, where every documented key is camelCase.
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=False, extra="forbid", frozen=True)


def matching(pattern: re.Pattern[str], what: str) -> AfterValidator:
    """A value must match `pattern`; the error says what it should be."""

    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(f"{value!r} is not {what}")
        return value

    return AfterValidator(check)


def passing(problem: Callable[[str], str | None]) -> AfterValidator:
    """A value must pass a `rules.*_problem` check; its message is the error."""

    def check(value: str) -> str:
        found = problem(value)
        if found:
            raise ValueError(f"{value!r} {found}")
        return value

    return AfterValidator(check)


def _statements(values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    problems = [f"statement {i} {p}" for i, s in enumerate(values) for p in policy_checks.statement_problems(s)]
    if problems:
        raise ValueError("; ".join(problems))
    return values


Namespace = Annotated[str, passing(rules.namespace_problem)]
ServiceAccountName = Annotated[str, passing(rules.service_account_problem)]
def limited(key: str, what: str) -> AfterValidator:
    """A value must keep to AWS's modelled limit `key` (see `limits`)."""
    return passing(lambda value: limits.problem(key, value, what))


def _tag_key(value: str) -> str | None:
    if value.lower().startswith("aws:"):
        return "starts with 'aws:', which AWS reserves for its own tags"
    return limits.problem("iam.tagKey", value, "a tag key") or limits.problem("eks.tagKey", value, "a tag key")


def _aws_managed(value: str) -> str | None:
    return limits.managed_policy_problem(value) if ":iam::aws:policy/" in value else None


RoleName = Annotated[str, limited("iam.roleName", "a role name")]
IamPath = Annotated[str, limited("iam.path", "an IAM path ('/' or '/segment/.../')")]
Description = Annotated[str, limited("iam.roleDescription", "a role description")]
TagKey = Annotated[str, passing(_tag_key)]
TagValue = Annotated[str, limited("iam.tagValue", "a tag value")]
InstanceType = Annotated[str, passing(limits.instance_type_problem)]
PolicyArn = Annotated[
    str,
    matching(
        rules.POLICY_ARN,
        f"an IAM policy ARN like 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' (partitions: {', '.join(rules.PARTITIONS)})",
    ),
    passing(_aws_managed),
]
RoleArn = Annotated[str, matching(rules.ROLE_ARN, "an IAM role ARN like 'arn:aws:iam::123456789012:role/name'")]
AddonVersion = Annotated[str, matching(rules.ADDON_VERSION, "an add-on version like 'v1.3.10-eksbuild.2'; omit it to use the newest")]
Statements = Annotated[list[dict[str, Any]], AfterValidator(_statements)]
ClusterName = Annotated[
    str, matching(rules.EKS_CLUSTER_NAME, "an EKS cluster name: 1-100 letters, digits, '-' or '_', starting with a letter or digit")
]
Image = Annotated[str, passing(rules.image_problem)]
BucketName = Annotated[str, passing(rules.s3_bucket_problem)]
KmsKeyArn = Annotated[str, matching(rules.KMS_KEY_ARN, "a KMS key ARN")]
HostedZoneArn = Annotated[str, matching(rules.HOSTED_ZONE_ARN, "a Route 53 hosted zone ARN like 'arn:aws:route53:::hostedzone/Z123'")]
BucketArn = Annotated[str, matching(rules.S3_BUCKET_ARN, "an S3 bucket ARN like 'arn:aws:s3:::my-bucket'")]
SecretArn = Annotated[str, matching(rules.SECRET_ARN, "a Secrets Manager secret ARN")]
SsmParameterArn = Annotated[str, matching(rules.SSM_PARAMETER_ARN, "an SSM parameter ARN")]
TableArn = Annotated[str, matching(rules.DYNAMODB_TABLE_ARN, "a DynamoDB table ARN")]
VpcId = Annotated[str, matching(rules.VPC_ID, "a VPC ID like 'vpc-0123456789abcdef0'")]
SubnetId = Annotated[str, matching(rules.SUBNET_ID, "a subnet ID like 'subnet-0123456789abcdef0'")]
PrincipalArn = Annotated[str, matching(rules.PRINCIPAL_ARN, "an IAM role or user ARN like 'arn:aws:iam::123456789012:role/ci'")]
