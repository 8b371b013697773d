"""Component inputs as stack file keys."""

from __future__ import annotations

import pytest
from eks_pod_identity.errors import ConfigError
from eks_pod_identity.public.inputs import camel, camel_keys, refuse
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
