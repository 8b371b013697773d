"""IAM policy documents as pure functions of plain values.

Every document the program sends to IAM is built here, so tests (and parliament) can read
exactly what AWS will receive without running Pulumi. Components only serialise them,
inside an `apply` when an ARN is not known until deploy time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from . import grammar, limits

VERSION = grammar.VERSION
POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com"
POD_IDENTITY_ACTIONS = ["sts:AssumeRole", "sts:TagSession"]

# Session tags EKS adds to every Pod Identity session unless the association disables them.
TAG_CLUSTER_ARN = "eks-cluster-arn"
TAG_CLUSTER_NAME = "eks-cluster-name"
TAG_NAMESPACE = "kubernetes-namespace"
TAG_SERVICE_ACCOUNT = "kubernetes-service-account"

Document = dict[str, Any]
Statement = dict[str, Any]


def document(statements: Iterable[Statement]) -> Document:
    """An IAM policy document holding `statements`."""
    return {"Version": VERSION, "Statement": list(statements)}


def to_json(doc: Mapping[str, Any]) -> str:
    """Stable JSON (sorted keys) so an unchanged document never shows as a diff."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"))


def ec2_trust_policy(dns_suffix: str = "amazonaws.com") -> Document:
    """Trust policy of the node role: EC2 instances of the managed node group assume it."""
    return document([{"Sid": "Ec2Nodes", "Effect": "Allow", "Principal": {"Service": f"ec2.{dns_suffix}"}, "Action": "sts:AssumeRole"}])


def assume_target_statement(target_role_arn: str) -> Statement:
    """What the association role needs to chain into a cross-account target role."""
    return {
        "Sid": "AssumeTargetRole",
        "Effect": "Allow",
        "Action": list(POD_IDENTITY_ACTIONS),
        "Resource": target_role_arn,
    }


def s3_put_object_statement(bucket_arn: str) -> Statement:
    """Write-only access to the objects of one bucket: all the Job sample needs."""
    return {"Sid": "PutSampleObjects", "Effect": "Allow", "Action": ["s3:PutObject"], "Resource": f"{bucket_arn}/*"}


# IAM quota: a customer managed policy holds at most 6,144 characters, white space excluded.
MANAGED_POLICY_MAX = limits.MANAGED_POLICY_SIZE


def size(doc: Document) -> int:
    """The size IAM counts: characters without white space (IAM User Guide, IAM and AWS STS quotas)."""
    return sum(1 for c in to_json(doc) if not c.isspace())


def split_documents(statements: Sequence[Statement], limit: int = MANAGED_POLICY_MAX) -> list[Document]:
    """Pack statements, in order, into as few documents as fit IAM's managed policy size."""
    docs: list[list[Statement]] = [[]]
    for statement in statements:
        candidate = [*docs[-1], statement]
        if docs[-1] and size(document(candidate)) > limit:
            docs.append([statement])
        else:
            docs[-1] = candidate
        if size(document([statement])) > limit:
            raise ValueError(
                f"statement {statement.get('Sid', '')!r} alone exceeds {limit} characters, the most one managed policy "
                "holds: list fewer resources in it (or a wildcard that covers them)"
            )
    return [document(d) for d in docs if d]
