"""IAM documents, tested as plain data: exactly what IAM receives."""

from __future__ import annotations

import json

from eks_pod_identity.iam import documents


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


def test_large_policies_are_split_to_fit():
    statements = [
        {"Sid": f"S{i}", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": f"arn:aws:s3:::bucket-{i:04d}/*"} for i in range(200)
    ]
    docs = documents.split_documents(statements)
    assert len(docs) > 1 and sum(len(d["Statement"]) for d in docs) == 200
    assert all(len(documents.to_json(d)) <= documents.MANAGED_POLICY_MAX for d in docs)
