"""How a change is decided: the provider rules and engine facts applied to one resource's inputs
(which change forces a replacement, which key the new resource would collide on)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .facts import Fact, Rule, UniqueKey
from .paths import Path, contains, overlaps, parse_path, value_at
from .provider_rules import RULES

LOCAL_COMPONENT_PREFIX = "eks-pod-identity:"
"""The project's own components: never replaced in the cloud, reported in counts only."""


def rule_for(type_: str) -> Rule | None:
    """The rule of `type_`; the project's components share one; None for an unknown type."""
    if type_ in RULES:
        return RULES[type_]
    if type_.startswith(LOCAL_COMPONENT_PREFIX):
        return Rule(type_, "component")
    return None


def forcing_fact(rule: Rule | None, changed: Path, unknown: bool = False) -> Fact | None:
    """The fact that makes a change at `changed` force a replacement, if any.

    A known change forces when it touches a force-new path (at, under or above it: a value
    added or removed whole). An unknown value forces only at or under a force-new path: above
    it, the provider cannot tell whether the force-new part changes and plans an update
    (pulumi-kubernetes provider.go patchConverter.addPatchValueToDiff renders a computed value as
    null, and openapi/match.go PatchPropertiesChanged finds no force-new path under null).
    """
    for fact in rule.force_new if rule else ():
        path = parse_path(fact.path)
        if contains(path, changed) or (not unknown and overlaps(path, changed)):
            return fact
    return None


def facts_under(rule: Rule | None, changed: Path) -> list[Fact]:
    """Force-new facts strictly under `changed`: what an unknown value there might replace."""
    return [f for f in (rule.force_new if rule else ()) if contains(changed, parse_path(f.path)) and parse_path(f.path) != changed]


@dataclass(frozen=True)
class KeyValue:
    """A unique key's value for one registration: where it is unique, and the key's parts."""

    scope: tuple[str, ...]
    parts: tuple[object, ...]
    key: UniqueKey = field(compare=False)


def unique_key(rule: Rule | None, inputs: dict[str, Any], scope: dict[str, tuple[str, ...]]) -> KeyValue | None:
    """The registration's unique key, or None when it has none (e.g. an auto-named role).

    `scope` gives the registration's account, region and cluster (review.scope_of); the key
    keeps the parts its UniqueKey.scope needs.
    """
    if rule is None or rule.unique_key is None:
        return None
    parts = tuple(value_at(inputs, p) for p in rule.unique_key.paths)
    if any(p is None or p == "" for p in parts):
        return None
    if rule.unique_key.case_insensitive:
        parts = tuple(p.lower() if isinstance(p, str) else p for p in parts)
    return KeyValue(scope.get(rule.unique_key.scope, ()), parts, rule.unique_key)
