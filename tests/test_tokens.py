"""The Pulumi type tokens the offline tools and the renames find resources by."""

from __future__ import annotations

from eks_pod_identity import tokens


def test_every_token_is_a_type_the_committed_stacks_register(stack_runs):
    """A misspelled token would find nothing: renames would add no alias, the tools report nothing."""
    declared = {name: value for name, value in vars(tokens).items() if name.isupper()}
    registered = {r.type for result in stack_runs.values() for r in result.registrations}
    assert declared
    assert {name: value for name, value in declared.items() if value not in registered} == {}
