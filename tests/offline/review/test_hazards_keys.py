"""The review's unique-key hazards, on small programs: what AWS keys uniquely (a fixed IAM name,
one add-on of a name per cluster) created while the old one still holds the key."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
from eks_pod_identity.offline import commands
from eks_pod_identity.offline.commands import review

from tests.helpers.review import change_of, judge, kinds, ops, role, run_program


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
