"""IRSA trust documents: the pods.eks.amazonaws.com statement merged into what a role trusts,
once, and the OIDC statements dropped only for the service accounts that moved."""

from __future__ import annotations

import pytest
from eks_pod_identity.offline.inputs import irsa as trust
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers.irsa import ISSUER, PODS


def test_a_statement_with_a_taken_sid_gets_a_free_one():
    doc = {"Version": "2012-10-17", "Statement": [{"Sid": "EksPodIdentity", "Effect": "Deny", "Principal": "*", "Action": "sts:*"}]}
    merged, changed = trust.merge(
        doc, [{"Sid": "EksPodIdentity", "Effect": "Allow", "Principal": {"AWS": "x"}, "Action": "sts:AssumeRole"}]
    )
    assert changed and [s["Sid"] for s in merged["Statement"]] == ["EksPodIdentity", "EksPodIdentity2"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(["x", "y"])), min_size=1, max_size=4),
    st.lists(st.tuples(st.sampled_from(["a", "b", "d"]), st.sampled_from(["x", "z"])), min_size=1, max_size=4),
)
def test_merging_is_idempotent_and_admits_exactly_the_pairs(first, second):
    """After merging the program's exact statements for two sets of pairs, in either order and
    any number of times, the trust admits every pair merged and no other combination."""
    from eks_pod_identity.identity.trust import exact_scopes, trust_policy

    doc = {"Version": "2012-10-17", "Statement": []}
    for pairs in (first, second):
        statements = trust_policy(exact_scopes([("c", ns, sa) for ns, sa in pairs]))["Statement"]
        doc, _ = trust.merge(doc, statements)
        again, changed = trust.merge(doc, statements)
        assert not changed and again == doc
    admitted = {
        (ns, sa)
        for s in doc["Statement"]
        for ns in s["Condition"]["StringEquals"]["aws:RequestTag/kubernetes-namespace"]
        for sa in s["Condition"]["StringEquals"]["aws:RequestTag/kubernetes-service-account"]
    }
    assert admitted == set(first) | set(second)


@pytest.mark.parametrize(
    "have",
    [
        {**PODS, "Action": [["sts:AssumeRole", "sts:TagSession"]]},
        {**PODS, "Action": ["sts:AssumeRole", "sts:TagSession"], "Condition": "x"},
        {
            **PODS,
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {"StringEquals": {"aws:PrincipalTag/eks-cluster-name": [["c"]]}},
        },
    ],
)
def test_a_statement_with_values_that_are_not_plain_covers_nothing(have):
    wanted = {
        **PODS,
        "Action": ["sts:AssumeRole", "sts:TagSession"],
        "Condition": {"StringEquals": {"aws:PrincipalTag/eks-cluster-name": "c"}},
    }
    assert not trust.covers(have, wanted)
    merged, changed = trust.merge({"Statement": [have]}, [wanted])
    assert changed and merged["Statement"] == [have, {**wanted, "Sid": "EksPodIdentity"}]


def test_an_oidc_statement_whose_condition_is_not_an_object_stays():
    statement = {
        "Effect": "Allow",
        "Principal": {"Federated": f"arn:aws:iam::111122223333:oidc-provider/{ISSUER}"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": "x",
    }
    final, kept = trust.without_irsa({"Statement": [statement]}, [("team-a", "app")], "")
    assert final["Statement"] == [statement] and "no `:sub` condition" in kept[0]
