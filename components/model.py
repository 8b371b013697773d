"""The base of every config model, and the validators its constrained fields are built with.

A field declares what it is (`RoleArn`, `Namespace`, `list[PolicyArn]`), each defined beside
its concept (`iam.fields`, `kubernetes`, `cluster.rules`, ...) with these validators; pydantic
reports a failure at the field's path, list index included.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict
from pydantic.alias_generators import to_camel

from . import aws_data


class Model(BaseModel):
    """Config section: keys are camelCase in YAML, snake_case in Python; typos are errors."""

    # Only the camelCase spelling is accepted: `service_account` would otherwise pass silently
    # in YAML, where every documented key is camelCase.
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=False, extra="forbid", frozen=True)


def matching(pattern: re.Pattern[str], what: str) -> AfterValidator:
    """A value must match `pattern`; the error says what it should be."""

    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(f"{value!r} is not {what}")
        return value

    return AfterValidator(check)


def passing(problem: Callable[[str], str | None]) -> AfterValidator:
    """A value must pass a `*_problem` check; its message is the error."""

    def check(value: str) -> str:
        found = problem(value)
        if found:
            raise ValueError(f"{value!r} {found}")
        return value

    return AfterValidator(check)


def at_most(count: int, why: str) -> BeforeValidator:
    """A list holds at most `count` items; checked before any item is, so a list of thousands
    is refused at once rather than after validating (and suggesting a fix for) each."""

    def check(value: Any) -> Any:
        if isinstance(value, list) and len(value) > count:
            raise ValueError(f"{len(value)} items; {why}")
        return value

    return BeforeValidator(check)


def limited(key: str, what: str) -> AfterValidator:
    """A value must keep to AWS's modelled limit `key` (see `aws_data`)."""
    return passing(lambda value: aws_data.problem(key, value, what))
