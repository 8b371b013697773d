"""Amazon Resource Names: parsed in one place.

`arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` (AWS General Reference, "Amazon Resource Names").
The resource part may itself hold `:` (`secret:name`, `function:name`), so an ARN splits into
six fields at most. Standard library only: the policy pack imports it too.
"""

from __future__ import annotations

from dataclasses import dataclass

PARTITIONS = ("aws", "aws-cn", "aws-us-gov")
PARTITION_PATTERN = "(?:aws|aws-cn|aws-us-gov)"
# A region (`us-east-1`, `us-gov-west-1`) or account ID as an ARN in a policy may give it, `*` included.
REGION_PATTERN = r"(?:[a-z]{2}(?:-[a-z]+)+-\d|\*)"
ACCOUNT_PATTERN = r"(?:\d{12}|\*)"
# Account IDs AWS's documentation uses in its examples (IAM User Guide: 111122223333,
# 444455556666, 777788889999; EKS User Guide and most SDK docs: 123456789012). An ARN in one
# of them marks an example config, never deployed as it stands.
PLACEHOLDER_ACCOUNTS = frozenset({"123456789012", "111122223333", "444455556666", "777788889999"})


@dataclass(frozen=True)
class Arn:
    """The six fields of an ARN; `resource` keeps any `:` and `/` it holds."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    @classmethod
    def parse(cls, text: object) -> Arn | None:
        """The ARN `text` spells, or None when it is not one (too few fields, no `arn:`)."""
        if not isinstance(text, str):
            return None
        parts = text.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn":
            return None
        return cls(*parts[1:])

    @property
    def name(self) -> str:
        """The last segment of the resource: a role's or policy's name (its path excluded)."""
        return self.resource.rsplit("/", 1)[-1]

    @property
    def resource_type(self) -> str:
        """The resource's type (`role`, `policy`, `cluster`, ...): before its first `/` or `:`."""
        return self.resource.replace(":", "/", 1).split("/", 1)[0]

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def account_of(text: object) -> str | None:
    """The account an ARN names, or None (no ARN, or an ARN without one, an S3 bucket's)."""
    arn = Arn.parse(text)
    return arn.account if arn and arn.account else None


def partition_of(text: str) -> str:
    """The partition (`aws`, `aws-cn`, `aws-us-gov`) of an ARN; '' for no ARN."""
    arn = Arn.parse(text)
    return arn.partition if arn else ""


def name_of(text: str) -> str:
    """A role's or policy's name from its ARN (the path is not part of the name)."""
    arn = Arn.parse(text)
    return arn.name if arn else text.rsplit("/", 1)[-1]


def same_principal(arn: str, caller_arn: str) -> bool:
    """True when an IAM principal ARN names who `sts get-caller-identity` reports: the user
    itself, or the role an `assumed-role/<name>/<session>` caller acts as (whatever the role's
    path, which the caller ARN does not carry). IAM names are unique whatever their case, so
    case does not matter."""
    caller, principal = Arn.parse(caller_arn), Arn.parse(arn)
    if caller is None or principal is None or caller.account != principal.account:
        return False
    if caller.resource.startswith("assumed-role/"):
        role = caller.resource.split("/")[1].lower()
        return principal.resource.startswith("role/") and principal.name.lower() == role
    return principal.resource.lower() == caller.resource.lower()
