"""An IAM role that EKS Pod Identity can hand to pods, with its permissions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from .. import names
from ..iam import documents
from .trust import TrustScope, irsa_statements, trust_policy


def grant_permissions(
    key: str,
    role: aws.iam.Role,
    managed_policy_arns: Sequence[str],
    statements: Sequence[pulumi.Input[documents.Statement]],
    opts: pulumi.ResourceOptions,
) -> tuple[list[aws.iam.RolePolicyAttachment], aws.iam.RolePolicy | None]:
    """Attach managed policies to `role` and put its inline statements in one role policy.

    An attachment is named by its role's key and the policy's account and path, so two
    policies of one name never share a URN.
    """
    attachments = [
        aws.iam.RolePolicyAttachment(names.attachment(key, arn), role=role.name, policy_arn=arn, opts=opts)
        for arn in dict.fromkeys(managed_policy_arns)
    ]
    inline = None
    if statements:
        inline = aws.iam.RolePolicy(
            names.inline_policy(key),
            role=role.name,
            policy=pulumi.Output.all(*statements).apply(lambda s: documents.to_json(documents.document(s))),
            opts=opts,
        )
    return attachments, inline


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
        # and replace it delete-first, since IAM refuses a second role of that name
        # (CreateRole's EntityAlreadyExistsException, botocore iam model).
        key = names.role_key(name, args.name)
        child = pulumi.ResourceOptions(parent=self)
        trust = pulumi.Output.from_input(args.cluster_arns).apply(
            lambda arns: documents.to_json(
                trust_policy(args.scopes, arns, args.source_org_id, irsa_statements(args.irsa_oidc_provider_arns, args.irsa_pairs))
            )
        )
        self.role = aws.iam.Role(
            names.role(key),
            assume_role_policy=trust,
            name=args.name,
            name_prefix=args.name_prefix,
            path=args.path,
            permissions_boundary=args.permissions_boundary,
            max_session_duration=args.max_session_duration,
            description=args.description or f"EKS Pod Identity role {name}",
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=bool(args.name)),
        )
        self.arn = self.role.arn
        self.role_name = self.role.name
        self.attachments, self.inline_policy = grant_permissions(key, self.role, args.managed_policy_arns, args.statements, child)
        self.policies = {
            short: aws.iam.Policy(
                names.managed_policy(key, short),
                policy=documents.to_json(doc),
                path=args.path,
                description=f"{short} permissions of the EKS Pod Identity role {name}",
                tags=dict(args.tags),
                opts=child,
            )
            for short, doc in args.policy_documents.items()
        }
        self.attachments += [
            aws.iam.RolePolicyAttachment(
                names.managed_policy_attachment(key, short), role=self.role.name, policy_arn=policy.arn, opts=child
            )
            for short, policy in self.policies.items()
        ]
        self.register_outputs({"arn": self.arn, "name": self.role_name})

    @property
    def ready(self) -> list[pulumi.Resource]:
        """What must exist before a pod uses the role: the role and all its permissions."""
        return [self.role, *self.attachments, *([self.inline_policy] if self.inline_policy else [])]
