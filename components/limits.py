"""AWS's limits, in one place: from its API models where they say it, from its quotas where not.

`data/aws_limits.json` is generated from botocore's service models and endpoints
(`python -m tools.refresh_aws_data`); `data/aws_managed_policies.json` from the copy of AWS's
managed policy list that moto ships. The quotas below are documented, not modelled: each
carries its source.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from pathlib import Path
from typing import Any

import regex

from . import policy_checks

DATA = Path(__file__).resolve().parent / "data"

# IAM User Guide, "IAM and AWS STS quotas" (reference_iam-quotas): character limits, in
# characters without white space, and the default of adjustable quotas.
TRUST_POLICY_SIZE = 2048
TRUST_POLICY_SIZE_MAX = 4096  # "Role trust policy length": adjustable up to 4,096
INLINE_POLICIES_SIZE = 10240  # all inline policies of one role together
MANAGED_POLICY_SIZE = 6144
SESSION_POLICY_SIZE = 2048  # inline session policy plaintext
# "Managed policies attached to an IAM role": 10 by default, 20 on request (AWS Knowledge
# Center, iam-increase-policy-size).
MANAGED_POLICIES_PER_ROLE = 10
MANAGED_POLICIES_PER_ROLE_MAX = 20

# Kubernetes versions EKS offers for new clusters, as of 2026-11-26: (released on EKS, end of
# standard support, end of extended support). Source: EKS User Guide "Understand the Kubernetes
# version lifecycle on EKS" and its release calendar (mirrored by endoflife.date/amazon-eks);
# 1.31 leaves extended support on 2026-11-26 and is no longer offered. 1.36 was released
# upstream on 2026-04-22; its EKS dates could not be read offline and are estimated from
# EKS's 14 + 12 month policy (marked "estimated").
EKS_VERSIONS_AS_OF = "2026-11-26"
EKS_VERSIONS: dict[str, tuple[str, str, str]] = {
    "1.32": ("2025-01-25", "2026-03-23", "2027-03-23"),
    "1.33": ("2025-05-28", "2026-07-29", "2027-07-29"),
    "1.34": ("2025-10-06", "2026-12-02", "2027-12-02"),
    "1.35": ("2026-01-28", "2027-03-27", "2028-03-27"),
    "1.36": ("estimated 2026-06", "estimated 2027-08", "estimated 2028-08"),
}


@cache
def data() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / "aws_limits.json").read_text())
    return loaded


def managed_policy_paths() -> dict[str, str]:
    """AWS managed policy name -> its path (`/` or e.g. `/service-role/`)."""
    paths: dict[str, str] = policy_checks.managed_policies()["paths"]
    return paths


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
        return f"is empty; {what} needs at least {limit['min']} character(s)"
    pattern = limit.get("pattern")
    if pattern and not regex.fullmatch(pattern, value):
        if regex.fullmatch(r"\[.*\][+*]", pattern):
            char_class = pattern[:-1]
            bad = sorted({c for c in value if not regex.fullmatch(char_class, c)})
            return f"holds {', '.join(repr(c) for c in bad[:5])}, which {what} may not; allowed: {char_class}"
        return f"is not {what}: it must match {pattern}"
    return None


def instance_type_problem(value: str) -> str | None:
    types = data()["ec2"]["instanceTypes"]
    if value in types:
        return None
    guess = difflib.get_close_matches(value, types, n=1)
    return "is not an EC2 instance type" + (f"; did you mean {guess[0]!r}?" if guess else "")


def partition_of_region(region: str) -> str | None:
    """The partition whose EKS serves `region`, or None when EKS has no endpoint there."""
    return next((p for p, regions in data()["eksRegions"].items() if region in regions), None)


def region_problem(region: str) -> str | None:
    if partition_of_region(region):
        return None
    regions = [r for rs in data()["eksRegions"].values() for r in rs]
    guess = difflib.get_close_matches(region, regions, n=1)
    return "is not a region where EKS runs" + (f"; did you mean {guess[0]!r}?" if guess else "")


def managed_policy_problem(arn: str) -> str | None:
    """Why an AWS managed policy ARN (`arn:<p>:iam::aws:policy/...`) names no AWS managed policy."""
    path, _, name = arn.split(":policy", 1)[1].rpartition("/")
    paths = managed_policy_paths()
    if name in paths:
        real = paths[name]
        if f"{path}/" != real:
            return f"is at path {real!r}: {arn.split(':policy')[0]}:policy{real}{name}"
        return None
    guess = difflib.get_close_matches(name, list(paths), n=1)
    hint = f"did you mean {arn.split(':policy')[0]}:policy{paths[guess[0]]}{guess[0]}?" if guess else (
        f"it is not in AWS's list ({policy_checks.managed_policies()['source']}); if AWS published it "
        "since, refresh the list with `python -m tools.refresh_aws_data`"
    )
    return f"names no AWS managed policy; {hint}"
