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

from collections.abc import Mapping, Sequence


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


def legacy_attachment_claims(owners: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, str]]:
    """Former attachment name (`<owner>-<policy name>`) -> the (owner, policy ARN) that keeps it
    as an alias: the first, in declaration order, of the pairs that derive it.

    Several pairs of one stack may derive one name (`team` + `.../a-Reader` and `team-a` +
    `.../Reader`). The engine refused the second registration of that URN, so a stack holds at
    most the first one, created before the refusal; and two aliases claiming one URN are
    refused too (step_generator.go getOldResource, errors 2008 and 2016).
    """
    claims: dict[str, tuple[str, str]] = {}
    for owner, arns in owners.items():
        for arn in dict.fromkeys(arns):
            claims.setdefault(legacy_attachment(owner, arn), (owner, arn))
    return claims


def addon(cluster: str, addon_name: str) -> str:
    return f"{cluster}/{addon_name}"


def legacy_addon(cluster: str, addon_name: str) -> str:
    return f"{cluster}-{addon_name}"


def unambiguous(former: dict[str, str]) -> dict[str, str]:
    """New name -> former name, for the former names that only one resource had.

    A former name that several resources shared was a duplicate URN, which the engine
    refused: no stack holds it, and two aliases claiming it would both inherit one state.
    """
    counts: dict[str, int] = {}
    for old in former.values():
        counts[old] = counts.get(old, 0) + 1
    return {new: old for new, old in former.items() if counts[old] == 1}
