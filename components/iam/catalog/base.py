"""What every catalog entry is made of: the entry record, its upstream, and the small pieces
(statements, ARN patterns, shared parameter types) the builders share."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from pydantic import Field, field_validator

from ...model import Model, matching
from ..documents import Statement
from ..fields import arn_type

# The day every entry's permissions were last compared with its upstream at the version recorded
# in `Upstream.version` (and in tests/upstream/<entry>.json, which the drift test reads).
CHECKED = "2026-11-26"

TargetGroupArn = arn_type(
    "elasticloadbalancing", r"targetgroup/[\w*-]+/[\w*]+", "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/web/0123abcd"
)
QueueArn = arn_type("sqs", r"[\w*-]+(?:\.fifo)?", "arn:aws:sqs:us-west-2:123456789012:my-queue")
RepositoryArn = arn_type("ecr", r"repository/[a-z0-9._/*-]+", "arn:aws:ecr:us-west-2:123456789012:repository/team/app")
WorkspaceArn = arn_type("aps", r"workspace/[\w*-]+", "arn:aws:aps:us-west-2:123456789012:workspace/ws-0123abcd")
CertificateAuthorityArn = arn_type(
    "acm-pca", r"certificate-authority/[\w*-]+", "arn:aws:acm-pca:us-west-2:123456789012:certificate-authority/0123-abcd"
)
LogGroupName = Annotated[
    str, matching(re.compile(r"^[\w#/.*-]{1,512}$"), "a CloudWatch Logs group name (letters, digits, _-./# and * wildcards)")
]


def stmt(sid: str, actions: Sequence[str], resources: Sequence[str] | str = "*", condition: dict[str, Any] | None = None) -> Statement:
    """One Allow statement; one resource (or `*`) may be given as a string."""
    statement: Statement = {
        "Sid": sid,
        "Effect": "Allow",
        "Action": list(actions),
        "Resource": resources if isinstance(resources, str) else list(resources),
    }
    if condition:
        statement["Condition"] = condition
    return statement


def arn(partition: str, service: str, resource: str) -> str:
    """An ARN pattern in the stack's partition, in any region and account."""
    return f"arn:{partition}:{service}:*:*:{resource}"


def kms_statements(keys: Sequence[str], actions: Sequence[str], grants: bool = False) -> list[Statement]:
    """Use of the given customer managed keys. `CreateGrant` (when asked for) goes in its own
    statement limited to grants for AWS resources: EC2 or S3 creates them for the volume or
    object, never the controller for itself."""
    if not keys:
        return []
    statements = [stmt("KmsUse", actions, keys)]
    if grants:
        statements.append(stmt("KmsGrantsForAwsResources", ["kms:CreateGrant"], keys, {"Bool": {"kms:GrantIsForAWSResource": "true"}}))
    return statements


class ManagedChoice(Model):
    """Parameters of an entry AWS also publishes managed policies for: `awsManagedPolicies`
    names some of them (`MANAGED`; their IAM paths are the catalog's business)."""

    MANAGED: ClassVar[tuple[str, ...]] = ()
    aws_managed_policies: list[str] = Field(default_factory=list)

    @field_validator("aws_managed_policies")
    @classmethod
    def _offered(cls, names: list[str]) -> list[str]:
        unknown = [n for n in names if n not in cls.MANAGED]
        if unknown:
            raise ValueError(f"{unknown} are not offered for this entry; choose among {list(cls.MANAGED)}")
        return names


class NoParams(Model):
    """Entries scoped by resource tags the controller sets itself: nothing to configure."""


AWS_MANAGED = "AWS managed policy"
"""`Upstream.repo` of an entry that follows an AWS managed policy (no controller repository)."""


@dataclass(frozen=True)
class Upstream:
    """The document an entry follows: repository (or AWS managed policy), file and version."""

    repo: str
    path: str
    version: str

    def __str__(self) -> str:
        return f"{self.repo} {self.path} @ {self.version}"


@dataclass(frozen=True)
class WellKnown:
    """One catalog entry: its config key, what it builds, where its permissions come from, and
    the AWS managed policies that can stand in for the built ones."""

    key: str
    title: str
    params: type[Model]
    build: Callable[[Any, str, Sequence[str]], list[Statement]] | None
    upstream: tuple[Upstream, ...]
    service_account: str
    """Where the controller usually runs (namespace/serviceAccount), for the docs."""
    managed_policies: tuple[str, ...] = ()
    """AWS managed policies always attached, as `path/Name` below `policy/` (e.g. `CloudWatchAgentServerPolicy`)."""
    managed_alternatives: tuple[str, ...] = ()
    """AWS managed policies the user may attach instead of the built statements (`awsManagedPolicies`)."""
    checked: str = CHECKED

    @property
    def source(self) -> str:
        return "; ".join(str(u) for u in self.upstream)

    @property
    def version(self) -> str:
        """The upstream version(s) compared, e.g. `v3.5.0`."""
        return "; ".join(dict.fromkeys(u.version for u in self.upstream))

    def managed_policy_names(self, params: Model | None = None) -> list[str]:
        """`path/Name` of every AWS managed policy attached for these parameters."""
        chosen = list(getattr(params, "aws_managed_policies", None) or [])
        by_name = {p.rsplit("/", 1)[-1]: p for p in self.managed_alternatives}
        return [*self.managed_policies, *(by_name[n] for n in chosen)]
