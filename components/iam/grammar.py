"""IAM's grammar: what a policy document, a statement, an IAM name or ARN may hold.

The config refuses here what IAM would refuse, before anything is created. Standard library
only, so the policy pack's own virtualenv can import it (see `admin`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from ..arn import PARTITION_PATTERN

VERSION = "2012-10-17"
STATEMENT_KEYS = {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"}
IAM_ACTION = re.compile(r"^(\*|[a-zA-Z0-9*?-]+:[A-Za-z0-9*?]+)$")
SID = re.compile(r"^[A-Za-z0-9]*$")
# IAM User Guide, "IAM JSON policy elements: Condition operators": every operator, each of
# which (but Null) also takes an `IfExists` suffix, and set operators as prefixes.
CONDITION_OPERATORS = {
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
}
SET_PREFIXES = ("ForAllValues:", "ForAnyValue:")
# ARN: arn:partition:service:region:account:resource (AWS General Reference, "ARN format").
# Wildcards may stand in any segment but the service's, and a `*` ending a segment matches
# across the colons after it, so `arn:aws:ec2:*` is valid; but "you can't use a wildcard in the
# service segment that identifies the AWS product" (IAM User Guide,
# reference_policies_elements_resource, "Using wildcards in resource ARNs"): `arn:*`,
# `arn:aws:*` and `arn:aws:s3*` are refused.
ARN = re.compile(r"^arn:[a-z*?-]+:[a-z0-9-]+:[a-z0-9*?-]*:[0-9a-z*?-]*:.+$")
SHORT_WILDCARD_ARN = re.compile(r"^arn:[a-z*?-]+:[a-z0-9-]+:(?:[^:]*:){0,2}[^:]*\*$")
WILDCARD_SERVICE = re.compile(r"^arn:[^:]*:[^:]*[*?]")

# IAM names and ARNs (IAM User Guide, "IAM identifiers" and "IAM and AWS STS quotas").
IAM_NAME_CHARS = r"[A-Za-z0-9_+=,.@-]"  # ASCII only ("IAM identifiers": alphanumeric and +=,.@-_)
ROLE_NAME_MAX = 64
# A name prefix gets Terraform's unique ID appended: 26 characters (terraform-plugin-sdk
# helper/id UniqueIDSuffixLength; terraform-provider-aws iam/role.go bounds name_prefix to
# roleNameMaxLen - id.UniqueIDSuffixLength).
UNIQUE_ID_SUFFIX = 26
ROLE_NAME_PREFIX_MAX = ROLE_NAME_MAX - UNIQUE_ID_SUFFIX
MIN_SESSION_DURATION, MAX_SESSION_DURATION = 3600, 43200
POLICY_ARN = re.compile(rf"^arn:{PARTITION_PATTERN}:iam::(?:aws|\d{{12}}):policy/(?:{IAM_NAME_CHARS}+/)*{IAM_NAME_CHARS}{{1,128}}$")
ROLE_ARN = re.compile(rf"^arn:{PARTITION_PATTERN}:iam::\d{{12}}:role/(?:{IAM_NAME_CHARS}+/)*{IAM_NAME_CHARS}{{1,64}}$")
PRINCIPAL_ARN = re.compile(rf"^arn:{PARTITION_PATTERN}:iam::\d{{12}}:(role|user)/(?:{IAM_NAME_CHARS}+/)*{IAM_NAME_CHARS}{{1,64}}$")
OIDC_PROVIDER_ARN = re.compile(
    rf"^arn:{PARTITION_PATTERN}:iam::\d{{12}}:oidc-provider/oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/id/[A-Z0-9]+$"
)


def as_list(value: Any) -> list[Any]:
    """A policy field that IAM takes as a value or a list of values (Action, Resource, ...), as a
    list; an absent one (None) as no values."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def condition_operator_problem(operator: object) -> str | None:
    if not isinstance(operator, str):
        return f"condition operator {operator!r} is not one IAM knows (operators are names such as StringEquals)"
    base = operator
    for prefix in SET_PREFIXES:
        base = base.removeprefix(prefix)
    stripped = base.removesuffix("IfExists")
    known = stripped in CONDITION_OPERATORS and not (stripped == "Null" and stripped != base)
    return None if known else f"condition operator {operator!r} is not one IAM knows"


def statement_problems(statement: Any) -> list[str]:
    """Why `statement` is not a valid statement of an identity-based IAM policy."""
    if not isinstance(statement, dict):
        return ["is not an object with Effect, Action and Resource"]
    problems = []
    unknown = sorted(set(statement) - STATEMENT_KEYS)
    if unknown:
        hint = " (a permission policy has no Principal)" if "Principal" in unknown else ""
        problems.append(f"has unknown keys {unknown}{hint}; allowed: {sorted(STATEMENT_KEYS)}")
    if statement.get("Effect") not in ("Allow", "Deny"):
        problems.append("needs Effect 'Allow' or 'Deny'")
    if ("Action" in statement) == ("NotAction" in statement):
        problems.append("needs exactly one of Action or NotAction")
    if ("Resource" in statement) == ("NotResource" in statement):
        problems.append("needs exactly one of Resource or NotResource")
    for key in ("Action", "NotAction", "Resource", "NotResource"):
        if key in statement and as_list(statement[key]) == []:
            problems.append(f"{key} is empty; IAM refuses an empty list")
    for key in ("Action", "NotAction"):
        for action in as_list(statement.get(key, [])):
            if not isinstance(action, str) or not IAM_ACTION.match(action):
                problems.append(f"{key} {action!r} is not 'service:Action' (wildcards * and ? allowed)")
    for key in ("Resource", "NotResource"):
        for resource in as_list(statement.get(key, [])):
            if isinstance(resource, str) and WILDCARD_SERVICE.match(resource):
                problems.append(f"{key} {resource!r} has a wildcard in its service segment, which IAM refuses; name the service")
            elif not isinstance(resource, str) or not (resource == "*" or ARN.match(resource) or SHORT_WILDCARD_ARN.match(resource)):
                problems.append(f"{key} {resource!r} is not '*' nor an ARN 'arn:partition:service:region:account:resource'")
    if "Sid" in statement and not (isinstance(statement["Sid"], str) and SID.match(statement["Sid"])):
        problems.append("Sid may only hold letters and digits")
    condition = statement.get("Condition", {})
    if not isinstance(condition, dict) or not all(isinstance(v, dict) and v for v in condition.values()):
        problems.append("Condition must map operators to non-empty {key: value} objects")
    else:
        problems += [p for op in condition if (p := condition_operator_problem(op))]
        # `<condition_value> = ("string" | "number" | "Boolean")`, one or a list (IAM User Guide,
        # reference_policies_grammar): an object or a nested list is no condition value.
        problems += [
            f"Condition {op!r} {key!r}: a condition value is text, a number, a boolean or a list of them, not {value!r}"
            for op, block in condition.items()
            for key, value in block.items()
            if not all(isinstance(v, (str, int, float, bool)) for v in as_list(value))
        ]
    return problems


def duplicate_sids(statements: Iterable[Any]) -> list[str]:
    """Sids used twice in one document (IAM requires them unique within a policy)."""
    counts = Counter(str(s["Sid"]) for s in statements if isinstance(s, dict) and s.get("Sid"))
    return sorted(sid for sid, n in counts.items() if n > 1)


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
    problems += [f"Sid {sid!r} appears twice; Sids are unique within a policy" for sid in duplicate_sids(statements)]
    return problems
