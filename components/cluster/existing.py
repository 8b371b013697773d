"""An existing cluster, read at every run before anything is declared (eks:DescribeCluster)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import pulumi
import pulumi_aws as aws

# terraform-provider-aws internal/service/eks/addon.go, findAddon (and cluster.go,
# findClusterByName): DescribeAddon's (DescribeCluster's) ResourceNotFoundException becomes a
# retry.NotFoundError, whose text is "couldn't find resource" (internal/retry/error.go); the
# data sources wrap it as "reading EKS Add-On (...)" / "reading EKS Cluster (...)".
# The AWS error's own name is matched too, should a provider version pass it through.
NOT_FOUND = ("couldn't find resource", "ResourceNotFoundException")
T = TypeVar("T")


class LookupFailed(pulumi.RunError):
    """A lookup the program makes before it declares anything failed for another reason than
    the object being absent (a permission, the network): a RunError, said without a traceback."""


class ClusterLookupError(LookupFailed):
    """A cluster lookup failed for another reason than the cluster being absent."""


def lookup(invoke: Callable[[], T], failure: Callable[[str], LookupFailed], markers: Sequence[str] = NOT_FOUND) -> T | None:
    """What `invoke` reads, None when the provider says it is not found (`markers`), or
    `failure` with the provider's message for any other error."""
    try:
        return invoke()
    except Exception as error:  # noqa: BLE001 - the invoke raises a plain Exception
        if any(marker in str(error) for marker in markers):
            return None
        raise failure(str(error)) from None


def describe_cluster(name: str, opts: pulumi.InvokeOptions | None = None) -> aws.eks.GetClusterResult | None:
    """The cluster `name` in the provider's region (eks:DescribeCluster), or None when EKS has none."""
    return lookup(
        lambda: aws.eks.get_cluster(name=name, opts=opts),
        lambda error: ClusterLookupError(
            f"could not read cluster {name!r} (eks:DescribeCluster): {error}. The program must know whether it exists "
            "before it declares anything: grant eks:DescribeCluster to the deploying identity."
        ),
    )


def access_entry_tags(cluster: str, principal_arn: str, opts: pulumi.InvokeOptions | None = None) -> dict[str, str] | None:
    """The tags of `principal_arn`'s access entry on `cluster` (eks:DescribeAccessEntry), or None
    when it has none."""
    found = lookup(
        lambda: aws.eks.get_access_entry(cluster_name=cluster, principal_arn=principal_arn, opts=opts),
        lambda error: ClusterLookupError(
            f"could not read the access entry of {principal_arn} on cluster {cluster!r} (eks:DescribeAccessEntry): "
            f"{error}. The program must know whether it exists before it declares one: grant eks:DescribeAccessEntry."
        ),
    )
    return None if found is None else dict(found.tags or {})
