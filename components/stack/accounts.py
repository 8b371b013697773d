"""What only the caller's account reveals, checked at run time before anything registers.

The config may name ARNs of any account; which are right depends on where `pulumi up` runs
(`aws.get_caller_identity`): roles an association binds, policies IAM attaches, and the
cluster creator's own access entry.
"""

from __future__ import annotations

from ..arn import PLACEHOLDER_ACCOUNTS, Arn, same_principal
from .checks import Problem, arns
from .config import StackConfig


def problems(cfg: StackConfig, account: str) -> list[Problem]:
    """Roles and policies of another account than the stack's, and example accounts.

    EKS binds a role only when the caller may pass it (iam:PassRole, EKS User Guide
    pod-id-association), which holds for roles of the cluster's own account: another account's
    role is reached by chaining (`targetRole`). And a config still holding the example accounts
    of AWS's documentation is an example, never deployed as it stands.
    """
    found: list[Problem] = []
    for i, ident in enumerate(cfg.identities):
        role = Arn.parse(ident.role_arn)
        if role and role.account != account:
            found.append(
                (
                    f"identities[{i}].roleArn",
                    ident.role_arn,
                    (
                        f"is a role of account {role.account}, but this stack deploys to {account}: an association binds a role of "
                        "the cluster's own account; reach the other account with targetRole: {arn: ...}"
                    ),
                )
            )
    found += policy_problems(cfg, account)
    if account not in PLACEHOLDER_ACCOUNTS:
        found += [
            (path, str(arn), f"names account {arn.account}, a placeholder of AWS's documentation: replace it with yours")
            for path, arn in arns(cfg)
            if arn.account in PLACEHOLDER_ACCOUNTS
        ]
    return found


def policy_problems(cfg: StackConfig, account: str) -> list[Problem]:
    """Customer managed policies of another account than the role's: IAM attaches (and bounds
    with) only policies of the role's own account or AWS's, so the attachment would fail with
    NoSuchEntity after the role was created."""
    found: list[Problem] = []
    for i, ident in enumerate(cfg.identities):
        create = ident.target_role.create if ident.target_role else None
        owned = [(f"identities[{i}].managedPolicyArns[{j}]", arn, account) for j, arn in enumerate(ident.managed_policy_arns)]
        if ident.permissions_boundary:
            owned.append((f"identities[{i}].permissionsBoundary", ident.permissions_boundary, account))
        if create:
            owned += [
                (f"identities[{i}].targetRole.create.managedPolicyArns[{j}]", arn, create.account)
                for j, arn in enumerate(create.managed_policy_arns)
            ]
        for path, text, owner in owned:
            policy = Arn.parse(text)
            if policy and policy.account not in ("aws", owner):
                found.append(
                    (
                        path,
                        text,
                        (
                            f"is a policy of account {policy.account}, but the role it goes on is in {owner}: IAM attaches only "
                            "AWS managed policies and the role's own account's; create the policy there"
                        ),
                    )
                )
    return found


def creator_entries(cfg: StackConfig, caller_arn: str) -> dict[str, list[tuple[str, str]]]:
    """Created clusters whose `adminPrincipalArns` name the caller: cluster -> [(key, arn)].

    pulumi-eks sets bootstrapClusterCreatorAdminPermissions whenever authenticationMode is given
    (nodejs/eks/cluster/cluster.ts, createCore's aws.eks.Cluster accessConfig), and the program
    always gives it, so EKS gives whoever creates the cluster an admin access entry of its own;
    a second entry for the same principal then fails with 409.
    """
    found: dict[str, list[tuple[str, str]]] = {}
    for i, c in enumerate(cfg.clusters):
        for j, arn in enumerate(c.admin_principal_arns if c.create else []):
            if same_principal(arn, caller_arn):
                found.setdefault(c.name, []).append((f"clusters[{i}].adminPrincipalArns[{j}]", arn))
    return found
