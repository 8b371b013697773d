"""The storage drivers' entries: the EBS CSI driver restores from snapshots and deletes only its own."""

from __future__ import annotations

import json

from tests.helpers.catalog import actions, granting


def test_ebs_restore_from_a_snapshot_is_authorized_on_the_snapshot_by_its_own_tag():
    """Since January 2025 CreateVolume from a snapshot authorizes the snapshot as a resource: a
    request-tag condition alone (the old catalog) denies restores and clones."""
    snapshot = "arn:aws:ec2:*:*:snapshot/*"
    restore = [s for s in granting("ebsCsi", "ec2:CreateVolume") if snapshot in s["Resource"]]
    assert restore and all("aws:RequestTag" not in json.dumps(s.get("Condition", {})) for s in restore)
    assert restore[0]["Condition"] == {"StringEquals": {"ec2:ResourceTag/ebs.csi.aws.com/cluster": "true"}}
    # A new volume still needs the driver's tag in the request.
    created = [s for s in granting("ebsCsi", "ec2:CreateVolume") if s["Resource"] == "arn:aws:ec2:*:*:volume/*"]
    assert created[0]["Condition"] == {"StringEquals": {"aws:RequestTag/ebs.csi.aws.com/cluster": "true"}}
    assert {
        "ec2:CopyVolumes",
        "ec2:EnableFastSnapshotRestores",
        "ec2:LockSnapshot",
        "ec2:DescribeVolumeStatus",
        "ec2:DescribeInstanceTypes",
    } <= actions("ebsCsi")


def test_ebs_deletes_only_its_own_volumes_and_snapshots():
    for action in ("ec2:DeleteVolume", "ec2:DeleteSnapshot", "ec2:LockSnapshot", "ec2:ModifyVolume"):
        for statement in granting("ebsCsi", action):
            assert "ec2:ResourceTag/" in json.dumps(statement["Condition"]), (action, statement["Sid"])
