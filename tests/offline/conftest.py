"""What several offline test modules read, computed once: the IRSA migration of the fixture
cluster, and the adoptions of the prod and workshop clusters."""

from __future__ import annotations

import pytest
from eks_pod_identity.offline import adoption as adoption_module
from eks_pod_identity.offline import migration as migration_module
from eks_pod_identity.offline.inputs import awsjson

from tests.helpers.adoption import PROD_FILES, WORKSHOP, WORKSHOP_FILES
from tests.helpers.irsa import CLUSTER, inputs


@pytest.fixture(scope="session")
def migration() -> migration_module.Migration:
    return migration_module.plan(inputs(), CLUSTER)


@pytest.fixture(scope="session")
def prod():
    return adoption_module.adopt("prod", awsjson.read(PROD_FILES), "prod")


@pytest.fixture(scope="session")
def workshop():
    return adoption_module.adopt("workshop", awsjson.read(WORKSHOP_FILES), "workshop", path=WORKSHOP)
