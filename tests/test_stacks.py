"""The whole program for every committed stack file, run the way the CLI would run it."""

from collections import Counter

import pytest
from eks_pod_identity import stack as cfg_module
from eks_pod_identity.offline.harness import project

from .conftest import STACKS

COMPONENT_PREFIX = "eks-pod-identity:index:"


def parsed(stack: str) -> cfg_module.StackConfig:
    return project.parsed_config(stack)


def test_the_committed_stacks_are_the_documented_ones():
    assert {"dev", "prod"} <= set(STACKS)


@pytest.mark.parametrize("stack", STACKS)
def test_every_resource_lives_inside_a_component(stack, stack_runs):
    result = stack_runs[stack]
    for reg in result.registrations:
        if reg.type.startswith(COMPONENT_PREFIX):
            ancestors = result.ancestors(reg)
            assert all(a.type.startswith(COMPONENT_PREFIX) for a in ancestors), f"{reg.name} sits under a foreign resource"
        else:
            assert any(a.type.startswith(COMPONENT_PREFIX) for a in result.ancestors(reg)), f"{reg.type} {reg.name} has no component"


@pytest.mark.parametrize("stack", STACKS)
def test_one_role_per_identity_and_one_association_per_binding(stack, stack_runs):
    result, config = stack_runs[stack], parsed(stack)
    roles = [r for r in result.of_type("aws:iam/role:Role") if r.inputs["assumeRolePolicy"].find("pods.eks.amazonaws.com") >= 0]
    assert len(roles) == sum(1 for i in config.identities if i.creates_role)
    associations = result.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert sorted((a.inputs["clusterName"], a.inputs["namespace"], a.inputs["serviceAccount"]) for a in associations) == sorted(
        b.key for b in config.bindings()
    )
    assert set(result.outputs["associationIds"]) == {"/".join(b.key) for b in config.bindings()}


@pytest.mark.parametrize("stack", STACKS)
def test_associations_point_at_their_identity_role(stack, stack_runs):
    result, config = stack_runs[stack], parsed(stack)
    for b in config.bindings():
        assoc = result.named(f"{b.cluster}/{b.namespace}/{b.service_account}")
        assert result.by_urn(assoc.parent).name == b.identity
        assert assoc.inputs["roleArn"] == result.outputs["roleArns"][b.identity]
        if config.identity(b.identity).creates_role:
            role = result.named(f"{b.identity}-role")
            assert role.urn in result.all_dependencies(assoc)


@pytest.mark.parametrize("stack", STACKS)
def test_no_oidc_provider_anywhere(stack, stack_runs):
    types = {r.type for r in stack_runs[stack].registrations}
    assert not any("openIdConnect" in t or "OidcProvider" in t for t in types)
    for cluster in stack_runs[stack].of_type("eks:index:Cluster"):
        assert not cluster.inputs.get("createOidcProvider")


@pytest.mark.parametrize("stack", STACKS)
def test_agent_addon_on_every_cluster_that_needs_it(stack, stack_runs):
    """Created clusters get the agent (not Auto Mode); adopted ones already run it, by hand, in
    the mocks as in most real accounts: the stack leaves theirs alone (tests/test_adopted.py)."""
    result, config = stack_runs[stack], parsed(stack)
    addons = [a for a in result.of_type("aws:eks/addon:Addon") if a.inputs["addonName"] == "eks-pod-identity-agent"]
    expected = [c.name for c in config.clusters if c.install_agent and c.create and not c.auto_mode]
    assert sorted(a.inputs["clusterName"] for a in addons) == sorted(expected)


