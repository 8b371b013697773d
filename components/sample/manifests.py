"""Kubernetes objects of the sample workload, as pure functions returning plain manifests.

Tests validate exactly these dicts against the Kubernetes schema; the component passes
their `metadata` and `spec` to pulumi-kubernetes unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Manifest = dict[str, Any]

APP_LABEL = "app.kubernetes.io/name"
ASSOCIATION_ANNOTATION = "eks-pod-identity/association-id"
ROLE_ANNOTATION = "eks-pod-identity/role-arn"
TMP_MOUNT = "/tmp"
# The image's default user is root; the restricted Pod Security Standard wants a non-root UID.
RUN_AS = 1000

# The pod must run as the role its association names: an unmatched or missing identity (the
# node role, or no credentials at all) fails the check. It is the Job's proof and the
# Deployment's readiness probe, so `pulumi up` fails loudly when a pod did not get its role.
CHECK_ROLE = """arn=$(aws sts get-caller-identity --query Arn --output text) || exit 1
case "$arn" in
  *":assumed-role/${EXPECTED_ROLE_NAME}/"*) echo "pod identity OK: running as ${EXPECTED_ROLE_NAME}" ;;
  *) echo "expected role ${EXPECTED_ROLE_NAME}, got $arn" >&2; exit 1 ;;
esac
"""
VERIFY_SCRIPT = (
    "set -eu\n"
    + CHECK_ROLE
    + """key="pod-identity-proof/${POD_NAME}.txt"
printf 'written by %s\\n' "$arn" > /tmp/proof.txt
aws s3api put-object --bucket "$BUCKET" --key "$key" --body /tmp/proof.txt > /dev/null
echo "wrote s3://${BUCKET}/${key}"
"""
)
# PID 1 of a container gets no default signal handlers: `sleep infinity` ignores SIGTERM and
# every delete waits out the 30 s grace period. The shell traps it and exits at once.
IDLE_SCRIPT = """trap 'exit 0' TERM INT
aws sts get-caller-identity || true
while true; do sleep 3600 & wait $!; done
"""
# The probe: a pod proves its association is in effect, or fails and a new pod is admitted.
# Pod Identity's webhook injects AWS_CONTAINER_CREDENTIALS_FULL_URI only when a pod is admitted
# after the association took effect (EKS User Guide, pod-id-how-it-works), so a pod without it
# can never get credentials: it exits at once and the Job's next pod is admitted anew.
PROBE_SCRIPT = (
    """if [ -z "${AWS_CONTAINER_CREDENTIALS_FULL_URI:-}" ]; then
  echo "association ${ASSOCIATION} (${ASSOCIATION_ID}) was not in effect when this pod was admitted" \
    "(no AWS_CONTAINER_CREDENTIALS_FULL_URI); the Job admits a new pod" >&2
  exit 1
fi
"""
    + CHECK_ROLE
)
# A failed probe pod is retried with the Job controller's backoff (10 s, doubling); the
# deadline ends the Job first, and Pulumi's await is set above it, so the deadline decides.
PROBE_BACKOFF_LIMIT = 8
# The Job's deadline; Pulumi's await is set above it, so the deadline decides.
JOB_DEADLINE_SECONDS = 600
PROBE_CHECK = (
    "if this Job fails, check: the eks-pod-identity-agent DaemonSet runs on the node (kubectl get ds -n kube-system "
    "eks-pod-identity-agent); the association (aws eks describe-pod-identity-association); its role trusts "
    "pods.eks.amazonaws.com with sts:AssumeRole and sts:TagSession; kubectl logs on the Job's pods"
)
# A Deployment whose pods never turn ready reports ProgressDeadlineExceeded after this.
PROGRESS_DEADLINE_SECONDS = 300


@dataclass(frozen=True)
class Proof:
    """What a sample pod is checked against: its association and the role it must run as."""

    association_id: str
    role_arn: str
    expected_role_name: str
    region: str


NO_PROOF = Proof("", "", "", "")
"""The proof an object's metadata is built with: the metadata holds none of it."""


def await_timeout(deadline_seconds: int) -> str:
    """Pulumi's await of an object that has a deadline of its own, two minutes above it: the
    object's deadline decides, with its reason, not Pulumi's 10-minute default (pulumi-kubernetes
    await/job.go DefaultJobTimeoutMins)."""
    return f"{deadline_seconds // 60 + 2}m"


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


