"""The stack's own tags: on every resource, and never an identity's to set."""

from __future__ import annotations

import pytest
from eks_pod_identity.stack import tags

from tests.helpers.config_cases import parse_identity, refusals


def test_base_tags_trace_a_resource_to_its_stack():
    assert tags.base_tags("", "dev") == {"managed-by": "pulumi", "pulumi-project": "eks-pod-identity", "pulumi-stack": "dev"}
    assert tags.base_tags("prod", "p")["environment"] == "prod"


@pytest.mark.parametrize("key", ["pulumi-stack", "pulumi-project", "managed-by", "environment", "Pulumi-Stack"])
def test_an_identity_cannot_set_the_programs_own_tags(key):
    """`tags: {pulumi-stack: spoof}` landed on the role: it claimed to belong to another stack."""
    (problem,) = refusals(tags={key: "spoof"})
    assert "identities[0].tags" in problem and repr(key) in problem and "program's own tags" in problem
    parse_identity(tags={"team": "payments"})


def test_the_roles_tags_are_the_programs_and_the_identitys(stack_runs):
    for run in stack_runs.values():
        for role in run.of_type("aws:iam/role:Role"):
            assert role.inputs["tags"]["managed-by"] == "pulumi" and role.inputs["tags"]["pulumi-project"] == "eks-pod-identity"
