"""Amazon Resource Names, parsed in one place: the account an ARN names, and whether two name one principal."""

from __future__ import annotations

import pytest
from eks_pod_identity.arn import account_of, same_principal


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
