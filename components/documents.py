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


def trust_policy(
    namespaces: Sequence[str] = (),
    service_accounts: Sequence[str] = (),
    cluster_arns: Sequence[str] = (),
    source_org_id: str | None = None,
) -> Document:
    """The trust policy of a Pod Identity role.

    Only `pods.eks.amazonaws.com` may call `sts:AssumeRole` and `sts:TagSession`. Each
    non-empty scope adds a `StringEquals` condition on the session tag EKS sends, so the
    role cannot be used by another namespace, service account or cluster even if someone
    creates an association for it; `source_org_id` blocks use from outside the organisation.
    With no scope at all the statement is the unconditioned one AWS documents.
    """
    equals: dict[str, Any] = {}
    for tag, values in (
        (TAG_NAMESPACE, namespaces),
        (TAG_SERVICE_ACCOUNT, service_accounts),
        (TAG_CLUSTER_ARN, cluster_arns),
    ):
        if values:
            equals[f"aws:RequestTag/{tag}"] = sorted(set(values))
    if source_org_id:
        equals["aws:SourceOrgId"] = source_org_id
    statement: Statement = {
        "Sid": "EksPodIdentity",
        "Effect": "Allow",
        "Principal": {"Service": POD_IDENTITY_PRINCIPAL},
        "Action": list(POD_IDENTITY_ACTIONS),
    }
    if equals:
        statement["Condition"] = {"StringEquals": equals}
    return document([statement])


def ec2_trust_policy(dns_suffix: str = "amazonaws.com") -> Document:
    """Trust policy of the node role: EC2 instances of the managed node group assume it."""
    return document(
        [{"Sid": "Ec2Nodes", "Effect": "Allow", "Principal": {"Service": f"ec2.{dns_suffix}"}, "Action": "sts:AssumeRole"}]
    )


def target_trust_policy(
    source_role_arns: Sequence[str],
    namespaces: Sequence[str] = (),
    service_accounts: Sequence[str] = (),
    external_ids: Sequence[str] = (),
) -> Document:
    """Trust policy of a cross-account target role, assumed by the association role(s).

    EKS chains from the association role into the target role with the session tags (they
    are transitive), so the tags scope it like the first hop; when the association disables
    session tags, EKS passes the association's `external_id` as `sts:ExternalId` instead.
    The principal is the account root narrowed by `aws:PrincipalArn`, so the target role can
    be created before (or without) the source role existing, and no cycle forms.
    """
    accounts = sorted({arn.split(":")[4] for arn in source_role_arns})
    partition = rules.partition_of(source_role_arns[0])
    equals: dict[str, Any] = {}
    if namespaces:
        equals[f"aws:RequestTag/{TAG_NAMESPACE}"] = sorted(set(namespaces))
    if service_accounts:
        equals[f"aws:RequestTag/{TAG_SERVICE_ACCOUNT}"] = sorted(set(service_accounts))
    if external_ids:
        equals["sts:ExternalId"] = sorted(set(external_ids))
    condition: dict[str, Any] = {"ArnEquals": {"aws:PrincipalArn": sorted(set(source_role_arns))}}
    if equals:
        condition["StringEquals"] = equals
    return document(
        [
            {
                "Sid": "EksPodIdentityRoleChain",
                "Effect": "Allow",
                "Principal": {"AWS": [f"arn:{partition}:iam::{account}:root" for account in accounts]},
                "Action": list(POD_IDENTITY_ACTIONS),
                "Condition": condition,
            }
        ]
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
