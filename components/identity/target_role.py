"""A cross-account target role: where pods end up after EKS chains from the association role."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from .. import names
from ..arn import Arn
from ..credentials import Credentials
from ..iam import documents
from ..iam.grammar import ROLE_ARN
from .role import grant_permissions
from .trust import target_trust_policy


def target_role_arn(partition: str, account: str, path: str, name: str) -> str:
    """The target role's ARN, known before it exists.

    The association needs this ARN and, with session tags disabled, the role's trust needs
    the association's external ID: naming the role up front is what breaks that cycle.
    """
    return f"arn:{partition}:iam::{account}:role{path}{name}"


@dataclass(frozen=True)
class CrossAccountRoleArgs:
    """The target role, who may chain into it, and how the program reaches the other account."""

    name: str
    deploy_role_arn: str
    """A role in the target account that the program assumes to create the target role."""
    source_role_arns: pulumi.Input[Sequence[str]]
    region: pulumi.Input[str]
    external_ids: pulumi.Input[Sequence[str]]
    """The associations' external IDs, required as sts:ExternalId."""
    path: str = "/"
    managed_policy_arns: Sequence[str] = ()
    statements: Sequence[documents.Statement] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    credentials: Credentials = field(default_factory=Credentials)
    """The stack's `aws:profile` and `aws:assumeRoles`: only default providers read the stack's
    `aws:` configuration (Pulumi docs, "Resource providers", Default Provider Configuration), so
    an extra provider is given them, and chains from the same role."""

    def __post_init__(self) -> None:
        if not ROLE_ARN.match(self.deploy_role_arn):
            raise ValueError(f"deploy_role_arn {self.deploy_role_arn!r} is not an IAM role ARN in the target account")


class CrossAccountRole(pulumi.ComponentResource):
    """A role in another account, trusting only the association role(s) of this stack."""

    provider: aws.Provider
    """AWS provider for the target account (assumes `deploy_role_arn`)."""
    role: aws.iam.Role
    arn: pulumi.Output[str]
    ready: list[pulumi.Resource]
    """What must exist before a pod chains into the role: the role and all its permissions."""

    def __init__(self, name: str, args: CrossAccountRoleArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("eks-pod-identity:index:CrossAccountRole", name, None, opts)
        # Named after the role's account and fixed name, not the component: renaming the
        # identity then keeps the role (and its provider) in place instead of creating a second
        # role of one name, which IAM refuses (CreateRole: EntityAlreadyExistsException, botocore iam).
        deploy_role = Arn.parse(args.deploy_role_arn)
        assert deploy_role is not None, "CrossAccountRoleArgs checks deploy_role_arn"
        key = names.target_role_key(deploy_role.account, args.name)
        self.provider = aws.Provider(
            names.account_provider(key),
            region=args.region,
            **args.credentials.provider_args(args.deploy_role_arn),
            opts=pulumi.ResourceOptions(parent=self),
        )
        child = pulumi.ResourceOptions(parent=self, provider=self.provider)
        trust = pulumi.Output.all(args.source_role_arns, args.external_ids).apply(
            lambda v: documents.to_json(target_trust_policy(v[0], v[1]))
        )
        self.role = aws.iam.Role(
            names.role(key),
            name=args.name,
            path=args.path,
            assume_role_policy=trust,
            description=f"EKS Pod Identity cross-account target role {name}",
            tags=dict(args.tags),
            # The name is fixed (the association names the ARN up front): IAM refuses a
            # second role of that name, so a replacement deletes the old one first.
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(delete_before_replace=True)),
        )
        self.arn = self.role.arn
        attachments, inline = grant_permissions(key, self.role, args.managed_policy_arns, args.statements, child)
        self.ready = [self.role, *attachments, *([inline] if inline else [])]
        self.register_outputs({"arn": self.arn})
