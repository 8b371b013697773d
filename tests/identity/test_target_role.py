"""CrossAccountRole on its own, under mocks: a role in another account trusting only the association role, by its external IDs."""

from __future__ import annotations

import json

import pytest
from eks_pod_identity.credentials import Credentials
from eks_pod_identity.iam import documents
from eks_pod_identity.identity.target_role import CrossAccountRole, CrossAccountRoleArgs
from eks_pod_identity.offline.harness import runner


def test_target_role_trusts_the_association_role_by_its_external_ids():
    def program():
        CrossAccountRole(
            "t",
            CrossAccountRoleArgs(
                name="t",
                deploy_role_arn="arn:aws:iam::444455556666:role/deployer",
                source_role_arns=["arn:aws:iam::123456789012:role/src"],
                region="us-west-2",
                external_ids=["id-1", "id-2"],
                statements=[documents.s3_put_object_statement("arn:aws:s3:::b")],
                credentials=Credentials(profile="team"),
            ),
        )

    result = runner.run({"aws:region": "us-west-2"}, program=program)
    (statement,) = json.loads(result.named("fixed.444455556666.t-role").inputs["assumeRolePolicy"])["Statement"]
    assert statement["Principal"] == {"AWS": ["arn:aws:iam::123456789012:root"]}
    assert statement["Action"] == ["sts:AssumeRole", "sts:TagSession"]
    assert statement["Condition"] == {
        "ArnEquals": {"aws:PrincipalArn": ["arn:aws:iam::123456789012:role/src"]},
        "StringEquals": {"sts:ExternalId": ["id-1", "id-2"]},
    }
    provider = result.named("fixed.444455556666.t-account")
    assert json.loads(provider.inputs["assumeRoles"])[0]["roleArn"] == "arn:aws:iam::444455556666:role/deployer"
    assert provider.inputs["profile"] == "team", "the second provider uses the stack's credentials too"
    role = result.named("fixed.444455556666.t-role")
    assert role.provider.startswith(provider.urn + "::") and role.inputs["name"] == "t"
    assert role.delete_before_replace, "a fixed name: IAM refuses a second role of that name"
    assert result.named("fixed.444455556666.t-inline").provider.startswith(provider.urn + "::")


def test_a_deploy_role_that_is_no_role_arn_is_refused_when_the_arguments_are_made():
    with pytest.raises(ValueError, match="is not an IAM role ARN in the target account"):
        CrossAccountRoleArgs(name="t", deploy_role_arn="deployer", source_role_arns=[], region="eu-west-1", external_ids=[])
