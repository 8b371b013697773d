"""IAM's quotas and AWS's managed policy list: what a role and its documents may hold.

The quotas are documented, not modelled: each carries its source. The managed policy list is
the one `data/aws_managed_policies.json` records (see `aws_data`).
"""

from __future__ import annotations

from .. import suggest
from ..arn import Arn
from . import admin

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


def managed_policy_paths() -> dict[str, str]:
    """AWS managed policy name -> its path (`/` or e.g. `/service-role/`)."""
    paths: dict[str, str] = admin.managed_policies()["paths"]
    return paths


def managed_policy_problem(text: str) -> str | None:
    """Why an AWS managed policy ARN (`arn:<p>:iam::aws:policy/...`) names no AWS managed policy."""
    arn = Arn.parse(text)
    assert arn is not None, "called with policy ARNs only"
    prefix = f"arn:{arn.partition}:iam::aws:policy"
    path, _, name = arn.resource.removeprefix("policy").rpartition("/")
    paths = managed_policy_paths()
    if name in paths:
        real = paths[name]
        if f"{path}/" != real:
            return f"is at path {real!r}: {prefix}{real}{name}"
        return None
    guess = suggest.close_match(name, list(paths))
    hint = (
        f"did you mean {prefix}{paths[guess]}{guess}?"
        if guess
        else (
            f"it is not in AWS's list ({admin.managed_policies()['source']}); if AWS published it "
            "since, refresh the list with `python -m tools.refresh_aws_data`"
        )
    )
    return f"names no AWS managed policy; {hint}"
