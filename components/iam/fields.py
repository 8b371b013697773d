"""Config field types of IAM values: names, paths, tags, ARNs and statements, each checked as
IAM checks it (`grammar`, the modelled limits of `aws_data`, AWS's managed policy list)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator

from .. import aws_data
from ..arn import ACCOUNT_PATTERN, PARTITION_PATTERN, PARTITIONS, REGION_PATTERN, Arn
from ..model import at_most, limited, matching, passing
from . import grammar, limits


def _statements(values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    problems = [f"statement {i} {p}" for i, s in enumerate(values) for p in grammar.statement_problems(s)]
    if problems:
        raise ValueError("; ".join(problems))
    return values


def tag_key_problem(value: str) -> str | None:
    """Why `value` is no tag key IAM and EKS both accept (the role's tags go on associations too)."""
    if value.lower().startswith("aws:"):
        return "starts with 'aws:', which AWS reserves for its own tags"
    return aws_data.problem("iam.tagKey", value, "a tag key") or aws_data.problem("eks.tagKey", value, "a tag key")


def _aws_managed(value: str) -> str | None:
    arn = Arn.parse(value)
    return limits.managed_policy_problem(value) if arn and arn.account == "aws" else None


RoleName = Annotated[str, limited("iam.roleName", "a role name")]
IamPath = Annotated[str, limited("iam.path", "an IAM path ('/' or '/segment/.../')")]
Description = Annotated[str, limited("iam.roleDescription", "a role description")]
TagKey = Annotated[str, passing(tag_key_problem)]
TagValue = Annotated[str, limited("iam.tagValue", "a tag value")]
PolicyArn = Annotated[
    str,
    matching(
        grammar.POLICY_ARN,
        f"an IAM policy ARN like 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' (partitions: {', '.join(PARTITIONS)})",
    ),
    passing(_aws_managed),
]
PolicyArns = Annotated[
    list[PolicyArn],
    at_most(limits.MANAGED_POLICIES_PER_ROLE_MAX, f"IAM attaches at most {limits.MANAGED_POLICIES_PER_ROLE_MAX} policies to a role"),
]
RoleArn = Annotated[str, matching(grammar.ROLE_ARN, "an IAM role ARN like 'arn:aws:iam::123456789012:role/name'")]
PrincipalArn = Annotated[str, matching(grammar.PRINCIPAL_ARN, "an IAM role or user ARN like 'arn:aws:iam::123456789012:role/ci'")]
Statements = Annotated[list[dict[str, Any]], AfterValidator(_statements)]

# ARNs of the resources policies are scoped by (wildcards allowed where IAM allows them).
HOSTED_ZONE_ARN = re.compile(rf"^arn:{PARTITION_PATTERN}:route53:::hostedzone/[A-Z0-9*]+$")
S3_BUCKET_ARN = re.compile(rf"^arn:{PARTITION_PATTERN}:s3:::[a-z0-9][a-z0-9.*-]{{1,61}}[a-z0-9*]$")


def arn_type(service: str, resource: str, example: str) -> Any:
    """A config field holding an ARN of `service` whose resource part matches `resource`; region
    and account take a wildcard, as IAM does in a policy's Resource (IAM User Guide,
    reference_policies_elements_resource)."""
    pattern = re.compile(rf"^arn:{PARTITION_PATTERN}:{service}:{REGION_PATTERN}:{ACCOUNT_PATTERN}:{resource}$")
    return Annotated[str, matching(pattern, f"an ARN like {example!r}")]


KmsKeyArn = arn_type("kms", r"(key|alias)/[\w/*+=,.@-]+", "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
HostedZoneArn = Annotated[str, matching(HOSTED_ZONE_ARN, "a Route 53 hosted zone ARN like 'arn:aws:route53:::hostedzone/Z123'")]
BucketArn = Annotated[str, matching(S3_BUCKET_ARN, "an S3 bucket ARN like 'arn:aws:s3:::my-bucket'")]
SecretArn = arn_type("secretsmanager", r"secret:[\w/*+=,.@-]+", "arn:aws:secretsmanager:us-west-2:123456789012:secret:app/*")
SsmParameterArn = arn_type("ssm", r"parameter/[\w/*.-]+", "arn:aws:ssm:us-west-2:123456789012:parameter/app/*")
TableArn = arn_type("dynamodb", r"table/[\w.-]+", "arn:aws:dynamodb:us-west-2:123456789012:table/orders")
