"""The critical path: the dependency graph keeps IAM and associations off it (asserted on the
graph's shape, not on times)."""

from __future__ import annotations

import pytest
from eks_pod_identity.offline import critical_path as cp
from eks_pod_identity.offline.harness import runner

from tests.helpers import STACKS

SLOW = ("eks:index:Cluster", "eks:index:ManagedNodeGroup", "aws:eks/addon:Addon")
POD_IAM = (
    "aws:iam/role:Role",
    "aws:iam/policy:Policy",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
)


def pod_iam(result: runner.RunResult) -> set[str]:
    """URNs of the IAM resources inside PodIdentityRole components."""
    return {
        r.urn
        for r in result.registrations
        if r.type in POD_IAM and any(a.type == "eks-pod-identity:index:PodIdentityRole" for a in result.ancestors(r))
    }


@pytest.mark.parametrize("stack", STACKS)
def test_pod_iam_and_associations_wait_for_no_slow_resource(stack, stack_runs):
    result = stack_runs[stack]
    graph = cp.dependency_graph(result)
    by_urn = {r.urn: r for r in result.registrations}
    associations = {r.urn for r in result.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")}
    for urn in pod_iam(result) | associations:
        # An association needs its cluster to exist, nothing slower; a role needs nothing at all.
        allowed = ("eks:index:Cluster",) if urn in associations else ()
        slow = [by_urn[u].type for u in cp.upstream(graph, urn) if by_urn[u].type in SLOW and by_urn[u].type not in allowed]
        assert slow == [], f"{by_urn[urn].name} waits for {slow}"


@pytest.mark.parametrize("stack", STACKS)
def test_critical_path_holds_no_pod_iam_nor_association(stack, stack_runs):
    """Where the stack creates a cluster, IAM and associations are made while it comes up.
    (On adopted clusters they are the path: role, association, propagation wait, pod.)"""
    result = stack_runs[stack]
    if not result.of_type("eks:index:Cluster"):
        pytest.skip("no cluster created here")
    on_path = {r.urn for r in cp.critical_path(result).path}
    assert not on_path & pod_iam(result)
    assert not [r for r in result.registrations if r.urn in on_path and r.type.startswith("aws:eks/podIdentityAssociation")]


@pytest.mark.parametrize("stack", STACKS)
def test_workloads_wait_for_agent_and_association(stack, stack_runs):
    result = stack_runs[stack]
    graph = cp.dependency_graph(result)
    for reg in result.registrations:
        if reg.type in ("kubernetes:apps/v1:Deployment", "kubernetes:batch/v1:Job"):
            before = [r for r in result.registrations if r.urn in cp.upstream(graph, reg.urn)]
            assert "aws:eks/podIdentityAssociation:PodIdentityAssociation" in {r.type for r in before}
            if cp.kind(reg) != cp.PROBE:
                assert cp.PROBE in {cp.kind(r) for r in before}, "a workload waits for the proof of its association"
            cluster = result.by_urn(reg.provider.rsplit("::", 1)[0]).inputs["clusterIdentifier"]
            agents = [
                a.urn
                for a in result.of_type("aws:eks/addon:Addon")
                if a.inputs["addonName"] == "eks-pod-identity-agent" and a.inputs["clusterName"] == cluster
            ]
            assert set(agents) <= cp.upstream(graph, reg.urn), "a managed agent comes before the pod"


def test_dev_critical_path_is_the_floor(stack_runs):
    path = cp.critical_path(stack_runs["dev"])
    assert [r.type for r in path.path] == [
        "awsx:ec2:Vpc",
        "eks:index:Cluster",
        "eks:index:ManagedNodeGroup",
        "aws:eks/addon:Addon",
        "kubernetes:batch/v1:Job",
        "kubernetes:apps/v1:Deployment",
    ]
    assert cp.kind(path.path[-2]) == cp.PROBE, "the proof, then the workload"
    assert path.total == path.floor < path.manual
    assert "critical path" in path.report()


def test_every_typical_time_has_a_source():
    assert all(source for _, source in cp.TYPICAL_SECONDS.values())


def test_the_shape_checks_see_the_roles(stack_runs):
    assert len(pod_iam(stack_runs["dev"])) == 2 and len(pod_iam(stack_runs["fleet"])) > 20
