"""The review's hazards: pairs of stack configs run through the real program, compared, and
judged; the operations, hazards and exit status are asserted for each kind of change a pull
request makes."""

from __future__ import annotations

import copy

import pytest
import yaml
from eks_pod_identity.offline import commands
from eks_pod_identity.offline.commands import review
from eks_pod_identity.offline.review import compare as cmp
from eks_pod_identity.tokens import ASSOCIATION, ROLE

from tests.helpers import ROOT
from tests.helpers.review import DEV, KEY, change_of, clusters, dev, identities, judge, kinds, ops, side

# --- the changes the issue names ----------------------------------------------------------


def test_a_harmless_change_only_updates_and_exits_0():
    result, status = judge(side("dev"), side("dev", {f"{KEY}environment": "dev-2"}))
    assert set(ops(result)) == {"update"}
    assert all(c.path[:1] == ("tags",) for ch in result.comparison.changes for c in ch.inputs)
    assert result.hazards == [] and status == 0
    assert "exit 0" in review.render(result)


@pytest.mark.parametrize("how", ["removed", "create false"])
def test_deleting_a_created_cluster_is_one_hazard_that_names_what_goes_with_it(how):
    if how == "removed":
        new = side("dev", dev(clusters=[], identities=[], sample={"kind": "none"}))
    else:
        new = side("dev", dev(clusters=[{"name": "pod-identity-dev", "create": False}]))
    result, status = judge(side("dev"), new)
    deleted = ops(result)["delete"]
    assert ("eks:index:Cluster", "pod-identity-dev-eks") in deleted
    assert ("eks:index:ManagedNodeGroup", "pod-identity-dev-nodes") in deleted
    # What is inside the cluster folds into the cluster's hazard instead of one hazard each.
    assert kinds(result) == ["cluster-deleted"] and status == commands.HAZARDS
    hazard = result.hazards[0]
    assert hazard.id == "cluster-deleted:" + change_of(result, "eks:index:Cluster", "pod-identity-dev-eks").urn
    assert "Deployment" in " ".join(hazard.details)
    assert ("does not hand this one over" in hazard.message) == (how == "create false")


def test_renaming_a_cluster_deletes_it_and_moves_its_objects_to_the_new_one():
    result, status = judge(side("dev"), side("dev", dev(clusters=clusters(name="pod-identity-dev-2"))))
    assert ("eks:index:Cluster", "pod-identity-dev-2-eks") in ops(result)["create"]
    assert ("eks:index:Cluster", "pod-identity-dev-eks") in ops(result)["delete"]
    # The sample keeps its URNs but moves to the new cluster's provider: replaced, create-first.
    sa = change_of(result, "kubernetes:core/v1:ServiceAccount", "sample-sa")
    assert sa.op == "replace" and not sa.delete_first and "moves to provider pod-identity-dev-2-k8s" in sa.reasons[0]
    assert kinds(result) == ["cluster-deleted"] and status == commands.HAZARDS
    assert any("a rename is a new cluster" in d for d in result.hazards[0].details)


def test_setting_a_fixed_role_name_replaces_the_role_delete_first():
    result, status = judge(side("dev"), side("dev", dev(identities=identities(roleName="team-a-reader"))))
    role = change_of(result, ROLE, "fixed.team-a-reader-role")
    assert role.op == "replace" and role.renamed, "the alias links the fixed-name role to the auto-named one"
    assert [c.path for c in role.inputs if c.forces] == [("name",)]
    assert "role.go:143" in role.inputs[0].forces
    assert role.delete_first == "the deleteBeforeReplace option is set"
    association = change_of(result, ASSOCIATION, "pod-identity-dev/default/aws-cli-sa")
    assert association.op == "update" and isinstance(association.inputs[0].new, cmp.Unknown)
    # The Deployment's spec is computed from the role: unknown, so only an update, unless the
    # selector under it turns out to change (the Kubernetes provider plans it that way).
    deployment = change_of(result, "kubernetes:apps/v1:Deployment", "sample-deployment")
    assert deployment.op == "update" and [c.may_force for c in deployment.inputs] == [["spec.selector"]]
    assert kinds(result) == ["role-replaced"] and status == commands.HAZARDS
    assert "delete-first" in result.hazards[0].message


