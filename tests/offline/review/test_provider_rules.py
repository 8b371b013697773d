"""The providers' replacement facts: one rule for every type the program registers, each fact with a source."""

from __future__ import annotations

import pytest
from eks_pod_identity.offline.review import paths, provider_rules, replacements

from tests.helpers import STACKS


@pytest.mark.parametrize("stack", STACKS)
def test_every_registered_type_has_replacement_facts(stack, stack_runs):
    missing = sorted({r.type for r in stack_runs[stack].registrations if replacements.rule_for(r.type) is None})
    assert missing == [], f"add {missing} to components/offline/review/provider_rules.py RULES, with sources"


def test_every_fact_has_a_source_and_a_parseable_path():
    for rule in provider_rules.RULES.values():
        for fact in (*rule.force_new, *rule.explicit_name_delete_first):
            assert fact.source and paths.parse_path(fact.path)
        if rule.unique_key:
            assert rule.unique_key.source and all(paths.parse_path(p) for p in rule.unique_key.paths)
        assert rule.kind != "remote" or rule.inner
