"""The sample's Kubernetes objects as pure manifests: schema-valid, restricted, wired to the association."""

import copy
import json
import os
import signal
import subprocess
import time

import kubernetes_validate
import pytest
from eks_pod_identity.sample import manifests

from tests.helpers import k8s_checks

IMAGE = "amazon/aws-cli:2.35.10"
ROLE_ARN = "arn:aws:iam::123456789012:role/path/role-name"
PROOF = manifests.Proof("a-123", ROLE_ARN, "role-name", "us-east-1")


def all_manifests():
    return {
        "namespace": manifests.namespace("team-a"),
        "service_account": manifests.service_account("aws-cli-sa", "team-a"),
        "deployment": manifests.deployment("sample", "team-a", "aws-cli-sa", IMAGE, PROOF),
        "job": manifests.job("sample", "team-a", "aws-cli-sa", IMAGE, PROOF, "bucket"),
        "probe": manifests.probe_job("pod-identity-probe", "team-a", "aws-cli-sa", IMAGE, PROOF, "c/team-a/aws-cli-sa"),
    }


@pytest.mark.parametrize("version", ["1.24", "1.30", "1.35"])
@pytest.mark.parametrize("kind", ["namespace", "service_account", "deployment", "job", "probe"])
def test_every_manifest_is_schema_valid(kind, version):
    k8s_checks.validate(all_manifests()[kind], version)


