"""An existing cluster, read before anything is declared: described when it exists, None when EKS
has none of that name, and any other failure of the lookup a clear error naming the permission."""

from __future__ import annotations

import pulumi
from eks_pod_identity.cluster import existing
from eks_pod_identity.offline.harness import mocks

from tests.helpers import run_component


def test_an_existing_cluster_is_described_and_a_missing_one_is_none():
    def program():
        found, gone = existing.describe_cluster("shop"), existing.describe_cluster("gone")
        return {"arn": found.arn, "version": found.version, "gone": gone is None}

    result = run_component(program, adopted={"shop": mocks.AdoptedCluster(version="1.33"), "gone": mocks.AdoptedCluster(missing=True)})
    assert result.outputs == {"arn": "arn:aws:eks:eu-west-1:123456789012:cluster/shop", "version": "1.33", "gone": True}


def test_a_lookup_that_fails_otherwise_is_a_clear_error(monkeypatch):
    def denied(self, args):
        if args.token == "aws:eks/getCluster:getCluster":
            return {}, [("name", "AccessDeniedException: not authorized to perform: eks:DescribeCluster")]
        return original(self, args)

    original = mocks.Mocks.call
    monkeypatch.setattr(mocks.Mocks, "call", denied)
    result = run_component(lambda: existing.describe_cluster("shop") and None, raise_errors=False)
    assert isinstance(result.error, existing.ClusterLookupError) and isinstance(result.error, pulumi.RunError), "no traceback"
    assert "could not read cluster 'shop' (eks:DescribeCluster)" in str(result.error)
    assert "grant eks:DescribeCluster to the deploying identity" in str(result.error)
