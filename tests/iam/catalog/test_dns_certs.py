"""The DNS and certificate controllers' entries."""

from __future__ import annotations

from tests.helpers.catalog import actions, granting


def test_smaller_fixes():
    assert "route53:ListTagsForResources" in actions("externalDns") and "route53:ListTagsForResource" not in actions("externalDns")
    assert {
        "s3files:CreateAccessPoint",
        "s3files:TagResource",
        "s3files:DeleteAccessPoint",
        "s3files:ListAccessPoints",
        "s3files:ListFileSystems",
    } <= actions("efsCsi")
    (change,) = granting("certManager", "route53:ChangeResourceRecordSets")
    assert change["Condition"] == {"ForAllValues:StringEquals": {"route53:ChangeResourceRecordSetsRecordTypes": ["TXT"]}}
