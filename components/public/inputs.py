"""Component inputs as stack file keys: the one translation every public component makes.

Python programs write a component's typed inputs in snake_case (the TypedDicts' keys), other
languages in camelCase (the schema's); a stack file writes camelCase. Free-form values (IAM
statements, catalog parameters, add-on configuration) are passed as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..errors import ConfigError


def camel(key: str) -> str:
    """`scope_to_clusters` -> `scopeToClusters`; a camelCase key stays as it is."""
    head, *rest = key.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def camel_keys(value: Mapping[str, Any], nested: Mapping[str, Any]) -> dict[str, Any]:
    """The keys of `value` in camelCase, and of the typed inputs `nested` names (an object, or a
    list of objects), recursively; everything else as given."""
    out: dict[str, Any] = {}
    for key, item in value.items():
        inner = nested.get(key)
        if inner is not None and isinstance(item, Mapping):
            item = camel_keys(item, inner)
        elif inner is not None and isinstance(item, list):
            item = [camel_keys(i, inner) if isinstance(i, Mapping) else i for i in item]
        out[camel(key)] = item
    return out


def refuse(subject: str, problems: list[str]) -> None:
    """Raise the component's ConfigError when there are problems: the same one-line-per-problem
    message a stack file gets, about `subject` (`PodIdentity 'app'`)."""
    if problems:
        raise ConfigError(problems, subject=subject)


Renames = Sequence[tuple["re.Pattern[str]", "str | Callable[[re.Match[str]], str]"]]


def renamed(problems: list[str], renames: Renames) -> list[str]:
    """A stack file's problem lines in terms of a component's inputs: each config key the
    equivalent stack file has (`eks-pod-identity:identities[0].namespace`) replaced, in order, by
    the input it came from (`namespace`)."""
    lines = []
    for line in problems:
        for pattern, replacement in renames:
            line = pattern.sub(replacement, line)
        lines.append(line)
    return lines
