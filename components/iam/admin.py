"""What makes IAM permissions admin: everything on everything, or a path to everything.

The config refuses such permissions unless `allowAdmin`; the policy pack
(policypack/policies.py) runs this same check on any stack, so the two never disagree.
Standard library only, so the pack's own virtualenv can import it.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..arn import name_of
from .grammar import as_list

# AWS's managed policy list and the ones this module calls admin: written by
# tools/refresh_aws_data.py, which runs admin_problems below over each policy's document
# (moto's copy of AWS's list).
MANAGED_POLICIES = Path(__file__).resolve().parent.parent / "data" / "aws_managed_policies.json"
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
        "iam:PassRole",
        "lambda:CreateFunction",
        "lambda:CreateEventSourceMapping",
    ),
    "PassExistingRoleToNewGlueDevEndpoint": ("iam:PassRole", "glue:CreateDevEndpoint"),
    "PassExistingRoleToCloudFormation": ("iam:PassRole", "cloudformation:CreateStack"),
    "PassExistingRoleToNewDataPipeline": ("iam:PassRole", "datapipeline:CreatePipeline"),
    "UpdateExistingGlueDevEndpoint": ("glue:UpdateDevEndpoint",),
    "EditExistingLambdaFunctionWithRole": ("lambda:UpdateFunctionCode",),
}


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
    return _every_resource(resource) or (
        isinstance(resource, str) and bool(re.fullmatch(r"arn:[^:]*:[^:]*:[^:]*:[^:]*:([A-Za-z-]+[/:])?\*", resource))
    )


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
        if all(
            any(fnmatch.fnmatchcase(action.lower(), pattern) and _of_service(resource, action) for pattern, resource in granted)
            for action in actions
        )
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
    problems += [f"{arn} is admin ({admin_managed_policies()[name_of(arn)]})" for arn in managed_policy_arns if is_admin_policy_arn(arn)]
    methods = escalations(statements) if not problems else []  # everything includes every escalation
    if methods:
        problems.append(f"the statements allow privilege escalation on any resource ({', '.join(methods)})")
    return problems


def is_admin_policy_arn(arn: str) -> bool:
    """True for the AWS managed policies whose document is admin by this module's own check
    (AdministratorAccess, PowerUserAccess, IAMFullAccess, ...): attaching one is no narrower
    than writing its statements inline."""
    return ":iam::aws:policy/" in arn and name_of(arn) in admin_managed_policies()


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
