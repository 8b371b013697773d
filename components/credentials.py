"""The credentials `pulumi up` runs with, carried to what the default AWS provider does not cover.

The stack's `aws:profile` and `aws:assumeRoles` configure the default provider only. Two more
things act on AWS for the stack: the kubeconfigs' `aws eks get-token` (the AWS CLI, run by the
Kubernetes provider) and the providers that create target roles in other accounts. Given other
credentials than the provider's, the first gets Unauthorized from a cluster whose creator (and
only admin) is the assumed role, and the second may not be allowed to assume the deploy role.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from . import rules
from .config import ConfigError

# `aws eks get-token --role-arn` assumes one role from the CLI's own credentials and takes no
# external ID, policy or tags (AWS CLI reference, eks get-token); these keys it can honour.
GET_TOKEN_KEYS = {"roleArn", "sessionName", "duration"}
SESSION_NAME = "eks-pod-identity"


@dataclass(frozen=True)
class Credentials:
    """What the stack's AWS provider is configured with, as far as the others must follow."""

    profile: str | None = None
    """`aws:profile`: passed as `--profile` (AWS_PROFILE would lose to ambient credentials)."""
    role_arn: str | None = None
    """The role `aws:assumeRoles` names: `aws eks get-token --role-arn`, and the first hop of a
    target-account provider's chain."""
    session_name: str | None = None

    def get_token_args(self) -> list[str]:
        """Arguments that make `aws eks get-token` act as the stack's provider does."""
        return [*(["--role-arn", self.role_arn] if self.role_arn else []), *(["--profile", self.profile] if self.profile else [])]

    def chain_to(self, deploy_role_arn: str) -> list[aws.ProviderAssumeRoleArgs]:
        """A provider's role chain into `deploy_role_arn`, through the stack's own role if any."""
        first = [aws.ProviderAssumeRoleArgs(role_arn=self.role_arn, session_name=self.session_name or SESSION_NAME)] if self.role_arn else []
        return [*first, aws.ProviderAssumeRoleArgs(role_arn=deploy_role_arn, session_name=SESSION_NAME)]


def from_config(profile: str | None, assume_roles: Any, web_identity: Any) -> tuple[Credentials, list[tuple[str, Any, str]]]:
    """The credentials of `aws:profile` / `aws:assumeRoles`, or the problems with following them.

    Refused: what `aws eks get-token` cannot reproduce (a chain of roles, an external ID, a
    session policy or tags, `aws:assumeRoleWithWebIdentity`); an AWS CLI profile can say all of
    it (`role_arn`, `source_profile`, `external_id`, `web_identity_token_file`), and both the
    provider and the CLI read it.
    """
    fix = ("`aws eks get-token` in the kubeconfigs cannot do that: put it in an AWS CLI profile (role_arn, "
           "source_profile, external_id, web_identity_token_file in ~/.aws/config) and set aws:profile instead")
    problems: list[tuple[str, Any, str]] = []
    if web_identity:
        problems.append(("aws:assumeRoleWithWebIdentity", web_identity, f"configures the AWS provider only; {fix}"))
    roles: Sequence[Any] = assume_roles or []
    if not isinstance(roles, list) or not all(isinstance(r, Mapping) for r in roles):
        return Credentials(profile), [*problems, ("aws:assumeRoles", assume_roles, "must be a list of {roleArn, ...} objects")]
    if len(roles) > 1:
        problems.append(("aws:assumeRoles", [r.get("roleArn") for r in roles], f"chains {len(roles)} roles; {fix}"))
    elif roles:
        role = roles[0]
        extra = sorted(k for k, v in role.items() if k not in GET_TOKEN_KEYS and v not in (None, "", [], {}))
        arn = role.get("roleArn")
        if extra:
            problems.append(("aws:assumeRoles[0]", {k: role[k] for k in extra}, f"sets {', '.join(extra)}; {fix}"))
        if not isinstance(arn, str) or not rules.ROLE_ARN.match(arn):
            problems.append(("aws:assumeRoles[0].roleArn", arn, "is not an IAM role ARN like 'arn:aws:iam::123456789012:role/deploy'"))
        if not problems:
            return Credentials(profile, arn, role.get("sessionName")), []
    return Credentials(profile), problems


def stack_credentials() -> Credentials:
    """The stack's own `aws:profile` / `aws:assumeRoles`, or a ConfigError naming what cannot
    be followed (raised before anything registers)."""
    config = pulumi.Config("aws")
    credentials, problems = from_config(
        config.get("profile"), config.get_object("assumeRoles"), config.get_object("assumeRoleWithWebIdentity")
    )
    if problems:
        raise ConfigError([f"{path} = {value!r}: {why}" for path, value, why in problems])
    return credentials
