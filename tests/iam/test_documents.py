"""IAM documents, tested as plain data: exactly what IAM receives."""

from __future__ import annotations

import json

from eks_pod_identity.iam import documents


def test_to_json_is_stable_and_round_trips():
    """Equal documents give one text whatever order their keys were built in (so an unchanged
    document never shows as a diff), with sorted keys and no white space, and read back equal."""
    statement = documents.s3_put_object_statement("arn:aws:s3:::b")
    doc = documents.document([statement])
    reordered = {"Statement": [dict(reversed(list(statement.items())))], "Version": doc["Version"]}
    assert reordered == doc and list(reordered) != list(doc) and list(reordered["Statement"][0]) != list(statement)
    text = documents.to_json(doc)
    assert documents.to_json(reordered) == text
    assert text == (
        '{"Statement":[{"Action":["s3:PutObject"],"Effect":"Allow","Resource":"arn:aws:s3:::b/*","Sid":"PutSampleObjects"}],'
        '"Version":"2012-10-17"}'
    )
    assert json.loads(text) == doc


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
