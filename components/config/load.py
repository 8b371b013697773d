"""Reading the config: every problem collected, described with its key, value and fix."""

from __future__ import annotations

import difflib
import typing
from collections.abc import Mapping
from typing import Any

import pulumi
from pydantic import BaseModel, TypeAdapter, ValidationError

from .clusters import ClusterConfig
from .identities import IdentityConfig
from .sample import SampleConfig
from .stack import PROJECT, StackConfig


class ConfigError(pulumi.RunError):
    """Raised with every config problem at once; RunError makes Pulumi print it without a traceback."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"stack config has {len(problems)} problem(s); nothing was created:\n{lines}")


_SECTIONS: dict[str, Any] = {
    "clusters": TypeAdapter(list[ClusterConfig]),
    "identities": TypeAdapter(list[IdentityConfig]),
    "sample": TypeAdapter(SampleConfig),
}
_SCALARS = {"awsCliImage", "environment"}
STRUCTURED_KEYS = frozenset(_SECTIONS)
"""Keys whose values are objects or lists (JSON on the wire), not declared in Pulumi.yaml."""


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _field_names(section: str, loc: tuple[Any, ...]) -> list[str]:
    """Known keys at the place an unknown key was found, for 'did you mean'."""
    model: Any = {"clusters": ClusterConfig, "identities": IdentityConfig, "sample": SampleConfig}[section]
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        for field in model.model_fields.values():
            if field.alias != part:
                continue
            for candidate in (field.annotation, *typing.get_args(field.annotation)):
                if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                    model = candidate
    return [f.alias or n for n, f in model.model_fields.items()]


def _describe(section: str, err: Mapping[str, Any]) -> str:
    loc = (section, *err["loc"])
    # Pydantic appends the validator kind to the location of model-level errors.
    loc = tuple(p for p in loc if p not in ("function-after", "function-before"))
    key = f"{PROJECT}:{_path(loc)}"
    kind = err["type"]
    if kind == "missing":
        return f"{key}: is required; add it"
    if kind == "extra_forbidden":
        known = _field_names(section, err["loc"])
        guess = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"did you mean {guess[0]!r}?" if guess else f"known keys: {', '.join(sorted(known))}"
        return f"{key}: unknown key; {hint}"
    message = err["msg"].removeprefix("Value error, ")
    value = err.get("input")
    if isinstance(value, (dict, list)):
        return f"{key}: {message}"
    # Validators name the value themselves so that they read well alone; say it once.
    message = message.removeprefix(f"{value!r} ")
    shown = f" = {value!r}"
    return f"{key}{shown}: {message}"


def parse(raw: Mapping[str, Any]) -> StackConfig:
    """Validate raw config values (keys without the project prefix) into a StackConfig.

    Raises ConfigError listing every problem found.
    """
    problems: list[str] = []
    unknown = sorted(set(raw) - set(_SECTIONS) - _SCALARS)
    for key in unknown:
        guess = difflib.get_close_matches(key, [*_SECTIONS, *_SCALARS], n=1)
        problems.append(f"{PROJECT}:{key}: unknown key" + (f"; did you mean {PROJECT}:{guess[0]}?" if guess else ""))
    parsed: dict[str, Any] = {}
    for section, adapter in _SECTIONS.items():
        if section not in raw:
            if section == "clusters":
                problems.append(f"{PROJECT}:clusters: is required; list at least one cluster (see README, Configuration)")
            continue
        try:
            parsed[section] = adapter.validate_python(raw[section])
        except ValidationError as exc:
            problems += [_describe(section, e) for e in exc.errors()]
    for key in _SCALARS & set(raw):
        parsed[key] = raw[key]
    if problems:
        raise ConfigError(problems)
    try:
        config = StackConfig.model_validate(parsed)
    except ValidationError as exc:
        raise ConfigError([_describe(str(e["loc"][0]), {**e, "loc": e["loc"][1:]}) for e in exc.errors()]) from None
    cross = config.cross_problems()
    if cross:
        raise ConfigError([f"{PROJECT}:{path} = {value!r}: {why}" for path, value, why in cross])
    return config


def raw_from_pulumi() -> dict[str, Any]:
    """The project's config keys as the CLI passed them, objects decoded from JSON."""
    config = pulumi.Config(PROJECT)
    raw: dict[str, Any] = {}
    # The SDK has no public way to list keys; the runtime's map is needed to spot typos in
    # top-level key names, which would otherwise be ignored silently.
    all_keys = pulumi.runtime.config.CONFIG.get()
    for full_key in all_keys:
        namespace, _, key = full_key.partition(":")
        if namespace != PROJECT:
            continue
        raw[key] = config.get_object(key) if key in STRUCTURED_KEYS else config.get(key)
    return raw


def load() -> StackConfig:
    """Read and validate this stack's config; raises ConfigError before anything is created."""
    return parse(raw_from_pulumi())
