"""Amazon Resource Names, parsed in one place: the six fields of an ARN (any text that is not
one is None), the account it names, and whether two ARNs name one principal."""

from __future__ import annotations

import string

import pytest
from eks_pod_identity.arn import PARTITIONS, Arn, account_of, name_of, partition_of, same_principal
from hypothesis import given, settings
from hypothesis import strategies as st

# A field without `:` (service, region, account), and a resource part, which may hold `:` and `/`.
FIELD = st.text(alphabet=string.ascii_letters + string.digits + "-_.*", max_size=12)
RESOURCE = st.text(alphabet=string.ascii_letters + string.digits + "-_.*/:+=,@", max_size=40)


@settings(max_examples=200, deadline=None)
@given(partition=st.sampled_from(PARTITIONS), service=FIELD, region=FIELD, account=FIELD, resource=RESOURCE)
def test_an_arn_parses_into_its_fields_and_prints_back(partition, service, region, account, resource):
    text = f"arn:{partition}:{service}:{region}:{account}:{resource}"
    arn = Arn.parse(text)
    assert arn == Arn(partition, service, region, account, resource), "the resource keeps every ':' and '/' it holds"
    assert str(arn) == text
    assert partition_of(text) == partition and account_of(text) == (account or None)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40).filter(lambda t: t.count(":") < 5))
def test_text_with_fewer_than_six_fields_is_no_arn(text):
    assert Arn.parse(text) is None and account_of(text) is None and partition_of(text) == ""


@pytest.mark.parametrize(
    "text",
    [
        "",
        "arn",
        "arn:aws:iam::123456789012",
        "ARN:aws:iam::123456789012:role/r",
        "urn:aws:iam::123456789012:role/r",
        None,
        7,
        ["arn:aws:s3:::b"],
    ],
)
def test_what_is_no_arn(text):
    assert Arn.parse(text) is None


@pytest.mark.parametrize(
    "text, resource_type",
    [
        ("arn:aws:iam::123456789012:role/path/to/app", "role"),
        ("arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy", "policy"),
        ("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf", "secret"),
        ("arn:aws:lambda:us-east-1:123456789012:function:handler", "function"),
        ("arn:aws:eks:us-east-1:123456789012:cluster/shop", "cluster"),
        ("arn:aws:s3:::bucket", "bucket"),
    ],
)
def test_the_resource_type_is_before_the_first_slash_or_colon(text, resource_type):
    arn = Arn.parse(text)
    assert arn is not None and arn.resource_type == resource_type


def test_a_role_or_policy_name_leaves_its_path_out():
    assert Arn.parse("arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy").name == "AmazonEBSCSIDriverPolicy"
    assert name_of("arn:aws-cn:iam::123456789012:role/team/app") == "app"
    assert name_of("team/app") == "app" and name_of("app") == "app"


@pytest.mark.parametrize(
    "arn, caller, same",
    [
        ("arn:aws:iam::123456789012:role/deploy/ci", "arn:aws:sts::123456789012:assumed-role/ci/s", True),
        ("arn:aws:iam::123456789012:role/ci", "arn:aws:sts::123456789012:assumed-role/ci/s", True),
        ("arn:aws:iam::123456789012:role/CI", "arn:aws:sts::123456789012:assumed-role/ci/s", True),
        ("arn:aws:iam::123456789012:role/ci", "arn:aws:sts::210987654321:assumed-role/ci/s", False),
        ("arn:aws:iam::123456789012:role/ci-2", "arn:aws:sts::123456789012:assumed-role/ci/s", False),
        ("arn:aws:iam::123456789012:user/ci", "arn:aws:sts::123456789012:assumed-role/ci/s", False),
        ("arn:aws:iam::123456789012:user/ops/alice", "arn:aws:iam::123456789012:user/ops/alice", True),
        ("arn:aws:iam::123456789012:user/alice", "arn:aws:iam::123456789012:user/ops/alice", False),
    ],
)
def test_same_principal(arn, caller, same):

    assert same_principal(arn, caller) is same


@pytest.mark.parametrize(
    "arn,account",
    [
        ("arn:aws:iam::111122223333:role/r", "111122223333"),
        ("arn:aws-cn:eks:cn-north-1:111122223333:cluster/c", "111122223333"),
        ("arn:aws:s3:::bucket", None),
        ("c1-arn", None),
        ("x:oidc-provider/y", None),
        ("", None),
        (None, None),
        (7, None),
    ],
)
def test_the_account_of_an_arn(arn, account):
    assert account_of(arn) == account
