"""The DNS and certificate controllers' entries, judged by what their policies allow a request.

(That ExternalDNS gets route53:ListTagsForResources, the call it makes, and not the singular
action, is the drift test's business, tests/iam/test_catalog.py: the recorded upstream policy
names the plural.)
"""

from __future__ import annotations

from tests.helpers.catalog import ZONE, statements
from tests.helpers.iam import allows

CHANGE = "route53:ChangeResourceRecordSets"
RECORD_TYPES = "route53:ChangeResourceRecordSetsRecordTypes"


def test_cert_manager_changes_only_txt_records_in_its_zones():
    """The DNS-01 challenge writes TXT records: cert-manager may change those in the zones given,
    and no other record type (a batch of TXT and CNAME changes included), nor in another zone."""
    policy = statements("certManager")
    assert allows(policy, CHANGE, ZONE, {RECORD_TYPES: ["TXT"]})
    assert not allows(policy, CHANGE, ZONE, {RECORD_TYPES: ["A"]})
    assert not allows(policy, CHANGE, ZONE, {RECORD_TYPES: ["TXT", "CNAME"]})
    assert not allows(policy, CHANGE, "arn:aws:route53:::hostedzone/ZOTHERZONE", {RECORD_TYPES: ["TXT"]})
    assert allows(policy, "route53:GetChange", "arn:aws:route53:::change/C0123456789"), "the challenge waits for its change"
