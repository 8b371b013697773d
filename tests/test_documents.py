"""IAM documents, tested as plain data: exactly what IAM receives."""

import json

from eks_pod_identity.iam import admin, documents, grammar


def test_to_json_is_stable_and_round_trips():
    doc = documents.document([documents.s3_put_object_statement("arn:aws:s3:::b")])
    assert documents.to_json(doc) == documents.to_json(json.loads(documents.to_json(doc)))
    assert json.loads(documents.to_json(doc)) == doc


def test_ec2_trust_policy_follows_the_partition_dns_suffix():
    (statement,) = documents.ec2_trust_policy("amazonaws.com.cn")["Statement"]
    assert statement["Principal"] == {"Service": "ec2.amazonaws.com.cn"}
    assert statement["Action"] == "sts:AssumeRole"


def test_put_object_statement_is_write_only_on_the_bucket_objects():
    statement = documents.s3_put_object_statement("arn:aws:s3:::b")
    assert statement["Action"] == ["s3:PutObject"]
    assert statement["Resource"] == "arn:aws:s3:::b/*"


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


def test_grants_admin_only_for_allow_star_on_star():
    assert admin.grants_admin({"Effect": "Allow", "Action": "*", "Resource": "*"})
    assert admin.grants_admin({"Effect": "Allow", "Action": ["s3:GetObject", "*:*"], "Resource": ["*"]})
    assert not admin.grants_admin({"Effect": "Deny", "Action": "*", "Resource": "*"})
    assert not admin.grants_admin({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    assert not admin.grants_admin({"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b"})


def test_admin_policy_arn_in_any_partition():
    assert admin.is_admin_policy_arn("arn:aws-us-gov:iam::aws:policy/AdministratorAccess")
    assert not admin.is_admin_policy_arn("arn:aws:iam::123456789012:policy/AdministratorAccess")