def test_moving_a_binding_to_another_namespace_creates_the_new_association_and_deletes_the_old():
    sample = {**DEV[f"{KEY}sample"], "createNamespace": True}
    result, status = judge(side("dev"), side("dev", dev(identities=identities(namespace="team-b"), sample=sample)))
    assert (ASSOCIATION, "pod-identity-dev/team-b/aws-cli-sa") in ops(result)["create"]
    assert ("kubernetes:core/v1:Namespace", "sample-namespace") in ops(result)["create"], "the created cluster has no team-b"
    assert (ASSOCIATION, "pod-identity-dev/default/aws-cli-sa") in ops(result)["delete"]
    deployment = change_of(result, "kubernetes:apps/v1:Deployment", "sample-deployment")
    assert deployment.op == "replace" and not deployment.delete_first, "a new namespace: the provider replaces create-first"
    assert any(c.path == ("metadata", "namespace") and "diff.go:207-212" in c.forces for c in deployment.inputs)
    # The keys differ, so nothing waits for a 409; pods in the old namespace lose the role.
    assert kinds(result) == ["association-deleted"] and status == commands.HAZARDS
    assert result.hazards[0].details == ["a new binding is created at pod-identity-dev/team-b/aws-cli-sa"]
    assert "- Condition: StringEquals aws:RequestTag/kubernetes-namespace=default" in review.render(result)


def test_renaming_an_identity_updates_its_association_in_place():
    ids = identities(name="s3-reader-2")
    new = side("dev", dev(identities=ids, sample={**DEV[f"{KEY}sample"], "identity": "s3-reader-2"}))
    result, status = judge(side("dev"), new)
    association = change_of(result, ASSOCIATION, "pod-identity-dev/default/aws-cli-sa")
    assert association.op == "update" and [c.path for c in association.inputs] == [("roleArn",)]
    assert "unique-key-conflict" not in kinds(result), "the association keeps its URN: no second one, no 409"
    # The auto-named role is new; the old one goes while pods still hold its credentials.
    assert kinds(result) == ["role-replaced"] and status == commands.HAZARDS


def test_renaming_an_identity_with_a_fixed_role_name_only_updates_the_description():
    before = side("dev", dev(identities=identities(roleName="team-a-reader")))
    ids = identities(roleName="team-a-reader", name="s3-reader-2")
    after = side("dev", dev(identities=ids, sample={**DEV[f"{KEY}sample"], "identity": "s3-reader-2"}))
    result, status = judge(before, after)
    assert ops(result) == {"update": {(ROLE, "fixed.team-a-reader-role")}} and status == 0
    assert [c.path for c in change_of(result, ROLE, "fixed.team-a-reader-role").inputs] == [("description",)]


