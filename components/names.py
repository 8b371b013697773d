"""Pulumi resource names, unique by construction.

The engine refuses two resources with one URN, and a URN is the parent's type chain plus the
resource's name. Joining user-given parts with `-` is ambiguous (`a` + `b-c` and `a-b` + `c`
both give `a-b-c`), so the parts are joined with `/`, which no cluster, namespace, service
account, identity or add-on name may contain. Resources that stand for something with a
unique key in AWS (an association is unique per cluster, namespace and service account; a
fixed role name is unique per account) are named by that key alone: renaming the identity
or moving a binding to another identity then keeps the URN, and the engine updates the
resource in place instead of creating a second one before deleting the first, which EKS
(409) and IAM (EntityAlreadyExists) would refuse. The names earlier releases gave live in
`migrations`.
"""

from __future__ import annotations

from .arn import Arn

# Pulumi's autonaming appends "-" and 7 random characters (pulumi-terraform-bridge
# AutoNameOptions{Separator: "-", Randlen: 7}; pulumi-eks's role names show it, e.g.
# `<cluster>-eks-nodeRole-role-<7>`).
AUTONAME_RANDOM = 7


def association(cluster: str, namespace: str, service_account: str) -> str:
    """An association, named by EKS's own unique key and nothing else."""
    return f"{cluster}/{namespace}/{service_account}"


def role_key(component: str, fixed_name: str | None) -> str:
    """What a role's resources are named after: its fixed IAM name, else its component.

    No identity name holds a `.` (they are DNS labels), so a fixed name never collides with
    another identity's auto-named role. The key prefixes auto-named IAM policies too, so it
    keeps to IAM's name characters (no `/`).
    """
    return f"fixed.{fixed_name}" if fixed_name else component


def policy_path(policy_arn: str) -> str:
    """`<account>/<path><name>` of a policy ARN: unique per policy, and free of `::`."""
    arn = Arn.parse(policy_arn)
    assert arn is not None, "called with policy ARNs only"
    return f"{arn.account}/{arn.resource.removeprefix('policy/')}"


def attachment(owner: str, policy_arn: str) -> str:
    """A managed-policy attachment, named by its role and the policy's account and path."""
    return f"{owner}/{policy_path(policy_arn)}"


def addon(cluster: str, addon_name: str) -> str:
    return f"{cluster}/{addon_name}"


# The children a role component names after its key (`role_key`): the role, its inline policy,
# the customer managed policies it creates (by short name) and their attachments.
def role(key: str) -> str:
    return f"{key}-role"


def inline_policy(key: str) -> str:
    return f"{key}-inline"


def managed_policy(key: str, short: str) -> str:
    return f"{key}-{short}"


def managed_policy_attachment(key: str, short: str) -> str:
    return f"{key}/{short}"


def account_provider(key: str) -> str:
    """The AWS provider a cross-account role is created through."""
    return f"{key}-account"


def target_role_key(account: str, name: str) -> str:
    """A cross-account role's key: its account and fixed name, unique wherever it is declared."""
    return role_key("", f"{account}.{name}")
