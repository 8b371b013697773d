"""IAM as IAM would judge it: trust policies evaluated on the session tags EKS sends, and
moto's policy validators as a second opinion on what the program writes."""

from __future__ import annotations

import json

from moto.iam.exceptions import MalformedPolicyDocument
from moto.iam.policy_validation import IAMPolicyDocumentValidator

ARN = {c: f"arn:aws:eks:us-east-1:123456789012:cluster/{c}" for c in ("blue", "green", "red")}


def admits(doc: dict, cluster: str, namespace: str, service_account: str, arns: dict[str, str] = ARN) -> bool:
    """Would IAM let EKS assume the role for this pod? (Allow statements, StringEquals only.)"""
    tags = {
        "aws:RequestTag/kubernetes-namespace": namespace,
        "aws:RequestTag/kubernetes-service-account": service_account,
        "aws:RequestTag/eks-cluster-arn": arns[cluster],
        "aws:SourceOrgId": "${aws:ResourceOrgId}",
    }
    for statement in doc["Statement"]:
        assert statement["Principal"] == {"Service": "pods.eks.amazonaws.com"}
        assert statement["Action"] == ["sts:AssumeRole", "sts:TagSession"]
        conditions = statement.get("Condition", {})
        assert set(conditions) <= {"StringEquals"}, "only StringEquals is evaluated here"
        equals = conditions.get("StringEquals", {})
        if all(tags[key] in (values if isinstance(values, list) else [values]) for key, values in equals.items()):
            return True
    return False


def moto_accepts(doc: dict, validator=IAMPolicyDocumentValidator) -> bool:
    try:
        validator(json.dumps(doc)).validate()
    except MalformedPolicyDocument:
        return False
    return True
