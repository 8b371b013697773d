"""An existing cluster, read at every run before anything is declared (eks:DescribeCluster)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

# terraform-provider-aws internal/service/eks/addon.go, findAddon (and cluster.go,
# findClusterByName): DescribeAddon's (DescribeCluster's) ResourceNotFoundException becomes a
# retry.NotFoundError, whose text is "couldn't find resource" (internal/retry/error.go); the
# data sources wrap it as "reading EKS Add-On (...)" / "reading EKS Cluster (...)".
# The AWS error's own name is matched too, should a provider version pass it through.
NOT_FOUND = ("couldn't find resource", "ResourceNotFoundException")


class ClusterLookupError(pulumi.RunError):
    """A cluster lookup failed for another reason than the cluster being absent."""


def describe_cluster(name: str) -> aws.eks.GetClusterResult | None:
    """The cluster `name` in the stack's region (eks:DescribeCluster), or None when EKS has none."""
    try:
        return aws.eks.get_cluster(name=name)
    except Exception as error:  # noqa: BLE001 - the invoke raises a plain Exception
        if any(marker in str(error) for marker in NOT_FOUND):
            return None
        raise ClusterLookupError(
            f"could not read cluster {name!r} (eks:DescribeCluster): {error}. The program must know whether it exists "
            "before it declares anything: grant eks:DescribeCluster to the deploying identity."
        ) from None


def access_entry_tags(cluster: str, principal_arn: str) -> dict[str, str] | None:
    """The tags of `principal_arn`'s access entry on `cluster` (eks:DescribeAccessEntry), or None
    when it has none."""
    try:
        found = aws.eks.get_access_entry(cluster_name=cluster, principal_arn=principal_arn)
    except Exception as error:  # noqa: BLE001 - the invoke raises a plain Exception
        if any(marker in str(error) for marker in NOT_FOUND):
            return None
        raise ClusterLookupError(
            f"could not read the access entry of {principal_arn} on cluster {cluster!r} (eks:DescribeAccessEntry): "
            f"{error}. The program must know whether it exists before it declares one: grant eks:DescribeAccessEntry."
        ) from None
    return dict(found.tags or {})
