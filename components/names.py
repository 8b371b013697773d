"""Pulumi resource names, unique by construction.

The engine refuses two resources with one URN, and a URN is the parent's type chain plus the
resource's name. Joining user-given parts with `-` is ambiguous (`a` + `b-c` and `a-b` + `c`
both give `a-b-c`), so the parts are joined with `/`, which no cluster, namespace, service
account, identity or add-on name may contain. Resources that stand for something with a
unique key in AWS (an association is unique per cluster, namespace and service account; a
fixed role name is unique per account) are named by that key alone: renaming the identity
or moving a binding to another identity then keeps the URN, and the engine updates the
resource in place instead of creating a second one before deleting the first, which EKS
(409) and IAM (EntityAlreadyExists) would refuse.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def association(cluster: str, namespace: str, service_account: str) -> str:
    """An association, named by EKS's own unique key and nothing else."""
    return f"{cluster}/{namespace}/{service_account}"


def legacy_association(identity: str, cluster: str, namespace: str, service_account: str) -> str:
    """The name releases before 0.2 gave an association (kept as an alias)."""
    return f"{identity}-{cluster}-{namespace}-{service_account}"


def role_key(component: str, fixed_name: str | None) -> str:
    """What a role's resources are named after: its fixed IAM name, else its component.

    No identity name holds a `.` (they are DNS labels), so a fixed name never collides with
    another identity's auto-named role. The key prefixes auto-named IAM policies too, so it
    keeps to IAM's name characters (no `/`).
    """
    return f"fixed.{fixed_name}" if fixed_name else component


def policy_path(arn: str) -> str:
    """`<account>/<path><name>` of a policy ARN: unique per policy, and free of `::`."""
    account, _, rest = arn.split(":", 4)[4].partition(":policy/")
    return f"{account}/{rest}"


def attachment(owner: str, policy_arn: str) -> str:
    """A managed-policy attachment, named by its role and the policy's account and path."""
    return f"{owner}/{policy_path(policy_arn)}"


def legacy_attachment(owner: str, policy_arn: str) -> str:
    return f"{owner}-{policy_arn.rsplit('/', 1)[-1]}"


def addon(cluster: str, addon_name: str) -> str:
    return f"{cluster}/{addon_name}"


def legacy_addon(cluster: str, addon_name: str) -> str:
    return f"{cluster}-{addon_name}"


def first_claims(former: Mapping[K, str]) -> dict[K, str]:
    """Key -> former name, each former name kept only for the first key (in declaration order,
    the order earlier releases registered in) that derives it.

    Joined with `-`, several resources of an earlier release could derive one name (`team` +
    `a-Reader` and `team-a` + `Reader`). The engine refused the second registration of that URN
    (error 2001), so a stack holds at most the first, which may have been created before the
    refusal; and two aliases claiming one URN are refused too (pkg/resource/deploy/
    step_generator.go getOldResource, errors 2008 and 2016).
    """
    kept: dict[K, str] = {}
    claimed: set[str] = set()
    for key, old in former.items():
        if old not in claimed:
            claimed.add(old)
            kept[key] = old
    return kept
