"""What an adopted cluster already has, read at every run before anything is declared.

A stack that adopts a cluster does not own what others installed on it. `CreateAddon` for an
add-on that exists fails with ResourceInUseException (botocore eks model,
`operations.CreateAddon.errors`; terraform-provider-aws addon.go resourceAddonCreate retries
only CREATE_FAILED), and `resolve_conflicts_on_create` only settles field conflicts "when
migrating a self-managed add-on" (pulumi_aws/eks/addon.py 51, after the CreateAddon API
reference), so the program must know before it declares one. An add-on
counts as this stack's when it carries the stack's `pulumi-project` and `pulumi-stack` tags,
which every add-on the stack creates gets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

OWNER_TAGS = ("pulumi-project", "pulumi-stack")
# terraform-provider-aws internal/service/eks/addon.go, findAddon (and cluster.go,
# findClusterByName): DescribeAddon's (DescribeCluster's) ResourceNotFoundException becomes a
# retry.NotFoundError, whose text is "couldn't find resource" (internal/retry/error.go); the
# data sources wrap it as "reading EKS Add-On (...)" / "reading EKS Cluster (...)".
# The AWS error's own name is matched too, should a provider version pass it through.
NOT_FOUND = ("couldn't find resource", "ResourceNotFoundException")


@dataclass(frozen=True)
class InstalledAddon:
    """An add-on found on a cluster."""

    name: str
    version: str
    owned: bool
    """True when it carries this stack's owner tags: the stack created it and keeps managing it."""
    associations: Mapping[str, str] = field(default_factory=dict)
    """Its own Pod Identity associations: service account -> role ARN."""


class AddonLookupError(pulumi.RunError):
    """An add-on lookup failed for another reason than the add-on being absent."""


def owned(tags: Mapping[str, str] | None, stack_tags: Mapping[str, str]) -> bool:
    return bool(tags) and all(tags.get(k) == stack_tags.get(k) for k in OWNER_TAGS)  # type: ignore[union-attr]


def installed_addon(
    cluster: str, addon: str, stack_tags: Mapping[str, str], parent: pulumi.Resource | None = None
) -> InstalledAddon | None:
    """The add-on `addon` on the existing cluster `cluster`, or None when it is not installed."""
    try:
        found = aws.eks.get_addon(addon_name=addon, cluster_name=cluster, opts=pulumi.InvokeOptions(parent=parent))
    except Exception as error:  # noqa: BLE001 - the invoke raises a plain Exception
        if any(marker in str(error) for marker in NOT_FOUND):
            return None
        raise AddonLookupError(
            f"could not read add-on {addon!r} of cluster {cluster!r} (eks:DescribeAddon): {error}. The program must "
            "know whether it is installed before it declares it: grant eks:DescribeAddon to the deploying identity."
        ) from None
    return InstalledAddon(
        name=addon,
        version=found.addon_version,
        owned=owned(found.tags, stack_tags),
        associations={a.service_account: a.role_arn for a in found.pod_identity_associations or []},
    )


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
