"""The review's pure parts: value diffs, property paths, IAM document diffs, permission and
trust comparisons; with properties checked on generated inputs (hypothesis)."""

from __future__ import annotations

import ast
import copy
import re
from pathlib import Path

from eks_pod_identity import arn, kubernetes
from eks_pod_identity.cluster import rules as cluster_rules
from eks_pod_identity.iam import grammar
from eks_pod_identity.identity import trust as components_trust
from eks_pod_identity.offline.review import iam_diff
from eks_pod_identity.offline.review.compare import diff_values
from eks_pod_identity.offline.review.facts import ENGINE_FACTS
from eks_pod_identity.offline.review.paths import contains, format_path, overlaps, parse_path
from eks_pod_identity.offline.review.provider_rules import RULES
from eks_pod_identity.offline.review.replacements import forcing_fact
from eks_pod_identity.sample import rules as sample_rules
from hypothesis import given, settings
from hypothesis import strategies as st

# --- value diffs and paths ------------------------------------------------------------------

keys = st.text(alphabet='abcxyz.-/"', min_size=1, max_size=4)
leaves = st.none() | st.booleans() | st.integers(-3, 3) | st.text(alphabet="ab", max_size=2)
values = st.recursive(leaves, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3), max_leaves=12)


@settings(max_examples=100, deadline=None)
@given(values, values)
def test_a_diff_is_empty_exactly_when_values_are_equal_and_swapping_swaps_it(a, b):
    def without_nulls(value):
        # Pulumi does not tell a null input from a missing one; neither does the diff.
        if isinstance(value, dict):
            return {k: without_nulls(v) for k, v in value.items() if v is not None}
        return [without_nulls(v) for v in value] if isinstance(value, list) else value

    forward, backward = diff_values(a, b), diff_values(b, a)
    assert (forward == []) == (without_nulls(a) == without_nulls(b))
    assert sorted(map(repr, forward)) == sorted(repr((p, y, x)) for p, x, y in backward)


@settings(max_examples=100, deadline=None)
@given(values, values)
def test_every_diff_path_leads_to_the_values_it_reports(a, b):
    def at(value, path):
        for part in path:
            if isinstance(value, dict):
                value = value.get(part)
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                return None
        return value

    for path, old, new in diff_values(a, b):
        assert at(a, path) == old and at(b, path) == new and old != new


@settings(max_examples=150, deadline=None)
@given(st.lists(keys | st.integers(0, 5), min_size=1, max_size=5))
def test_paths_survive_formatting(path):
    assert parse_path(format_path(tuple(path))) == tuple(path)


def test_paths_contain_and_overlap():
    assert parse_path('spec.template["a.b"][0].c') == ("spec", "template", "a.b", 0, "c")
    assert contains(("spec", "template"), ("spec", "template", "spec", "containers", 0))
    assert contains(("a", "*", "b"), ("a", 3, "b")) and not contains(("a", "b"), ("a",))
    assert overlaps(("spec",), ("spec", "selector")) and overlaps(("spec", "selector"), ("spec",))
    assert not overlaps(("spec", "replicas"), ("spec", "selector"))


# --- IAM documents ---------------------------------------------------------------------------

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


def test_an_unknown_value_forces_only_at_or_under_a_force_new_path():
    job = RULES["kubernetes:batch/v1:Job"]
    assert forcing_fact(job, ("spec",)) is not None, "a known change of the whole spec touches spec.template"
    assert forcing_fact(job, ("spec",), unknown=True) is None, "an unknown spec: the provider plans an update"
    assert forcing_fact(job, ("spec", "template"), unknown=True) is not None
    assert forcing_fact(job, ("spec", "template", "metadata"), unknown=True) is not None
    assert forcing_fact(job, ("spec", "backoffLimit")) is None


# --- the offline package's own sources ------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {
    str(p.relative_to(ROOT / "components" / "offline")): p.read_text() for p in sorted((ROOT / "components" / "offline").rglob("*.py"))
}


def test_the_offline_tools_cite_only_what_a_reader_can_open():
    """No private path, no search-index id, no file of the repository that is not there."""
    for name, text in SOURCES.items():
        assert "/work/" not in text and "index id" not in text, name
        for cited in re.findall(r"(?<![\w/.:-])((?:[\w-]+/)+[\w.-]+\.md)\b", text):
            assert (ROOT / cited).is_file(), f"offline/{name} cites {cited}, which is not in the repository"


def _top_level(tree: ast.Module) -> list[tuple[str, str, object]]:
    """(name, its definition as text, its literal value or None) of each top-level def, class and assignment."""
    out = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out.append((node.name, ast.dump(node), None))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                value = None
            out += [(t.id, ast.dump(node.value), value) for t in targets if isinstance(t, ast.Name)]
    return out


SHARED = (arn, kubernetes, grammar, cluster_rules, sample_rules)


def test_no_constant_or_helper_is_written_twice():
    """A value or helper the offline tools share is defined once and imported, here and from components/."""
    where: dict[tuple[str, str], list[str]] = {}
    for name, text in SOURCES.items():
        tree = ast.parse(text)
        for symbol, definition, value in _top_level(tree):
            where.setdefault((symbol, definition), []).append(name)
            shared = [m for m in SHARED if value is not None and getattr(m, symbol, None) == value]
            if shared:
                raise AssertionError(f"offline/{name} redefines {shared[0].__name__}.{symbol}: import it")
        literals = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        assert components_trust.SID not in literals, f"offline/{name} spells out components.trust.SID: import it"
    twice = {symbol: files for (symbol, _), files in where.items() if len(files) > 1}
    assert not twice, f"defined in more than one module of offline/: {twice}"


def test_every_engine_fact_is_cited_somewhere():
    others = "".join(text for name, text in SOURCES.items() if not name.endswith(("provider_rules.py", "facts.py")))
    unused = [key for key in ENGINE_FACTS if f"'{key}'" not in others and f'"{key}"' not in others]
    assert not unused, f"ENGINE_FACTS entries nothing cites: {unused}"