def test_the_validator_rejects_an_unknown_field():
    bad = copy.deepcopy(all_manifests()["deployment"])
    bad["spec"]["template"]["spec"]["containers"][0]["securityContex"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        k8s_checks.validate(bad, "1.35")


@pytest.mark.parametrize("kind", ["deployment", "job", "probe"])
def test_pods_meet_the_restricted_pod_security_standard(kind):
    assert k8s_checks.restricted_violations(k8s_checks.pod_spec(all_manifests()[kind])) == []


def test_the_restricted_check_catches_a_root_latest_pod():
    spec = copy.deepcopy(k8s_checks.pod_spec(all_manifests()["deployment"]))
    spec["securityContext"] = {}
    spec["containers"][0]["image"] = "amazon/aws-cli:latest"
    spec["containers"][0]["securityContext"]["readOnlyRootFilesystem"] = False
    found = " | ".join(k8s_checks.restricted_violations(spec))
    assert "seccomp" in found and "UID 0" in found and "not pinned" in found and "writable" in found


def test_service_account_has_no_irsa_annotation():
    """Pod Identity needs nothing on the service account: no IRSA role-arn annotation, nor any
    other annotation; its metadata is its name, namespace and the labels every sample object has."""
    sa = all_manifests()["service_account"]
    assert set(sa) == {"apiVersion", "kind", "metadata"}
    assert sa["metadata"] == {
        "name": "aws-cli-sa",
        "namespace": "team-a",
        "labels": {"app.kubernetes.io/name": "aws-cli-sa", "app.kubernetes.io/part-of": "eks-pod-identity"},
    }
    assert "eks.amazonaws.com/role-arn" not in json.dumps(sa)


@pytest.mark.parametrize("kind", ["deployment", "job"])
def test_pod_template_carries_the_association_id(kind):
    template = all_manifests()[kind]["spec"]["template"]
    assert template["metadata"]["annotations"] == {manifests.ASSOCIATION_ANNOTATION: "a-123", manifests.ROLE_ANNOTATION: ROLE_ARN}
    assert template["spec"]["serviceAccountName"] == "aws-cli-sa"


def test_job_checks_the_role_then_writes_to_the_bucket():
    job = all_manifests()["job"]
    container = job["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["EXPECTED_ROLE_NAME"] == "role-name" and env["BUCKET"] == "bucket" and env["AWS_REGION"] == "us-east-1"
    script = container["command"][-1]
    assert script.index("get-caller-identity") < script.index("exit 1") < script.index("s3api put-object")
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    assert "name" not in job["metadata"], "a fixed Job name would clash when Pulumi replaces the Job"


def test_job_replaces_an_unready_job_instead_of_awaiting_it_forever():
    metadata = all_manifests()["job"]["metadata"]
    assert metadata["annotations"] == {"pulumi.com/replaceUnready": "true"}


def test_deployment_is_ready_only_as_its_role_and_has_no_fixed_name():
    deployment = all_manifests()["deployment"]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"]["exec"]["command"] == ["/bin/sh", "-c", manifests.CHECK_ROLE]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["EXPECTED_ROLE_NAME"] == "role-name" and env["AWS_REGION"] == "us-east-1"
    assert deployment["spec"]["progressDeadlineSeconds"] == manifests.PROGRESS_DEADLINE_SECONDS
    assert "name" not in deployment["metadata"], "two stacks on one cluster must not clash on a fixed name"


@pytest.fixture
def fake_aws(tmp_path):
    """A directory with an `aws` that answers get-caller-identity with $FAKE_ARN (or fails)."""
    script = tmp_path / "aws"
    script.write_text('#!/bin/sh\n[ -n "$FAKE_ARN" ] || { echo "Unable to locate credentials" >&2; exit 253; }\necho "$FAKE_ARN"\n')
    script.chmod(0o755)
    return tmp_path


def check(fake_aws, arn):
    env = {"PATH": f"{fake_aws}:/usr/bin:/bin", "EXPECTED_ROLE_NAME": "role-name", "FAKE_ARN": arn}
    return subprocess.run(["/bin/sh", "-c", manifests.CHECK_ROLE], env=env, capture_output=True, text=True, timeout=10, check=False)


@pytest.mark.parametrize(
    ("arn", "passes"),
    [
        ("arn:aws:sts::123456789012:assumed-role/role-name/eks-pod-identity-123", True),
        ("arn:aws:sts::123456789012:assumed-role/role-name-other/eks-pod-identity-123", False),
        ("arn:aws:sts::123456789012:assumed-role/eksctl-nodes-NodeInstanceRole/i-0d65729d6d09d2540", False),
        ("", False),
    ],
)
def test_the_role_check_passes_only_as_the_expected_role(fake_aws, arn, passes):
    assert (check(fake_aws, arn).returncode == 0) is passes


def test_the_idle_pod_stops_at_once_on_sigterm(fake_aws):
    env = {"PATH": f"{fake_aws}:/usr/bin:/bin", "FAKE_ARN": "arn"}
    proc = subprocess.Popen(["/bin/sh", "-c", manifests.IDLE_SCRIPT], env=env, stdout=subprocess.DEVNULL, start_new_session=True)
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGTERM)
    try:
        assert proc.wait(timeout=3) == 0, "the pod must exit cleanly when Kubernetes stops it"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def probe(fake_aws, arn: str, injected: bool):
    env = {
        "PATH": f"{fake_aws}:/usr/bin:/bin",
        "EXPECTED_ROLE_NAME": "role-name",
        "FAKE_ARN": arn,
        "ASSOCIATION": "c/team-a/aws-cli-sa",
        "ASSOCIATION_ID": "a-123",
        **({"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials"} if injected else {}),
    }
    return subprocess.run(["/bin/sh", "-c", manifests.PROBE_SCRIPT], env=env, capture_output=True, text=True, timeout=10, check=False)


ASSUMED = "arn:aws:sts::123456789012:assumed-role/role-name/eks-pod-identity-123"


@pytest.mark.parametrize(
    ("arn", "injected", "passes"),
    [
        (ASSUMED, True, True),
        # Admitted before the association took effect: the node role answers, and no credentials
        # were injected; the pod can never get them, so it fails and the Job admits a new one.
        ("arn:aws:sts::123456789012:assumed-role/nodes/i-0d65729d6d09d2540", False, False),
        (ASSUMED, False, False),
        ("arn:aws:sts::123456789012:assumed-role/other/eks-pod-identity-123", True, False),
    ],
)
def test_the_probe_passes_only_when_credentials_were_injected_for_the_expected_role(fake_aws, arn, injected, passes):
    done = probe(fake_aws, arn, injected)
    assert (done.returncode == 0) is passes
    if not injected:
        assert "association c/team-a/aws-cli-sa (a-123) was not in effect when this pod was admitted" in done.stderr


def test_the_probe_job_retries_new_pods_until_its_deadline_and_says_what_to_check():
    job = all_manifests()["probe"]
    spec = job["spec"]
    container = spec["template"]["spec"]["containers"][0]
    assert spec["template"]["spec"]["restartPolicy"] == "Never", "a failed pod is replaced by a new, re-admitted one"
    assert spec["backoffLimit"] == manifests.PROBE_BACKOFF_LIMIT and spec["activeDeadlineSeconds"] == manifests.JOB_DEADLINE_SECONDS
    # The controller's backoff (10 s, doubling, capped at 6 min) outlasts the deadline: the deadline ends it.
    assert sum(min(10 * 2**i, 360) for i in range(manifests.PROBE_BACKOFF_LIMIT)) > manifests.JOB_DEADLINE_SECONDS
    assert container["terminationMessagePolicy"] == "FallbackToLogsOnError"
    annotations = job["metadata"]["annotations"]
    assert annotations["pulumi.com/replaceUnready"] == "true" and annotations["eks-pod-identity/association"] == "c/team-a/aws-cli-sa"
    assert "eks-pod-identity-agent" in annotations["eks-pod-identity/check"]
    assert spec["template"]["metadata"]["annotations"][manifests.ASSOCIATION_ANNOTATION] == "a-123"
    assert "name" not in job["metadata"], "auto-named: a replacement creates the new Job first"


@pytest.mark.parametrize("deadline", [manifests.JOB_DEADLINE_SECONDS, manifests.PROGRESS_DEADLINE_SECONDS, 59, 61])
def test_pulumis_await_outlasts_the_objects_own_deadline(deadline):
    minutes = int(manifests.await_timeout(deadline).removesuffix("m"))
    assert deadline < minutes * 60 <= deadline + 180
