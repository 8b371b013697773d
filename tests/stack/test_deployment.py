"""Stage 1: the account, the region and the adopted clusters are read once, and what they
reveal to be wrong is refused before anything registers."""

from __future__ import annotations

import pytest
from eks_pod_identity import stack as config
from eks_pod_identity.offline.harness import mocks, runner

from tests.helpers import run_prod


def test_a_missing_adopted_cluster_is_refused_before_anything_registers():
    """Read once up front: a typo in the second cluster's name no longer leaves the first one's
    resources registered (and, in a real `pulumi up`, created) before the error."""
    result = run_prod(adopted={"prod-green": mocks.AdoptedCluster(missing=True)})
    assert isinstance(result.error, config.ConfigError) and result.registrations == []
    assert "clusters[1].name = 'prod-green': is adopted (create: false), and EKS has no cluster" in str(result.error)


def test_each_adopted_cluster_and_the_stacks_account_are_read_once(monkeypatch):
    calls: list[str] = []
    original = mocks.Mocks.call
    monkeypatch.setattr(mocks.Mocks, "call", lambda self, args: calls.append(args.token) or original(self, args))
    assert runner.run_stack("fleet").error is None  # one created cluster, one adopted
    counts = {t.rsplit(":", 1)[-1]: calls.count(t) for t in set(calls)}
    assert counts["getCluster"] == 1 and counts["getCallerIdentity"] == counts["getPartition"] == counts["getRegion"] == 1


@pytest.mark.parametrize(
    ("entries", "refused"),
    [
        ({}, False),
        ({"arn:aws:iam::123456789012:role/ci": {}}, True),
        ({"arn:aws:iam::123456789012:role/ci": {"pulumi-project": "eks-pod-identity", "pulumi-stack": "dev"}}, False),
    ],
)
def test_the_creator_added_after_the_cluster_exists_is_refused_unless_the_entry_is_this_stacks(entries, refused):
    """The creator check ran only while the cluster did not exist; after, EKS's own entry for the
    creator made the new one fail with 409."""
    clusters = [{"name": "pod-identity-dev", "create": True, "adminPrincipalArns": ["arn:aws:iam::123456789012:role/ci"]}]
    result = runner.run_stack(
        "dev",
        overrides={"eks-pod-identity:clusters": clusters},
        raise_errors=False,
        caller_arn="arn:aws:sts::123456789012:assumed-role/ci/session",
        adopted={"pod-identity-dev": mocks.AdoptedCluster(access_entries=entries)},
    )
    assert isinstance(result.error, config.ConfigError) is refused
    if refused:
        assert "which created cluster 'pod-identity-dev'" in str(result.error) and result.registrations == []
