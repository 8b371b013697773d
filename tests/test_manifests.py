"""The sample's Kubernetes objects as pure manifests: schema-valid, restricted, wired to the association."""

import copy

import kubernetes_validate
import pytest

from components import manifests
from tests import k8s_checks

IMAGE = "amazon/aws-cli:2.35.10"


def all_manifests():
    return {
        "namespace": manifests.namespace("team-a"),
        "service_account": manifests.service_account("aws-cli-sa", "team-a"),
        "deployment": manifests.deployment("aws-cli", "team-a", "aws-cli-sa", IMAGE, "a-123"),
        "job": manifests.job("proof", "team-a", "aws-cli-sa", IMAGE, "a-123", "bucket", "role-name", "us-east-1"),
    }


@pytest.mark.parametrize("version", ["1.24", "1.30", "1.35"])
@pytest.mark.parametrize("kind", ["namespace", "service_account", "deployment", "job"])
def test_every_manifest_is_schema_valid(kind, version):
    k8s_checks.validate(all_manifests()[kind], version)


def test_the_validator_rejects_an_unknown_field():
    bad = copy.deepcopy(all_manifests()["deployment"])
    bad["spec"]["template"]["spec"]["containers"][0]["securityContex"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        k8s_checks.validate(bad, "1.35")


@pytest.mark.parametrize("kind", ["deployment", "job"])
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
    sa = all_manifests()["service_account"]
    assert "annotations" not in sa["metadata"]
    assert sa["metadata"] == {"name": "aws-cli-sa", "namespace": "team-a", "labels": sa["metadata"]["labels"]}


@pytest.mark.parametrize("kind", ["deployment", "job"])
def test_pod_template_carries_the_association_id(kind):
    template = all_manifests()[kind]["spec"]["template"]
    assert template["metadata"]["annotations"] == {manifests.ASSOCIATION_ANNOTATION: "a-123"}
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


def test_deployment_idles_for_kubectl_exec():
    container = all_manifests()["deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["sleep", "infinity"]
