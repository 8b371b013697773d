"""Placeholders for what the mocks invent, so that no made-up value passes for a real one.

The mocks answer with values that keep AWS's formats (offline/harness/mocks.py): account
123456789012, names completed with a hash, IDs and endpoints carrying `mock`, the newest
add-on versions, an adopted cluster's Kubernetes version. The plan shows every one of them
the same way, in angle brackets:

    <ACCOUNT>                       the AWS account ID
    s3-reader-role-<random>         a name Pulumi completes with random characters
    <association ID>, <external ID> IDs EKS assigns to an association
    <VPC ID>, <subnet ID>, <ID>     other IDs AWS assigns
    <cluster endpoint>              the API server URL of a cluster
    <agent version (newest)>        the add-on version EKS resolves at deploy time
    <adopted cluster's version>     an existing cluster's Kubernetes version

The hashes are recorded while the program runs (`recording`), not guessed from their shape,
so a user's own name that happens to end in hex digits is left alone.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

from .harness import mocks

LEGEND = (
    "# Values in <angle brackets> are placeholders for what AWS or Pulumi decides at deploy time: <ACCOUNT> "
    "the AWS account,\n# name-<random> a name Pulumi completes with random characters, <association ID> and other "
    "IDs, <cluster endpoint>,\n# <... version (newest)> the add-on version EKS resolves, <adopted cluster's version>."
)
ADOPTED_VERSION = "<adopted cluster's version>"
VERSIONS = {
    mocks.AGENT_VERSION: "<agent version (newest)>",
    mocks.OTHER_ADDON_VERSION: "<add-on version (newest)>",
}
PREFIXES = {"a-mock": "<association ID>", "mock-": "<external ID>", "vpc-mock": "<VPC ID>", "subnet-mock": "<subnet ID>"}
FIXED = [
    (re.compile(r"https://MOCK[0-9A-F]*(\.[\w.-]+)?"), "<cluster endpoint>"),
    (re.compile(re.escape(mocks.MOCK_CA)), "<certificate authority>"),
    (re.compile(r"\b[A-Z]{4}MOCK\b"), "<ID>"),  # AROAMOCK, ANPAMOCK: role and policy unique IDs
    (re.compile(r"\bMOCK\b"), "<ID>"),
]


@contextlib.contextmanager
def recording() -> Iterator[set[str]]:
    """Collect every hash the mocks invent while the block runs (the mocks' `_suffix`)."""
    invented: set[str] = set()
    original = mocks._suffix

    def record(*parts: str, length: int = 7) -> str:
        value = original(*parts, length=length)
        invented.add(value)
        return value

    mocks._suffix = record
    try:
        yield invented
    finally:
        mocks._suffix = original


def mark(text: str, invented: set[str] | frozenset[str] = frozenset()) -> str:
    """`text` with every value the mocks invented replaced by its placeholder."""
    for pattern, placeholder in FIXED:
        text = pattern.sub(placeholder, text)
    if invented:
        hashes = "|".join(sorted((re.escape(h) for h in invented), key=len, reverse=True))
        prefixes = "|".join(re.escape(p) for p in sorted(PREFIXES, key=len, reverse=True))
        pattern = re.compile(rf"(?<![0-9a-zA-Z])(?P<prefix>{prefixes}|mock)?(?P<hash>{hashes})(?![0-9a-f])")
        text = pattern.sub(lambda m: PREFIXES.get(m["prefix"] or "", "<random>"), text)
    for version, placeholder in VERSIONS.items():
        text = re.sub(rf"(?<![\w.-]){re.escape(version)}(?![\w.-])", placeholder, text)
    return text.replace(mocks.ACCOUNT, "<ACCOUNT>")
