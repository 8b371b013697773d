"""Checks every Kubernetes object must pass: the schema of the cluster's version, strictly,
and the restricted Pod Security Standard for anything that runs pods."""

from __future__ import annotations

from typing import Any

import kubernetes_validate

# kubernetes-validate ships schemas from 1.25 on; older supported clusters use the oldest.
OLDEST_SCHEMA = (1, 25)


def schema_version(cluster_version: str) -> str:
    major, minor = (int(p) for p in cluster_version.split("."))
    major, minor = max((major, minor), OLDEST_SCHEMA)
    return f"{major}.{minor}"


def validate(manifest: dict[str, Any], cluster_version: str) -> None:
    """Raises kubernetes_validate.ValidationError when the object is not valid, strictly."""
    kubernetes_validate.validate(manifest, schema_version(cluster_version), strict=True)


def pod_spec(manifest: dict[str, Any]) -> dict[str, Any] | None:
    if manifest["kind"] in ("Deployment", "Job"):
        return manifest["spec"]["template"]["spec"]
    return None


def restricted_violations(spec: dict[str, Any]) -> list[str]:
    """Where a pod spec breaks the restricted Pod Security Standard or the project's pins."""
    found = []
    pod_ctx = spec.get("securityContext", {})
    if pod_ctx.get("seccompProfile", {}).get("type") != "RuntimeDefault":
        found.append("pod seccompProfile is not RuntimeDefault")
    for c in spec["containers"]:
        ctx = c.get("securityContext", {})
        if not (ctx.get("runAsNonRoot") or pod_ctx.get("runAsNonRoot")):
            found.append(f"{c['name']}: runAsNonRoot is not set")
        if (ctx.get("runAsUser", pod_ctx.get("runAsUser")) or 0) == 0:
            found.append(f"{c['name']}: runs as UID 0")
        if ctx.get("allowPrivilegeEscalation") is not False:
            found.append(f"{c['name']}: allowPrivilegeEscalation is not false")
        if ctx.get("capabilities", {}).get("drop") != ["ALL"]:
            found.append(f"{c['name']}: capabilities are not all dropped")
        if ctx.get("readOnlyRootFilesystem") is not True:
            found.append(f"{c['name']}: root filesystem is writable")
        resources = c.get("resources", {})
        if not {"cpu", "memory"} <= set(resources.get("requests", {})) or not {"cpu", "memory"} <= set(resources.get("limits", {})):
            found.append(f"{c['name']}: cpu/memory requests and limits are incomplete")
        image = c["image"]
        if ":" not in image.rsplit("/", 1)[-1] or image.endswith(":latest"):
            found.append(f"{c['name']}: image {image} is not pinned to a tag")
        mounts = {m["mountPath"] for m in c.get("volumeMounts", [])}
        if "/tmp" not in mounts:
            found.append(f"{c['name']}: no writable /tmp for the AWS CLI")
    return found
