"""IAM's grammar as pure predicates, with moto's IAM validator as a second opinion: what the
grammar accepts, IAM (and moto) accept."""

from __future__ import annotations

import pytest
from eks_pod_identity import arn
from eks_pod_identity.iam import documents, grammar
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers.iam import moto_accepts


def test_statement_problems_accepts_a_valid_statement():
    assert (
        grammar.statement_problems(
            {
                "Sid": "Read",
                "Effect": "Allow",
                "Action": ["s3:GetObject"],
                "Resource": "arn:aws:s3:::b/*",
                "Condition": {"StringEquals": {"aws:ResourceTag/team": "x"}},
            }
        )
        == []
    )


def test_statement_problems_names_each_defect():
    problems = grammar.statement_problems(
        {"Effect": "allow", "Action": "GetObject", "Principal": "*", "Resource": "bucket", "Sid": "no-dashes"}
    )
    text = " | ".join(problems)
    assert "Principal" in text and "Effect" in text and "'GetObject'" in text and "'bucket'" in text and "Sid" in text


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
        "arn:aws-cn:iam::123456789012:policy/team/x",
        "arn:aws-us-gov:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
    ],
)
def test_policy_arns_in_every_partition(arn):
    assert grammar.POLICY_ARN.match(arn)


@pytest.mark.parametrize("arn", ["arn:aws:iam::aws:role/x", "arn:azure:iam::aws:policy/x", "AmazonS3ReadOnlyAccess"])
def test_bad_policy_arns(arn):
    assert not grammar.POLICY_ARN.match(arn)


def test_role_arns():
    assert grammar.ROLE_ARN.match("arn:aws:iam::123456789012:role/path/name")
    assert not grammar.ROLE_ARN.match("arn:aws:iam::123456789012:role/rôle"), "IAM names are ASCII"
    assert not grammar.ROLE_ARN.match("arn:aws:iam::aws:role/name")
    assert arn.partition_of("arn:aws-cn:iam::123456789012:role/name") == "aws-cn"


# --- against moto's validator ---------------------------------------------------------------


OK = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}


@pytest.mark.parametrize(
    "statement, expected",
    [
        ({**OK, "Action": []}, "Action is empty"),
        ({**OK, "Resource": []}, "Resource is empty"),
        ({**OK, "Resource": "arn:"}, "is not '*' nor an ARN"),
        ({**OK, "Resource": "arn:*"}, "is not '*' nor an ARN"),
        ({**OK, "Condition": {"StringEqualz": {"aws:PrincipalTag/x": "y"}}}, "'StringEqualz' is not one IAM knows"),
    ],
)
def test_grammar_refuses_what_iam_refuses_and_so_does_moto(statement, expected):
    assert expected in " ".join(grammar.statement_problems(statement))
    assert not moto_accepts(documents.document([statement]))


@pytest.mark.parametrize("operator", ["StringEquals", "ForAnyValue:StringLike", "ArnLikeIfExists", "Null", "ForAllValues:StringEquals"])
def test_every_iam_condition_operator_form_is_known(operator):
    assert grammar.statement_problems({**OK, "Condition": {operator: {"aws:PrincipalTag/x": "y"}}}) == []


def test_null_takes_no_if_exists():
    assert grammar.condition_operator_problem("NullIfExists")


def test_duplicate_sids_are_refused_by_both():
    doc = documents.document([{**OK, "Sid": "A"}, {**OK, "Sid": "A"}])
    assert "appears twice" in " ".join(grammar.document_problems(doc))
    assert not moto_accepts(doc)


services = st.sampled_from(["s3", "iam", "ec2", "sts", "*"])


actions = st.one_of(
    st.builds(lambda s, a: f"{s}:{a}", services, st.sampled_from(["Get*", "PutObject", "PassRole", "*"])), st.just("*"), st.text(max_size=6)
)


resources = st.one_of(
    st.sampled_from(
        ["*", "arn:aws:s3:::b/*", "arn:aws:iam::123456789012:role/r", "arn:", "arn:*", "arn:aws:*", "arn:*:s3:::b", "arn:aws:s3"]
    ),
    st.text(max_size=8),
)


statements = st.fixed_dictionaries(
    {"Effect": st.sampled_from(["Allow", "Deny", "allow"])},
    optional={
        "Action": st.one_of(actions, st.lists(actions, max_size=3)),
        "Resource": st.one_of(resources, st.lists(resources, max_size=3)),
        "Sid": st.sampled_from(["A", "B", "bad sid"]),
        "Condition": st.sampled_from([{"StringEquals": {"aws:PrincipalTag/t": "v"}}, {"Bogus": {"k": "v"}}, {}]),
    },
)


@settings(max_examples=300, deadline=None)
@given(st.lists(statements, min_size=1, max_size=3))
def test_what_the_grammar_accepts_moto_accepts(items):
    doc = documents.document(items)
    if grammar.document_problems(doc) == []:
        assert moto_accepts(doc), doc


@pytest.mark.parametrize("resource", ["arn:aws:*", "arn:aws:s3*", "arn:aws:*:*:*:*", "arn:aws:?3:::b"])
def test_a_wildcard_service_segment_is_refused_as_iam_refuses_it(resource):
    """IAM User Guide, reference_policies_elements_resource: no wildcard in the service segment."""
    (problem,) = grammar.statement_problems({"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource})
    assert "wildcard in its service segment" in problem


@pytest.mark.parametrize("resource", ["arn:aws:ec2:*", "arn:aws:s3:::b/*", "arn:aws:ec2:us-east-1:*", "arn:*:s3:::b"])
def test_wildcards_elsewhere_in_an_arn_stay_valid(resource):
    assert grammar.statement_problems({"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource}) == []


def test_an_absent_field_is_no_values():
    assert grammar.as_list(None) == [] and grammar.as_list("a") == ["a"] and grammar.as_list(["a"]) == ["a"]


@pytest.mark.parametrize(
    ("condition", "problem"),
    [
        ({5: {"a": "b"}}, "condition operator 5 is not one IAM knows"),
        ({"StringEquals": {"k": {"b": 1}}}, "Condition 'StringEquals' 'k': a condition value is text, a number, a boolean or a list"),
        ({"StringEquals": {"k": [["x"]]}}, "Condition 'StringEquals' 'k': a condition value is text, a number, a boolean or a list"),
    ],
)
def test_a_condition_iam_cannot_read_is_a_problem_not_a_crash(condition, problem):
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": condition}
    assert any(p.startswith(problem) for p in grammar.statement_problems(statement)), grammar.statement_problems(statement)


def test_condition_values_iam_reads_are_no_problem():
    condition = {"Bool": {"aws:SecureTransport": False}, "NumericLessThan": {"s3:max-keys": 10}, "StringEquals": {"k": ["a", "b"]}}
    assert grammar.statement_problems({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", "Condition": condition}) == []
