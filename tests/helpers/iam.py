"""IAM as IAM would judge it: trust policies evaluated on the session tags EKS sends, permission
statements evaluated on a request, and moto's policy validators as a second opinion on what the
program writes."""

from __future__ import annotations

import json
import re

from moto.iam.exceptions import MalformedPolicyDocument
from moto.iam.policy_validation import IAMPolicyDocumentValidator

ARN = {c: f"arn:aws:eks:us-east-1:123456789012:cluster/{c}" for c in ("blue", "green", "red")}


def admits(doc: dict, cluster: str, namespace: str, service_account: str, arns: dict[str, str] = ARN) -> bool:
    """Would IAM let EKS assume the role for this pod? (Allow statements, StringEquals only.)"""
    tags = {
        "aws:RequestTag/kubernetes-namespace": namespace,
        "aws:RequestTag/kubernetes-service-account": service_account,
        "aws:RequestTag/eks-cluster-arn": arns[cluster],
        "aws:SourceOrgId": "${aws:ResourceOrgId}",
    }
    for statement in doc["Statement"]:
        assert statement["Principal"] == {"Service": "pods.eks.amazonaws.com"}
        assert statement["Action"] == ["sts:AssumeRole", "sts:TagSession"]
        conditions = statement.get("Condition", {})
        assert set(conditions) <= {"StringEquals"}, "only StringEquals is evaluated here"
        equals = conditions.get("StringEquals", {})
        if all(tags[key] in (values if isinstance(values, list) else [values]) for key, values in equals.items()):
            return True
    return False


def moto_accepts(doc: dict, validator=IAMPolicyDocumentValidator) -> bool:
    try:
        validator(json.dumps(doc)).validate()
    except MalformedPolicyDocument:
        return False
    return True


def _glob(pattern: str, value: str, case: bool = True) -> bool:
    """IAM's wildcards: `*` any run of characters, `?` one character."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, 0 if case else re.IGNORECASE) is not None


def _listed(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


def _condition_holds(operator: str, key: str, wanted: str | list[str], context: dict[str, str | list[str]]) -> bool:
    wanted = [str(w) for w in _listed(wanted)]
    given = [str(v) for v in _listed(context[key])] if key in context else []
    if operator == "StringEquals":
        return len(given) == 1 and given[0] in wanted
    if operator == "StringLike":
        return len(given) == 1 and any(_glob(w, given[0]) for w in wanted)
    if operator == "ForAllValues:StringEquals":
        return all(g in wanted for g in given)
    if operator == "ForAnyValue:StringEquals":
        return any(g in wanted for g in given)
    if operator == "Null":
        return (key not in context) == (wanted == ["true"])
    if operator == "Bool":
        return len(given) == 1 and given[0].lower() in [w.lower() for w in wanted]
    raise NotImplementedError(f"condition operator {operator} is not evaluated here")


def _applies(statement: dict, action: str, resource: str, context: dict[str, str | list[str]]) -> bool:
    if "Action" in statement:
        if not any(_glob(a, action, case=False) for a in _listed(statement["Action"])):
            return False
    elif any(_glob(a, action, case=False) for a in _listed(statement["NotAction"])):
        return False
    if "Resource" in statement:
        if not any(_glob(r, resource) for r in _listed(statement["Resource"])):
            return False
    elif any(_glob(r, resource) for r in _listed(statement["NotResource"])):
        return False
    return all(
        _condition_holds(operator, key, wanted, context)
        for operator, block in statement.get("Condition", {}).items()
        for key, wanted in block.items()
    )


def allows(statements: list[dict], action: str, resource: str, context: dict[str, str | list[str]] | None = None) -> bool:
    """Would IAM allow `action` on `resource` under these permission statements, for a request
    with these condition keys (a list for a multivalued key)? An explicit Deny wins; without a
    matching Allow, the request is denied. Only the condition operators above are evaluated:
    any other raises, so a statement is never judged on a condition ignored."""
    context = context or {}
    matching = [s for s in statements if _applies(s, action, resource, context)]
    return any(s["Effect"] == "Allow" for s in matching) and not any(s["Effect"] == "Deny" for s in matching)
