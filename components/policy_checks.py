"""What an IAM policy document may hold, and what makes it admin: one check, shared.

The config refuses statements IAM would refuse (grammar) and statements that grant
everything or a path to everything (admin, privilege escalation) unless `allowAdmin`; the
policy pack (policypack/policies.py) runs the same semantic check on any stack. Standard
library only, so the pack's own virtualenv can import it.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

VERSION = "2012-10-17"
STATEMENT_KEYS = {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"}
IAM_ACTION = re.compile(r"^(\*|[a-zA-Z0-9*?-]+:[A-Za-z0-9*?]+)$")
SID = re.compile(r"^[A-Za-z0-9]*$")
# IAM User Guide, "IAM JSON policy elements: Condition operators": every operator, each of
# which (but Null) also takes an `IfExists` suffix, and set operators as prefixes.
CONDITION_OPERATORS = {
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike",
    "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
    "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals", "DateNotEquals", "DateLessThan",
    "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals", "Bool", "BinaryEquals", "IpAddress",
    "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
}
SET_PREFIXES = ("ForAllValues:", "ForAnyValue:")
# ARN: arn:partition:service:region:account:resource (AWS General Reference, "ARN format"); a
# wildcard may end it early (`arn:aws:*`), but the partition must be given (IAM: "Resource
# vendor must be fully qualified", so `arn:*` is refused).
ARN = re.compile(r"^arn:[a-z-]*[a-z*?-]:[a-z0-9*?-]*:[a-z0-9*?-]*:[0-9a-z*?-]*:.+$")
SHORT_WILDCARD_ARN = re.compile(r"^arn:[a-z-]+:([^:]*:){0,3}[^:]*\*$")
# The AWS managed policies this module calls admin: written by tools/refresh_aws_data.py, which
# runs admin_problems below over each policy's document (moto's copy of AWS's list).
MANAGED_POLICIES = Path(__file__).resolve().parent / "data" / "aws_managed_policies.json"
# Privilege-escalation methods: sets of actions that together let a principal grant itself
# more. Facts from salesforce/cloudsplaining cloudsplaining/shared/constants.py
# PRIVILEGE_ESCALATION_METHODS (commit 126e0524), its Rhino Security Labs set.
ESCALATION_METHODS: dict[str, tuple[str, ...]] = {
    "CreateAccessKey": ("iam:CreateAccessKey",),
    "CreateLoginProfile": ("iam:CreateLoginProfile",),
    "UpdateLoginProfile": ("iam:UpdateLoginProfile",),
    "AddUserToGroup": ("iam:AddUserToGroup",),
    "CreateNewPolicyVersion": ("iam:CreatePolicyVersion",),
    "SetExistingDefaultPolicyVersion": ("iam:SetDefaultPolicyVersion",),
    "AttachUserPolicy": ("iam:AttachUserPolicy",),
    "AttachGroupPolicy": ("iam:AttachGroupPolicy",),
    "AttachRolePolicy": ("iam:AttachRolePolicy",),
    "PutUserPolicy": ("iam:PutUserPolicy",),
    "PutGroupPolicy": ("iam:PutGroupPolicy",),
    "PutRolePolicy": ("iam:PutRolePolicy",),
    "UpdateRolePolicyToAssumeIt": ("iam:UpdateAssumeRolePolicy",),
    "CreateEC2WithExistingIP": ("iam:PassRole", "ec2:RunInstances"),
    "PassExistingRoleToNewLambdaThenInvoke": ("iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"),
    "PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo": (
        "iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"),
    "PassExistingRoleToNewGlueDevEndpoint": ("iam:PassRole", "glue:CreateDevEndpoint"),
    "PassExistingRoleToCloudFormation": ("iam:PassRole", "cloudformation:CreateStack"),
    "PassExistingRoleToNewDataPipeline": ("iam:PassRole", "datapipeline:CreatePipeline"),
    "UpdateExistingGlueDevEndpoint": ("glue:UpdateDevEndpoint",),
    "EditExistingLambdaFunctionWithRole": ("lambda:UpdateFunctionCode",),
}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def condition_operator_problem(operator: str) -> str | None:
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
            if not isinstance(resource, str) or not (resource == "*" or ARN.match(resource) or SHORT_WILDCARD_ARN.match(resource)):
                problems.append(f"{key} {resource!r} is not '*' nor an ARN 'arn:partition:service:region:account:resource'")
    if "Sid" in statement and not (isinstance(statement["Sid"], str) and SID.match(statement["Sid"])):
        problems.append("Sid may only hold letters and digits")
    condition = statement.get("Condition", {})
    if not isinstance(condition, dict) or not all(isinstance(v, dict) and v for v in condition.values()):
        problems.append("Condition must map operators to non-empty {key: value} objects")
    else:
        problems += [p for op in condition if (p := condition_operator_problem(op))]
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


def _every_resource(resource: Any) -> bool:
    """`*`, or an ARN whose service and resource are wildcards (`arn:*`, `arn:aws:*:*:*:*`)."""
    if resource == "*":
        return True
    if not isinstance(resource, str) or not resource.startswith("arn:"):
        return False
    parts = resource.split(":", 5) + [""] * 6
    return parts[2] in ("*", "") and parts[5] in ("*", "")


def _unrestricted(resource: Any) -> bool:
    """Every resource, or every resource of one type (`arn:aws:iam::123456789012:role/*`,
    `arn:aws:lambda:*:*:function:*`: some services separate the type with `:`)."""
    return _every_resource(resource) or (isinstance(resource, str) and bool(re.fullmatch(r"arn:[^:]*:[^:]*:[^:]*:[^:]*:([A-Za-z-]+[/:])?\*", resource)))


def grants_admin(statement: Any) -> bool:
    """True when a statement allows every action (or all but some) on every resource (or all but some)."""
    if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
        return False
    every_action = "NotAction" in statement or any(a in ("*", "*:*") for a in as_list(statement.get("Action", [])))
    every_resource = "NotResource" in statement or any(_every_resource(r) for r in as_list(statement.get("Resource", [])))
    return every_action and every_resource


def escalations(statements: Sequence[Any]) -> list[str]:
    """The privilege-escalation methods the Allow statements grant on unrestricted resources of
    each action's own service (`iam:PutRolePolicy` on `arn:aws:s3:::*` grants nothing)."""
    granted = [
        (a.lower(), resource)
        for s in statements
        if isinstance(s, dict) and s.get("Effect") == "Allow" and "Action" in s
        for resource in (["*"] if "NotResource" in s else [r for r in as_list(s.get("Resource", [])) if _unrestricted(r)])
        for a in as_list(s["Action"])
        if isinstance(a, str)
    ]
    return [
        method
        for method, actions in ESCALATION_METHODS.items()
        if all(any(fnmatch.fnmatchcase(action.lower(), pattern) and _of_service(resource, action) for pattern, resource in granted)
               for action in actions)
    ]


