"""Kubernetes objects of the sample workload, as pure functions returning plain manifests.

Tests validate exactly these dicts against the Kubernetes schema; the component passes
their `metadata` and `spec` to pulumi-kubernetes unchanged.
"""

from __future__ import annotations

from typing import Any

Manifest = dict[str, Any]

APP_LABEL = "app.kubernetes.io/name"
ASSOCIATION_ANNOTATION = "eks-pod-identity/association-id"
TMP_MOUNT = "/tmp"
# The image's default user is root; the restricted Pod Security Standard wants a non-root UID.
RUN_AS = 1000

VERIFY_SCRIPT = """set -eu
arn=$(aws sts get-caller-identity --query Arn --output text)
echo "caller: $arn"
case "$arn" in
  *":assumed-role/${EXPECTED_ROLE_NAME}/"*) echo "pod identity OK: running as ${EXPECTED_ROLE_NAME}" ;;
  *) echo "expected role ${EXPECTED_ROLE_NAME}, got $arn" >&2; exit 1 ;;
esac
key="pod-identity-proof/${POD_NAME}.txt"
printf 'written by %s\\n' "$arn" > /tmp/proof.txt
aws s3api put-object --bucket "$BUCKET" --key "$key" --body /tmp/proof.txt > /dev/null
echo "wrote s3://${BUCKET}/${key}"
"""


def _labels(name: str) -> dict[str, str]:
    return {APP_LABEL: name, "app.kubernetes.io/part-of": "eks-pod-identity"}


def namespace(name: str) -> Manifest:
    """A namespace that enforces the restricted Pod Security Standard."""
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": name, "labels": {"pod-security.kubernetes.io/enforce": "restricted"}},
    }


def service_account(name: str, namespace: str) -> Manifest:
    """A plain service account: Pod Identity needs no annotation (unlike IRSA)."""
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": name, "namespace": namespace, "labels": _labels(name)},
    }


def _pod_spec(service_account: str, image: str, command: list[str], env: list[dict[str, Any]], restart: str) -> dict[str, Any]:
    return {
        "serviceAccountName": service_account,
        "restartPolicy": restart,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": RUN_AS,
            "runAsGroup": RUN_AS,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "containers": [
            {
                "name": "aws-cli",
                "image": image,
                "command": command,
                "env": [
                    # The CLI keeps its cache under $HOME: point it at the writable volume.
                    {"name": "HOME", "value": TMP_MOUNT},
                    {"name": "TMPDIR", "value": TMP_MOUNT},
                    *env,
                ],
                "securityContext": {
                    "allowPrivilegeEscalation": False,
                    "readOnlyRootFilesystem": True,
                    "capabilities": {"drop": ["ALL"]},
                },
                "resources": {
                    "requests": {"cpu": "50m", "memory": "128Mi"},
                    "limits": {"cpu": "500m", "memory": "256Mi"},
                },
                "volumeMounts": [{"name": "tmp", "mountPath": TMP_MOUNT}],
            }
        ],
        "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}}],
    }


def _template(name: str, association_id: str, spec: dict[str, Any]) -> dict[str, Any]:
    # The association ID in the template makes a replaced association roll the pods, which
    # is the only way running pods pick up a new binding.
    return {"metadata": {"labels": _labels(name), "annotations": {ASSOCIATION_ANNOTATION: association_id}}, "spec": spec}


def deployment(name: str, namespace: str, service_account: str, image: str, association_id: str) -> Manifest:
    """An idle AWS CLI pod to `kubectl exec` into and run `aws sts get-caller-identity`."""
    spec = _pod_spec(service_account, image, ["sleep", "infinity"], [], "Always")
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace, "labels": _labels(name)},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {APP_LABEL: name}},
            "template": _template(name, association_id, spec),
        },
    }


def job(
    name: str,
    namespace: str,
    service_account: str,
    image: str,
    association_id: str,
    bucket: str,
    expected_role_name: str,
    region: str,
) -> Manifest:
    """A Job that fails unless the pod runs as `expected_role_name`, then writes to `bucket`.

    Retries (backoffLimit) absorb IAM's eventual consistency right after the role is made.
    """
    env = [
        {"name": "AWS_REGION", "value": region},
        {"name": "BUCKET", "value": bucket},
        {"name": "EXPECTED_ROLE_NAME", "value": expected_role_name},
        {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
    ]
    spec = _pod_spec(service_account, image, ["/bin/sh", "-c", VERIFY_SCRIPT], env, "Never")
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        # No fixed name: Pulumi auto-names the Job, so a replacement (its template is
        # immutable) creates the new one before deleting the old without a clash.
        "metadata": {"namespace": namespace, "labels": _labels(name)},
        "spec": {"backoffLimit": 4, "activeDeadlineSeconds": 600, "template": _template(name, association_id, spec)},
    }
