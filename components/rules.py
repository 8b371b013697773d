"""Name and format rules that AWS and Kubernetes enforce, as pure predicates.

They live apart from the config model so that the components, the policy pack and the
tests share one definition of "valid" instead of three that drift apart.
"""

from __future__ import annotations

import re

PARTITIONS = ("aws", "aws-cn", "aws-us-gov")
PARTITION_PATTERN = _PARTITION = "(?:aws|aws-cn|aws-us-gov)"
_IAM_NAME_CHARS = r"[\w+=,.@-]"

# Kubernetes (apimachinery validation): namespaces are DNS-1123 labels, service
# accounts DNS-1123 subdomains.
DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253

# EKS CreateCluster: 1-100 characters, alphanumerics, hyphens and underscores,
# starting with an alphanumeric.
EKS_CLUSTER_NAME = re.compile(r"^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$")

# IAM quotas and formats (IAM User Guide, "IAM and AWS STS quotas").
ROLE_NAME_MAX = 64
# A name prefix gets Terraform's unique ID appended: 26 characters (terraform-plugin-sdk
# helper/id UniqueIDSuffixLength; terraform-provider-aws iam/role.go bounds name_prefix to
# roleNameMaxLen - id.UniqueIDSuffixLength).
UNIQUE_ID_SUFFIX = 26
ROLE_NAME_PREFIX_MAX = ROLE_NAME_MAX - UNIQUE_ID_SUFFIX
# Pulumi's autonaming appends "-" and 7 random characters (pulumi-terraform-bridge
# AutoNameOptions{Separator: "-", Randlen: 7}; pulumi-eks's role names show it, e.g.
# `<cluster>-eks-nodeRole-role-<7>`).
AUTONAME_RANDOM = 7
POLICY_ARN = re.compile(rf"^arn:{_PARTITION}:iam::(?:aws|\d{{12}}):policy/(?:{_IAM_NAME_CHARS}+/)*{_IAM_NAME_CHARS}{{1,128}}$")
ROLE_ARN = re.compile(rf"^arn:{_PARTITION}:iam::\d{{12}}:role/(?:{_IAM_NAME_CHARS}+/)*{_IAM_NAME_CHARS}{{1,64}}$")
# An identity names its role resource "<identity>-role"; Pulumi appends "-" and 7 characters.
IDENTITY_NAME_MAX = ROLE_NAME_MAX - len("-role-") - AUTONAME_RANDOM
MIN_SESSION_DURATION, MAX_SESSION_DURATION = 3600, 43200
ORG_ID = re.compile(r"^o-[a-z0-9]{10,32}$")
RESOURCE_ORG_ID_VARIABLE = "${aws:ResourceOrgId}"

# A created cluster names IAM roles after itself: pulumi-eks's Auto Mode node role is
# `<cluster>-eks-nodeRole-role-<7>` (nodejs/eks/cluster/cluster.ts 629, the component being
# `<cluster>-eks`), the longest of them; IAM role names stop at 64.
CREATED_CLUSTER_NAME_MAX = ROLE_NAME_MAX - len("-eks-nodeRole-role-") - AUTONAME_RANDOM
# VPC CIDR sizes the program accepts for a VPC it creates (AWS allows /16 to /28).
VPC_PREFIX_MIN, VPC_PREFIX_MAX = 16, 20
VPC_ID = re.compile(r"^vpc-[0-9a-f]{8}([0-9a-f]{9})?$")
SUBNET_ID = re.compile(r"^subnet-[0-9a-f]{8}([0-9a-f]{9})?$")
PRINCIPAL_ARN = re.compile(rf"^arn:{_PARTITION}:iam::\d{{12}}:(role|user)/(?:{_IAM_NAME_CHARS}+/)*{_IAM_NAME_CHARS}{{1,64}}$")

# Namespaces every cluster has; a stack must never create (and so delete) one.
SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
# EKS: associations "may take several seconds to be effective" (botocore eks
# CreatePodIdentityAssociation documentation); the sample waits between these bounds.
MIN_PROPAGATION_SECONDS, MAX_PROPAGATION_SECONDS = 5, 300

# Account IDs AWS's documentation uses in its examples (IAM User Guide: 111122223333,
# 444455556666, 777788889999; EKS User Guide and most SDK docs: 123456789012). An ARN in one
# of them marks an example config; the offline mocks deploy into 123456789012.
PLACEHOLDER_ACCOUNTS = frozenset({"123456789012", "111122223333", "444455556666", "777788889999"})

OIDC_PROVIDER_ARN = re.compile(
    rf"^arn:{_PARTITION}:iam::\d{{12}}:oidc-provider/oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/id/[A-Z0-9]+$"
)

# Pulumi stack references: "stack", "project/stack" or "organization/project/stack".
STACK_NAME = re.compile(r"^([A-Za-z0-9_.-]+/){0,2}[A-Za-z0-9_.-]+$")

