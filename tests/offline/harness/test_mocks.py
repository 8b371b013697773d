"""The mocks stand in for AWS and Kubernetes as they behave: Pulumi's autonaming, the account a
provider works in, the objects every cluster has, and no answer made up for a call they do not know."""

from __future__ import annotations

import re

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as kubernetes
import pytest
from eks_pod_identity import names
from eks_pod_identity.offline.harness import mocks

from tests.helpers import run_component


def test_a_role_is_auto_named_as_pulumi_does_in_the_account_its_provider_works_in():
    def program():
        other = aws.Provider(
            "other", region="us-east-1", assume_roles=[aws.ProviderAssumeRoleArgs(role_arn="arn:aws:iam::210987654321:role/d")]
        )
        here = aws.iam.Role("here", assume_role_policy="{}")
        there = aws.iam.Role("there", assume_role_policy="{}", opts=pulumi.ResourceOptions(provider=other))
        fixed = aws.iam.Role("fixed", name="team-reader", path="/pods/", assume_role_policy="{}")
        return {"here": here.arn, "there": there.arn, "fixed": fixed.arn}

    outputs = run_component(program).outputs
    assert re.fullmatch(rf"arn:aws:iam::{mocks.ACCOUNT}:role/here-[0-9a-f]{{{names.AUTONAME_RANDOM}}}", outputs["here"])
    assert re.fullmatch(rf"arn:aws:iam::210987654321:role/there-[0-9a-f]{{{names.AUTONAME_RANDOM}}}", outputs["there"])
    assert outputs["fixed"] == f"arn:aws:iam::{mocks.ACCOUNT}:role/pods/team-reader"


@pytest.mark.parametrize(
    "kind, namespace, name",
    [("Namespace", None, "kube-system"), ("ServiceAccount", "default", "default"), ("ServiceAccount", "team", "default")],
)
def test_what_every_cluster_has_and_what_a_new_namespace_gets_cannot_be_created_again(kind, namespace, name):
    def program():
        opts = pulumi.ResourceOptions(provider=kubernetes.Provider("k8s", kubeconfig="{}", cluster_identifier="c"))
        kubernetes.core.v1.Namespace("team", metadata={"name": "team"}, opts=opts)
        metadata = {"name": name, **({"namespace": namespace} if namespace else {})}
        cls = kubernetes.core.v1.Namespace if kind == "Namespace" else kubernetes.core.v1.ServiceAccount
        cls("object", metadata=metadata, opts=opts)

    result = run_component(program, raise_errors=False)
    assert isinstance(result.error, mocks.AlreadyExists)
    assert f'{kind} "{name}" already exists on cluster c' in str(result.error)


def test_a_new_object_in_a_new_namespace_is_created():
    def program():
        opts = pulumi.ResourceOptions(provider=kubernetes.Provider("k8s", kubeconfig="{}", cluster_identifier="c"))
        kubernetes.core.v1.Namespace("team", metadata={"name": "team"}, opts=opts)
        kubernetes.core.v1.ServiceAccount("app", metadata={"name": "app", "namespace": "team"}, opts=opts)

    result = run_component(program, raise_errors=False)
    assert result.error is None and len(result.of_type("kubernetes:core/v1:ServiceAccount")) == 1


def test_a_call_the_mocks_do_not_know_is_an_error_not_a_made_up_answer():
    result = run_component(lambda: {"bucket": aws.s3.get_bucket(bucket="b").arn}, raise_errors=False)
    assert result.error is not None and "the mocks do not answer invoke aws:s3/getBucket:getBucket" in str(result.error)
