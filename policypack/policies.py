"""Policies of the eks-pod-identity pack, each a plain `validate(args, report_violation)`.

The pack runs in its own virtualenv, beside any stack. What counts as admin is the program's
own semantic check (components/iam/admin.py, standard library only), imported from the
repository the pack lives in, so the config and the pack never disagree. Resource properties
arrive as the engine sees them (camelCase keys, JSON documents as strings); values unknown
during a preview are skipped, not guessed.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)


def _package_module(name: str) -> ModuleType:
    """A module of the eks_pod_identity package, loaded from the components/ folder beside this
    pack (the pack's virtualenv has no pulumi-aws or pydantic: the package's __init__ and the
    modules imported here need only the standard library)."""
    if "eks_pod_identity" not in sys.modules:
        root = Path(__file__).resolve().parent.parent / "components"
        spec = importlib.util.spec_from_file_location("eks_pod_identity", root / "__init__.py", submodule_search_locations=[str(root)])
        assert spec is not None and spec.loader is not None
        package = importlib.util.module_from_spec(spec)
        sys.modules["eks_pod_identity"] = package
        spec.loader.exec_module(package)
    return importlib.import_module(f"eks_pod_identity.{name}")


admin = _package_module("iam.admin")
grammar = _package_module("iam.grammar")

POD_PRINCIPAL = "pods.eks.amazonaws.com"
POD_ACTIONS = {"sts:AssumeRole", "sts:TagSession"}
WORKLOAD_TYPES = {
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:DaemonSet",
    "kubernetes:batch/v1:Job",
    "kubernetes:batch/v1:CronJob",
    "kubernetes:core/v1:Pod",
}
Report = Callable[..., None]


def _document(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return None
        return parsed if isinstance(parsed, dict) else None
    return None


_as_list = grammar.as_list


def _statements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in _as_list(doc.get("Statement", [])) if isinstance(s, dict)]


def _trusts_pods(doc: dict[str, Any]) -> bool:
    for statement in _statements(doc):
        principal = statement.get("Principal")
        services = _as_list(principal.get("Service", [])) if isinstance(principal, dict) else []
        if POD_PRINCIPAL in services:
            return True
    return False


def _scoped_irsa(statement: dict[str, Any]) -> bool:
    """An IRSA statement kept during a move to Pod Identity: an EKS OIDC provider, web identity
    only, for named service accounts (`<issuer>:sub` without wildcards)."""
    principal = statement.get("Principal")
    federated = principal.get("Federated") if isinstance(principal, dict) and len(principal) == 1 else None
    if not isinstance(federated, str) or ":oidc-provider/oidc.eks." not in federated:
        return False
    if _as_list(statement.get("Action")) != ["sts:AssumeRoleWithWebIdentity"]:
        return False
    issuer = federated.split(":oidc-provider/", 1)[1]
    subjects = (statement.get("Condition") or {}).get("StringEquals", {}).get(f"{issuer}:sub")
    return bool(subjects) and not any("*" in s or "?" in s for s in _as_list(subjects))


def validate_pod_role_trust(args: ResourceValidationArgs, report_violation: Report) -> None:
    """A role that trusts pods.eks.amazonaws.com trusts it alone, for exactly the two actions
    (besides, during a move from IRSA, its clusters' OIDC providers for named service accounts)."""
    if args.resource_type != "aws:iam/role:Role":
        return
    doc = _document(args.props.get("assumeRolePolicy"))
    if doc is None or not _trusts_pods(doc):
        return
    for i, statement in enumerate(_statements(doc)):
        if statement.get("Effect") != "Allow" or _scoped_irsa(statement):
            continue
        principal = statement.get("Principal")
        if principal != {"Service": POD_PRINCIPAL} and principal != {"Service": [POD_PRINCIPAL]}:
            report_violation(f"Statement {i} of a Pod Identity role trusts {principal!r}; trust only {POD_PRINCIPAL}.")
        actions = set(_as_list(statement.get("Action", [])))
        if actions != POD_ACTIONS:
            report_violation(f"Statement {i} allows {sorted(actions)}; a Pod Identity role allows exactly {sorted(POD_ACTIONS)}.")


def validate_no_admin_wildcards(args: ResourceValidationArgs, report_violation: Report) -> None:
    """No policy grants every action on every resource (NotAction, NotResource and `arn:*` included)
    nor a privilege-escalation path, and nothing attaches an AWS managed policy that does.

    An association's session policy is not checked: it grants nothing. STS gives the session the
    intersection of the role's policies and the session policy ("You cannot use session policies
    to grant more permissions than those allowed by the identity-based policy of the role that is
    being assumed", STS API Reference, AssumeRole `Policy`; IAM User Guide,
    id_credentials_temp_control-access_assumerole), so `*` on `*` there narrows nothing and widens
    nothing; the program's config accepts it for the same reason (docs/security.md)."""
    props = args.props
    documents: list[tuple[str, Any]] = []
    if args.resource_type in ("aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"):
        documents.append(("policy", props.get("policy")))
    elif args.resource_type == "aws:iam/role:Role":
        documents += [(f"inline policy {p.get('name')}", p.get("policy")) for p in props.get("inlinePolicies") or [] if isinstance(p, dict)]
    elif args.resource_type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
        arn = props.get("policyArn")
        for problem in admin.admin_problems([], [arn]) if isinstance(arn, str) else ():
            report_violation(f"{problem}, attached; grant the actions the workload needs instead.")
    for where, value in documents:
        doc = _document(value)
        for problem in admin.admin_problems(_statements(doc)) if doc else ():
            report_violation(f"The {where}: {problem}; narrow the actions and resources.")


def _containers(resource_type: str, props: dict[str, Any]) -> list[dict[str, Any]]:
    spec = props.get("spec") or {}
    if resource_type == "kubernetes:core/v1:Pod":
        pod = spec
    elif resource_type == "kubernetes:batch/v1:CronJob":
        pod = (((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}).get("spec") or {}
    else:
        pod = (spec.get("template") or {}).get("spec") or {}
    return [c for c in (pod.get("containers") or []) + (pod.get("initContainers") or []) if isinstance(c, dict)]


def image_unpinned(image: str) -> str | None:
    """Why an image reference is not pinned, or None when it names a version tag or digest."""
    if "@sha256:" in image:
        return None
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return "has no tag (it means latest)"
    if last.rsplit(":", 1)[1] == "latest":
        return "uses the latest tag"
    return None


def validate_images_pinned(args: ResourceValidationArgs, report_violation: Report) -> None:
    """Workload images are pinned to a version tag or digest, never latest."""
    if args.resource_type not in WORKLOAD_TYPES:
        return
    for container in _containers(args.resource_type, args.props):
        image = container.get("image")
        why = image_unpinned(image) if isinstance(image, str) else None
        if why:
            report_violation(f"Container {container.get('name')!r} image {image!r} {why}; pin a version tag or digest.")


def validate_associations_have_service_accounts(args: StackValidationArgs, report_violation: Report) -> None:
    """Each association binds a service account the stack declares (else nothing uses it)."""
    declared = set()
    for r in args.resources:
        if r.resource_type == "kubernetes:core/v1:ServiceAccount":
            meta = r.props.get("metadata") or {}
            declared.add((meta.get("namespace") or "default", meta.get("name")))
    for r in args.resources:
        if r.resource_type != "aws:eks/podIdentityAssociation:PodIdentityAssociation":
            continue
        key = (r.props.get("namespace"), r.props.get("serviceAccount"))
        if all(isinstance(k, str) for k in key) and key not in declared:
            report_violation(
                f"Association {r.name} binds {key[0]}/{key[1]}, which this stack does not declare; make sure the "
                "workload that uses it is deployed after the association."
            )


POLICIES = [
    ResourceValidationPolicy(
        name="pod-identity-role-trust",
        description="Roles for EKS Pod Identity trust only pods.eks.amazonaws.com with sts:AssumeRole and sts:TagSession.",
        validate=validate_pod_role_trust,
    ),
    ResourceValidationPolicy(
        name="no-admin-wildcards",
        description="No IAM policy grants '*' on '*' or a privilege-escalation path, nor attaches an AWS managed policy that does.",
        validate=validate_no_admin_wildcards,
    ),
    ResourceValidationPolicy(
        name="images-pinned",
        description="Workload images are pinned to a version tag or digest, never latest.",
        validate=validate_images_pinned,
    ),
    StackValidationPolicy(
        name="associations-bind-declared-service-accounts",
        description="Pod identity associations bind service accounts that the stack declares.",
        validate=validate_associations_have_service_accounts,
        # Bindings for workloads deployed by other tools are legitimate: warn, do not block.
        enforcement_level=EnforcementLevel.ADVISORY,
    ),
]
