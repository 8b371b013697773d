"""SampleWorkload on its own, under mocks: a pod that proves the association by its role, on the
cluster's provider, after the association propagated; and what it never creates on a cluster."""

from __future__ import annotations

import json

import pytest
from eks_pod_identity.offline.harness import mocks, runner
from eks_pod_identity.sample.workload import SampleWorkload, SampleWorkloadArgs

from tests.helpers import bound_role, probes, run_component, run_prod, workload_jobs


def _workload(kind, adopted=None, **extra):
    def program():
        c, gate, assoc = bound_role("gate")
        w = SampleWorkload(
            "sample",
            SampleWorkloadArgs(
                kind=kind,
                namespace="team-a",
                service_account="app",
                image="amazon/aws-cli:2.35.10",
                provider=c.provider,
                association=assoc,
                expected_role_name=gate.role_name,
                depends_on=[gate.role],
                role_name=gate.role_name,
                region="eu-west-1",
                **extra,
            ),
        )
        return {"verify": w.verify_command}

    return run_component(program, adopted=adopted, raise_errors=False)


def test_deployment_sample_uses_the_cluster_provider_and_waits_for_the_proof():
    """It waited a fixed 30 s after the association: when EKS took longer, its pod never got
    credentials. It now waits for the probe Job that proves the association is in effect."""
    result = _workload("deployment", create_namespace=True, association_key="c/team-a/app")
    provider = result.of_type("pulumi:providers:kubernetes")[0]
    gate = result.named("gate-role")
    for kind in ("kubernetes:core/v1:Namespace", "kubernetes:core/v1:ServiceAccount", "kubernetes:apps/v1:Deployment"):
        (obj,) = result.of_type(kind)
        assert obj.provider.startswith(provider.urn), f"{kind} must use the cluster's provider"
    (deployment,) = result.of_type("kubernetes:apps/v1:Deployment")
    (probe,) = probes(result)
    (assoc,) = result.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    (sa,) = result.of_type("kubernetes:core/v1:ServiceAccount")
    assert probe.provider.startswith(provider.urn) and {assoc.urn, gate.urn, sa.urn} <= result.all_dependencies(probe)
    template = probe.inputs["spec"]["template"]
    assert template["metadata"]["annotations"]["eks-pod-identity/association-id"].startswith("a-mock"), "a new association, a new probe"
    assert template["spec"]["serviceAccountName"] == "app" and probe.inputs["metadata"]["namespace"] == "team-a"
    deps = result.all_dependencies(deployment)
    assert {gate.urn, probe.urn, sa.urn} <= deps
    assert result.of_type("kubernetes:core/v1:Namespace")[0].urn in result.all_dependencies(sa)
    assert deployment.custom_timeouts == {"create": "7m", "update": "7m"}
    env = {e["name"]: e.get("value") for e in deployment.inputs["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["EXPECTED_ROLE_NAME"].startswith("gate-role-")
    assert result.outputs["verify"].startswith("kubectl exec -n team-a deploy/sample-deployment-")
    assert result.of_type("aws:s3/bucket:Bucket") == [] and result.of_type("time:index/sleep:Sleep") == []


def test_an_existing_service_account_is_used_not_created():
    result = _workload(
        "deployment", create_service_account=False, adopted={"c": mocks.AdoptedCluster(objects={("ServiceAccount", "team-a", "app")})}
    )
    assert result.error is None
    assert result.of_type("kubernetes:core/v1:ServiceAccount") == []


def test_creating_an_object_the_cluster_has_fails_as_the_api_server_would():
    result = _workload("deployment", adopted={"c": mocks.AdoptedCluster(objects={("ServiceAccount", "team-a", "app")})})
    assert isinstance(result.error, mocks.AlreadyExists) and 'ServiceAccount "app" already exists' in str(result.error)


def test_job_sample_owns_a_force_destroyable_bucket_and_a_put_only_policy():
    result = _workload("job", bucket_name="my-proof-bucket")
    (bucket,) = result.of_type("aws:s3/bucket:Bucket")
    assert bucket.inputs["forceDestroy"] is True and bucket.inputs["bucket"] == "my-proof-bucket"
    (block,) = result.of_type("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert all(block.inputs[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    (policy,) = result.of_type("aws:iam/rolePolicy:RolePolicy")
    assert json.loads(policy.inputs["policy"])["Statement"] == [
        {"Sid": "PutSampleObjects", "Effect": "Allow", "Action": ["s3:PutObject"], "Resource": "arn:aws:s3:::my-proof-bucket/*"}
    ]
    assert policy.inputs["role"].startswith("gate-role-"), "the policy goes on the identity's (auto-named) role"
    (job,) = workload_jobs(result)
    (probe,) = probes(result)
    assert {policy.urn, probe.urn} <= result.all_dependencies(job)
    assert job.custom_timeouts["create"] == "12m", "the Job's 600 s deadline decides, not Pulumi's 10-minute await"
    assert job.inputs["metadata"]["annotations"] == {"pulumi.com/replaceUnready": "true"}
    env = {e["name"]: e.get("value") for e in job.inputs["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["BUCKET"] == "my-proof-bucket" and env["EXPECTED_ROLE_NAME"] == policy.inputs["role"]
    assert result.outputs["verify"].startswith("kubectl logs -n team-a job/")


# --- in a stack, on the adopted clusters of a real account ----------------------------------


def test_objects_every_cluster_has_are_never_created():
    overrides = {
        "identities": [
            {
                "name": "s3-reader",
                "namespace": "default",
                "serviceAccount": "default",
                "managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
            }
        ],
        "sample": {"kind": "job", "identity": "s3-reader", "cluster": "prod-blue", "createServiceAccount": False},
    }
    result = run_prod(**overrides)
    assert result.error is None and result.of_type("kubernetes:core/v1:ServiceAccount") == []


def test_the_seeds_service_account_already_on_an_adopted_cluster_is_applied_to_not_created():
    """It failed `pulumi up` with AlreadyExists unless createServiceAccount: false. On an adopted
    cluster the account is now a server-side apply patch: it takes the one there, or creates it."""
    seeded = {"prod-blue": mocks.AdoptedCluster(objects={("ServiceAccount", "default", "aws-cli-sa")})}
    for world in (seeded, {}):
        result = run_prod(world)
        assert result.error is None and result.of_type("kubernetes:core/v1:ServiceAccount") == []
        (patch,) = result.of_type("kubernetes:core/v1:ServiceAccountPatch")
        assert patch.inputs["metadata"]["name"] == "aws-cli-sa" and patch.inputs["metadata"]["namespace"] == "default"
        former = patch.urn.replace("kubernetes:core/v1:ServiceAccountPatch", "kubernetes:core/v1:ServiceAccount")
        assert patch.aliases == [former], "an upgraded stack updates its former ServiceAccount instead of deleting it"
    unmanaged = {"kind": "job", "identity": "s3-reader", "cluster": "prod-blue", "createServiceAccount": False}
    assert run_prod(seeded, sample=unmanaged).of_type("kubernetes:core/v1:ServiceAccountPatch") == []


def test_a_created_cluster_gets_a_plain_service_account():
    """Nothing is on a cluster the stack creates: the account is the stack's, deleted with it."""
    result = runner.run_stack("dev")
    (sa,) = result.of_type("kubernetes:core/v1:ServiceAccount")
    assert sa.aliases == [] and result.of_type("kubernetes:core/v1:ServiceAccountPatch") == []


def test_a_job_without_the_role_to_grant_is_refused_before_anything_registers():
    """Refused when the arguments are made: it was raised after the namespace, service account
    and probe Job had registered."""
    with pytest.raises(ValueError, match="a job sample needs role_name"):
        SampleWorkloadArgs(
            kind="job", namespace="a", service_account="b", image="i", provider=None, association=None, expected_role_name="r"
        )  # type: ignore[arg-type]
