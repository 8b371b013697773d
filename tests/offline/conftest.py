"""The IRSA migration of the fixture cluster, planned once for the modules that read it."""

from __future__ import annotations

import pytest
from eks_pod_identity.offline import migration as migration_module

from tests.helpers.irsa import CLUSTER, inputs


@pytest.fixture(scope="module")
def migration() -> migration_module.Migration:
    return migration_module.plan(inputs(), CLUSTER)
