"""One hazard, and what the hazard finders share: what a registration waits for, what is inside a root."""

from __future__ import annotations

from eks_pod_identity.offline.review.hazard import Hazard, inside, refs


def test_a_hazards_id_is_its_kind_and_urn_and_its_lines_list_the_details():
    hazard = Hazard("role-replaced", "urn:x", "Role r is replaced.", ["because"])
    assert hazard.id == "role-replaced:urn:x" and hazard.lines() == ["Role r is replaced.", "  - because"]


def test_everything_that_waits_for_a_created_cluster_is_inside_it(stack_runs):
    result = stack_runs["dev"]
    (cluster,) = result.of_type("eks:index:Cluster")
    members = {result.by_urn(u).type for u in inside(result, cluster.urn, {})}
    assert {"eks:index:ManagedNodeGroup", "pulumi:providers:kubernetes", "kubernetes:apps/v1:Deployment"} <= members
    assert "aws:iam/role:Role" not in members, "roles name the cluster by a static ARN: they outlive it"
    (deployment,) = result.of_type("kubernetes:apps/v1:Deployment")
    assert deployment.provider.rsplit("::", 1)[0] in refs(deployment)
