"""The real validators, wrapped once: parliament for IAM permission policies, and the places
in a run where permission policies and Kubernetes objects are found."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from typing import Any

from offline.runner import RunResult

# Findings that are right to keep, each with its reason. Keyed by (parliament issue, policy
# location prefix). Empty: nothing the program generates is waived.
WAIVERS: dict[tuple[str, str], str] = {}


def parliament_findings(policy: str | dict[str, Any]) -> list[tuple[str, Any]]:
    """Parliament's findings for one policy document (issue, detail)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # parliament opens its data files without closing them
        import parliament

        text = policy if isinstance(policy, str) else json.dumps(policy)
        analyzed = parliament.analyze_policy_string(text)
    return [(f.issue, f.detail) for f in analyzed.findings]


def permission_policies(result: RunResult) -> Iterator[tuple[str, str]]:
    """(where, JSON) of every permission or session policy the run registered."""
    for reg in result.of_type("aws:iam/rolePolicy:RolePolicy"):
        yield f"RolePolicy {reg.name}", reg.inputs["policy"]
    for reg in result.of_type("aws:iam/policy:Policy"):
        yield f"Policy {reg.name}", reg.inputs["policy"]
    for reg in result.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation"):
        if reg.inputs.get("policy"):
            yield f"session policy {reg.name}", reg.inputs["policy"]


def unwaived(where: str, findings: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [f for f in findings if not any(f[0] == issue and where.startswith(place) for issue, place in WAIVERS)]


def kubernetes_objects(result: RunResult) -> Iterator[tuple[str, dict[str, Any], str]]:
    """(name, manifest, cluster version) of every Kubernetes object the run registered."""
    providers = {r.urn: r for r in result.of_type("pulumi:providers:kubernetes")}
    for reg in result.registrations:
        if not reg.custom or not reg.type.startswith("kubernetes:"):
            continue
        provider = providers[reg.provider.rsplit("::", 1)[0]]
        cluster = provider.name.removesuffix("-k8s")
        manifest = {k: v for k, v in reg.inputs.items() if k in ("apiVersion", "kind", "metadata", "spec")}
        yield reg.name, manifest, result.outputs["clusterVersions"][cluster]
