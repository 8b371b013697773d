"""Reading the config: every problem collected, described with its key, value and fix.

Each list element is validated on its own, so one bad identity does not hide the problems of
the others, and the checks that span keys still run on what did parse. Nothing is registered
before the whole config passed: the program raises ConfigError (a RunError, so `pulumi up`
prints it without a traceback), and the offline tools print the same lines.
"""

from __future__ import annotations

import difflib
import json
import typing
from collections.abc import Mapping
from typing import Any

import pulumi
from pydantic import BaseModel, ValidationError
from pydantic.alias_generators import to_camel

from .. import suggest
from ..errors import ConfigError
from . import checks
from .clusters import ClusterConfig
from .config import PROJECT, StackConfig
from .identities import IdentityConfig
from .sample import SampleConfig

LISTS: dict[str, type[BaseModel]] = {"clusters": ClusterConfig, "identities": IdentityConfig}
OBJECTS: dict[str, type[BaseModel]] = {"sample": SampleConfig}
SCALARS = {"awsCliImage", "environment", "roleManagedPolicyQuota", "roleTrustPolicyQuota"}
STRUCTURED_KEYS = frozenset({*LISTS, *OBJECTS})
"""Keys whose values are objects or lists (JSON on the wire), not declared in Pulumi.yaml."""
# Config namespaces a stack file legitimately holds besides the project's own.
OTHER_NAMESPACES = {"aws", "kubernetes", "pulumi", "awsx", "eks"}
SHAPES = {
    "clusters": "a list of clusters, e.g. `eks-pod-identity:clusters: [{name: dev}]`",
    "identities": "a list of identities, e.g. `eks-pod-identity:identities: [{name: app, namespace: team-a, serviceAccount: app}]`",
    "sample": "an object, e.g. `eks-pod-identity:sample: {kind: none}`",
}


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _model_at(model: Any, loc: tuple[Any, ...]) -> Any:
    """The model that holds the last key of `loc`, for 'did you mean'."""
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        for field in model.model_fields.values():
            if field.alias != part:
                continue
            for candidate in (field.annotation, *typing.get_args(field.annotation)):
                for inner in (candidate, *typing.get_args(candidate)):
                    if isinstance(inner, type) and issubclass(inner, BaseModel):
                        model = inner
    return model


def _known_key_hint(key: str, known: list[str]) -> str:
    if to_camel(key) in known and to_camel(key) != key:
        return f"did you mean {to_camel(key)!r}? (keys are camelCase)"
    guess = suggest.close_match(key, known)
    return f"did you mean {guess!r}?" if guess else f"known keys: {', '.join(sorted(known))}"


def _shown(value: Any) -> str:
    if isinstance(value, str) and value != value.strip():
        return f"{value!r} (mind the spaces)"
    return repr(value)


def _describe(section: str, model: Any, err: Mapping[str, Any]) -> str:
    # Pydantic appends the validator kind to the location of model-level errors.
    loc = tuple(p for p in err["loc"] if p not in ("function-after", "function-before"))
    key = f"{PROJECT}:{_path((section, *loc))}"
    kind = err["type"]
    value = err.get("input")
    if kind == "missing":
        return f"{key}: is required; add it"
    if kind == "extra_forbidden":
        known = [f.alias or n for n, f in _model_at(model, loc).model_fields.items()]
        return f"{key}: unknown key; {_known_key_hint(str(loc[-1]), known)}"
    message = err["msg"].removeprefix("Value error, ")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"{key} = {_shown(value)}: must be an object of keys (a mapping), not {type(value).__name__}"
    if kind == "list_type":
        return f"{key} = {_shown(value)}: must be a list (YAML `- item` lines, or [a, b]); a single value needs brackets"
    if kind in ("string_type",) and isinstance(value, (int, float, bool)):
        return f'{key} = {value!r}: must be text; quote it in YAML ("{value}")'
    if isinstance(value, (dict, list)):
        return f"{key}: {message}"
    # Validators name the value themselves so that they read well alone; say it once.
    message = message.removeprefix(f"{value!r} ")
    return f"{key} = {_shown(value)}: {message}"


def _misplaced(key: str) -> str | None:
    for section, model in {**LISTS, **OBJECTS}.items():
        if key in [f.alias or n for n, f in model.model_fields.items()]:
            return f"belongs under {section}{'[]' if section in LISTS else ''} (each {section.rstrip('s')}'s own key)"
    return None


def _unknown_key(key: str) -> str:
    known = [*STRUCTURED_KEYS, *SCALARS]
    guess = suggest.close_match(to_camel(key), known, cutoff=0.75)
    hint = f"did you mean {PROJECT}:{guess}?" if guess else _misplaced(key)
    if hint is None:
        guess = suggest.close_match(key, known)
        hint = f"did you mean {PROJECT}:{guess}?" if guess else f"known keys: {', '.join(sorted(known))}"
    return f"{PROJECT}:{key}: unknown key; {hint}"


