"""The whole program for every committed stack file, run the way the CLI would run it."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from eks_pod_identity import stack as cfg_module
from eks_pod_identity.offline.harness import project, runner

from tests.helpers import STACKS, probes, statements_of, target_role, workload_jobs

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
    the mocks as in most real accounts: the stack leaves theirs alone (tests/addons/test_agent.py)."""
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
    (workload,) = workload_jobs(result) if config.sample.kind == "job" else result.of_type(kind)
    deps = result.all_dependencies(workload)
    assoc = result.named(f"{binding.cluster}/{binding.namespace}/{binding.service_account}")
    assert assoc.urn in deps
    agent = [
        a
        for a in result.of_type("aws:eks/addon:Addon")
        if a.inputs["clusterName"] == binding.cluster and a.inputs["addonName"] == "eks-pod-identity-agent"
    ]
    assert all(a.urn in deps for a in agent), "a managed agent add-on comes before the pod"
    (probe,) = probes(result)
    assert probe.urn in deps and assoc.urn in result.all_dependencies(probe), "the pod waits for the proof"
    assert {a.urn for a in agent} <= result.all_dependencies(probe), "so does the probe's pod"
    for attachment in result.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment"):
        if result.by_urn(attachment.parent).name == binding.identity:
            assert attachment.urn in deps
    template = workload.inputs["spec"]["template"]
    assert template["metadata"]["annotations"]["eks-pod-identity/association-id"] == result.outputs["associationIds"]["/".join(binding.key)]
    assert template["spec"]["serviceAccountName"] == binding.service_account
    (sa,) = [*result.of_type("kubernetes:core/v1:ServiceAccount"), *result.of_type("kubernetes:core/v1:ServiceAccountPatch")]
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
    assert counts["kubernetes:apps/v1:Deployment"] == 1 and counts["kubernetes:batch/v1:Job"] == 1, "the probe Job only"
    assert len(probes(stack_runs["dev"])) == 1


def test_prod_stack_adopts_two_clusters_binds_one_role_twice_and_runs_the_job(stack_runs):
    result = stack_runs["prod"]
    assert result.of_type("eks:index:Cluster") == []
    pod_roles = [r for r in result.of_type("aws:iam/role:Role") if "pods.eks.amazonaws.com" in r.inputs["assumeRolePolicy"]]
    assert len(pod_roles) == 1
    associations = result.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert len(associations) == 2 and len({a.inputs["roleArn"] for a in associations}) == 1
    (job,) = workload_jobs(result)
    assert job.provider.startswith(result.named("prod-blue-k8s").urn)
    (bucket,) = result.of_type("aws:s3/bucket:Bucket")
    assert bucket.inputs["forceDestroy"] is True


# --- the fleet: catalog, existing and shared roles, cross-account, session policies, ABAC, fan-out ---


def test_fleet_size_and_counts(fleet):
    result, cfg = fleet
    assert len(cfg.clusters) >= 3 and len(cfg.identities) >= 5
    pod_roles = [r for r in result.of_type("aws:iam/role:Role") if "pods.eks.amazonaws.com" in r.inputs["assumeRolePolicy"]]
    assert len(pod_roles) == sum(1 for i in cfg.identities if i.creates_role) == 8
    associations = result.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert len(associations) == len(cfg.bindings()) == 19
    addon_bound = [a for a in result.of_type("aws:eks/addon:Addon") if a.inputs.get("podIdentityAssociations")]
    assert len(addon_bound) == len(cfg.addon_bindings()) == 2


def test_fleet_fan_out_binds_one_role_per_namespace_and_cluster(fleet):
    result, _ = fleet
    tenants = result.under("tenants", "aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert sorted((a.inputs["clusterName"], a.inputs["namespace"]) for a in tenants) == sorted(
        (c, n) for c in ("fleet-west", "fleet-east") for n in ("team-a", "team-b", "team-c")
    )
    assert {a.inputs["roleArn"] for a in tenants} == {result.outputs["roleArns"]["tenants"]}
    trust = statements_of(result.named("tenants-role").inputs["assumeRolePolicy"])[0]
    assert trust["Condition"]["StringEquals"]["aws:RequestTag/kubernetes-namespace"] == ["team-a", "team-b", "team-c"]


def test_fleet_abac_inline_policy_uses_the_namespace_tag(fleet):
    result, _ = fleet
    policy = result.named("tenants-inline").inputs["policy"]
    assert "arn:aws:s3:::fleet-shared-data/namespace/${aws:PrincipalTag/kubernetes-namespace}/*" in policy


