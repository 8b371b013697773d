"""The kinds of facts the review decides with, and the inputs they name."""

from __future__ import annotations

import importlib

import pytest
from eks_pod_identity.offline.review.facts import ENGINE_FACTS
from eks_pod_identity.offline.review.provider_rules import RULES

SDKS = {"eks:index:ManagedNodeGroup": ("pulumi_eks", "ManagedNodeGroupArgs")}


@pytest.mark.parametrize("type_", [t for t, r in RULES.items() if r.ignored_when])
def test_every_ignored_when_flag_is_an_input_of_its_component(type_):
    """A misspelt flag would never match, and a change it hides would show as one."""
    module, args = SDKS[type_]
    init = getattr(importlib.import_module(module), args).__init__
    names = init.__code__.co_varnames[: init.__code__.co_argcount + init.__code__.co_kwonlyargcount]
    for flag, fact in RULES[type_].ignored_when:
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in flag)
        assert snake in names, f"{type_}: {flag} is no input"
        assert "ignoreChanges" in fact.source


def test_every_engine_fact_cites_the_engine():
    assert all("pkg/resource/deploy" in source for source in ENGINE_FACTS.values() if source.count(" ") > 3)
