"""ABAC templates: one policy for every namespace, keyed on the session tags EKS sends."""

from __future__ import annotations

import pytest
from eks_pod_identity.iam import abac, documents, grammar

from tests.helpers import validators


@pytest.mark.parametrize("key", sorted(abac.TEMPLATES))
def test_abac_templates_key_on_the_namespace_session_tag_and_pass_parliament(key):
    raw = {
        "s3NamespacePrefix": {"bucketArns": ["arn:aws:s3:::shared"]},
        "secretsByNamespaceTag": {},
        "dynamodbNamespaceKeys": {"tableArns": ["arn:aws:dynamodb:us-west-2:123456789012:table/t"]},
    }[key]
    doc = documents.document(abac.TEMPLATES[key].build(abac.TEMPLATES[key].params.model_validate(raw), "aws"))
    assert "${aws:PrincipalTag/kubernetes-namespace}" in documents.to_json(doc)
    assert grammar.document_problems(doc) == []
    assert validators.unwaived(validators.parliament_findings(doc)) == []


def test_s3_prefix_per_cluster():
    params = abac.BucketsParams.model_validate({"bucketArns": ["arn:aws:s3:::shared"], "perCluster": True})
    objects = abac.s3_namespace_prefix(params, "aws")[0]
    assert objects["Resource"] == [
        "arn:aws:s3:::shared/cluster/${aws:PrincipalTag/eks-cluster-name}/namespace/${aws:PrincipalTag/kubernetes-namespace}/*"
    ]


def test_the_two_s3_layouts_never_overlap_on_one_bucket():
    """A flat-layout namespace named like a cluster must not reach that cluster's tenants."""

    def prefix(per_cluster: bool, cluster: str, namespace: str) -> str:
        params = abac.BucketsParams.model_validate({"bucketArns": ["arn:aws:s3:::shared"], "perCluster": per_cluster})
        (resource,) = abac.s3_namespace_prefix(params, "aws")[0]["Resource"]
        return (
            resource.replace("${aws:PrincipalTag/eks-cluster-name}", cluster)
            .replace("${aws:PrincipalTag/kubernetes-namespace}", namespace)
            .removesuffix("*")
        )

    for cluster in ("prod-blue", "cluster", "namespace"):
        for ns in ("prod-blue", "cluster", "namespace", "team-a"):
            flat, scoped = prefix(False, "x", cluster), prefix(True, cluster, ns)
            assert not scoped.startswith(flat) and not flat.startswith(scoped)
