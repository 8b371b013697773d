"""Well-known permission sets for the controllers that commonly run with Pod Identity.

Each entry follows one upstream document at a recorded version (`WellKnown.upstream`) and is
scoped by the ARNs the identity gives (hosted zones, buckets, keys, queues, cluster names) and
by the controller's own tags, narrowing upstream's `*` only to resource types the action
supports. Where a write has no safe default, the ARNs are required. Where AWS publishes a
managed policy for the controller, `awsManagedPolicies` attaches it instead (AWS keeps it
current). tests/upstream/ holds each upstream's action set at its version, and the drift test
fails when an entry and its upstream differ in a way not listed there with its reason.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...model import Model
from ..documents import Document, Statement, split_documents
from . import dns_certs, load_balancing, nodes, observability, storage, workloads
from .base import CHECKED, NoParams, Upstream, WellKnown

__all__ = [
    "CATALOG",
    "CHECKED",
    "NoParams",
    "Upstream",
    "WellKnown",
    "managed_policy_arns",
    "policy_count",
    "policy_documents",
    "statements_for",
]

CATALOG: dict[str, WellKnown] = {
    entry.key: entry for module in (load_balancing, storage, dns_certs, nodes, workloads, observability) for entry in module.ENTRIES
}


def statements_for(key: str, params: Model, partition: str, bound_clusters: Sequence[str]) -> list[Statement]:
    """The permission statements of one catalog entry, for one partition."""
    entry = CATALOG[key]
    return entry.build(params, partition, bound_clusters) if entry.build else []


def policy_documents(key: str, params: Model, partition: str, bound_clusters: Sequence[str]) -> list[Document]:
    """The entry's statements as customer managed policies, split to fit IAM's size limit."""
    statements = statements_for(key, params, partition, bound_clusters)
    return split_documents(statements) if statements else []


def managed_policy_arns(key: str, partition: str, params: Model | None = None) -> list[str]:
    """ARNs (with their IAM path, e.g. `policy/service-role/...`) of the AWS managed policies the
    entry attaches: its fixed ones, plus the `awsManagedPolicies` chosen in `params`."""
    return [f"arn:{partition}:iam::aws:policy/{name}" for name in CATALOG[key].managed_policy_names(params)]


def policy_count(key: str, params: Model, bound_clusters: Sequence[str]) -> int:
    """How many policies the entry attaches (counted with the longest partition name).

    Config checks may count before the identity's clusters are known (no `clusters` means every
    cluster of the stack): cluster-scoped entries then count as bound in one longest-named cluster."""
    bound = list(bound_clusters) or [UNKNOWN_CLUSTER]
    return len(managed_policy_arns(key, "aws-us-gov", params)) + len(policy_documents(key, params, "aws-us-gov", bound))


UNKNOWN_CLUSTER = "c" * 100  # EKS cluster names have at most 100 characters
