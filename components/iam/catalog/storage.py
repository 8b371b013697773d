"""Volumes and backups: the EBS, EFS, FSx for Lustre and Mountpoint for S3 CSI drivers, and
Velero's AWS plugin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from pydantic import Field

from ...model import Model
from ..documents import Statement
from ..fields import BucketArn, KmsKeyArn
from .base import ManagedChoice, Upstream, WellKnown, arn, kms_statements, stmt

EBS_REPO = "kubernetes-sigs/aws-ebs-csi-driver"
EBS_MANAGED = ("AmazonEBSCSIDriverPolicyV2", "AmazonEBSCSIDriverEKSClusterScopedPolicy", "service-role/AmazonEBSCSIDriverPolicy")
EFS_MANAGED = ("service-role/AmazonEFSCSIDriverPolicy", "service-role/AmazonS3FilesCSIDriverPolicy")


class EbsParams(ManagedChoice):
    kms_key_arns: list[KmsKeyArn] = Field(default_factory=list)
    """Customer managed keys of encrypted volumes (kept with a managed policy too: none covers them)."""
    MANAGED: ClassVar[tuple[str, ...]] = tuple(p.rsplit("/", 1)[-1] for p in EBS_MANAGED)


def ebs_csi(params: EbsParams, partition: str, _: Sequence[str]) -> list[Statement]:
    """AmazonEBSCSIDriverPolicyV2.json (upstream's recommended policy): writes limited to volumes
    and snapshots tagged `ebs.csi.aws.com/cluster=true` (or, for migrated in-tree volumes,
    `kubernetes.io/created-for/pvc/name`).

    An action that authorizes two resources (CreateSnapshot: volume and snapshot; AttachVolume:
    volume and instance) names both types in every statement that grants it, as parliament
    requires; each statement's condition then admits the resources meant. CreateVolume from a
    snapshot is granted on the snapshot, conditioned on the snapshot's own tag, never on the
    request's tags, as upstream's statement `CreateVolumesFromAndEnableFSROnManagedSnapshots`
    does (docs/AmazonEBSCSIDriverPolicyV2.json @ v1.64.0)."""
    kms = kms_statements(params.kms_key_arns, ["kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext"], grants=True)
    if params.aws_managed_policies:
        return kms
    volume, snapshot = arn(partition, "ec2", "volume/*"), arn(partition, "ec2", "snapshot/*")
    source_volume = arn(partition, "ec2", "volume/vol-*")
    managed = {"StringEquals": {"ec2:ResourceTag/ebs.csi.aws.com/cluster": "true"}}
    migrated = {"StringLike": {"ec2:ResourceTag/kubernetes.io/created-for/pvc/name": "*"}}
    requested = {"StringEquals": {"aws:RequestTag/ebs.csi.aws.com/cluster": "true"}}
    return [
        stmt(
            "Describe",
            [
                "ec2:DescribeAvailabilityZones",
                "ec2:DescribeInstances",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeSnapshots",
                "ec2:DescribeVolumes",
                "ec2:DescribeVolumesModifications",
                "ec2:DescribeVolumeStatus",
            ],
        ),
        stmt("CreateAndCopyTaggedVolumes", ["ec2:CreateVolume", "ec2:CopyVolumes"], volume, requested),
        stmt("CopyOwnVolumes", ["ec2:CopyVolumes"], source_volume, managed),
        stmt("CopyMigratedVolumes", ["ec2:CopyVolumes"], source_volume, migrated),
        # The new snapshot carries the driver's tag; the source volume is the driver's own.
        stmt("CreateTaggedSnapshots", ["ec2:CreateSnapshot"], [volume, snapshot], requested),
        stmt("SnapshotOwnVolumes", ["ec2:CreateSnapshot"], [volume, snapshot], managed),
        stmt("ManageOwnVolumes", ["ec2:ModifyVolume", "ec2:DeleteVolume"], volume, managed),
        stmt("ManageMigratedVolumes", ["ec2:ModifyVolume", "ec2:DeleteVolume"], volume, migrated),
        # Restoring or cloning: the snapshot must be the driver's; the new volume is admitted by
        # CreateAndCopyTaggedVolumes (it is named here only because CreateVolume requires it).
        stmt("RestoreFromOwnSnapshots", ["ec2:CreateVolume", "ec2:EnableFastSnapshotRestores"], [snapshot, volume], managed),
        # V2 also limits attaching to tagged volumes, in a statement naming volumes only; one naming
        # both types cannot tell them apart by tag, so any volume may be attached (as in upstream's
        # example-iam-policy.json and the managed AmazonEBSCSIDriverPolicy).
        stmt("AttachVolumes", ["ec2:AttachVolume", "ec2:DetachVolume"], [volume, arn(partition, "ec2", "instance/*")]),
        stmt("DeleteAndLockOwnSnapshots", ["ec2:DeleteSnapshot", "ec2:LockSnapshot"], snapshot, managed),
        stmt(
            "TagOnCreate",
            ["ec2:CreateTags"],
            [volume, snapshot],
            {"StringEquals": {"ec2:CreateAction": ["CreateVolume", "CreateSnapshot", "CopyVolumes"]}},
        ),
        # The driver's own tags cannot be changed afterwards: that would move a volume into (or
        # out of) its scope.
        stmt(
            "RetagOwnVolumes",
            ["ec2:CreateTags", "ec2:DeleteTags"],
            volume,
            {
                **managed,
                "Null": {"aws:TagKeys": "false"},
                "ForAllValues:StringNotEquals": {
                    "aws:TagKeys": ["ebs.csi.aws.com/cluster", "ebs.csi.aws.com/cluster-name", "kubernetes.io/created-for/pvc/name"]
                },
            },
        ),
        *kms,
    ]


class EfsParams(ManagedChoice):
    MANAGED: ClassVar[tuple[str, ...]] = tuple(p.rsplit("/", 1)[-1] for p in EFS_MANAGED)


def efs_csi(params: EfsParams, partition: str, _: Sequence[str]) -> list[Statement]:
    """iam-policy-example.json: access points on EFS and S3 Files file systems, created, tagged and
    deleted only with the driver's `efs.csi.aws.com/cluster` tag. parliament's IAM data has no
    `s3files` service, so those actions keep upstream's `*`."""
    if params.aws_managed_policies:
        return []
    tag = "efs.csi.aws.com/cluster"
    file_systems = arn(partition, "elasticfilesystem", "file-system/*")
    access_points = arn(partition, "elasticfilesystem", "access-point/*")
    return [
        stmt(
            "Describe",
            [
                "ec2:DescribeAvailabilityZones",
                "elasticfilesystem:DescribeAccessPoints",
                "elasticfilesystem:DescribeFileSystems",
                "s3files:ListAccessPoints",
                "s3files:ListFileSystems",
            ],
        ),
        stmt("MountTargets", ["elasticfilesystem:DescribeMountTargets"], file_systems),
        stmt(
            "CreateTaggedAccessPoints",
            ["elasticfilesystem:CreateAccessPoint"],
            [file_systems, access_points],
            {"StringLike": {f"aws:RequestTag/{tag}": "true"}},
        ),
        # Tag-on-create is authorized on the request's tags (as AWS's managed policy writes it);
        # upstream's example checks the resource tag: both are kept.
        stmt(
            "TagNewAccessPoints",
            ["elasticfilesystem:TagResource"],
            [file_systems, access_points],
            {"StringLike": {f"aws:RequestTag/{tag}": "true"}, "StringEquals": {"elasticfilesystem:CreateAction": "CreateAccessPoint"}},
        ),
        stmt(
            "TagOwnAccessPoints",
            ["elasticfilesystem:TagResource"],
            [file_systems, access_points],
            {"StringLike": {f"aws:ResourceTag/{tag}": "true"}},
        ),
        stmt(
            "DeleteOwnAccessPoints",
            ["elasticfilesystem:DeleteAccessPoint"],
            access_points,
            {"StringEquals": {f"aws:ResourceTag/{tag}": "true"}},
        ),
        stmt("CreateTaggedS3FilesAccessPoints", ["s3files:CreateAccessPoint"], "*", {"StringLike": {f"aws:RequestTag/{tag}": "true"}}),
        stmt("TagOwnS3FilesResources", ["s3files:TagResource"], "*", {"StringLike": {f"aws:ResourceTag/{tag}": "true"}}),
        stmt("DeleteOwnS3FilesAccessPoints", ["s3files:DeleteAccessPoint"], "*", {"StringEquals": {f"aws:ResourceTag/{tag}": "true"}}),
    ]


class FsxParams(Model):
    data_repository_bucket_arns: list[BucketArn] = Field(default_factory=list)
    """Buckets linked to file systems as data repositories (import/export paths); none: no S3 link."""


def fsx_lustre_csi(params: FsxParams, partition: str, _: Sequence[str]) -> list[Statement]:
    """docs/install.md. Creating and tagging need the driver's `CSIVolumeName` tag and deletion
    needs it on the file system; resizing (UpdateFileSystem) stays open to every file system,
    since statically provisioned ones can be expanded too."""
    file_systems = arn(partition, "fsx", "file-system/*")
    statements = [
        stmt(
            "S3DataRepositoryServiceLinkedRole",
            ["iam:CreateServiceLinkedRole", "iam:AttachRolePolicy", "iam:PutRolePolicy"],
            f"arn:{partition}:iam::*:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/*",
        ),
        stmt(
            "FsxServiceLinkedRole",
            ["iam:CreateServiceLinkedRole"],
            f"arn:{partition}:iam::*:role/aws-service-role/fsx.amazonaws.com/*",
            {"StringLike": {"iam:AWSServiceName": ["fsx.amazonaws.com"]}},
        ),
        stmt("Describe", ["fsx:DescribeFileSystems"]),
        stmt(
            "CreateTaggedFileSystems",
            ["fsx:CreateFileSystem", "fsx:TagResource"],
            file_systems,
            {"Null": {"aws:RequestTag/CSIVolumeName": "false"}},
        ),
        stmt("DeleteOwnFileSystems", ["fsx:DeleteFileSystem"], file_systems, {"Null": {"aws:ResourceTag/CSIVolumeName": "false"}}),
        stmt("ResizeFileSystems", ["fsx:UpdateFileSystem"], file_systems),
    ]
    if params.data_repository_bucket_arns:
        statements.append(stmt("DataRepositoryBuckets", ["s3:ListBucket"], params.data_repository_bucket_arns))
    return statements


class BucketParams(Model):
    bucket_arns: list[BucketArn] = Field(min_length=1)
    kms_key_arns: list[KmsKeyArn] = Field(default_factory=list)


def mountpoint_s3_csi(params: BucketParams, partition: str, _: Sequence[str]) -> list[Statement]:
    """Mountpoint's doc/CONFIGURATION.md (the CSI driver points there): list the bucket, read,
    write and delete its objects; SSE-KMS keys when given."""
    statements = [
        stmt("ListMountedBuckets", ["s3:ListBucket"], params.bucket_arns),
        stmt(
            "MountedObjects",
            ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject"],
            [f"{b}/*" for b in params.bucket_arns],
        ),
    ]
    return statements + kms_statements(params.kms_key_arns, ["kms:Decrypt", "kms:GenerateDataKey"])


def velero(params: BucketParams, partition: str, _: Sequence[str]) -> list[Statement]:
    """The plugin README's policy, with the bucket given. Restoring a volume from a snapshot
    (CreateVolume) authorizes the snapshot as well as the new volume."""
    volumes = [arn(partition, "ec2", "volume/*"), arn(partition, "ec2", "snapshot/*")]
    statements = [
        stmt("DescribeVolumes", ["ec2:DescribeVolumes", "ec2:DescribeSnapshots"]),
        stmt("Snapshots", ["ec2:CreateTags", "ec2:CreateVolume", "ec2:CreateSnapshot", "ec2:DeleteSnapshot"], volumes),
        stmt(
            "BackupObjects",
            [
                "s3:GetObject",
                "s3:DeleteObject",
                "s3:PutObject",
                "s3:PutObjectTagging",
                "s3:AbortMultipartUpload",
                "s3:ListMultipartUploadParts",
            ],
            [f"{b}/*" for b in params.bucket_arns],
        ),
        stmt("ListBackups", ["s3:ListBucket"], params.bucket_arns),
    ]
    if params.kms_key_arns:
        # Backups in SSE-KMS buckets, and snapshots of (and volumes restored from) encrypted volumes.
        statements += kms_statements(
            params.kms_key_arns, ["kms:Decrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:DescribeKey"], grants=True
        )
    return statements


ENTRIES = [
    WellKnown(
        "ebsCsi",
        "Amazon EBS CSI driver",
        EbsParams,
        ebs_csi,
        (Upstream(EBS_REPO, "docs/AmazonEBSCSIDriverPolicyV2.json", "v1.64.0"), Upstream(EBS_REPO, "docs/install.md", "v1.64.0")),
        "kube-system/ebs-csi-controller-sa",
        managed_alternatives=EBS_MANAGED,
    ),
    WellKnown(
        "efsCsi",
        "Amazon EFS CSI driver",
        EfsParams,
        efs_csi,
        (Upstream("kubernetes-sigs/aws-efs-csi-driver", "docs/iam-policy-example.json", "v3.4.1"),),
        "kube-system/efs-csi-controller-sa",
        managed_alternatives=EFS_MANAGED,
    ),
    WellKnown(
        "fsxLustreCsi",
        "Amazon FSx for Lustre CSI driver",
        FsxParams,
        fsx_lustre_csi,
        (Upstream("kubernetes-sigs/aws-fsx-csi-driver", "docs/install.md", "v1.9.0"),),
        "kube-system/fsx-csi-controller-sa",
    ),
    WellKnown(
        "mountpointS3Csi",
        "Mountpoint for Amazon S3 CSI driver",
        BucketParams,
        mountpoint_s3_csi,
        (Upstream("awslabs/mountpoint-s3", "doc/CONFIGURATION.md", "mountpoint-s3-1.23.0"),),
        "kube-system/s3-csi-driver-sa",
    ),
    WellKnown(
        "velero",
        "Velero (AWS plugin)",
        BucketParams,
        velero,
        (Upstream("vmware-tanzu/velero-plugin-for-aws", "README.md", "v1.13.2"),),
        "velero/velero-server",
    ),
]
