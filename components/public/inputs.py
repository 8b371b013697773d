"""Component inputs as stack file keys: the one translation every public component makes.

Python programs write a component's typed inputs in snake_case (the TypedDicts' keys), other
languages in camelCase (the schema's); a stack file writes camelCase. Free-form values (IAM
statements, catalog parameters, add-on configuration) are passed as written.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pulumi

from .. import suggest
from ..errors import ConfigError
from ..stack.config import StackConfig
from ..stack.deployment import Deployment, read
from ..stack.load import parse


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


def snake(key: str) -> str:
    """`serviceAccount` -> `service_account`, the TypedDicts' spelling."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key).lower()


def unknown_inputs(args: Mapping[str, Any], typed: type, path: str = "") -> list[str]:
    """Keys `args` has that the TypedDict `typed` does not, as problems naming the input. The
    provider drops them itself (the SDK maps only the schema's inputs); a Python program gets
    them refused, instead of read as a stack file key (`name`) or ignored."""
    known = list(typing.get_type_hints(typed))
    problems = []
    for key in args:
        if key in known:
            continue
        guess = snake(str(key)) if snake(str(key)) in known else suggest.close_match(str(key), known)
        problems.append(f"{path}{key}: unknown input; " + (f"did you mean {guess!r}?" if guess else f"inputs: {', '.join(known)}"))
    return problems


def checked(subject: str, args: object, typed: type) -> dict[str, Any]:
    """The inputs as a dict without the keys given as None (Python's "not given"), or the
    component's ConfigError: not an object of keys, or keys the component does not have."""
    if not isinstance(args, Mapping):
        refuse(subject, [f"inputs = {args!r}: must be an object of keys ({typed.__name__})"])
    given = {key: value for key, value in typing.cast(Mapping[str, Any], args).items() if value is not None}
    refuse(subject, unknown_inputs(given, typed))
    return given


def deployment(
    subject: str,
    stack_file: dict[str, Any],
    renames: Renames,
    parent: pulumi.Resource,
    opts: pulumi.ResourceOptions | None,
    kubeconfigs: bool | None = None,
) -> tuple[StackConfig, Deployment]:
    """The stack file a component's inputs are, validated (`stack.parse`) and read against the
    account (`deployment.read`) before the component registers; every problem in terms of its
    inputs (`renamed`). The lookups ask the AWS provider the component's resources will use."""
    try:
        cfg = parse(stack_file)
        return cfg, read(cfg, parent=parent, kubeconfigs=kubeconfigs, invoke=invoke_options(opts))
    except ConfigError as err:
        raise ConfigError(renamed(err.problems, renames), subject=subject) from None


def invoke_options(opts: pulumi.ResourceOptions | None) -> pulumi.InvokeOptions:
    """Lookups made before the component registers, asking the provider its children will use:
    the AWS provider in `opts` (`provider`, or `providers` by package), else its parent's
    (a lookup's parent chooses its provider as a resource's does), else the default one."""
    provider = opts.provider if opts else None
    providers = opts.providers if opts else None
    if isinstance(providers, Mapping):
        provider = provider or providers.get("aws")
    elif providers:
        provider = provider or next((p for p in providers if getattr(p, "package", None) == "aws"), None)
    if provider is not None and getattr(provider, "package", "aws") != "aws":
        provider = None
    return pulumi.InvokeOptions(parent=opts.parent if opts else None, provider=provider)


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
