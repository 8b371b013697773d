"""The probe of an association: a Job in the binding's namespace, run as its service account on
the cluster's provider, after the association and what a pod needs; its output resolves after it."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest
from eks_pod_identity import stack as config
from eks_pod_identity.identity.probe import PROBE_TIMEOUT, AssociationProbe, AssociationProbeArgs
from eks_pod_identity.offline.harness import runner

from tests.helpers import bound_role, probes, run_component


def test_the_probe_runs_as_the_bound_service_account_after_the_association():
    def program():
        cluster, role, assoc = bound_role("r")
        probe = AssociationProbe(
            "p",
            AssociationProbeArgs(
                assoc, "c/team-a/app", "team-a", "app", cluster.provider, "amazon/aws-cli:2.35.10", role.role_name, "eu-west-1", [role.role]
            ),
        )
        # A workload that takes the proven ID waits for the probe.
        aws.ssm.Parameter("after", type="String", value=probe.proven_association_id)
        return {"proven": probe.proven_association_id}

    result = run_component(program)
    (job,) = probes(result)
    assert job.parent == result.named("p").urn and job.provider.startswith(result.of_type("pulumi:providers:kubernetes")[0].urn)
    assert {result.named("c/team-a/app").urn, result.named("r-role").urn} <= set(job.dependencies)
    assert job.custom_timeouts == {"create": PROBE_TIMEOUT, "update": PROBE_TIMEOUT}
    assert job.inputs["spec"]["template"]["spec"]["serviceAccountName"] == "app" and job.inputs["metadata"]["namespace"] == "team-a"
    assert result.outputs["proven"].startswith("a-mock")
    assert job.urn in result.named("after").property_dependencies["value"], "its output carries the Job as a dependency"


@pytest.fixture(scope="module")
def proven_fleet() -> runner.RunResult:
    raw = runner.raw_config(runner.stack_config("fleet"))
    identities = [{**i, "proveAssociations": True} if i["name"] in ("tenants", "ci-runner") else i for i in raw["identities"]]
    return runner.run_stack("fleet", overrides={"eks-pod-identity:identities": identities})


def test_an_identity_that_asks_for_proof_gets_a_probe_per_binding_and_an_output(proven_fleet):
    cfg = config.parse(runner.raw_config(runner.stack_config("fleet")))
    wanted = {"/".join(b.key) for b in cfg.bindings() if b.identity in ("tenants", "ci-runner")}
    sample = "/".join(cfg.sample_binding().key)
    assert len(wanted) > 6, "the tenants fan-out and the CI runner"
    assert {j.inputs["metadata"]["annotations"]["eks-pod-identity/association"] for j in probes(proven_fleet)} == wanted | {sample}
    assert set(proven_fleet.outputs["provenAssociationIds"]) == wanted | {sample}
    assert all(v == proven_fleet.outputs["associationIds"][k] for k, v in proven_fleet.outputs["provenAssociationIds"].items())


def test_without_proof_only_the_sample_is_probed():
    result = runner.run_stack("fleet")
    assert len(probes(result)) == 1 and list(result.outputs["provenAssociationIds"]) == [
        "/".join(config.parse(runner.raw_config(runner.stack_config("fleet"))).sample_binding().key)
    ]


def test_a_shared_identity_cannot_ask_for_proof():
    raw = runner.raw_config(runner.stack_config("identities"))
    identities = [{**raw["identities"][0], "proveAssociations": True}]
    result = runner.run_stack("identities", overrides={"eks-pod-identity:identities": identities}, raise_errors=False)
    assert isinstance(result.error, config.ConfigError) and "set proveAssociations in the cluster stacks that bind it" in str(result.error)


def test_the_former_propagation_wait_is_accepted_with_a_warning(monkeypatch):
    said = []
    monkeypatch.setattr(pulumi.log, "warn", lambda message, *a, **k: said.append(message))
    sample = {"kind": "deployment", "identity": "s3-reader", "propagationSeconds": 45}
    assert runner.run_stack("dev", overrides={"eks-pod-identity:sample": sample}).error is None
    assert any("propagationSeconds no longer applies" in m for m in said)
