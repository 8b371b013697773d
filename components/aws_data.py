"""AWS's own machine-readable limits, as committed in `data/` (no AWS SDK at run time).

`data/aws_limits.json` is generated from botocore's service models and endpoints
(`python -m tools.refresh_aws_data`): name, length and pattern limits of IAM, EKS and STS
shapes, EC2's instance types, and the regions where EKS has an endpoint, per partition.
`data/aws_managed_policies.json` (read by `iam.limits` and `iam.admin`) is AWS's managed policy
list as moto ships it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import regex

from . import suggest

DATA = Path(__file__).resolve().parent / "data"


@cache
def data() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / "aws_limits.json").read_text())
    return loaded


def spec(key: str) -> dict[str, Any]:
    """A modelled limit, e.g. `spec("iam.roleName")` -> {"min": 1, "max": 64, "pattern": ...}."""
    section, name = key.split(".")
    limit: dict[str, Any] = data()[section][name]
    return limit


def problem(key: str, value: str, what: str) -> str | None:
    """Why `value` breaks the modelled limit `key`, in words, or None."""
    limit = spec(key)
    if len(value) > limit.get("max", len(value)):
        return f"is {len(value)} characters; {what} has at most {limit['max']} ({key.split('.')[0].upper()} API)"
    if len(value) < limit.get("min", 0):
        size = "is empty" if not value else f"is {len(value)} character(s)"
        return f"{size}; {what} needs at least {limit['min']} character(s)"
    pattern = limit.get("pattern")
    # The models' patterns are Java's (the AWS SDKs'), where \w is [A-Za-z0-9_]: IAM refuses
    # `rôle` (IAM User Guide, "IAM identifiers": names use alphanumeric and +=,.@-_). ASCII
    # narrows \w, \d and \s only; \p{L} classes (tag values) keep every script.
    if pattern and not regex.fullmatch(pattern, value, flags=regex.ASCII):
        if regex.fullmatch(r"\[.*\][+*]", pattern):
            char_class = pattern[:-1]
            bad = sorted({c for c in value if not regex.fullmatch(char_class, c, flags=regex.ASCII)})
            return f"holds {', '.join(repr(c) for c in bad[:5])}, which {what} may not; allowed: {char_class}"
        return f"is not {what}: it must match {pattern}"
    return None


def partition_of_region(region: str) -> str | None:
    """The partition whose EKS serves `region`, or None when EKS has no endpoint there."""
    return next((p for p, regions in data()["eksRegions"].items() if region in regions), None)


def region_problem(region: str) -> str | None:
    if partition_of_region(region):
        return None
    regions = [r for rs in data()["eksRegions"].values() for r in rs]
    guess = suggest.close_match(region, regions)
    return "is not a region where EKS runs" + (f"; did you mean {guess!r}?" if guess else "")
