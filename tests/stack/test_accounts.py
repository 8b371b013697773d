"""What only the caller's account reveals, checked before anything registers: roles and policies
of another account, the placeholders of AWS's documentation, and the cluster creator's own
access entry."""

from __future__ import annotations

import pytest
from eks_pod_identity import stack as config
from eks_pod_identity.offline.harness import mocks, project, runner

from tests.helpers import run_prod


def test_a_role_of_another_account_is_refused_before_anything_registers():
    identities = [
        {"name": "s3-reader", "namespace": "default", "serviceAccount": "aws-cli-sa", "roleArn": "arn:aws:iam::999988887777:role/elsewhere"}
    ]
    result = run_prod(identities=identities, sample={"kind": "none"}, account=mocks.ACCOUNT)
    assert isinstance(result.error, config.ConfigError) and result.registrations == []
    assert "identities[0].roleArn" in str(result.error) and "targetRole" in str(result.error)


@pytest.mark.parametrize("stack", ["dev", "prod", "identities", "team-cluster"])
def test_committed_stacks_deploy_into_a_real_account(stack):
    """team-cluster reads the identities stack, which must then run in the same account."""
    assert runner.run_stack(stack, caller_account="999988887777", raise_errors=False).error is None


@pytest.mark.parametrize(
    "key, value, path",
    [
        ("managedPolicyArns", ["arn:aws:iam::888888888888:policy/reader"], "identities[0].managedPolicyArns[0]"),
        ("permissionsBoundary", "arn:aws:iam::888888888888:policy/boundary", "identities[0].permissionsBoundary"),
    ],
)
def test_a_customer_managed_policy_of_another_account_is_refused(key, value, path):
    identities = [{"name": "s3-reader", "namespace": "default", "serviceAccount": "aws-cli-sa", key: value}]
    result = run_prod(identities=identities, sample={"kind": "none"}, account=mocks.ACCOUNT)
    assert isinstance(result.error, config.ConfigError) and result.registrations == []
    assert f"{path} = " in str(result.error) and "policy of account 888888888888" in str(result.error)
    own = (
        value.replace("888888888888", "123456789012")
        if isinstance(value, str)
        else [v.replace("888888888888", "123456789012") for v in value]
    )
    assert run_prod(identities=[{**identities[0], key: own}], sample={"kind": "none"}).error is None


def test_a_target_roles_policies_must_be_of_the_target_account():
    create = {"deployRoleArn": "arn:aws:iam::210987654321:role/deploy", "managedPolicyArns": ["arn:aws:iam::123456789012:policy/reader"]}
    identities = [{"name": "s3-reader", "namespace": "default", "serviceAccount": "aws-cli-sa", "targetRole": {"create": create}}]
    result = run_prod(identities=identities, sample={"kind": "none"})
    assert isinstance(result.error, config.ConfigError)
    assert "identities[0].targetRole.create.managedPolicyArns[0]" in str(result.error) and "is in 210987654321" in str(result.error)


def test_the_fleet_example_refuses_to_deploy_its_placeholders():
    result = runner.run_stack("fleet", caller_account="999988887777", raise_errors=False)
    assert isinstance(result.error, config.ConfigError) and result.registrations == []
    assert "a placeholder of AWS's documentation" in str(result.error)


CI_ROLE = "arn:aws:iam::123456789012:role/deploy/ci"
CI_SESSION = "arn:aws:sts::123456789012:assumed-role/ci/1700000000000"


def dev_with_admins(admins: list[str], cluster: mocks.AdoptedCluster) -> runner.RunResult:
    clusters = [{**project.raw_config(project.stack_config("dev"))["clusters"][0], "adminPrincipalArns": admins}]
    return runner.run_stack(
        "dev",
        overrides={"eks-pod-identity:clusters": clusters},
        adopted={"pod-identity-dev": cluster},
        caller_arn=CI_SESSION,
        raise_errors=False,
    )


def test_the_creator_listed_as_admin_is_refused_before_the_cluster_is_created():
    """EKS already gives the creator an access entry; a second one fails with 409 after the
    cluster (15 minutes) exists."""
    result = dev_with_admins([CI_ROLE, "arn:aws:iam::123456789012:user/alice"], mocks.AdoptedCluster(missing=True))
    assert isinstance(result.error, config.ConfigError) and result.registrations == []
    assert f"clusters[0].adminPrincipalArns[0] = '{CI_ROLE}'" in str(result.error)
    assert CI_SESSION in str(result.error) and "Leave it out" in str(result.error) and "alice" not in str(result.error)


def test_the_creator_listed_as_admin_is_kept_once_the_cluster_exists():
    """Someone else created it (or this stack did, without the entry): the entry is what gives
    the CI role access, and must stay."""
    result = dev_with_admins([CI_ROLE], mocks.AdoptedCluster())
    assert result.error is None
    (cluster,) = result.of_type("eks:index:Cluster")
    assert [e["principalArn"] for e in cluster.inputs["accessEntries"].values()] == [CI_ROLE]
