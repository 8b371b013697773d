"""An IAM role that EKS Pod Identity can hand to pods, with its permissions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from . import documents, names
from .trust import TrustScope, irsa_statements, trust_policy


def grant_permissions(
    name: str,
    role: aws.iam.Role,
    managed_policy_arns: Sequence[str],
    statements: Sequence[pulumi.Input[documents.Statement]],
    opts: pulumi.ResourceOptions,
    legacy_name: str | None = None,
    legacy_claims: Mapping[tuple[str, str], str] | None = None,
) -> tuple[list[aws.iam.RolePolicyAttachment], aws.iam.RolePolicy | None]:
    """Attach managed policies to `role` and put its inline statements in one role policy.

    An attachment is named by its role and the policy's full path. Renaming an attachment
    resource would attach again (a no-op) and then delete the old resource, which detaches
    the policy the new one needs: the aliases keep the names of earlier releases
    (`legacy_name` is the owner name they used, when it differs from `name`). A former name
    several (owner, policy) pairs derive goes to the first of them only (`legacy_claims`, see
    names.first_claims; by default among this role's own pairs).
    """
    unique = list(dict.fromkeys(managed_policy_arns))
    owner = legacy_name or name
    claims = legacy_claims if legacy_claims is not None else legacy_attachment_claims({owner: unique})
    legacy = [names.legacy_attachment(owner, arn) for arn in unique]
    attachments = [
        aws.iam.RolePolicyAttachment(
            names.attachment(name, arn),
            role=role.name,
            policy_arn=arn,
            opts=pulumi.ResourceOptions.merge(
                opts, pulumi.ResourceOptions(aliases=[pulumi.Alias(name=old)] if claims.get((owner, arn)) == old else None)
            ),
        )
        for arn, old in zip(unique, legacy)
    ]
    inline = None
    if statements:
        inline = aws.iam.RolePolicy(
            f"{name}-inline",
            role=role.name,
            policy=pulumi.Output.all(*statements).apply(lambda s: documents.to_json(documents.document(s))),
            opts=pulumi.ResourceOptions.merge(
                opts, pulumi.ResourceOptions(aliases=[pulumi.Alias(name=f"{legacy_name}-inline")] if legacy_name else None)
            ),
        )
    return attachments, inline


def legacy_attachment_claims(owners: Mapping[str, Sequence[str]]) -> dict[tuple[str, str], str]:
    """(owner, policy ARN) -> its former attachment name `<owner>-<policy name>`, for the pairs
    that keep one (names.first_claims)."""
    return names.first_claims(
        {(owner, arn): names.legacy_attachment(owner, arn) for owner, arns in owners.items() for arn in dict.fromkeys(arns)}
    )


@dataclass(frozen=True)
class PodIdentityRoleArgs:
    """Trust scope, permissions and naming of a Pod Identity role.

    Each of `scopes` is one trust statement (see `trust.exact_scopes`); none at all gives the
    unscoped trust AWS documents.
    """

    scopes: Sequence[TrustScope] = ()
    cluster_arns: pulumi.Input[Mapping[str, str]] = field(default_factory=dict)
    """ARNs of the clusters the scopes name, by cluster name (may be Outputs)."""
    source_org_id: str | None = None
    irsa_oidc_provider_arns: Sequence[str] = ()
    """Keep IRSA trust for these clusters' OIDC providers while moving to Pod Identity."""
    irsa_pairs: Sequence[tuple[str, str]] = ()
    """The (namespace, service account) pairs IRSA may still serve."""
    managed_policy_arns: Sequence[str] = ()
    statements: Sequence[pulumi.Input[documents.Statement]] = ()
    """Inline permission statements; an element may be an Output (an ARN known at deploy time)."""
    policy_documents: Mapping[str, documents.Document] = field(default_factory=dict)
    """Customer managed policies to create and attach, by a short name (e.g. a catalog entry)."""
    name: str | None = None
    """An explicit role name. Leave unset: a replacement then cannot clash with the old role."""
    name_prefix: str | None = None
    path: str = "/"
    permissions_boundary: str | None = None
    max_session_duration: int = 3600
    description: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    legacy_claims: Mapping[tuple[str, str], str] | None = None
    """(owner, policy ARN) -> the former attachment name it keeps, stack-wide
    (legacy_attachment_claims); None: this role's own pairs decide."""


class PodIdentityRole(pulumi.ComponentResource):
    """A role trusting only `pods.eks.amazonaws.com`, reusable in any number of clusters."""

    role: aws.iam.Role
    """The IAM role."""
    arn: pulumi.Output[str]
    """The role ARN, for associations."""
    role_name: pulumi.Output[str]
    """The role name (auto-generated unless one was given)."""
    attachments: list[aws.iam.RolePolicyAttachment]
    """One per managed policy ARN."""
    inline_policy: aws.iam.RolePolicy | None
    """The inline statements, when there are any."""
    policies: dict[str, aws.iam.Policy]
    """Customer managed policies created for this role, by name."""

    def __init__(self, name: str, args: PodIdentityRoleArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("eks-pod-identity:index:PodIdentityRole", name, None, opts)
        # A fixed name is unique in the account: name the resources after it, so renaming
        # the component keeps their URNs (an update, not a second role of the same name),
        # and replace it delete-first, since IAM refuses a second role of that name.
        key = names.role_key(name, args.name)
        legacy = name if key != name else None
        child = pulumi.ResourceOptions(parent=self)
        trust = pulumi.Output.from_input(args.cluster_arns).apply(
            lambda arns: documents.to_json(
                trust_policy(args.scopes, arns, args.source_org_id, irsa_statements(args.irsa_oidc_provider_arns, args.irsa_pairs))
            )
        )
        self.role = aws.iam.Role(
            f"{key}-role",
            assume_role_policy=trust,
            name=args.name,
            name_prefix=args.name_prefix,
            path=args.path,
            permissions_boundary=args.permissions_boundary,
            max_session_duration=args.max_session_duration,
            description=args.description or f"EKS Pod Identity role {name}",
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(
                parent=self,
                delete_before_replace=bool(args.name),
                aliases=[pulumi.Alias(name=f"{legacy}-role")] if legacy else None,
            ),
        )
        self.arn = self.role.arn
        self.role_name = self.role.name
        self.attachments, self.inline_policy = grant_permissions(
            key, self.role, args.managed_policy_arns, args.statements, child, legacy_name=legacy,
            legacy_claims=args.legacy_claims,
        )
        self.policies = {
            short: aws.iam.Policy(
                f"{key}-{short}",
                policy=documents.to_json(doc),
                path=args.path,
                description=f"{short} permissions of the EKS Pod Identity role {name}",
                tags=dict(args.tags),
                opts=pulumi.ResourceOptions(parent=self, aliases=[pulumi.Alias(name=f"{legacy}-{short}")] if legacy else None),
            )
            for short, doc in args.policy_documents.items()
        }
        self.attachments += [
            aws.iam.RolePolicyAttachment(
                f"{key}/{short}",
                role=self.role.name,
                policy_arn=policy.arn,
                opts=pulumi.ResourceOptions(parent=self, aliases=[pulumi.Alias(name=f"{name}-{short}-attachment")]),
            )
            for short, policy in self.policies.items()
        ]
        self.register_outputs({"arn": self.arn, "name": self.role_name})

    @property
    def ready(self) -> list[pulumi.Resource]:
        """What must exist before a pod uses the role: the role and all its permissions."""
        return [self.role, *self.attachments, *([self.inline_policy] if self.inline_policy else [])]
