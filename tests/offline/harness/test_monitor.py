"""The recording monitor: the engine's URNs, and what the engine refuses (a URN twice, one URN claimed twice through aliases)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest
from eks_pod_identity.offline.harness import monitor, runner


def test_the_offline_monitor_refuses_a_urn_twice_as_the_engine_does():
    def program():
        aws.iam.Role("same", assume_role_policy="{}")
        aws.iam.Role("same", assume_role_policy="{}")

    result = runner.run({"aws:region": "us-east-1"}, program=program, raise_errors=False)
    assert isinstance(result.error, monitor.DuplicateUrnError)
    assert "Duplicate resource URN" in str(result.error)


@pytest.mark.parametrize("second", ["claims-the-alias", "is-the-alias"])
def test_the_offline_monitor_refuses_one_urn_claimed_twice_through_aliases(second):
    def program():
        aws.iam.Role("first", assume_role_policy="{}", opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="old")]))
        if second == "claims-the-alias":
            aws.iam.Role("second", assume_role_policy="{}", opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="old")]))
        else:
            aws.iam.Role("old", assume_role_policy="{}")

    result = runner.run({"aws:region": "us-east-1"}, program=program, raise_errors=False)
    assert isinstance(result.error, monitor.DuplicateAliasError)
    assert "aws:iam/role:Role::old" in str(result.error)


def test_the_offline_monitor_gives_the_engines_urns():
    def program():
        parent = pulumi.ComponentResource("a:index:Outer", "outer")
        inner = pulumi.ComponentResource("a:index:Inner", "inner", opts=pulumi.ResourceOptions(parent=parent))
        aws.iam.Role("leaf", assume_role_policy="{}", opts=pulumi.ResourceOptions(parent=inner))

    result = runner.run({"aws:region": "us-east-1"}, program=program)
    assert result.named("outer").urn == "urn:pulumi:test::eks-pod-identity::a:index:Outer::outer"
    assert result.named("leaf").urn == "urn:pulumi:test::eks-pod-identity::a:index:Outer$a:index:Inner$aws:iam/role:Role::leaf"
