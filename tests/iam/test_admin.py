"""The admin gate: no identity gets admin, however spelled (wildcards, NotAction, an escalation
path, an admin AWS managed policy), unless its config says `allowAdmin: true`."""

from __future__ import annotations

import json

import pytest
from eks_pod_identity import stack as config
from eks_pod_identity.iam import admin, catalog, grammar

from tests.helpers.catalog import PARAMS as CATALOG_PARAMS
from tests.helpers.config_cases import with_change


def test_grants_admin_only_for_allow_star_on_star():
    assert admin.grants_admin({"Effect": "Allow", "Action": "*", "Resource": "*"})
    assert admin.grants_admin({"Effect": "Allow", "Action": ["s3:GetObject", "*:*"], "Resource": ["*"]})
    assert not admin.grants_admin({"Effect": "Deny", "Action": "*", "Resource": "*"})
    assert not admin.grants_admin({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    assert not admin.grants_admin({"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b"})


def test_admin_policy_arn_in_any_partition():
    assert admin.is_admin_policy_arn("arn:aws-us-gov:iam::aws:policy/AdministratorAccess")
    assert not admin.is_admin_policy_arn("arn:aws:iam::123456789012:policy/AdministratorAccess")


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Allow", "Action": "*:*", "Resource": "arn:aws:*"},
        {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:*:*:*:*"},
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::secret/*"},
    ],
)
def test_admin_cannot_be_spelled_around(statement):
    """The pack's gate sees every spelling; the config refuses each, as admin or, for a wildcard
    service segment (`arn:aws:*`), as IAM's grammar refuses it."""
    assert admin.grants_admin(statement)
    data = with_change("identities[0].statements", [statement])
    with pytest.raises(config.ConfigError, match="allowAdmin|wildcard in its service segment"):
        config.parse(data)
    if not grammar.statement_problems(statement):
        config.parse(with_change("identities[0].allowAdmin", True, data))


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Deny", "Action": "*", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b"},
        {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::*"},
    ],
)
def test_narrower_grants_are_not_admin(statement):
    assert not admin.grants_admin(statement)


@pytest.mark.parametrize(
    "statements, method",
    [
        ([{"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"}], "CreateEC2WithExistingIP"),
        ([{"Effect": "Allow", "Action": "iam:Put*", "Resource": "arn:aws:iam::123456789012:role/*"}], "PutRolePolicy"),
        ([{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}], "CreateAccessKey"),
        (
            [{"Effect": "Allow", "Action": "lambda:UpdateFunctionCode", "Resource": "arn:aws:lambda:*:*:function:*"}],
            "EditExistingLambdaFunctionWithRole",
        ),
    ],
)
def test_privilege_escalation_paths_are_admin(statements, method):
    assert method in admin.escalations(statements)
    with pytest.raises(config.ConfigError, match="privilege escalation"):
        config.parse(with_change("identities[0].statements", statements))


@pytest.mark.parametrize(
    "resource, escalates",
    [
        ("arn:aws:s3:::*", False),
        ("arn:aws:ec2:*:*:instance/*", False),
        ("arn:aws:iam::123456789012:role/*", True),
        ("arn:aws:*:*:*:*", True),
    ],
)
def test_escalation_needs_unrestricted_resources_of_the_actions_own_service(resource, escalates):
    statements = [{"Effect": "Allow", "Action": "iam:*", "Resource": resource}]
    assert ("PutRolePolicy" in admin.escalations(statements)) is escalates


@pytest.mark.parametrize("name", ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "AdministratorAccess-Amplify"])
def test_admin_aws_managed_policies_are_refused_unless_allow_admin(name):
    arn = f"arn:aws:iam::aws:policy/{name}"
    data = with_change("identities[0].managedPolicyArns", [arn])
    with pytest.raises(config.ConfigError, match=f"{arn} is admin .*allowAdmin: true"):
        config.parse(data)
    config.parse(with_change("identities[0].allowAdmin", True, data))


def test_an_aws_managed_policy_is_admin_exactly_when_its_document_is():
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    for name, policy in json.loads(aws_managed_policies_data).items():
        document = policy["Document"] if isinstance(policy["Document"], dict) else json.loads(policy["Document"])
        is_admin = bool(admin.admin_problems(grammar.as_list(document["Statement"])))
        assert admin.is_admin_policy_arn(f"arn:aws:iam::aws:policy{policy['Path']}{name}") is is_admin, name


def test_passing_one_named_role_is_not_escalation():
    statements = [
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/nodes"},
        {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"},
    ]
    assert admin.escalations(statements) == []


def test_the_target_roles_own_permissions_pass_the_gate_too():
    target = {
        "create": {
            "deployRoleArn": "arn:aws:iam::444455556666:role/d",
            "managedPolicyArns": ["arn:aws:iam::aws:policy/AdministratorAccess"],
        }
    }
    data = with_change("identities[0].targetRole", target, with_change("sample", {"kind": "none"}))
    with pytest.raises(config.ConfigError, match="targetRole.create: arn:aws:iam::aws:policy/AdministratorAccess is admin"):
        config.parse(data)


@pytest.mark.parametrize("partition", ["aws", "aws-cn", "aws-us-gov"])
def test_no_catalog_document_is_admin_or_an_escalation(partition):
    for key, raw in CATALOG_PARAMS.items():
        params = catalog.CATALOG[key].params.model_validate(raw)
        for doc in catalog.policy_documents(key, params, partition, ["west", "east"]):
            assert admin.admin_problems(doc["Statement"]) == [], key


def test_no_document_a_committed_stack_sends_is_admin_or_an_escalation(stack_runs):
    for stack, result in stack_runs.items():
        for reg in [*result.of_type("aws:iam/rolePolicy:RolePolicy"), *result.of_type("aws:iam/policy:Policy")]:
            assert admin.admin_problems(json.loads(reg.inputs["policy"])["Statement"]) == [], (stack, reg.name)
