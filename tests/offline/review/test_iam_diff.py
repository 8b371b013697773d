"""IAM document diffs, permission and trust comparisons, with properties checked on generated
documents (hypothesis)."""

from __future__ import annotations

import copy

from eks_pod_identity.offline.review import iam_diff
from hypothesis import given, settings
from hypothesis import strategies as st

actions = st.sampled_from(["s3:GetObject", "s3:PutObject", "s3:Get*", "sts:AssumeRole", "sts:TagSession", "kms:Decrypt"])


resources = st.sampled_from(["*", "arn:aws:s3:::b/*", "arn:aws:s3:::b/x", "arn:aws:kms:us-east-1:1:key/k"])


conditions = st.dictionaries(
    st.sampled_from(["StringEquals", "StringLike"]),
    st.dictionaries(
        st.sampled_from(["aws:RequestTag/kubernetes-namespace", "aws:SourceOrgId"]),
        st.lists(st.sampled_from(["a", "b", "o-1"]), min_size=1, max_size=2),
        min_size=1,
        max_size=2,
    ),
    max_size=1,
)


statement = st.builds(
    lambda sid, effect, acts, res, cond: {
        k: v for k, v in {"Sid": sid, "Effect": effect, "Action": acts, "Resource": res, "Condition": cond}.items() if v
    },
    st.sampled_from([None, "A", "B", "C"]),
    st.sampled_from(["Allow", "Deny"]),
    st.lists(actions, min_size=1, max_size=3, unique=True),
    st.lists(resources, min_size=1, max_size=2, unique=True),
    conditions,
)


documents = st.builds(lambda s: {"Version": "2012-10-17", "Statement": s}, st.lists(statement, max_size=4))


@settings(max_examples=100, deadline=None)
@given(documents)
def test_a_document_has_no_diff_with_itself_and_loses_nothing(doc):
    assert iam_diff.diff_documents(doc, copy.deepcopy(doc)) == []
    allow, deny = iam_diff.grants(doc)
    assert iam_diff.lost(allow, allow, deny, deny) == []
    assert iam_diff.narrowed(doc, doc) == []


@settings(max_examples=100, deadline=None)
@given(documents, documents)
def test_swapping_documents_swaps_added_and_removed(a, b):
    def summary(diffs, flip):
        out = set()
        for d in diffs:
            added, removed = (d.removed, d.added) if flip else (d.added, d.removed)
            out |= {("+", k, v) for k, vs in added.items() for v in vs}
            out |= {("-", k, v) for k, vs in removed.items() for v in vs}
        return out

    assert summary(iam_diff.diff_documents(a, b), False) == summary(iam_diff.diff_documents(b, a), True)


@settings(max_examples=100, deadline=None)
@given(documents, st.lists(statement, min_size=1, max_size=2))
def test_adding_allow_statements_never_loses_a_permission(doc, extra):
    allow = [s for s in extra if s["Effect"] == "Allow"]
    wider = {**doc, "Statement": [*doc["Statement"], *allow]}
    (a1, d1), (a2, d2) = iam_diff.grants(doc), iam_diff.grants(wider)
    assert iam_diff.lost(a1, a2, d2, d1) == []


def test_statements_match_by_sid_then_by_position():
    old = {
        "Statement": [
            {"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"},
        ]
    }
    new = {
        "Statement": [
            {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": "*"},
            {"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
        ]
    }
    lines = [line for d in iam_diff.diff_documents(old, new) for line in d.lines()]
    assert lines == [
        "~ statement #1 (Allow)",
        "    + Action: kms:Encrypt",
        "~ statement 'A' (Allow)",
        "    - Resource: *",
        "    + Resource: arn:aws:s3:::b/*",
    ]


def test_a_new_sid_is_a_new_statement_not_an_edit():
    old = {"Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    new = {"Statement": [{"Sid": "B", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    assert [d.status for d in iam_diff.diff_documents(old, new)] == ["added", "removed"]


def test_wildcards_cover_and_conditions_narrow():
    (old, _), (new, _) = (
        iam_diff.grants({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/x"}]}),
        iam_diff.grants({"Statement": [{"Effect": "Allow", "Action": "S3:Get*", "Resource": "arn:aws:s3:::b/*"}]}),
    )
    assert iam_diff.lost(old, new, set(), set()) == []
    conditioned = iam_diff.grants(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::b/x",
                    "Condition": {"StringEquals": {"aws:SourceOrgId": "o-1"}},
                }
            ]
        }
    )[0]
    assert iam_diff.lost(old, conditioned, set(), set()) == [("s3:GetObject", "arn:aws:s3:::b/x", frozenset())]
    denied = iam_diff.grants({"Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]})[1]
    assert iam_diff.lost(old, old, denied, set()) == [("s3:GetObject", "arn:aws:s3:::b/x", frozenset())]


TRUST = {
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "pods.eks.amazonaws.com"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {
                "StringEquals": {"aws:RequestTag/kubernetes-namespace": ["a", "b"], "aws:RequestTag/kubernetes-service-account": ["sa"]}
            },
        }
    ]
}


def test_trust_admits_only_its_scope_and_narrowing_is_named():
    assert iam_diff.admits(TRUST, "a", "sa") and not iam_diff.admits(TRUST, "c", "sa") and not iam_diff.admits(TRUST, "a", "x")
    unscoped = {"Statement": [{**TRUST["Statement"][0], "Condition": {}}]}
    assert iam_diff.admits(unscoped, "anything", "any")
    narrower = copy.deepcopy(TRUST)
    narrower["Statement"][0]["Condition"]["StringEquals"]["aws:RequestTag/kubernetes-namespace"] = ["a"]
    assert iam_diff.narrowed(TRUST, narrower) == ["condition value removed: StringEquals aws:RequestTag/kubernetes-namespace=b"]
    assert iam_diff.narrowed(narrower, TRUST) == [], "a value added widens"
    assert iam_diff.narrowed(unscoped, TRUST)[0].startswith("condition added:")
    assert iam_diff.narrowed(TRUST, unscoped) == [], "a condition removed whole widens"
    no_tags = copy.deepcopy(TRUST)
    no_tags["Statement"][0]["Action"] = ["sts:AssumeRole"]
    assert iam_diff.narrowed(TRUST, no_tags) == ["Action removed: sts:TagSession"]
