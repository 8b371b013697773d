"""Hazards to who gets what: roles replaced, narrowed or stripped while pods use them, associations moved or deleted, the agent removed."""

from __future__ import annotations

import copy

import yaml
from eks_pod_identity.offline import commands
from eks_pod_identity.offline.commands import review
from eks_pod_identity.offline.review import compare as cmp
from eks_pod_identity.tokens import ASSOCIATION, ROLE

from tests.helpers import ROOT
from tests.helpers.review import DEV, KEY, change_of, clusters, dev, identities, judge, kinds, ops, side


def test_setting_a_fixed_role_name_replaces_the_role_delete_first():
    result, status = judge(side("dev"), side("dev", dev(identities=identities(roleName="team-a-reader"))))
    role = change_of(result, ROLE, "fixed.team-a-reader-role")
    assert role.op == "replace" and role.renamed, "the alias links the fixed-name role to the auto-named one"
    assert [c.path for c in role.inputs if c.forces] == [("name",)]
    assert "role.go ResourceRole, name ForceNew" in role.inputs[0].forces
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
    assert any(c.path == ("metadata", "namespace") and "diff.go metadataForceNewProperties" in c.forces for c in deployment.inputs)
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


def test_narrowing_a_shared_roles_trust_names_the_cluster_stack_it_cuts_off():
    ids = yaml.safe_load((ROOT / "Pulumi.identities.yaml").read_text())["config"][f"{KEY}identities"]
    ids = copy.deepcopy(ids)
    ids[0]["namespace"] = "other"
    result, status = judge(side("identities"), side("identities", {f"{KEY}identities": ids}), stack="identities")
    (hazard,) = result.hazards
    assert hazard.kind == "trust-narrowed" and status == commands.HAZARDS
    assert "committed stack no longer admitted: team-cluster: team-cluster/default/aws-cli-sa" in hazard.details


def test_turning_off_installagent_deletes_the_agent_pulumi_installed():
    result, _ = judge(side("dev"), side("dev", dev(clusters=clusters(installAgent=False))))
    assert ops(result)["delete"] == {("aws:eks/addon:Addon", "pod-identity-dev-agent-addon")}
    assert kinds(result) == ["agent-removed"] and "pod-identity-dev" in result.hazards[0].message


def test_turning_off_installagent_on_an_adopted_cluster_keeps_the_agent_running():
    """On an adopted cluster the add-on is deleted with preserve: its software keeps serving pods."""
    prod = yaml.safe_load((ROOT / "Pulumi.prod.yaml").read_text())["config"]
    clusters = [{**c, "installAgent": False} for c in prod[f"{KEY}clusters"]]
    review_ = judge(side("prod"), side("prod", {f"{KEY}clusters": clusters}))[0]
    assert "agent-removed" not in kinds(review_)
