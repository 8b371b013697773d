"""The refusal benchmark measures refusals: every case is refused, with the problems it should."""

from __future__ import annotations

import pytest

from bench import refusal_bench

EXPECTED_LINES = {
    "2,000 unknown AWS managed policy ARNs": 1,  # the count, before any item
    "20 unknown AWS managed policy ARNs (a role's most)": 20,
    "1,000 identities, each with an unknown AWS managed policy": 1000,
    "1,000 clusters with a misspelt instanceType": 1000,
    "an image name of 40,000 characters": 1,
    "an image name of 200,000 characters": 1,
    "a fan-out of 20,000 namespaces x 20,000 service accounts": 1,
}


@pytest.mark.parametrize("case", refusal_bench.CASES)
def test_each_case_is_refused_with_its_problems(case):
    assert refusal_bench.refuse(refusal_bench.CASES[case]()) == EXPECTED_LINES[case]
