"""What the sample workload may run: a pinned AWS CLI image, a valid bucket, a bounded wait."""

from __future__ import annotations

import re
from typing import Annotated

from ..model import passing

# AWS CLI v2 learned the container credential provider's Pod Identity URI in 2.15.0 (EKS User
# Guide, pod-id-minimum-sdk).
MIN_AWS_CLI = (2, 15, 0)
# An image reference: [registry[:port]/]repository:tag[@sha256:digest], at most 255 characters
# of name (distribution/reference, NameTotalLengthMax) and 128 of tag (TagRegexp). Read by
# splitting at its last ':' and '@', never with a backtracking pattern over user input.
IMAGE_MAX = 255 + 1 + 128 + len("@sha256:") + 64
IMAGE_NAME = re.compile(r"[a-z0-9][a-z0-9./_:-]*")
IMAGE_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
AWS_CLI_TAG = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
# The bounds `sample.propagationSeconds` is still accepted within (deprecated and ignored: a
# probe Job proves the association instead of a fixed wait; see identity/probe.py).
MIN_PROPAGATION_SECONDS, MAX_PROPAGATION_SECONDS = 5, 300

# S3 general purpose bucket naming rules (S3 User Guide, bucketnamingrules).
S3_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
S3_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
S3_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def s3_bucket_problem(value: str) -> str | None:
    """Why `value` is not a valid S3 general purpose bucket name, or None."""
    if not 3 <= len(value) <= 63:
        return f"is {len(value)} characters; a bucket name has 3 to 63"
    if not S3_BUCKET.match(value):
        return "may only hold lowercase letters, digits, '.' and '-', and must start and end with a letter or digit"
    if ".." in value or IPV4.match(value):
        return "must not contain '..' nor look like an IP address"
    if value.startswith(S3_RESERVED_PREFIXES) or value.endswith(S3_RESERVED_SUFFIXES):
        return "uses a prefix or suffix that S3 reserves"
    return None


def image_tag(image: str) -> str | None:
    """The tag of an image reference `repository:tag[@sha256:digest]`, or None when it has none
    or is no image reference."""
    if len(image) > IMAGE_MAX:
        return None
    reference, at, digest = image.partition("@")
    if at and not DIGEST.fullmatch(digest):
        return None
    name, colon, tag = reference.rpartition(":")
    if not colon or "/" in tag or not IMAGE_NAME.fullmatch(name) or not IMAGE_TAG.fullmatch(tag):
        return None
    return tag


def aws_cli_version(image: str) -> tuple[int, int, int] | None:
    """The AWS CLI version an `amazon/aws-cli:<x.y.z>` style image tag names, else None."""
    version = AWS_CLI_TAG.match(image_tag(image) or "")
    return (int(version[1]), int(version[2]), int(version[3])) if version else None


def image_problem(image: str) -> str | None:
    """Why a sample image reference is not pinned to an AWS CLI that supports Pod Identity."""
    if len(image) > IMAGE_MAX:
        return f"is {len(image)} characters; an image reference has at most {IMAGE_MAX}"
    tag = image_tag(image)
    if tag is None:
        return "must name a repository and an explicit tag, e.g. amazon/aws-cli:2.35.10"
    if tag == "latest":
        return "must be pinned to a version tag, not 'latest'"
    version = aws_cli_version(image)
    if version is None:
        return "must carry an AWS CLI version tag (x.y.z) so its Pod Identity support can be checked"
    if version < MIN_AWS_CLI:
        return "is older than AWS CLI 2.15.0, the first release that reads Pod Identity credentials"
    return None


Image = Annotated[str, passing(image_problem)]
BucketName = Annotated[str, passing(s3_bucket_problem)]
