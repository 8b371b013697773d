"""The credentials `pulumi up` runs with, carried to what the default AWS provider does not cover.

The stack's `aws:profile` and `aws:assumeRoles` configure the default provider only. Two more
things act on AWS for the stack: the kubeconfigs' `aws eks get-token` (the AWS CLI, run by the
Kubernetes provider) and the providers that create target roles in other accounts. Given other
credentials than the provider's, the first gets Unauthorized from a cluster whose creator (and
only admin) is the assumed role, and the second may not be allowed to assume the deploy role.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from .errors import ConfigError
from .iam.grammar import ROLE_ARN

# `aws eks get-token` takes `--role-arn` and nothing else of a role to assume (AWS CLI
# reference, eks get-token: --cluster-name, --role-arn, --cluster-id). A session name or
# duration can be dropped for it without changing who acts; an external ID, session policy,
# tags or a second role cannot.
DROPPABLE_FOR_GET_TOKEN = {"roleArn", "sessionName", "duration"}
SESSION_NAME = "eks-pod-identity"
# aws:assumeRoles keys -> ProviderAssumeRoleArgs arguments (pulumi-aws 7 config/outputs).
ROLE_KEYS = {
    "roleArn": "role_arn",
    "sessionName": "session_name",
    "externalId": "external_id",
    "duration": "duration",
    "policy": "policy",
    "policyArns": "policy_arns",
    "tags": "tags",
    "transitiveTagKeys": "transitive_tag_keys",
    "sourceIdentity": "source_identity",
}


@dataclass(frozen=True)
class Credentials:
    """What the stack's AWS provider is configured with, as far as the others must follow."""

    profile: str | None = None
    """`aws:profile`: passed as `--profile`; pulumi-eks does the same because AWS_PROFILE "can be
    overridden by ambient credentials" (nodejs/eks/cluster/cluster.ts generateKubeconfig)."""
    roles: tuple[Mapping[str, Any], ...] = ()
    """`aws:assumeRoles` as configured, assumed in order."""

    @property
    def role_arn(self) -> str | None:
        """The one role `aws eks get-token --role-arn` assumes, when there is one."""
        return str(self.roles[0]["roleArn"]) if len(self.roles) == 1 else None

    def get_token_args(self) -> list[str]:
        """Arguments that make `aws eks get-token` act as the stack's provider does."""
        return [*(["--role-arn", self.role_arn] if self.role_arn else []), *(["--profile", self.profile] if self.profile else [])]

    def chain_to(self, deploy_role_arn: str) -> list[aws.ProviderAssumeRoleArgs]:
        """A provider's role chain into `deploy_role_arn`, through the stack's own roles first."""
        own = [aws.ProviderAssumeRoleArgs(**{ROLE_KEYS[k]: v for k, v in role.items() if k in ROLE_KEYS}) for role in self.roles]
        return [*own, aws.ProviderAssumeRoleArgs(role_arn=deploy_role_arn, session_name=SESSION_NAME)]


def from_config(
    profile: str | None, assume_roles: Any, web_identity: Any, kubeconfigs: bool = True
) -> tuple[Credentials, list[tuple[str, Any, str]]]:
    """The credentials of `aws:profile` / `aws:assumeRoles`, or the problems with following them.

    With `kubeconfigs` (the stack has clusters), what `aws eks get-token` cannot reproduce is
    refused: a chain of roles, an external ID, a session policy or tags, and
    `aws:assumeRoleWithWebIdentity`. An AWS CLI profile can say all of it (`role_arn`,
    `source_profile`, `external_id`, `web_identity_token_file`), and both the provider and the
    CLI read it. Without clusters, the target-account providers take the whole chain.
    """
    fix = (
        "`aws eks get-token` in the kubeconfigs cannot do that: put it in an AWS CLI profile (role_arn, "
        "source_profile, external_id, web_identity_token_file in ~/.aws/config) and set aws:profile instead"
    )
    problems: list[tuple[str, Any, str]] = []
    roles: Sequence[Any] = assume_roles or []
    if not isinstance(roles, list) or not all(isinstance(r, Mapping) for r in roles):
        shape = "must be a list of {roleArn, ...} objects, e.g. [{roleArn: arn:aws:iam::123456789012:role/deploy}]"
        return Credentials(profile), [("aws:assumeRoles", assume_roles, shape)]
    for i, role in enumerate(roles):
        arn = role.get("roleArn")
        if not isinstance(arn, str) or not ROLE_ARN.match(arn):
            problems.append((f"aws:assumeRoles[{i}].roleArn", arn, "is not an IAM role ARN like 'arn:aws:iam::123456789012:role/deploy'"))
    if kubeconfigs:
        if web_identity:
            problems.append(("aws:assumeRoleWithWebIdentity", web_identity, f"configures the AWS provider only; {fix}"))
        if len(roles) > 1:
            problems.append(("aws:assumeRoles", [r.get("roleArn") for r in roles], f"chains {len(roles)} roles; {fix}"))
        elif roles:
            extra = sorted(k for k, v in roles[0].items() if k not in DROPPABLE_FOR_GET_TOKEN and v not in (None, "", [], {}))
            if extra:
                problems.append(("aws:assumeRoles[0]", {k: roles[0][k] for k in extra}, f"sets {', '.join(extra)}; {fix}"))
    if problems:
        return Credentials(profile), problems
    return Credentials(profile, tuple(dict(r) for r in roles)), []


def _decoded(text: str | None) -> Any:
    """A structured `aws:` key as the CLI passes it (JSON), or its text when it is not JSON
    (`aws:assumeRoles: arn:...`), for `from_config` to refuse with the shape it needs; the SDK's
    get_object would raise its own ConfigTypeError, a traceback naming no fix."""
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text


def stack_credentials(kubeconfigs: bool = True) -> Credentials:
    """The stack's own `aws:profile` / `aws:assumeRoles`, or a ConfigError naming what cannot
    be followed (raised before anything registers). `kubeconfigs`: the stack reaches clusters."""
    config = pulumi.Config("aws")
    credentials, problems = from_config(
        config.get("profile"), _decoded(config.get("assumeRoles")), _decoded(config.get("assumeRoleWithWebIdentity")), kubeconfigs
    )
    if problems:
        raise ConfigError([f"{path} = {value!r}: {why}" for path, value, why in problems])
    return credentials
