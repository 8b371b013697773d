"""Property paths: formatted and parsed back, and which contain or overlap which."""

from __future__ import annotations

from eks_pod_identity.offline.review.paths import contains, format_path, overlaps, parse_path
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers.review import keys


@settings(max_examples=150, deadline=None)
@given(st.lists(keys | st.integers(0, 5), min_size=1, max_size=5))
def test_paths_survive_formatting(path):
    assert parse_path(format_path(tuple(path))) == tuple(path)


def test_paths_contain_and_overlap():
    assert parse_path('spec.template["a.b"][0].c') == ("spec", "template", "a.b", 0, "c")
    assert contains(("spec", "template"), ("spec", "template", "spec", "containers", 0))
    assert contains(("a", "*", "b"), ("a", 3, "b")) and not contains(("a", "b"), ("a",))
    assert overlaps(("spec",), ("spec", "selector")) and overlaps(("spec", "selector"), ("spec",))
    assert not overlaps(("spec", "replicas"), ("spec", "selector"))
