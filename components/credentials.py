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
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws
from pulumi.runtime.config import is_config_secret

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


KEYS_ENV = {"accessKey": "AWS_ACCESS_KEY_ID", "secretKey": "AWS_SECRET_ACCESS_KEY", "token": "AWS_SESSION_TOKEN"}
"""Static credentials in stack config, and the variables the AWS CLI reads them from."""
FILES_ENV = {"sharedCredentialsFiles": "AWS_SHARED_CREDENTIALS_FILE", "sharedConfigFiles": "AWS_CONFIG_FILE"}
"""Shared files in stack config (lists for the provider), and the one path each the CLI reads
(AWS CLI User Guide, "Environment variables to configure the AWS CLI")."""
WEB_IDENTITY_KEYS = {"roleArn": "role_arn", "sessionName": "session_name", "webIdentityToken": "web_identity_token",
                     "webIdentityTokenFile": "web_identity_token_file", "duration": "duration", "policy": "policy",
                     "policyArns": "policy_arns"}  # fmt: skip
"""aws:assumeRoleWithWebIdentity keys -> ProviderAssumeRoleWithWebIdentityArgs arguments."""


@dataclass(frozen=True)
class Credentials:
    """What the stack's AWS provider is configured with, as far as the others must follow."""

    profile: str | None = None
    """`aws:profile`: passed as `--profile`; pulumi-eks does the same because AWS_PROFILE "can be
    overridden by ambient credentials" (nodejs/eks/cluster/cluster.ts generateKubeconfig)."""
    roles: tuple[Mapping[str, Any], ...] = ()
    """`aws:assumeRoles` as configured, assumed in order."""
    keys: Mapping[str, str] = field(default_factory=dict)
    """`aws:accessKey`, `aws:secretKey`, `aws:token` as configured (KEYS_ENV)."""
    files: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """`aws:sharedCredentialsFiles`, `aws:sharedConfigFiles` as configured (FILES_ENV)."""
    web_identity: Mapping[str, Any] | None = None
    """`aws:assumeRoleWithWebIdentity`, followed by the target-account providers only."""
    secret: frozenset[str] = frozenset()
    """The `aws:` keys the stack keeps secret: they stay secret wherever they are passed."""

    @property
    def role_arn(self) -> str | None:
        """The one role `aws eks get-token --role-arn` assumes, when there is one."""
        return str(self.roles[0]["roleArn"]) if len(self.roles) == 1 else None

    def get_token_args(self) -> list[str]:
        """Arguments that make `aws eks get-token` act as the stack's provider does."""
        return [*(["--role-arn", self.role_arn] if self.role_arn else []), *(["--profile", self.profile] if self.profile else [])]

    def get_token_env(self) -> dict[str, str]:
        """The environment `aws eks get-token` needs to start from the provider's credentials: the
        plugin inherits the Kubernetes provider's environment, which the stack config does not set."""
        env = {KEYS_ENV[k]: v for k, v in self.keys.items()}
        return {**env, **{FILES_ENV[k]: paths[0] for k, paths in self.files.items() if paths}}

    def chain_to(self, deploy_role_arn: str) -> list[aws.ProviderAssumeRoleArgs]:
        """A provider's role chain into `deploy_role_arn`, through the stack's own roles first."""
        own = [aws.ProviderAssumeRoleArgs(**{ROLE_KEYS[k]: v for k, v in role.items() if k in ROLE_KEYS}) for role in self.roles]
        return [*own, aws.ProviderAssumeRoleArgs(role_arn=deploy_role_arn, session_name=SESSION_NAME)]

    def provider_args(self, deploy_role_arn: str) -> dict[str, Any]:
        """The arguments of a provider that acts as the stack's own, then assumes `deploy_role_arn`:
        a secret key of the stack stays secret in the provider's inputs (and so in the state)."""

        def kept(key: str, value: Any) -> Any:
            return pulumi.Output.secret(value) if key in self.secret and value is not None else value

        web = self.web_identity
        return {
            "profile": kept("aws:profile", self.profile),
            "assume_roles": kept("aws:assumeRoles", self.chain_to(deploy_role_arn)),
            "access_key": kept("aws:accessKey", self.keys.get("accessKey")),
            "secret_key": pulumi.Output.secret(self.keys["secretKey"]) if "secretKey" in self.keys else None,
            "token": pulumi.Output.secret(self.keys["token"]) if "token" in self.keys else None,
            "shared_credentials_files": list(self.files.get("sharedCredentialsFiles", ())) or None,
            "shared_config_files": list(self.files.get("sharedConfigFiles", ())) or None,
            "assume_role_with_web_identity": kept(
                "aws:assumeRoleWithWebIdentity",
                aws.ProviderAssumeRoleWithWebIdentityArgs(**{WEB_IDENTITY_KEYS[k]: v for k, v in web.items() if k in WEB_IDENTITY_KEYS}),
            )
            if web
            else None,
        }


GET_TOKEN_FIX = (
    "`aws eks get-token` in the kubeconfigs cannot do that: put it in an AWS CLI profile (role_arn, "
    "source_profile, external_id, web_identity_token_file in ~/.aws/config) and set aws:profile instead"
)