def test_removing_a_managed_policy_from_a_bound_role_is_a_permission_hazard():
    result, status = judge(side("dev"), side("dev", dev(identities=identities(managedPolicyArns=[]))))
    assert ops(result) == {"delete": {("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "s3-reader/aws/AmazonS3ReadOnlyAccess")}}
    assert kinds(result) == ["permissions-removed"] and status == commands.HAZARDS
    assert result.hazards[0].details == ["detached: arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
    assert "pod-identity-dev/default/aws-cli-sa" in result.hazards[0].message
    assert "- detach 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' from role" in review.render(result)


def test_narrowing_inline_statements_of_a_bound_role_lists_what_is_no_longer_allowed():
    wide = [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": ["arn:aws:s3:::b/*"]}]
    narrow = [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::b/*"]}]
    result, _ = judge(side("dev", dev(identities=identities(statements=wide))), side("dev", dev(identities=identities(statements=narrow))))
    (hazard,) = result.hazards
    assert hazard.kind == "permissions-removed" and hazard.details == ["no longer allowed: s3:PutObject on arn:aws:s3:::b/*"]
    text = review.render(result)
    assert "- Action: s3:PutObject" in text and "Action: s3:GetObject" not in text
    # Widening is no hazard.
    assert (
        judge(side("dev", dev(identities=identities(statements=narrow))), side("dev", dev(identities=identities(statements=wide))))[
            0
        ].hazards
        == []
    )


def test_accepting_every_hazard_exits_0_and_a_stale_acceptance_is_reported():
    result, status = judge(
        side("dev"),
        side("dev", dev(identities=identities(managedPolicyArns=[]))),
        accept=["permissions-removed:*s3-reader-role", "cluster-deleted:*"],
    )
    assert status == 0 and result.hazards[0].accepted and result.unused_accepts == ["cluster-deleted:*"]
    text = review.render(result)
    assert "ACCEPTED  permissions-removed:" in text and "matches no hazard" in text and "every hazard was accepted" in text


# --- shared roles, clusters, the agent ----------------------------------------------------


def test_narrowing_a_shared_roles_trust_names_the_cluster_stack_it_cuts_off():
    ids = yaml.safe_load((ROOT / "Pulumi.identities.yaml").read_text())["config"][f"{KEY}identities"]
    ids = copy.deepcopy(ids)
    ids[0]["namespace"] = "other"
    result, status = judge(side("identities"), side("identities", {f"{KEY}identities": ids}), stack="identities")
    (hazard,) = result.hazards
    assert hazard.kind == "trust-narrowed" and status == commands.HAZARDS
    assert "committed stack no longer admitted: team-cluster: team-cluster/default/aws-cli-sa" in hazard.details


@pytest.mark.parametrize(
    "old_version, new_version, kind",
    [("1.35", "1.33", "cluster-version-downgrade"), ("1.33", "1.35", "cluster-version-skip"), ("1.34", "1.35", None)],
)
def test_cluster_versions_move_one_minor_version_up_at_a_time(old_version, new_version, kind):
    result, status = judge(
        side("dev", dev(clusters=clusters(version=old_version))), side("dev", dev(clusters=clusters(version=new_version)))
    )
    assert change_of(result, "eks:index:Cluster", "pod-identity-dev-eks").op == "update"
    assert kinds(result) == ([kind] if kind else []) and status == (commands.HAZARDS if kind else 0)


def test_a_new_instance_type_replaces_the_node_group():
    result, _ = judge(side("dev"), side("dev", dev(clusters=clusters(instanceType="t3.large"))))
    group = change_of(result, "eks:index:ManagedNodeGroup", "pod-identity-dev-nodes")
    assert group.op == "replace" and "node_group.go:87" in group.inputs[0].forces
    assert kinds(result) == ["nodegroup-replaced"]


def test_a_new_vpc_cidr_replaces_the_vpc_and_node_group_and_the_cluster_cannot_follow():
    result, status = judge(side("dev"), side("dev", dev(clusters=clusters(network={"cidr": "10.1.0.0/16"}))))
    vpc = change_of(result, "awsx:ec2:Vpc", "pod-identity-dev-network-vpc")
    assert vpc.op == "replace" and "vpc_.go:78" in vpc.inputs[0].forces
    cluster = change_of(result, "eks:index:Cluster", "pod-identity-dev-eks")
    assert cluster.op == "update" and {c.path for c in cluster.inputs} == {("vpcId",), ("privateSubnetIds",), ("publicSubnetIds",)}
    assert kinds(result) == ["change-refused", "nodegroup-replaced", "vpc-replaced"] and status == commands.HAZARDS


def test_turning_off_installagent_deletes_the_agent_pulumi_installed():
    result, _ = judge(side("dev"), side("dev", dev(clusters=clusters(installAgent=False))))
    assert ops(result)["delete"] == {("aws:eks/addon:Addon", "pod-identity-dev-agent-addon")}
    assert kinds(result) == ["agent-removed"] and "pod-identity-dev" in result.hazards[0].message


def test_a_job_template_change_replaces_the_auto_named_job_create_first_without_hazard():
    result, status = judge(side("prod"), side("prod", {f"{KEY}awsCliImage": "amazon/aws-cli:2.36.0"}), stack="prod")
    job = change_of(result, "kubernetes:batch/v1:Job", "sample-job")
    assert job.op == "replace" and not job.delete_first
    assert "diff.go:178-186" in job.inputs[0].forces
    assert result.hazards == [] and status == 0