def _pod_spec(
    service_account: str, image: str, command: list[str], proof: Proof, env: list[dict[str, Any]], restart: str
) -> dict[str, Any]:
    container: dict[str, Any] = {
        "name": "aws-cli",
        "image": image,
        "command": command,
        "env": [
            # The CLI keeps its cache under $HOME: point it at the writable volume.
            {"name": "HOME", "value": TMP_MOUNT},
            {"name": "TMPDIR", "value": TMP_MOUNT},
            {"name": "AWS_REGION", "value": proof.region},
            {"name": "EXPECTED_ROLE_NAME", "value": proof.expected_role_name},
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
    return {
        "serviceAccountName": service_account,
        "restartPolicy": restart,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": RUN_AS,
            "runAsGroup": RUN_AS,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "containers": [container],
        "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}}],
    }


def _template(name: str, proof: Proof, spec: dict[str, Any]) -> dict[str, Any]:
    # The association ID and role in the template make a replaced association, or a role
    # changed in place, roll the pods: the only way running pods pick up a new binding.
    annotations = {ASSOCIATION_ANNOTATION: proof.association_id, ROLE_ANNOTATION: proof.role_arn}
    return {"metadata": {"labels": _labels(name), "annotations": annotations}, "spec": spec}


def deployment(app: str, namespace: str, service_account: str, image: str, proof: Proof) -> Manifest:
    """An AWS CLI pod to `kubectl exec` into, ready only while it runs as its expected role.

    No name: Pulumi gives it a unique one, so two stacks on one cluster never clash.
    """
    spec = _pod_spec(service_account, image, ["/bin/sh", "-c", IDLE_SCRIPT], proof, [], "Always")
    spec["containers"][0]["readinessProbe"] = {
        "exec": {"command": ["/bin/sh", "-c", CHECK_ROLE]},
        "initialDelaySeconds": 5,
        "periodSeconds": 30,
        "timeoutSeconds": 20,
        "failureThreshold": 3,
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"namespace": namespace, "labels": _labels(app)},
        "spec": {
            "replicas": 1,
            "progressDeadlineSeconds": PROGRESS_DEADLINE_SECONDS,
            "selector": {"matchLabels": {APP_LABEL: app}},
            "template": _template(app, proof, spec),
        },
    }


def job(app: str, namespace: str, service_account: str, image: str, proof: Proof, bucket: str) -> Manifest:
    """A Job that fails unless the pod runs as its expected role, then writes to `bucket`.

    Retries (backoffLimit) absorb IAM's eventual consistency right after the role is made.
    """
    env: list[dict[str, Any]] = [
        {"name": "BUCKET", "value": bucket},
        {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
    ]
    spec = _pod_spec(service_account, image, ["/bin/sh", "-c", VERIFY_SCRIPT], proof, env, "Never")
    return _job(app, namespace, proof, spec, 4, {})


def _job(app: str, namespace: str, proof: Proof, spec: dict[str, Any], backoff_limit: int, annotations: dict[str, str]) -> Manifest:
    """A Job of `spec`'s pod, replaced while unready: pulumi-kubernetes awaits a Job that failed
    in an earlier update again, forever, unless asked to replace it (provider.go
    kubeProvider.Diff, ReplaceUnready). No fixed name: Pulumi auto-names the Job, so a
    replacement (its template is immutable) creates the new one before deleting the old."""
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"namespace": namespace, "labels": _labels(app), "annotations": {"pulumi.com/replaceUnready": "true", **annotations}},
        "spec": {"backoffLimit": backoff_limit, "activeDeadlineSeconds": JOB_DEADLINE_SECONDS, "template": _template(app, proof, spec)},
    }


def probe_job(app: str, namespace: str, service_account: str, image: str, proof: Proof, association: str) -> Manifest:
    """A Job that succeeds once a pod of `service_account` is admitted with credentials for its
    expected role: the proof that `association` (`cluster/namespace/serviceAccount`) is in effect.

    Each pod admitted too early fails at once and the Job admits another; after the deadline the
    Job fails, and the annotation says what to check. Replaced while unready, so the next
    `pulumi up` probes again instead of awaiting the failed Job.
    """
    env: list[dict[str, Any]] = [{"name": "ASSOCIATION", "value": association}, {"name": "ASSOCIATION_ID", "value": proof.association_id}]
    spec = _pod_spec(service_account, image, ["/bin/sh", "-c", PROBE_SCRIPT], proof, env, "Never")
    # The last log lines become the pod's termination message: `kubectl describe` shows why.
    spec["containers"][0]["terminationMessagePolicy"] = "FallbackToLogsOnError"
    return _job(
        app,
        namespace,
        proof,
        spec,
        PROBE_BACKOFF_LIMIT,
        {"eks-pod-identity/association": association, "eks-pod-identity/check": PROBE_CHECK},
    )
