"""PodIdentityAssociations on its own, under mocks: one role bound in many clusters, with what EKS accepts."""

from __future__ import annotations

import json

import pulumi
import pytest
from eks_pod_identity.identity.association import AssociationTarget, PodIdentityAssociations, PodIdentityAssociationsArgs

from tests.helpers import run_component

ROLE_ARN = "arn:aws:iam::123456789012:role/app"


def test_one_role_bound_in_many_clusters():
    def program():
        targets = [
            AssociationTarget("blue", pulumi.Output.from_input("blue"), "default", "app"),
            AssociationTarget("green", pulumi.Output.from_input("green"), "default", "app"),
        ]
        return {"ids": PodIdentityAssociations("app", PodIdentityAssociationsArgs(role_arn=ROLE_ARN, targets=targets)).association_ids}

    result = run_component(program)
    associations = result.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert sorted(a.inputs["clusterName"] for a in associations) == ["blue", "green"]
    for a in associations:
        assert a.inputs["roleArn"] == ROLE_ARN
        assert a.inputs["namespace"] == "default" and a.inputs["serviceAccount"] == "app"
        assert "disableSessionTags" not in a.inputs and "policy" not in a.inputs and "targetRoleArn" not in a.inputs
    assert set(result.outputs["ids"]) == {"blue/default/app", "green/default/app"}


def test_association_options_pass_through():
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})

    def program():
        PodIdentityAssociations(
            "app",
            PodIdentityAssociationsArgs(
                role_arn=ROLE_ARN,
                targets=[AssociationTarget("c", "c", "ns", "sa")],
                target_role_arn="arn:aws:iam::210987654321:role/target",
                disable_session_tags=True,
                session_policy=policy,
            ),
        )

    (assoc,) = run_component(program).of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert assoc.inputs["targetRoleArn"] == "arn:aws:iam::210987654321:role/target"
    assert assoc.inputs["disableSessionTags"] is True and assoc.inputs["policy"] == policy


def test_association_args_refuse_what_eks_refuses():
    with pytest.raises(ValueError, match="disable_session_tags"):
        PodIdentityAssociationsArgs(role_arn=ROLE_ARN, targets=[], session_policy="{}")
    target = AssociationTarget("c", "c", "ns", "sa")
    with pytest.raises(ValueError, match="duplicate"):
        PodIdentityAssociationsArgs(role_arn=ROLE_ARN, targets=[target, target])
