"""ABAC templates: one policy for every namespace, keyed on the session tags EKS sends."""

from __future__ import annotations

import pytest
from eks_pod_identity.iam import abac, documents, grammar

from tests.helpers import validators
from tests.helpers.config_cases import parse_identity, refusals


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


@pytest.mark.parametrize(
    ("key", "value"), [("accountId", " "), ("accountId", "1234"), ("accountId", "*:*"), ("region", "us east 1"), ("region", "")]
)
def test_abac_secrets_account_and_region_are_validated(key, value):
    """`accountId: ' '` built `arn:aws:secretsmanager:*: :secret:*`, which the grammar refuses."""
    (problem,) = refusals(abac={"secretsByNamespaceTag": {key: value}})
    assert f"abac.secretsByNamespaceTag.{key} = {value!r}" in problem


@pytest.mark.parametrize("params", [{}, {"accountId": "210987654321"}, {"region": "eu-west-1", "accountId": "*"}])
def test_every_accepted_abac_secrets_statement_passes_the_grammar(params):
    cfg = parse_identity(abac={"secretsByNamespaceTag": params})
    statements = abac.statements_for(cfg.identities[0].abac_templates, "aws")
    assert grammar.document_problems(documents.document(statements)) == []
