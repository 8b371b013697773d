"""IAM policy documents as pure functions of plain values.

Every document the program sends to IAM is built here, so tests (and parliament) can read
exactly what AWS will receive without running Pulumi. Components only serialise them,
inside an `apply` when an ARN is not known until deploy time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from . import rules

VERSION = "2012-10-17"
POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com"
POD_IDENTITY_ACTIONS = ["sts:AssumeRole", "sts:TagSession"]

# Session tags EKS adds to every Pod Identity session unless the association disables them.
TAG_CLUSTER_ARN = "eks-cluster-arn"
TAG_CLUSTER_NAME = "eks-cluster-name"
TAG_NAMESPACE = "kubernetes-namespace"
TAG_SERVICE_ACCOUNT = "kubernetes-service-account"
TAG_POD_NAME = "kubernetes-pod-name"
TAG_POD_UID = "kubernetes-pod-uid"

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
    return document(
        [{"Sid": "Ec2Nodes", "Effect": "Allow", "Principal": {"Service": f"ec2.{dns_suffix}"}, "Action": "sts:AssumeRole"}]
    )


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


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def statement_problems(statement: Any) -> list[str]:
    """Why `statement` is not a valid statement of an identity-based IAM policy."""
    if not isinstance(statement, dict):
        return ["is not an object with Effect, Action and Resource"]
    problems = []
    unknown = sorted(set(statement) - rules.STATEMENT_KEYS)
    if unknown:
        hint = " (a permission policy has no Principal)" if "Principal" in unknown else ""
        problems.append(f"has unknown keys {unknown}{hint}; allowed: {sorted(rules.STATEMENT_KEYS)}")
    if statement.get("Effect") not in ("Allow", "Deny"):
        problems.append("needs Effect 'Allow' or 'Deny'")
    if ("Action" in statement) == ("NotAction" in statement):
        problems.append("needs exactly one of Action or NotAction")
    if ("Resource" in statement) == ("NotResource" in statement):
        problems.append("needs exactly one of Resource or NotResource")
    for key in ("Action", "NotAction"):
        for action in _as_list(statement.get(key, [])):
            if not isinstance(action, str) or not rules.IAM_ACTION.match(action):
                problems.append(f"{key} {action!r} is not 'service:Action' (wildcards * and ? allowed)")
    for key in ("Resource", "NotResource"):
        for resource in _as_list(statement.get(key, [])):
            if not isinstance(resource, str) or not (resource == "*" or resource.startswith("arn:")):
                problems.append(f"{key} {resource!r} is not an ARN or '*'")
    if "Sid" in statement and not (isinstance(statement["Sid"], str) and rules.SID.match(statement["Sid"])):
        problems.append("Sid may only hold letters and digits")
    condition = statement.get("Condition", {})
    if not isinstance(condition, dict) or not all(isinstance(v, dict) for v in condition.values()):
        problems.append("Condition must map operators to {key: value} objects")
    return problems


# IAM quota: a customer managed policy holds at most 6,144 characters, white space excluded.
MANAGED_POLICY_MAX = 6144


def split_documents(statements: Sequence[Statement], limit: int = MANAGED_POLICY_MAX) -> list[Document]:
    """Pack statements, in order, into as few documents as fit IAM's managed policy size."""
    docs: list[list[Statement]] = [[]]
    for statement in statements:
        candidate = [*docs[-1], statement]
        if docs[-1] and len(to_json(document(candidate))) > limit:
            docs.append([statement])
        else:
            docs[-1] = candidate
        if len(to_json(document([statement]))) > limit:
            raise ValueError(f"statement {statement.get('Sid', '')!r} alone exceeds {limit} characters")
    return [document(d) for d in docs if d]


def document_problems(doc: Any) -> list[str]:
    """Why `doc` is not an identity-based IAM policy document."""
    if not isinstance(doc, dict):
        return ["is not an object"]
    problems = []
    if doc.get("Version") != VERSION:
        problems.append(f"Version must be {VERSION!r}")
    unknown = sorted(set(doc) - {"Version", "Id", "Statement"})
    if unknown:
        problems.append(f"unknown keys {unknown}")
    statements = doc.get("Statement")
    if not isinstance(statements, list) or not statements:
        return [*problems, "Statement must be a non-empty list"]
    problems += [f"Statement[{i}] {p}" for i, s in enumerate(statements) for p in statement_problems(s)]
    return problems


def grants_admin(statement: Statement) -> bool:
    """True when a statement allows every action on every resource."""
    if statement.get("Effect") != "Allow" or "Action" not in statement or "Resource" not in statement:
        return False
    actions = _as_list(statement["Action"])
    return any(a in ("*", "*:*") for a in actions) and "*" in _as_list(statement["Resource"])


def is_admin_policy_arn(arn: str) -> bool:
    """True for the AWS managed policies that grant everything."""
    return arn.endswith(":policy/AdministratorAccess") and ":iam::aws:" in arn
