"""Suggestions for misspelt names: by words first, then by spelling, within a budget."""

from __future__ import annotations

import pytest
from eks_pod_identity import suggest
from eks_pod_identity.iam import limits
from hypothesis import given
from hypothesis import strategies as st


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("AmazonS3ReadOnly", "AmazonS3ReadOnlyAccess"),
        ("AmazonEKSWorkerNode", "AmazonEKSWorkerNodePolicy"),
        ("AmazonS3ReadonlyAccess", "AmazonS3ReadOnlyAccess"),
    ],
)
def test_a_managed_policy_is_suggested_by_its_words(name, meant):
    assert suggest.close_match(name, list(limits.managed_policy_paths())) == meant


def test_a_misspelling_is_suggested_by_its_spelling():
    assert suggest.close_match("t3.mediun", ["t3.medium", "t3.micro", "m5.large"]) == "t3.medium"


def test_words_of_a_name():
    assert suggest.words("AmazonS3ReadOnly") == ["amazon", "s", "3", "read", "only"]


def test_the_budget_runs_out_and_is_restored():
    with suggest.bounded(2):
        found = [suggest.close_match("serviceAcount", ["serviceAccount"]) for _ in range(3)]
    assert found == ["serviceAccount", "serviceAccount", None]
    assert suggest.close_match("serviceAcount", ["serviceAccount"]) == "serviceAccount"


@given(st.text(max_size=30), st.lists(st.text(max_size=30), max_size=20))
def test_a_suggestion_is_one_of_the_choices(name, choices):
    found = suggest.close_match(name, choices)
    assert found is None or found in choices