def _of_service(resource: str, action: str) -> bool:
    """True when a resource pattern can name a resource of the action's service."""
    if resource == "*":
        return True
    service = resource.split(":")[2] if resource.count(":") >= 2 else ""
    return service in ("", "*") or fnmatch.fnmatchcase(action.split(":")[0].lower(), service.lower())


def admin_problems(statements: Sequence[Any], managed_policy_arns: Sequence[str] = ()) -> list[str]:
    """What in these permissions is admin: everything on everything, AdministratorAccess, or a
    privilege-escalation path; empty when nothing is."""
    problems = [f"statements[{i}] allows every action on every resource" for i, s in enumerate(statements) if grants_admin(s)]
    problems += [f"{arn} is admin ({admin_managed_policies()[_name(arn)]})" for arn in managed_policy_arns if is_admin_policy_arn(arn)]
    methods = escalations(statements) if not problems else []  # everything includes every escalation
    if methods:
        problems.append(f"the statements allow privilege escalation on any resource ({', '.join(methods)})")
    return problems


def is_admin_policy_arn(arn: str) -> bool:
    """True for the AWS managed policies whose document is admin by this module's own check
    (AdministratorAccess, PowerUserAccess, IAMFullAccess, ...): attaching one is no narrower
    than writing its statements inline."""
    return ":iam::aws:policy/" in arn and _name(arn) in admin_managed_policies()


@functools.cache
def managed_policies() -> dict[str, Any]:
    """AWS's managed policy list as refreshed into data/aws_managed_policies.json: `source`,
    `paths` (name -> path) and `admin` (name -> why). Read once."""
    loaded: dict[str, Any] = json.loads(MANAGED_POLICIES.read_text())
    return loaded


def admin_managed_policies() -> dict[str, str]:
    """Name -> why, for every admin AWS managed policy."""
    admin: dict[str, str] = managed_policies()["admin"]
    return admin


def _name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]
