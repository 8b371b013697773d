"""The stack's credentials reach what the default AWS provider does not cover: the kubeconfigs'
`aws eks get-token` and the providers that create target roles in other accounts."""

from __future__ import annotations

import json

import pytest
from eks_pod_identity import stack as config
from eks_pod_identity.credentials import Credentials, from_config
from eks_pod_identity.offline.harness import runner

CI = "arn:aws:iam::123456789012:role/ci"


def token_args(result: runner.RunResult, cluster: str) -> list[str]:
    provider = result.named(f"{cluster}-k8s")
    return json.loads(provider.inputs["kubeconfig"])["users"][0]["user"]["exec"]["args"]


def test_an_assumed_role_reaches_get_token_pulumi_eks_and_the_target_provider():
    overrides = {"aws:assumeRoles": [{"roleArn": CI, "sessionName": "ci"}], "aws:profile": "deploy"}
    result = runner.run_stack("fleet", overrides=overrides)
    for cluster in ("fleet-west", "fleet-east"):
        assert token_args(result, cluster)[-4:] == ["--role-arn", CI, "--profile", "deploy"]
    created = [c for c in result.of_type("eks:index:Cluster")]
    assert created and all(c.inputs["providerCredentialOpts"] == {"profileName": "deploy", "roleArn": CI} for c in created)
    (provider,) = [p for p in result.of_type("pulumi:providers:aws") if p.inputs.get("assumeRoles")]
    chain = json.loads(provider.inputs["assumeRoles"])
    assert [r["roleArn"] for r in chain] == [CI, "arn:aws:iam::444455556666:role/pulumi-deployer"]
    assert chain[0]["sessionName"] == "ci" and provider.inputs["profile"] == "deploy"


def test_without_assumed_roles_the_kubeconfig_uses_the_ambient_credentials():
    assert "--role-arn" not in token_args(runner.run_stack("dev"), "pod-identity-dev")


@pytest.mark.parametrize(
    "key, value, expected",
    [
        ("aws:assumeRoles", [{"roleArn": CI}, {"roleArn": "arn:aws:iam::123456789012:role/next"}], "chains 2 roles"),
        ("aws:assumeRoles", [{"roleArn": CI, "externalId": "x"}], "aws:assumeRoles[0] = {'externalId': 'x'}: sets externalId"),
        ("aws:assumeRoles", [{"roleArn": "ci"}], "aws:assumeRoles[0].roleArn = 'ci': is not an IAM role ARN"),
        ("aws:assumeRoleWithWebIdentity", {"roleArn": CI, "webIdentityTokenFile": "/t"}, "configures the AWS provider only"),
    ],
)
def test_credentials_get_token_cannot_follow_are_refused_before_anything_registers(key, value, expected):
    result = runner.run_stack("dev", overrides={key: value}, raise_errors=False)
    assert isinstance(result.error, config.ConfigError) and result.registrations == []
    assert expected in str(result.error)
    assert "aws:profile" in str(result.error) or "like 'arn:aws:iam::" in str(result.error), "each says its fix"


def test_from_config_is_pure():
    assert from_config(None, None, None) == (Credentials(), [])
    creds, problems = from_config("p", [{"roleArn": CI, "duration": "1h"}], None)
    assert problems == [] and creds.get_token_args() == ["--role-arn", CI, "--profile", "p"]


def test_a_stack_without_clusters_takes_any_role_chain():
    """No kubeconfig there, so nothing has to follow the provider's chain."""
    chain = [{"roleArn": CI, "externalId": "x"}, {"roleArn": "arn:aws:iam::123456789012:role/next"}]
    assert runner.run_stack("identities", overrides={"aws:assumeRoles": chain}).error is None


def test_the_target_provider_takes_the_stacks_role_with_its_settings():
    creds, problems = from_config(None, [{"roleArn": CI, "sessionName": "ci", "duration": "1h"}], None)
    (own, deploy) = creds.chain_to("arn:aws:iam::444455556666:role/d")
    assert problems == [] and (own.role_arn, own.session_name, own.duration) == (CI, "ci", "1h")
    assert (deploy.role_arn, deploy.session_name) == ("arn:aws:iam::444455556666:role/d", "eks-pod-identity")


def test_assume_roles_as_plain_text_is_a_config_error_naming_the_shape():
    """A plain string gave Pulumi's ConfigTypeError: a traceback naming no fix."""
    result = runner.run_stack("identities", overrides={"aws:assumeRoles": "arn:aws:iam::123456789012:role/deploy"}, raise_errors=False)
    assert isinstance(result.error, config.ConfigError) and result.registrations == []
    (problem,) = result.error.problems
    assert problem.startswith("aws:assumeRoles = 'arn:aws:iam::123456789012:role/deploy': must be a list of {roleArn, ...} objects")


KEYS = {"aws:accessKey": "AKIAIOSFODNN7EXAMPLE", "aws:secretKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws:token": "FwoGZX"}


