"""What add-ons an adopted cluster already runs, read at every run before anything is declared.

A stack that adopts a cluster does not own what others installed on it. `CreateAddon` for an
add-on that exists fails with ResourceInUseException (botocore eks model,
`operations.CreateAddon.errors`; terraform-provider-aws addon.go resourceAddonCreate retries
only CREATE_FAILED), and `resolve_conflicts_on_create` only settles field conflicts "when
migrating a self-managed add-on" (pulumi_aws/eks/addon.py, `AddonArgs.resolve_conflicts_on_create`,
after the CreateAddon API reference), so the program must know before it declares one. An
add-on counts as this stack's when it carries the stack's `pulumi-project` and `pulumi-stack`
tags, which every add-on the stack creates gets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from ..cluster.existing import LookupFailed, lookup

OWNER_TAGS = ("pulumi-project", "pulumi-stack")


@dataclass(frozen=True)
class InstalledAddon:
    """An add-on found on a cluster."""

    name: str
    version: str
    owned: bool
    """True when it carries this stack's owner tags: the stack created it and keeps managing it."""
    associations: Mapping[str, str] = field(default_factory=dict)
    """Its own Pod Identity associations: service account -> role ARN."""


class AddonLookupError(LookupFailed):
    """An add-on lookup failed for another reason than the add-on being absent."""


def owned(tags: Mapping[str, str] | None, stack_tags: Mapping[str, str]) -> bool:
    return bool(tags) and all(tags.get(k) == stack_tags.get(k) for k in OWNER_TAGS)  # type: ignore[union-attr]


def installed_addon(
    cluster: str, addon: str, stack_tags: Mapping[str, str], opts: pulumi.InvokeOptions | None = None
) -> InstalledAddon | None:
    """The add-on `addon` on the existing cluster `cluster`, or None when it is not installed."""
    found = lookup(
        lambda: aws.eks.get_addon(addon_name=addon, cluster_name=cluster, opts=opts),
        lambda error: AddonLookupError(
            f"could not read add-on {addon!r} of cluster {cluster!r} (eks:DescribeAddon): {error}. The program must "
            "know whether it is installed before it declares it: grant eks:DescribeAddon to the deploying identity."
        ),
    )
    if found is None:
        return None
    return InstalledAddon(
        name=addon,
        version=found.addon_version,
        owned=owned(found.tags, stack_tags),
        associations={a.service_account: a.role_arn for a in found.pod_identity_associations or []},
    )
