"""IAM's size and count quotas, checked on the documents the program will send.

The documents are built here as the program builds them, with the longest values an
account could give (partition, region, generated names), so a config that passes cannot be
refused by IAM for size halfway through a deploy.
"""

from __future__ import annotations

from typing import Any

from .. import aws_data
from ..iam import catalog, documents, limits
from ..iam.grammar import ROLE_NAME_MAX
from ..identity.trust import irsa_statements, trust_policy
from .config import StackConfig, base_tags
from .identities import IdentityConfig

Problem = tuple[str, Any, str]

# The longest values a document could carry where the real ones are only known at deploy time.
LONGEST_PARTITION = "aws-us-gov"
LONGEST_REGION = "ap-southeast-7"
ACCOUNT = "123456789012"
# The Job sample's bucket: its given name, else Pulumi's `sample-bucket-<7>`; at most 63.
LONGEST_BUCKET = "b" * 63


def cluster_arn(name: str, region: str | None) -> str:
    partition = (aws_data.partition_of_region(region) if region else None) or LONGEST_PARTITION
    return f"arn:{partition}:eks:{region or LONGEST_REGION}:{ACCOUNT}:cluster/{name}"


def problems(cfg: StackConfig, region: str | None) -> list[Problem]:
    """Every quota a role of the stack would exceed, measured on its documents as built."""
    partition = (aws_data.partition_of_region(region) if region else None) or LONGEST_PARTITION
    found: list[Problem] = []
    for i, ident in enumerate(cfg.identities):
        if ident.creates_role:
            found += _tags(cfg, i, ident) + _trust(cfg, i, ident, region)
            found += _inline(cfg, i, ident, partition) + _attached(cfg, i, ident)
        found += _target_inline(i, ident)
    return found


def _tags(cfg: StackConfig, i: int, ident: IdentityConfig) -> list[Problem]:
    tags = len(ident.tags) + len(base_tags(cfg.environment, "stack"))
    most = aws_data.spec("iam.tags")["max"]
    if tags <= most:
        return []
    own = tags - len(ident.tags)
    return [
        (
            f"identities[{i}].tags",
            ident.name,
            f"the role would carry {tags} tags (its {len(ident.tags)} plus the program's {own}); IAM allows {most}",
        )
    ]


def _trust(cfg: StackConfig, i: int, ident: IdentityConfig, region: str | None) -> list[Problem]:
    scopes = cfg.trust_scopes(ident)
    arns = {c: cluster_arn(c, region) for s in scopes for c in s.clusters}
    pairs = {(ns, sa) for _, ns, sa in cfg.trust_bindings(ident)}
    irsa = irsa_statements(ident.irsa.oidc_provider_arns, pairs) if ident.irsa else []
    trust = documents.size(trust_policy(scopes, arns, ident.trust.source_org_id, irsa))
    if trust <= cfg.role_trust_policy_quota:
        return []
    return [
        (
            f"identities[{i}].trust",
            ident.name,
            (
                f"the trust policy for its {len(cfg.trust_bindings(ident))} binding(s) is {trust} characters; IAM's quota is "
                f"{cfg.role_trust_policy_quota} (roleTrustPolicyQuota; up to {limits.TRUST_POLICY_SIZE_MAX} on request): "
                "split the identity, bind fewer service accounts, or raise the quota"
            ),
        )
    ]


def _inline(cfg: StackConfig, i: int, ident: IdentityConfig, partition: str) -> list[Problem]:
    target = f"arn:{partition}:iam::{ACCOUNT}:role/{'t' * ROLE_NAME_MAX}" if ident.target_role else None
    inline = ident.inline_statements(partition, target)
    size = documents.size(documents.document(inline)) if inline else 0
    sample = cfg.sample_binding()
    if sample and sample.identity == ident.name and cfg.sample.kind == "job":
        bucket = f"arn:{partition}:s3:::{cfg.sample.bucket_name or LONGEST_BUCKET}"
        size += documents.size(documents.document([documents.s3_put_object_statement(bucket)]))
    if size <= limits.INLINE_POLICIES_SIZE:
        return []
    return [
        (
            f"identities[{i}].statements",
            ident.name,
            (
                f"its inline policies come to {size} characters (statements, abac and targetRole grants, and the Job "
                f"sample's); IAM allows {limits.INLINE_POLICIES_SIZE} per role: move statements into a customer managed "
                "policy (managedPolicyArns)"
            ),
        )
    ]


def _target_inline(i: int, ident: IdentityConfig) -> list[Problem]:
    """A target role created in another account holds its statements in one inline policy (see
    identity.role.grant_permissions): IAM's 10,240 characters per role hold there too."""
    create = ident.target_role.create if ident.target_role else None
    size = documents.size(documents.document(create.statements)) if create and create.statements else 0
    if size <= limits.INLINE_POLICIES_SIZE:
        return []
    return [
        (
            f"identities[{i}].targetRole.create.statements",
            ident.name,
            (
                f"the target role's inline policy would be {size} characters; IAM allows {limits.INLINE_POLICIES_SIZE} per "
                "role: move statements into a customer managed policy of the target account (targetRole.create.managedPolicyArns)"
            ),
        )
    ]


def _attached(cfg: StackConfig, i: int, ident: IdentityConfig) -> list[Problem]:
    catalog_count = sum(catalog.policy_count(key, params, cfg.clusters_of(ident)) for key, params in ident.well_known_entries)
    attached = len(set(ident.managed_policy_arns)) + catalog_count
    if attached <= cfg.role_managed_policy_quota:
        return []
    return [
        (
            f"identities[{i}].managedPolicyArns",
            ident.name,
            (
                f"attaches {attached} managed policies (managedPolicyArns plus wellKnown); IAM allows "
                f"{cfg.role_managed_policy_quota} per role (roleManagedPolicyQuota; {limits.MANAGED_POLICIES_PER_ROLE} by "
                f"default, up to {limits.MANAGED_POLICIES_PER_ROLE_MAX} on request)"
            ),
        )
    ]
