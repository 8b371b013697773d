"""Attribute-based access templates keyed on the session tags EKS Pod Identity sets.

One role can serve many namespaces (or clusters) when its permissions name
`${aws:PrincipalTag/kubernetes-namespace}` instead of a fixed value: each pod is limited to
what its own tags select. These need session tags, so an identity that disables them
cannot use the templates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field

from ..arn import ACCOUNT_PATTERN, REGION_PATTERN
from ..model import Model, matching
from .documents import TAG_CLUSTER_NAME, TAG_NAMESPACE, Statement
from .fields import BucketArn, TableArn

NAMESPACE = f"${{aws:PrincipalTag/{TAG_NAMESPACE}}}"
CLUSTER_NAME = f"${{aws:PrincipalTag/{TAG_CLUSTER_NAME}}}"


class BucketsParams(Model):
    bucket_arns: list[BucketArn] = Field(min_length=1)
    per_cluster: bool = False
    """Prefix `cluster/<cluster>/namespace/<namespace>/` instead of `namespace/<namespace>/`, for
    buckets shared by clusters."""


class SecretsParams(Model):
    region: Annotated[str, matching(re.compile(f"^{REGION_PATTERN}$"), "a region like 'us-east-1', or '*'")] = "*"
    account_id: Annotated[str, matching(re.compile(f"^{ACCOUNT_PATTERN}$"), "a 12-digit account ID, or '*'")] = "*"


class TablesParams(Model):
    table_arns: list[TableArn] = Field(min_length=1)


def s3_namespace_prefix(params: BucketsParams, partition: str) -> list[Statement]:
    """Each namespace reads and writes only under its own prefix of shared buckets.

    The two layouts start with different literal segments, so they never overlap on one
    bucket: with `<cluster>/<namespace>/` beside `<namespace>/`, a namespace named like a
    cluster would read that cluster's tenants. Namespaces are DNS labels (no `/`), so
    `namespace/<ns>/` cannot reach into `cluster/...` either.
    """
    prefix = f"cluster/{CLUSTER_NAME}/namespace/{NAMESPACE}" if params.per_cluster else f"namespace/{NAMESPACE}"
    return [
        {
            "Sid": "OwnPrefixObjects",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            "Resource": [f"{b}/{prefix}/*" for b in params.bucket_arns],
        },
        {
            "Sid": "ListOwnPrefix",
            "Effect": "Allow",
            "Action": ["s3:ListBucket"],
            "Resource": list(params.bucket_arns),
            "Condition": {"StringLike": {"s3:prefix": [f"{prefix}/*"]}},
        },
    ]


def secrets_by_namespace_tag(params: SecretsParams, partition: str) -> list[Statement]:
    """Read the secrets tagged `kubernetes-namespace=<the pod's namespace>`, and no others."""
    return [
        {
            "Sid": "ReadOwnNamespaceSecrets",
            "Effect": "Allow",
            "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            "Resource": f"arn:{partition}:secretsmanager:{params.region}:{params.account_id}:secret:*",
            "Condition": {"StringEquals": {f"secretsmanager:ResourceTag/{TAG_NAMESPACE}": NAMESPACE}},
        }
    ]


def dynamodb_namespace_keys(params: TablesParams, partition: str) -> list[Statement]:
    """Items whose partition key equals the pod's namespace, in shared tables."""
    return [
        {
            "Sid": "OwnNamespaceItems",
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"],
            "Resource": list(params.table_arns),
            "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [NAMESPACE]}},
        }
    ]


@dataclass(frozen=True)
class Template:
    key: str
    params: type[Model]
    build: Callable[[Any, str], list[Statement]]


TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in [
        Template("s3NamespacePrefix", BucketsParams, s3_namespace_prefix),
        Template("secretsByNamespaceTag", SecretsParams, secrets_by_namespace_tag),
        Template("dynamodbNamespaceKeys", TablesParams, dynamodb_namespace_keys),
    ]
}


def statements_for(templates: Sequence[tuple[str, Model]], partition: str) -> list[Statement]:
    return [s for key, params in templates for s in TEMPLATES[key].build(params, partition)]