@pytest.mark.parametrize("stack", STACKS)
def test_sample_waits_for_its_association_agent_and_permissions(stack, stack_runs):
    result, config = stack_runs[stack], parsed(stack)
    binding = config.sample_binding()
    if binding is None:
        pytest.skip("this stack runs no sample")
    kind = {"deployment": "kubernetes:apps/v1:Deployment", "job": "kubernetes:batch/v1:Job"}[config.sample.kind]
    (workload,) = result.of_type(kind)
    deps = result.all_dependencies(workload)
    assoc = result.named(f"{binding.cluster}/{binding.namespace}/{binding.service_account}")
    assert assoc.urn in deps
    agent = [
        a
        for a in result.of_type("aws:eks/addon:Addon")
        if a.inputs["clusterName"] == binding.cluster and a.inputs["addonName"] == "eks-pod-identity-agent"
    ]
    assert all(a.urn in deps for a in agent), "a managed agent add-on comes before the pod"
    (sleep,) = result.of_type("time:index/sleep:Sleep")
    assert sleep.urn in deps and assoc.urn in result.all_dependencies(sleep), "the pod waits out the propagation"
    for attachment in result.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment"):
        if result.by_urn(attachment.parent).name == binding.identity:
            assert attachment.urn in deps
    template = workload.inputs["spec"]["template"]
    assert template["metadata"]["annotations"]["eks-pod-identity/association-id"] == result.outputs["associationIds"]["/".join(binding.key)]
    assert template["spec"]["serviceAccountName"] == binding.service_account
    (sa,) = result.of_type("kubernetes:core/v1:ServiceAccount")
    assert sa.inputs["metadata"]["name"] == binding.service_account and sa.inputs["metadata"]["namespace"] == binding.namespace
    assert "annotations" not in sa.inputs["metadata"]


@pytest.mark.parametrize("stack", STACKS)
def test_kubernetes_objects_use_their_cluster_provider(stack, stack_runs):
    result, config = stack_runs[stack], parsed(stack)
    binding = config.sample_binding()
    objects = [r for r in result.registrations if r.type.startswith("kubernetes:") and r.custom]
    if binding is None:
        assert objects == []
        return
    provider = result.named(f"{binding.cluster}-k8s")
    for obj in objects:
        assert obj.provider.startswith(provider.urn + "::")
    # The provider's kubeconfig comes from the cluster, so objects are deleted before the cluster.
    clusters = [c for c in result.of_type("eks:index:Cluster") if c.inputs["name"] == binding.cluster]
    if clusters:
        assert clusters[0].urn in result.all_dependencies(provider)


@pytest.mark.parametrize("stack", STACKS)
def test_outputs_cover_clusters_roles_associations_and_verification(stack, stack_runs):
    result, config = stack_runs[stack], parsed(stack)
    outputs = result.outputs
    assert set(outputs["clusterNames"]) == set(outputs["clusterArns"]) == {c.name for c in config.clusters}
    assert set(outputs["roleArns"]) == {i.name for i in config.identities}
    assert set(outputs["kubeconfigs"]) == {c.name for c in config.clusters}
    if config.sample.kind != "none":
        assert "KUBECONFIG=" in outputs["sampleVerifyCommand"]


def test_dev_stack_resources(stack_runs):
    counts = Counter(r.type for r in stack_runs["dev"].registrations)
    assert counts["eks:index:Cluster"] == 1 and counts["eks:index:ManagedNodeGroup"] == 1
    assert counts["kubernetes:apps/v1:Deployment"] == 1 and counts["kubernetes:batch/v1:Job"] == 0


def test_prod_stack_adopts_two_clusters_binds_one_role_twice_and_runs_the_job(stack_runs):
    result = stack_runs["prod"]
    assert result.of_type("eks:index:Cluster") == []
    pod_roles = [r for r in result.of_type("aws:iam/role:Role") if "pods.eks.amazonaws.com" in r.inputs["assumeRolePolicy"]]
    assert len(pod_roles) == 1
    associations = result.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert len(associations) == 2 and len({a.inputs["roleArn"] for a in associations}) == 1
    (job,) = result.of_type("kubernetes:batch/v1:Job")
    assert job.provider.startswith(result.named("prod-blue-k8s").urn)
    (bucket,) = result.of_type("aws:s3/bucket:Bucket")
    assert bucket.inputs["forceDestroy"] is True