# EKS Pod Identity limits (EKS User Guide, pod-identities and service quotas).
MIN_POD_IDENTITY_MINOR = 24
MAX_ASSOCIATIONS_PER_CLUSTER = 1000
KUBERNETES_VERSION = re.compile(r"^1\.(\d{1,2})$")
ADDON_VERSION = re.compile(r"^v\d+\.\d+\.\d+-eksbuild\.\d+$")

# AWS CLI v2 learned the container credential provider's Pod Identity URI in 2.15.0.
MIN_AWS_CLI = (2, 15, 0)
IMAGE_TAG = re.compile(r"^(?P<repo>[a-z0-9./_-]+(?::\d+)?/?[a-z0-9._/-]*):(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})(@sha256:[0-9a-f]{64})?$")
AWS_CLI_TAG = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")

# S3 general purpose bucket naming rules (S3 User Guide, bucketnamingrules).
S3_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
S3_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
S3_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def namespace_problem(value: str) -> str | None:
    """Why `value` is not a Kubernetes namespace name, or None when it is one."""
    if len(value) > DNS1123_LABEL_MAX:
        return f"is {len(value)} characters; a namespace is a DNS-1123 label of at most {DNS1123_LABEL_MAX}"
    if not DNS1123_LABEL.match(value):
        return "is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit"
    return None


def service_account_problem(value: str) -> str | None:
    """Why `value` is not a Kubernetes service account name, or None when it is one."""
    if len(value) > DNS1123_SUBDOMAIN_MAX:
        return f"is {len(value)} characters; a service account name is a DNS-1123 subdomain of at most {DNS1123_SUBDOMAIN_MAX}"
    if not DNS1123_SUBDOMAIN.match(value):
        return (
            "is not a DNS-1123 subdomain: use lowercase letters, digits, '-' and '.', "
            "each part starting and ending with a letter or digit"
        )
    return None


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


def aws_cli_version(image: str) -> tuple[int, int, int] | None:
    """The AWS CLI version an `amazon/aws-cli:<x.y.z>` style image tag names, else None."""
    match = IMAGE_TAG.match(image)
    if not match:
        return None
    version = AWS_CLI_TAG.match(match.group("tag"))
    return tuple(int(part) for part in version.groups()) if version else None  # type: ignore[return-value]


def image_problem(image: str) -> str | None:
    """Why a sample image reference is not pinned to an AWS CLI that supports Pod Identity."""
    match = IMAGE_TAG.match(image)
    if not match:
        return "must name a repository and an explicit tag, e.g. amazon/aws-cli:2.35.10"
    if match.group("tag") == "latest":
        return "must be pinned to a version tag, not 'latest'"
    version = aws_cli_version(image)
    if version is None:
        return "must carry an AWS CLI version tag (x.y.z) so its Pod Identity support can be checked"
    if version < MIN_AWS_CLI:
        return "is older than AWS CLI 2.15.0, the first release that reads Pod Identity credentials"
    return None


def role_name_of(arn: str) -> str:
    """A role's name from its ARN (the path is not part of the name)."""
    return arn.rsplit("/", 1)[-1]


def partition_of(arn: str) -> str:
    """The partition (`aws`, `aws-cn`, `aws-us-gov`) an ARN belongs to."""
    return arn.split(":", 2)[1]



# ARNs the well-known policies are scoped by (wildcards allowed where IAM allows them).
HOSTED_ZONE_ARN = re.compile(rf"^arn:{_PARTITION}:route53:::hostedzone/[A-Z0-9*]+$")
KMS_KEY_ARN = re.compile(rf"^arn:{_PARTITION}:kms:[a-z0-9-]+:\d{{12}}:(key|alias)/[\w/*+=,.@-]+$")
S3_BUCKET_ARN = re.compile(rf"^arn:{_PARTITION}:s3:::[a-z0-9][a-z0-9.*-]{{1,61}}[a-z0-9*]$")
SECRET_ARN = re.compile(rf"^arn:{_PARTITION}:secretsmanager:[a-z0-9-]+:\d{{12}}:secret:[\w/*+=,.@-]+$")
SSM_PARAMETER_ARN = re.compile(rf"^arn:{_PARTITION}:ssm:[a-z0-9-]+:\d{{12}}:parameter/[\w/*.-]+$")
DYNAMODB_TABLE_ARN = re.compile(rf"^arn:{_PARTITION}:dynamodb:[a-z0-9-]+:\d{{12}}:table/[\w.-]+$")


def same_principal(arn: str, caller_arn: str) -> bool:
    """True when an IAM principal ARN names who `sts get-caller-identity` reports: the user
    itself, or the role an `assumed-role/<name>/<session>` caller acts as (whatever the role's
    path, which the caller ARN does not carry). IAM names are unique whatever their case, so
    case does not matter."""
    caller = caller_arn.split(":", 5)
    principal = arn.split(":", 5)
    if len(caller) < 6 or len(principal) < 6 or caller[4] != principal[4]:
        return False
    if caller[5].startswith("assumed-role/"):
        role = caller[5].split("/")[1].lower()
        return principal[5].startswith("role/") and principal[5].rsplit("/", 1)[-1].lower() == role
    return principal[5].lower() == caller[5].lower()
