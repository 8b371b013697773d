"""Kubernetes names a binding carries, as pure predicates."""

from __future__ import annotations

import pytest
from eks_pod_identity import kubernetes


@pytest.mark.parametrize("name", ["default", "kube-system", "a", "a" * 63, "team-1"])
def test_valid_namespaces(name):
    assert kubernetes.namespace_problem(name) is None


@pytest.mark.parametrize("name", ["Default", "-a", "a-", "a_b", "a.b", "a" * 64, ""])
def test_invalid_namespaces(name):
    assert kubernetes.namespace_problem(name)


@pytest.mark.parametrize("name", ["aws-cli-sa", "a.b-c", "a" * 253])
def test_valid_service_accounts(name):
    assert kubernetes.service_account_problem(name) is None


@pytest.mark.parametrize("name", ["Aws", "a..b", "a_b", "a" * 254, "-a"])
def test_invalid_service_accounts(name):
    assert kubernetes.service_account_problem(name)
