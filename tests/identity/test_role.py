"""PodIdentityRole on its own, under mocks: a trust scoped to its service accounts, and its
policies belonging to it."""

from __future__ import annotations

import json

import pulumi
from eks_pod_identity.identity.role import PodIdentityRole, PodIdentityRoleArgs
from eks_pod_identity.identity.trust import TrustScope
from eks_pod_identity.tokens import ROLE

from tests.helpers import READER, adopted, run_component, run_dev


def test_role_trust_policy_is_exactly_pods_eks_scoped_to_its_service_accounts():
    scopes = [TrustScope(("ns",), ("sa",))]
    result = run_component(lambda: {"arn": PodIdentityRole("app", PodIdentityRoleArgs(scopes=scopes)).arn})
    role = result.named("app-role")
    assert json.loads(role.inputs["assumeRolePolicy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EksPodIdentity",
                "Effect": "Allow",
                "Principal": {"Service": "pods.eks.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
                "Condition": {
                    "StringEquals": {
                        "aws:RequestTag/kubernetes-namespace": ["ns"],
                        "aws:RequestTag/kubernetes-service-account": ["sa"],
                    }
                },
            }
        ],
    }
    assert "name" not in role.inputs, "roles are auto-named unless a name is given"
    assert result.outputs["arn"].startswith("arn:aws:iam::123456789012:role/app-role-")


def test_role_scoped_to_cluster_arns_that_are_outputs():
    def program():
        arns = {"a": pulumi.Output.from_input("arn:aws:eks:eu-west-1:123456789012:cluster/a")}
        return {"arn": PodIdentityRole("app", PodIdentityRoleArgs(scopes=[TrustScope(clusters=("a",))], cluster_arns=arns)).arn}

    (statement,) = json.loads(run_component(program).named("app-role").inputs["assumeRolePolicy"])["Statement"]
    assert statement["Condition"] == {"StringEquals": {"aws:RequestTag/eks-cluster-arn": ["arn:aws:eks:eu-west-1:123456789012:cluster/a"]}}


def test_role_attachments_and_inline_policy_belong_to_the_role():
    statement = {"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": "arn:aws:dynamodb:eu-west-1:123456789012:table/t"}

    def program():
        PodIdentityRole(
            "app",
            PodIdentityRoleArgs(
                managed_policy_arns=["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "arn:aws:iam::123456789012:policy/team/x"],
                statements=[statement],
                name="explicit-name",
                path="/pods/",
                max_session_duration=7200,
                tags={"team": "a"},
            ),
        )

    result = run_component(program)
    role = result.named("fixed.explicit-name-role")
    assert role.inputs["name"] == "explicit-name" and role.inputs["path"] == "/pods/"
    assert role.delete_before_replace, "IAM refuses a second role of one name: replace it delete-first"
    assert role.inputs["maxSessionDuration"] == 7200 and role.inputs["tags"] == {"team": "a"}
    attachments = result.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert sorted(a.inputs["policyArn"] for a in attachments) == [
        "arn:aws:iam::123456789012:policy/team/x",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    ]
    assert {a.inputs["role"] for a in attachments} == {"explicit-name"}
    (inline,) = result.of_type("aws:iam/rolePolicy:RolePolicy")
    assert json.loads(inline.inputs["policy"]) == {"Version": "2012-10-17", "Statement": [statement]}
    component = result.named("app")
    assert all(r.parent == component.urn for r in [role, inline, *attachments])


def test_role_without_statements_has_no_inline_policy():
    result = run_component(lambda: PodIdentityRole("app", PodIdentityRoleArgs()) and None)
    assert result.of_type("aws:iam/rolePolicy:RolePolicy") == []
    assert [r.type for r in result.registrations] == ["eks-pod-identity:index:PodIdentityRole", "aws:iam/role:Role"]


def test_a_policy_given_twice_is_attached_once():
    cloudwatch = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"
    identities = [
        {
            "name": "cw",
            "namespace": "amazon-cloudwatch",
            "serviceAccount": "cloudwatch-agent",
            "managedPolicyArns": [cloudwatch],
            "wellKnown": {"cloudwatchObservability": {}},
        }
    ]
    result = run_dev(adopted("x"), identities)
    arns = [a.inputs["policyArn"] for a in result.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")]
    assert arns.count(cloudwatch) == 1


def test_changing_a_fixed_role_name_replaces_it_delete_first():
    identities = [{**READER[0], "roleName": "team-a-reader-v2"}]
    (role,) = [r for r in run_dev(adopted("blue"), identities).of_type(ROLE)]
    assert role.inputs["name"] == "team-a-reader-v2" and role.delete_before_replace