def exec_of(result: runner.RunResult, cluster: str) -> dict:
    provider = result.named(f"{cluster}-k8s")
    return json.loads(provider.inputs["kubeconfig"])["users"][0]["user"]["exec"]


def test_static_keys_in_stack_config_reach_get_token_and_the_target_provider_as_secrets():
    """They reached neither: get-token ran with the ambient credentials (Unauthorized where the
    keys' principal is the only admin) and the target provider with the default chain."""
    result = runner.run_stack("fleet", overrides=KEYS, secret_keys=["aws:secretKey", "aws:token"])
    env = {e["name"]: e["value"] for e in exec_of(result, "fleet-west")["env"]}
    assert env == {
        "AWS_ACCESS_KEY_ID": KEYS["aws:accessKey"],
        "AWS_SECRET_ACCESS_KEY": KEYS["aws:secretKey"],
        "AWS_SESSION_TOKEN": "FwoGZX",
    }
    assert "kubeconfig" in result.named("fleet-west-k8s").secret_inputs
    (provider,) = [p for p in result.of_type("pulumi:providers:aws") if p.inputs.get("assumeRoles")]
    assert (provider.inputs["accessKey"], provider.inputs["secretKey"], provider.inputs["token"]) == (
        KEYS["aws:accessKey"],
        KEYS["aws:secretKey"],
        "FwoGZX",
    )
    assert {"accessKey", "secretKey", "token"} <= set(provider.secret_inputs), "pulumi-aws marks them secret, as the stack does"


def test_a_secret_assume_roles_stays_secret_in_the_target_provider():
    overrides = {"aws:assumeRoles": [{"roleArn": CI}]}
    plain_run = runner.run_stack("fleet", overrides=overrides)
    secret_run = runner.run_stack("fleet", overrides=overrides, secret_keys=["aws:assumeRoles"])
    for run, secret in ((plain_run, False), (secret_run, True)):
        (provider,) = [p for p in run.of_type("pulumi:providers:aws") if p.inputs.get("assumeRoles")]
        assert ("assumeRoles" in provider.secret_inputs) is secret
        assert "kubeconfig" in run.named("fleet-west-k8s").secret_inputs, "a kubeconfig is always secret"


def test_one_shared_file_each_reaches_get_token_and_the_provider_takes_the_lists():
    files = {"aws:sharedCredentialsFiles": ["/ci/credentials"], "aws:sharedConfigFiles": ["/ci/config"], "aws:profile": "deploy"}
    result = runner.run_stack("fleet", overrides=files)
    assert exec_of(result, "fleet-east")["env"] == [
        {"name": "AWS_CONFIG_FILE", "value": "/ci/config"},
        {"name": "AWS_SHARED_CREDENTIALS_FILE", "value": "/ci/credentials"},
    ]
    (provider,) = [p for p in result.of_type("pulumi:providers:aws") if p.inputs.get("assumeRoles")]
    # A provider's structured inputs go over the wire as JSON text (as assumeRoles above).
    assert json.loads(provider.inputs["sharedCredentialsFiles"]) == ["/ci/credentials"]
    assert json.loads(provider.inputs["sharedConfigFiles"]) == ["/ci/config"]


def test_without_stack_credentials_the_kubeconfig_sets_no_environment():
    assert "env" not in exec_of(runner.run_stack("dev"), "pod-identity-dev")


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({"aws:sharedCredentialsFiles": ["/a", "/b"]}, "aws:sharedCredentialsFiles = ['/a', '/b']: names 2 files"),
        ({"aws:sharedConfigFiles": "/a"}, "aws:sharedConfigFiles = '/a': must be a list of file paths"),
        ({"aws:accessKey": "AKIAIOSFODNN7EXAMPLE"}, "aws:accessKey = '[secret]': needs aws:secretKey too"),
        ({"aws:secretKey": "x"}, "aws:secretKey = '[secret]': needs aws:accessKey too"),
    ],
)
def test_credentials_that_cannot_be_followed_are_refused_naming_the_key(overrides, expected):
    result = runner.run_stack("dev", overrides=overrides, raise_errors=False)
    assert isinstance(result.error, config.ConfigError) and result.registrations == []
    assert expected in str(result.error)
    assert "AKIAIOSFODNN7EXAMPLE" not in str(result.error), "a key is never printed"


def test_web_identity_is_followed_by_target_providers_where_nothing_else_must_follow_it():
    web = {"roleArn": CI, "webIdentityTokenFile": "/var/run/token", "sessionName": "ci"}
    creds, problems = from_config(None, [], web, kubeconfigs=False)
    args = creds.provider_args("arn:aws:iam::444455556666:role/d")
    identity = args["assume_role_with_web_identity"]
    assert problems == [] and (identity.role_arn, identity.web_identity_token_file, identity.session_name) == (CI, "/var/run/token", "ci")
    assert from_config(None, [], web, kubeconfigs=True)[1][0][0] == "aws:assumeRoleWithWebIdentity", "get-token cannot follow it"
