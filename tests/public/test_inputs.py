"""Component inputs as stack file keys."""

from __future__ import annotations

import pytest
from eks_pod_identity.errors import ConfigError
from eks_pod_identity.public.inputs import camel, camel_keys, invoke_options, refuse
from hypothesis import given
from hypothesis import strategies as st

KEYS = st.from_regex(r"[a-z][a-z0-9]{0,6}(_[a-z0-9]{1,6}){0,3}", fullmatch=True)


@given(KEYS)
def test_camel_joins_words_and_keeps_camel_case(key):
    assert "_" not in camel(key)
    assert camel(camel(key)) == camel(key)
    assert camel(key).lower() == key.replace("_", "")


def test_camel_keys_follows_typed_inputs_only():
    value = {
        "scope_to_clusters": True,
        "target_role": {"create": {"deploy_role_arn": "a"}},
        "well_known": {"external_dns": {"hosted_zone_arns": []}},
        "addons": [{"service_account": "x"}, "odd"],
    }
    nested = {"target_role": {"create": {}}, "addons": {}}
    assert camel_keys(value, nested) == {
        "scopeToClusters": True,
        "targetRole": {"create": {"deployRoleArn": "a"}},
        "wellKnown": {"external_dns": {"hosted_zone_arns": []}},
        "addons": [{"serviceAccount": "x"}, "odd"],
    }


def test_refuse_raises_only_with_problems():
    refuse("Addon 'a'", [])
    with pytest.raises(ConfigError, match=r"^Addon 'a' has 1 problem\(s\); nothing was created:\n  - x: y$"):
        refuse("Addon 'a'", ["x: y"])


def test_lookups_ask_the_aws_provider_the_component_is_given(monkeypatch):
    """A component made with an AWS provider of another region or account reads its clusters and
    the caller there, not through the default provider (the lookups run before it registers)."""
    import pulumi
    import pulumi_aws as aws
    from eks_pod_identity.offline.harness import mocks
    from eks_pod_identity.public.identity import PodIdentity

    from tests.helpers import run_component

    asked: dict[str, str] = {}
    real = mocks.Mocks.call

    def recording(self, args):
        asked[args.token] = args.provider
        return real(self, args)

    monkeypatch.setattr(mocks.Mocks, "call", recording)

    def program():
        eu = aws.Provider("eu", region="eu-central-1")
        PodIdentity("app", {"clusters": ["prod-a"], "namespace": "a", "service_account": "b"}, pulumi.ResourceOptions(provider=eu))
        return {}

    run_component(program)
    for token in ("aws:eks/getCluster:getCluster", "aws:index/getCallerIdentity:getCallerIdentity", "aws:index/getRegion:getRegion"):
        assert "pulumi:providers:aws::eu::" in (asked[token] or ""), (token, asked[token])


def test_invoke_options_pick_the_aws_provider_of_opts():
    import pulumi

    class Fake:
        def __init__(self, package):
            self.package = package

    aws_p, k8s_p = Fake("aws"), Fake("kubernetes")
    assert invoke_options(None).provider is None
    assert invoke_options(pulumi.ResourceOptions(providers={"aws": aws_p, "kubernetes": k8s_p})).provider is aws_p  # type: ignore[dict-item]
    assert invoke_options(pulumi.ResourceOptions(providers=[k8s_p, aws_p])).provider is aws_p  # type: ignore[list-item]
    assert invoke_options(pulumi.ResourceOptions(provider=k8s_p)).provider is None  # type: ignore[arg-type]
