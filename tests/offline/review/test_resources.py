"""Hazards to what the stack runs: clusters, unique keys, refused updates, objects deleted with what is in them."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest
from eks_pod_identity.offline import commands
from eks_pod_identity.offline.commands import review

from tests.helpers.review import KEY, change_of, clusters, dev, judge, kinds, ops, role, run_program, side


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
    assert group.op == "replace" and "node_group.go ResourceNodeGroup, instance_types ForceNew" in group.inputs[0].forces
    assert kinds(result) == ["nodegroup-replaced"]


def test_a_new_vpc_cidr_replaces_the_vpc_and_node_group_and_the_cluster_cannot_follow():
    result, status = judge(side("dev"), side("dev", dev(clusters=clusters(network={"cidr": "10.1.0.0/16"}))))
    vpc = change_of(result, "awsx:ec2:Vpc", "pod-identity-dev-network-vpc")
    assert vpc.op == "replace" and "vpc_.go ResourceVPC, cidr_block ForceNew" in vpc.inputs[0].forces
    cluster = change_of(result, "eks:index:Cluster", "pod-identity-dev-eks")
    assert cluster.op == "update" and {c.path for c in cluster.inputs} == {("vpcId",), ("privateSubnetIds",), ("publicSubnetIds",)}
    assert kinds(result) == ["change-refused", "nodegroup-replaced", "vpc-replaced"] and status == commands.HAZARDS


def test_a_job_template_change_replaces_the_auto_named_job_create_first_without_hazard():
    result, status = judge(side("prod"), side("prod", {f"{KEY}awsCliImage": "amazon/aws-cli:2.36.0"}), stack="prod")
    job = change_of(result, "kubernetes:batch/v1:Job", "sample-job")
    assert job.op == "replace" and not job.delete_first
    assert "diff.go job" in job.inputs[0].forces
    assert result.hazards == [] and status == 0


def test_a_fixed_name_under_a_new_urn_fails_to_create_and_an_alias_prevents_it():
    old = run_program(lambda: role("a", "fixed"))
    result, status = judge(old, run_program(lambda: role("b", "fixed")))
    assert kinds(result) == ["unique-key-conflict"] and status == commands.HAZARDS
    assert "EntityAlreadyExists" in " ".join(result.hazards[0].details)
    aliased, _ = judge(old, run_program(lambda: role("b", "fixed", aliases=[pulumi.Alias(name="a")])))
    assert aliased.hazards == [] and ops(aliased) == {}
    # IAM names ignore case.
    assert kinds(judge(old, run_program(lambda: role("b", "FIXED")))[0]) == ["unique-key-conflict"]


def test_a_create_first_replacement_that_keeps_its_key_conflicts_with_itself():
    def addon(**extra):
        def body():
            aws.eks.Addon("agent", cluster_name="c", addon_name="eks-pod-identity-agent", **extra)

        return body

    result, _ = judge(run_program(addon()), run_program(addon(namespace_config=aws.eks.AddonNamespaceConfigArgs(namespace="x"))))
    assert change_of(result, "aws:eks/addon:Addon", "agent").op == "replace"
    (hazard,) = result.hazards
    assert hazard.kind == "unique-key-conflict" and "created (create-first)" in hazard.message


def test_a_retained_resource_leaves_the_stack_but_keeps_its_key():
    def addon(name, **opts):
        def body():
            aws.eks.Addon(name, cluster_name="c", addon_name="vpc-cni", opts=pulumi.ResourceOptions(**opts))

        return body

    old = run_program(addon("a", retain_on_delete=True))
    dropped, status = judge(old, run_program(lambda: None))
    assert dropped.hazards == [] and status == 0
    assert "[retainOnDelete: leaves the stack, stays in the cloud]" in review.render(dropped)
    (hazard,) = judge(old, run_program(addon("b")))[0].hazards
    assert hazard.kind == "unique-key-conflict" and "never deletes it" in hazard.message


def test_two_new_resources_with_one_key_conflict():
    def twice():
        for name in ("a", "b"):
            aws.eks.Addon(name, cluster_name="c", addon_name="vpc-cni")

    (hazard,) = judge(run_program(lambda: None), run_program(twice))[0].hazards
    assert hazard.kind == "unique-key-conflict" and "both claim one add-on of that name per cluster" in hazard.message


def test_renaming_an_attachment_without_an_alias_detaches_the_policy_at_the_end():
    def attach(name):
        def body():
            aws.iam.RolePolicyAttachment(name, role="r", policy_arn="arn:aws:iam::aws:policy/ReadOnlyAccess")

        return body

    result, _ = judge(run_program(attach("one")), run_program(attach("two")))
    assert kinds(result) == ["lost-after-update"]


def test_two_providers_into_the_same_account_share_iam_names():
    def body(suffix):
        def program():
            provider = aws.Provider(
                f"p{suffix}", region="us-east-1", assume_roles=[aws.ProviderAssumeRoleArgs(role_arn="arn:aws:iam::210987654321:role/d")]
            )
            aws.iam.Role(f"r{suffix}", name="fixed", assume_role_policy="{}", opts=pulumi.ResourceOptions(provider=provider))

        return program

    assert kinds(judge(run_program(body("1")), run_program(body("2")))[0]) == ["unique-key-conflict"]


def test_adding_a_zone_updates_the_vpc_in_place_and_replaces_only_the_node_group():
    """It was a VPC replacement: every subnet re-addressed over the ones in use."""
    result, _ = judge(side("dev"), side("dev", dev(clusters=clusters(network={"availabilityZones": 3}))))
    found = ops(result)
    assert ("awsx:ec2:Vpc", "pod-identity-dev-network-vpc") in found["update"]
    assert found.get("replace") == {("eks:index:ManagedNodeGroup", "pod-identity-dev-nodes")}, "its subnetIds grow"
    assert "zones-removed" not in kinds(result)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ({"availabilityZones": 3}, {"availabilityZones": 2}),
        ({"availabilityZoneNames": ["us-east-1a", "us-east-1b"]}, {"availabilityZoneNames": ["us-east-1c", "us-east-1a", "us-east-1b"]}),
    ],
)
def test_removing_or_reordering_zones_is_a_hazard(before, after):
    old, new = (side("dev", dev(clusters=clusters(network=n))) for n in (before, after))
    result, code = judge(old, new)
    assert "zones-removed" in kinds(result) and code == commands.HAZARDS


def test_appending_a_named_zone_is_no_zone_hazard():
    old = side("dev", dev(clusters=clusters(network={"availabilityZoneNames": ["us-east-1a", "us-east-1b"]})))
    new = side("dev", dev(clusters=clusters(network={"availabilityZoneNames": ["us-east-1a", "us-east-1b", "us-east-1c"]})))
    assert "zones-removed" not in kinds(judge(old, new)[0])
