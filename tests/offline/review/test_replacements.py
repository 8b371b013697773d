"""The replacement facts: every type the program registers has them, each with its source, and
an unknown value forces a replacement only at or under a force-new path."""

from __future__ import annotations

import pytest
from eks_pod_identity.offline.review import paths, replacements
from eks_pod_identity.offline.review.replacements import RULES, forcing_fact

from tests.helpers import STACKS


@pytest.mark.parametrize("stack", STACKS)
def test_every_registered_type_has_replacement_facts(stack, stack_runs):
    missing = sorted({r.type for r in stack_runs[stack].registrations if replacements.rule_for(r.type) is None})
    assert missing == [], f"add {missing} to offline/replacements.py RULES, with sources"


def test_every_fact_has_a_source_and_a_parseable_path():
    for rule in replacements.RULES.values():
        for fact in (*rule.force_new, *rule.explicit_name_delete_first):
            assert fact.source and paths.parse_path(fact.path)
        if rule.unique_key:
            assert rule.unique_key.source and all(paths.parse_path(p) for p in rule.unique_key.paths)
        assert rule.kind != "remote" or rule.inner


def test_an_unknown_value_forces_only_at_or_under_a_force_new_path():
    job = RULES["kubernetes:batch/v1:Job"]
    assert forcing_fact(job, ("spec",)) is not None, "a known change of the whole spec touches spec.template"
    assert forcing_fact(job, ("spec",), unknown=True) is None, "an unknown spec: the provider plans an update"
    assert forcing_fact(job, ("spec", "template"), unknown=True) is not None
    assert forcing_fact(job, ("spec", "template", "metadata"), unknown=True) is not None
    assert forcing_fact(job, ("spec", "backoffLimit")) is None