def _validate_list(section: str, value: Any, problems: list[str], broken: set[str]) -> list[Any]:
    model = LISTS[section]
    if not isinstance(value, list):
        problems.append(f"{PROJECT}:{section} = {_shown(value)}: must be {SHAPES[section]}")
        broken.add("*")
        return []
    items = []
    for i, item in enumerate(value):
        try:
            items.append(model.model_validate(item))
        except ValidationError as exc:
            problems += [_describe(section, model, {**e, "loc": (i, *e["loc"])}) for e in exc.errors()]
            name = item.get("name") if isinstance(item, dict) else None
            broken.add(name if isinstance(name, str) else "*")
    return items


def _key(path: str) -> str:
    """The full config key of a path: the project's, or another namespace's (`aws:region`)."""
    return path if ":" in path.split(".", 1)[0].split("[", 1)[0] else f"{PROJECT}:{path}"


def parse(raw: Mapping[str, Any], region: str | None = None, early: list[str] | None = None) -> StackConfig:
    """Validate raw config values (keys without the project prefix) into a StackConfig.

    `region` is the stack's `aws:region` when known; `early` holds problems found while
    reading the keys (misspelled namespaces). Raises ConfigError listing every problem.
    """
    with suggest.bounded():
        return _parse(raw, region, early)


def _parse(raw: Mapping[str, Any], region: str | None, early: list[str] | None) -> StackConfig:
    problems: list[str] = list(early or [])
    problems += [_unknown_key(key) for key in sorted(set(raw) - STRUCTURED_KEYS - SCALARS)]
    parsed: dict[str, Any] = {}
    broken: set[str] = set()
    if "clusters" not in raw:
        problems.append(f"{PROJECT}:clusters: is required; list at least one cluster, or [] in an identity-only stack (see README)")
    for section in LISTS:
        if section in raw:
            parsed[section] = _validate_list(section, raw[section], problems, broken)
    if "sample" in raw:
        try:
            parsed["sample"] = SampleConfig.model_validate(raw["sample"])
        except ValidationError as exc:
            problems += [_describe("sample", SampleConfig, e) for e in exc.errors()]
    for key in SCALARS & set(raw):
        try:
            StackConfig.model_validate({"clusters": [], key: raw[key]})
            parsed[key] = raw[key]
        except ValidationError as exc:
            problems += [_describe(key, StackConfig, {**e, "loc": e["loc"][1:]}) for e in exc.errors()]
    config = StackConfig.model_validate({"clusters": [], **parsed})
    if "*" not in broken:
        cross = [c for c in checks.problems(config, region, with_quotas=not problems) if not (isinstance(c[1], str) and c[1] in broken)]
        problems += [f"{_key(path)} = {value!r}: {why}" for path, value, why in cross]
    if problems:
        raise ConfigError(problems)
    return config


def decode(text: str) -> Any:
    """A structured key's value as the CLI passes it (JSON), or the text when it is not JSON
    (`sample: none`), for the model to refuse with the key and the fix."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def from_config_map(config: Mapping[str, str]) -> tuple[dict[str, Any], str | None, list[str]]:
    """(the project's keys, decoded; `aws:region`; problems with the key names themselves)."""
    raw: dict[str, Any] = {}
    problems: list[str] = []
    for full_key, value in config.items():
        namespace, _, key = full_key.partition(":")
        if namespace == PROJECT:
            raw[key] = decode(value) if key in STRUCTURED_KEYS else value
        elif namespace not in OTHER_NAMESPACES and difflib.get_close_matches(namespace, [PROJECT], n=1, cutoff=0.75):
            problems.append(f"{full_key}: unknown namespace {namespace!r}; did you mean {PROJECT}:{key}?")
    region = config.get("aws:region")
    if not region:
        # The AWS provider would fall back to the environment's region (AWS_REGION, the profile's),
        # and every ARN, zone and endpoint the program derives with it: the stack must say.
        problems.append("aws:region: is required; set it in the stack file (`pulumi config set aws:region us-east-1`)")
    return raw, region, problems


def raw_from_pulumi() -> tuple[dict[str, Any], str | None, list[str]]:
    """The config map the CLI passed this program (see `from_config_map`).

    The SDK has no public way to list keys; the runtime's map is needed to spot typos in key
    names, which would otherwise be ignored silently.
    """
    return from_config_map(dict(pulumi.runtime.config.CONFIG.get()))


def load() -> StackConfig:
    """Read and validate this stack's config; raises ConfigError before anything is created."""
    raw, region, early = raw_from_pulumi()
    return parse(raw, region, early)
