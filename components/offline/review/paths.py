"""Pulumi property paths (`spec.template["a.b"][0]`) as tuples, and how they relate.

The replacement table (offline/review/provider_rules.py) names inputs by path; the comparison
(offline/review/compare.py) reports changes by path; both meet here.
"""

from __future__ import annotations

import re

Path = tuple[str | int, ...]

_SEGMENT = re.compile(r'\.?([A-Za-z_$][\w$-]*)|\[(\d+|\*)\]|\["((?:[^"\\]|\\.)*)"\]')


def parse_path(text: str) -> Path:
    """A Pulumi property path (`a.b[0]["c.d"]`, `*` for any element) as a tuple of keys."""
    if text == "*":
        return ("*",)
    parts: list[str | int] = []
    pos = 0
    while pos < len(text):
        match = _SEGMENT.match(text, pos)
        if not match or match.end() == pos:
            raise ValueError(f"not a property path: {text!r}")
        name, index, quoted = match.groups()
        if name is not None:
            parts.append(name)
        elif index is not None:
            parts.append("*" if index == "*" else int(index))
        else:
            parts.append(quoted.replace('\\"', '"'))
        pos = match.end()
    return tuple(parts)


def format_path(path: Path) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_$][\w$-]*", part):
            out += f".{part}" if out else part
        else:
            out += '["' + part.replace('"', '\\"') + '"]'
    return out


def _segment_matches(pattern: str | int, part: str | int) -> bool:
    return pattern == "*" or pattern == part


def contains(outer: Path, inner: Path) -> bool:
    """True when `inner` is `outer` or lies under it (`*` matches any key or index)."""
    return len(outer) <= len(inner) and all(_segment_matches(p, q) for p, q in zip(outer, inner))


def overlaps(a: Path, b: Path) -> bool:
    """True when one path lies under the other: a change at either touches the other."""
    return contains(a, b) or contains(b, a)


def value_at(obj: object, path: str) -> object:
    """The value at a dotted input path, or None."""
    for part in parse_path(path):
        if isinstance(obj, dict) and isinstance(part, str):
            obj = obj.get(part)
        elif isinstance(obj, list) and isinstance(part, int) and part < len(obj):
            obj = obj[part]
        else:
            return None
    return obj