def test_fleet_catalog_policies_are_managed_policies_on_the_role(fleet):
    result, _ = fleet
    policies = {r.name for r in result.of_type("aws:iam/policy:Policy")}
    assert {"external-dns-externalDns", "ebs-csi-ebsCsi"} <= policies
    # The load balancer controller's permissions exceed one managed policy: split in two.
    assert {"lb-controller-awsLoadBalancerController-1", "lb-controller-awsLoadBalancerController-2"} <= policies
    attached = {r.inputs["policyArn"] for r in result.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy" in attached
    lb_trust = statements_of(result.named("lb-controller-role").inputs["assumeRolePolicy"])[0]
    assert lb_trust["Condition"]["StringEquals"]["aws:RequestTag/eks-cluster-arn"] == sorted(
        f"arn:aws:eks:us-west-2:123456789012:cluster/{c}" for c in ("fleet-west", "fleet-east", "fleet-auto")
    )


def test_fleet_session_policy_goes_with_disabled_session_tags(fleet):
    result, cfg = fleet
    (assoc,) = result.under("secrets-reader", "aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert assoc.inputs["disableSessionTags"] is True
    assert json.loads(assoc.inputs["policy"]) == cfg.identity("secrets-reader").session_policy
    trust = statements_of(result.named("secrets-reader-role").inputs["assumeRolePolicy"])[0]
    assert "Condition" not in trust, "tag conditions would never match with session tags disabled"


def test_fleet_addon_identities_are_ordered_after_the_agent(fleet):
    result, _ = fleet
    agents = {
        a.inputs["clusterName"]: a for a in result.of_type("aws:eks/addon:Addon") if a.inputs["addonName"] == "eks-pod-identity-agent"
    }
    # Auto Mode has the agent built in; the adopted fleet-east already runs it (installed by hand).
    assert set(agents) == {"fleet-west"}
    for addon in result.of_type("aws:eks/addon:Addon"):
        if addon.inputs["addonName"] != "aws-ebs-csi-driver":
            continue
        assert addon.inputs["podIdentityAssociations"] == [
            {"roleArn": result.outputs["roleArns"]["ebs-csi"], "serviceAccount": "ebs-csi-controller-sa"}
        ]
        cluster = addon.inputs["clusterName"]
        assert cluster not in agents or agents[cluster].urn in result.all_dependencies(addon)
        assert addon.inputs.get("preserve") is (True if cluster == "fleet-east" else None), (
            "destroy leaves their software on the adopted cluster"
        )
        assert result.named("ebs-csi/ebsCsi").urn in result.all_dependencies(addon)
    trust = statements_of(result.named("ebs-csi-role").inputs["assumeRolePolicy"])[0]
    assert trust["Condition"]["StringEquals"] == {
        "aws:RequestTag/kubernetes-namespace": ["kube-system"],
        "aws:RequestTag/kubernetes-service-account": ["ebs-csi-controller-sa"],
    }


def test_fleet_binds_the_existing_role_as_given(fleet):
    result, _ = fleet
    (assoc,) = result.under("ci-runner", "aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert assoc.inputs["roleArn"] == "arn:aws:iam::123456789012:role/existing-ci-runner"
    assert not [r for r in result.under("ci-runner") if r.type.startswith("aws:iam/")]
    assert not [r for r in result.registrations if r.name == "ci-runner" and r.type.endswith(":PodIdentityRole")]


def test_identity_stack_exports_roles_and_cluster_stack_never_touches_them(stack_runs):
    identities, cluster = stack_runs["identities"], stack_runs["team-cluster"]
    assert identities.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation") == []
    assert not [r for r in cluster.registrations if r.type.startswith("aws:iam/")], "a cluster stack creates no IAM"
    (assoc,) = cluster.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert assoc.inputs["roleArn"] == identities.outputs["roleArns"]["s3-reader"]


def test_existing_role_arn_is_bound_without_creating_a_role():
    overrides = {
        "eks-pod-identity:identities": [
            {
                "name": "s3-reader",
                "namespace": "default",
                "serviceAccount": "aws-cli-sa",
                "roleArn": "arn:aws:iam::123456789012:role/existing",
            }
        ]
    }
    result = runner.run_stack("dev", overrides=overrides)
    pod_roles = [r for r in result.of_type("aws:iam/role:Role") if "pods.eks.amazonaws.com" in r.inputs["assumeRolePolicy"]]
    assert pod_roles == []
    (assoc,) = result.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert assoc.inputs["roleArn"] == "arn:aws:iam::123456789012:role/existing"


def test_a_sample_on_a_cross_account_identity_waits_for_the_target_role_and_its_permissions():
    sample = {"kind": "deployment", "identity": "analytics-reader", "cluster": "fleet-west", "createNamespace": True}
    result = runner.run_stack("fleet", overrides={"eks-pod-identity:sample": sample})
    (deployment,) = result.of_type("kubernetes:apps/v1:Deployment")
    deps = result.all_dependencies(deployment)
    assert target_role(result).urn in deps
    assert result.under("analytics-reader-target", "aws:iam/rolePolicyAttachment:RolePolicyAttachment")[0].urn in deps


# --- what the program reads before it declares anything ---------------------------------------
