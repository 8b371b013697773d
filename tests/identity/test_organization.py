"""trust.sourceOrgId against the Organization the stack's account is in, read at run time."""

from __future__ import annotations

import pytest
from eks_pod_identity import stack as config
from eks_pod_identity.offline.harness import runner


@pytest.mark.parametrize(
    ("organization", "value", "refused"),
    [
        (None, "${aws:ResourceOrgId}", "is in no AWS Organization"),
        ("o-abcdefghij", "${aws:ResourceOrgId}", None),
        ("o-abcdefghij", "o-abcdefghij", None),
        ("o-abcdefghij", "o-zzzzzzzzzz", "is in organization o-abcdefghij"),
        (None, "o-abcdefghij", "is in no AWS Organization"),
    ],
)
def test_source_org_id_is_checked_against_the_accounts_organization(organization, value, refused):
    """`${aws:ResourceOrgId}` is unset outside an Organization: the trust admitted no pod."""
    identities = [{"name": "s3-reader", "namespace": "default", "serviceAccount": "aws-cli-sa", "trust": {"sourceOrgId": value}}]
    overrides = {"eks-pod-identity:identities": identities, "eks-pod-identity:sample": {"kind": "none"}}
    result = runner.run_stack("prod", overrides=overrides, organization=organization, raise_errors=False)
    if refused:
        assert isinstance(result.error, config.ConfigError) and refused in str(result.error) and result.registrations == []
        assert "identities[0].trust.sourceOrgId" in str(result.error)
    else:
        assert result.error is None


def test_a_stack_without_source_org_id_reads_no_organization(monkeypatch):
    from eks_pod_identity.offline.harness import mocks

    asked = []
    original = mocks.Mocks.call
    monkeypatch.setattr(mocks.Mocks, "call", lambda self, args: asked.append(args.token) or original(self, args))
    assert runner.run_stack("prod").error is None
    assert "aws:organizations/getOrganization:getOrganization" not in asked
