"""The base of every config model: camelCase keys only, no unknown key, frozen; and the
validators its constrained fields are built with, whose messages name the value and what it
should be."""

from __future__ import annotations

import re
from typing import Annotated

import pytest
from eks_pod_identity import kubernetes
from eks_pod_identity.model import Model, limited, matching, passing
from pydantic import ValidationError


class Example(Model):
    service_account: str = "app"
    team: Annotated[str, matching(re.compile(r"^[a-z]+$"), "lowercase letters")] = "a"
    namespace: Annotated[str, passing(kubernetes.namespace_problem)] = "default"
    role_name: Annotated[str, limited("iam.roleName", "a role name")] = "r"


def errors(raw: dict) -> list[tuple[tuple, str]]:
    with pytest.raises(ValidationError) as caught:
        Example.model_validate(raw)
    return [(e["loc"], e["msg"]) for e in caught.value.errors()]


def test_keys_are_camel_case_and_only_camel_case():
    assert Example.model_validate({"serviceAccount": "web", "roleName": "web-role"}).service_account == "web"
    assert [loc for loc, _ in errors({"service_account": "web"})] == [("service_account",)], "snake_case would pass silently in YAML"
    assert [loc for loc, _ in errors({"serviceAcount": "web"})] == [("serviceAcount",)], "a typo is an error"


def test_a_parsed_config_cannot_change():
    with pytest.raises(ValidationError):
        Example().team = "b"


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"team": "Team A"}, "Value error, 'Team A' is not lowercase letters"),
        ({"namespace": "Team-A"}, "Value error, 'Team-A' is not a DNS-1123 label"),
        ({"roleName": "r" * 65}, f"Value error, {'r' * 65!r} is 65 characters; a role name has at most 64 (IAM API)"),
    ],
)
def test_a_constrained_field_says_the_value_and_what_it_should_be(raw, message):
    ((loc, msg),) = errors(raw)
    assert loc == (next(iter(raw)),) and msg.startswith(message)


def test_valid_values_pass_every_validator():
    parsed = Example.model_validate({"team": "ops", "namespace": "kube-system", "roleName": "team-a.reader@x"})
    assert (parsed.team, parsed.namespace, parsed.role_name) == ("ops", "kube-system", "team-a.reader@x")
