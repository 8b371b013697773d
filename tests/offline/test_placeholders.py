"""What the mocks invent (names, IDs, versions, the account) is shown as a placeholder, never as
if it were real."""

from __future__ import annotations

import pytest
import yaml
from eks_pod_identity.offline import placeholders
from eks_pod_identity.offline.harness import mocks

from tests.helpers import STACKS


@pytest.mark.parametrize("stack", STACKS)
def test_every_invented_value_is_a_placeholder(stack, planned):
    out, graph, invented = planned[stack]
    body = "\n".join(line for line in out.splitlines() if not line.startswith("#"))
    assert invented, "the mocks invented names or IDs"
    for text in (body, graph):
        assert "mock" not in text.lower(), [line for line in text.splitlines() if "mock" in line.lower()][:3]
        assert not [h for h in invented if h in text], "an invented hash is shown as if real"
        assert mocks.ACCOUNT not in text
        assert mocks.AGENT_VERSION not in text and mocks.OTHER_ADDON_VERSION not in text


def test_the_placeholders_read_as_what_they_stand_for(planned):
    dev = planned["dev"][0]
    assert "role/s3-reader-role-<random>" in dev and "eks-pod-identity/association-id: <association ID>" in dev
    assert "pod-identity-dev: <agent version (newest)>" in dev and "deploy/sample-deployment-<random>" in dev
    assert "clusterVersions:\n  pod-identity-dev: '1.35'" in dev, "a created cluster's version is the config's"
    prod = yaml.safe_load(planned["prod"][0].split("## Stack outputs")[1].split("## Critical path")[0])
    assert set(prod["clusterVersions"].values()) == {placeholders.ADOPTED_VERSION}
    assert "<ACCOUNT>" in placeholders.LEGEND and "<random>" in placeholders.LEGEND


def test_a_users_hex_name_is_not_taken_for_an_invented_one():
    text = "arn:aws:iam::111122223333:role/app-1234567 and sample-deployment-mockabcdef12"
    assert placeholders.mark(text, {"abcdef12"}) == "arn:aws:iam::111122223333:role/app-1234567 and sample-deployment-<random>"
