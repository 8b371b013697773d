"""'Did you mean ...?' for a misspelt name: by the name's words first, then by spelling.

A suggestion compares the name with every choice (AWS's 1,582 managed policies, 1,437 instance
types), so a config with thousands of bad names would take seconds to refuse: each refusal
gets at most `BUDGET` suggestions (`bounded`), the first problems, which are the ones read.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import re
from collections.abc import Iterator, Sequence

BUDGET = 10
_left: contextvars.ContextVar[int | None] = contextvars.ContextVar("suggestions_left", default=None)
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


@contextlib.contextmanager
def bounded(budget: int = BUDGET) -> Iterator[None]:
    """At most `budget` suggestions until the block ends (one config refusal)."""
    token = _left.set(budget)
    try:
        yield
    finally:
        _left.reset(token)


def words(name: str) -> list[str]:
    """The words of a name: `AmazonS3ReadOnly` -> amazon, s, 3, read, only."""
    return [w.lower() for w in _WORD.findall(name)]


def close_match(name: str, choices: Sequence[str], cutoff: float = 0.6) -> str | None:
    """The choice `name` most likely meant, or None (none close, or no budget left).

    A choice holding every word of the name, in order, wins over one spelt alike
    (`AmazonS3ReadOnly` is AmazonS3ReadOnlyAccess, not AmazonLexReadOnly); the fewest extra
    words first. Otherwise the closest spelling (difflib), if close enough (`cutoff`).
    """
    left = _left.get()
    if left is not None:
        if left <= 0:
            return None
        _left.set(left - 1)
    wanted = words(name)
    if wanted:
        holding = [c for c in choices if _in_order(wanted, words(c))]
        if holding:
            return min(holding, key=lambda c: (len(words(c)), len(c), c))
    found = difflib.get_close_matches(name, choices, n=1, cutoff=cutoff)
    return found[0] if found else None


def _in_order(wanted: list[str], have: list[str]) -> bool:
    remaining = iter(have)
    return all(any(w == h for h in remaining) for w in wanted)