def _role_problems(roles: Sequence[Any], web_identity: Any, kubeconfigs: bool) -> list[tuple[str, Any, str]]:
    problems: list[tuple[str, Any, str]] = []
    for i, role in enumerate(roles):
        arn = role.get("roleArn")
        if not isinstance(arn, str) or not ROLE_ARN.match(arn):
            problems.append((f"aws:assumeRoles[{i}].roleArn", arn, "is not an IAM role ARN like 'arn:aws:iam::123456789012:role/deploy'"))
    if web_identity is not None and not isinstance(web_identity, Mapping):
        problems.append(("aws:assumeRoleWithWebIdentity", web_identity, "must be an object: {roleArn, webIdentityTokenFile, ...}"))
    if kubeconfigs:
        if web_identity:
            problems.append(("aws:assumeRoleWithWebIdentity", web_identity, f"configures the AWS provider only; {GET_TOKEN_FIX}"))
        if len(roles) > 1:
            problems.append(("aws:assumeRoles", [r.get("roleArn") for r in roles], f"chains {len(roles)} roles; {GET_TOKEN_FIX}"))
        elif roles:
            extra = sorted(k for k, v in roles[0].items() if k not in DROPPABLE_FOR_GET_TOKEN and v not in (None, "", [], {}))
            if extra:
                problems.append(("aws:assumeRoles[0]", {k: roles[0][k] for k in extra}, f"sets {', '.join(extra)}; {GET_TOKEN_FIX}"))
    return problems


def _key_problems(keys: Mapping[str, Any], files: Mapping[str, Any], kubeconfigs: bool) -> list[tuple[str, Any, str]]:
    problems: list[tuple[str, Any, str]] = []
    for key, value in keys.items():
        if not isinstance(value, str) or not value:
            problems.append((f"aws:{key}", "[secret]", "must be text"))
    if ("accessKey" in keys) != ("secretKey" in keys):
        given, missing = ("aws:accessKey", "aws:secretKey") if "accessKey" in keys else ("aws:secretKey", "aws:accessKey")
        problems.append((given, "[secret]", f"needs {missing} too: an access key is the pair (aws configure set, or both in the stack)"))
    for key, paths in files.items():
        if not isinstance(paths, list) or not all(isinstance(p, str) and p for p in paths):
            problems.append((f"aws:{key}", paths, "must be a list of file paths"))
        elif kubeconfigs and len(paths) > 1:
            problems.append(
                (
                    f"aws:{key}",
                    paths,
                    (
                        f"names {len(paths)} files, and `aws eks get-token` in the kubeconfigs reads one ({FILES_ENV[key]}): "
                        "merge them into one file"
                    ),
                )
            )
    return problems


def from_config(
    profile: str | None, assume_roles: Any, web_identity: Any, kubeconfigs: bool = True, other: Mapping[str, Any] | None = None
) -> tuple[Credentials, list[tuple[str, Any, str]]]:
    """The credentials of the stack's `aws:` keys, or the problems with following them.

    With `kubeconfigs` (the stack has clusters), what `aws eks get-token` cannot reproduce is
    refused: a chain of roles, an external ID, a session policy or tags,
    `aws:assumeRoleWithWebIdentity`, several shared files of one kind. An AWS CLI profile can say
    all of it (`role_arn`, `source_profile`, `external_id`, `web_identity_token_file`), and both
    the provider and the CLI read it. Without clusters, the target-account providers take it all.
    `other`: `accessKey`, `secretKey`, `token`, `sharedCredentialsFiles`, `sharedConfigFiles`,
    and `secret`, the set of `aws:` keys that are secret.
    """
    other = dict(other or {})
    secret = frozenset(other.pop("secret", ()))
    roles: Sequence[Any] = assume_roles or []
    if not isinstance(roles, list) or not all(isinstance(r, Mapping) for r in roles):
        shape = "must be a list of {roleArn, ...} objects, e.g. [{roleArn: arn:aws:iam::123456789012:role/deploy}]"
        shown = "[secret]" if "aws:assumeRoles" in secret else assume_roles
        return Credentials(profile), [("aws:assumeRoles", shown, shape)]
    keys = {k: other[k] for k in KEYS_ENV if other.get(k) is not None}
    files = {k: other[k] for k in FILES_ENV if other.get(k) is not None}
    problems = _role_problems(roles, web_identity, kubeconfigs) + _key_problems(keys, files, kubeconfigs)
    if problems:
        return Credentials(profile), [(path, "[secret]" if path.split("[")[0] in secret else value, why) for path, value, why in problems]
    web = dict(web_identity) if isinstance(web_identity, Mapping) and not kubeconfigs else None
    return Credentials(profile, tuple(dict(r) for r in roles), keys, {k: tuple(v) for k, v in files.items()}, web, secret), []


def _decoded(text: str | None) -> Any:
    """A structured `aws:` key as the CLI passes it (JSON), or its text when it is not JSON
    (`aws:assumeRoles: arn:...`), for `from_config` to refuse with the shape it needs; the SDK's
    get_object would raise its own ConfigTypeError, a traceback naming no fix."""
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text


def stack_credentials(kubeconfigs: bool = True) -> Credentials:
    """The stack's own `aws:` credentials, or a ConfigError naming what cannot be followed
    (raised before anything registers). `kubeconfigs`: the stack reaches clusters."""
    config = pulumi.Config("aws")
    other: dict[str, Any] = {k: config.get(k) for k in KEYS_ENV}
    other.update({k: _decoded(config.get(k)) for k in FILES_ENV})
    other["secret"] = {f"aws:{k}" for k in [*KEYS_ENV, *FILES_ENV, "profile", "assumeRoles", "assumeRoleWithWebIdentity"]
                       if is_config_secret(f"aws:{k}")}  # fmt: skip
    credentials, problems = from_config(
        config.get("profile"), _decoded(config.get("assumeRoles")), _decoded(config.get("assumeRoleWithWebIdentity")), kubeconfigs, other
    )
    if problems:
        raise ConfigError([f"{path} = {value!r}: {why}" for path, value, why in problems])
    return credentials
