"""The IRSA migration plan: annotated service accounts become roleArn identities (grouped by
shared role), and each role's trust gains exactly one pods.eks.amazonaws.com statement merged
with what it has, then loses only the OIDC statements of what moved."""

from __future__ import annotations

import pytest
from eks_pod_identity import stack as config_module
from eks_pod_identity.offline import migration as migration_module
from eks_pod_identity.offline.inputs import irsa as trust
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers.irsa import CLUSTER, EKSCTL_ROLE, identities, inputs, role_plan


def test_service_accounts_sharing_a_role_are_grouped(migration):
    found = identities(migration)
    assert found["shared-s3-reader"] == {
        "name": "shared-s3-reader",
        "namespaces": ["team-a", "team-b"],
        "serviceAccount": "app",
        "clusters": [CLUSTER],
        "roleArn": "arn:aws:iam::111122223333:role/shared-s3-reader",
    }
    # analytics/reader and etl/loader share a role but are no (namespaces x service accounts)
    # product: one identity each, or the stack would also bind analytics/loader and etl/reader.
    assert [(v.get("namespace"), v.get("serviceAccount")) for k, v in found.items() if k.startswith("analytics-data")] == [
        ("analytics", "reader"),
        ("etl", "loader"),
    ]
    assert len(found) == 8, "nine annotated service accounts, one skipped for a bad ARN, two sharing one identity"
    assert found["default-irsa-demo"]["roleArn"].endswith(EKSCTL_ROLE), "named after the service account eksctl tagged it with"


@pytest.mark.parametrize(
    "pairs,expected",
    [
        ([("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")], [(["a", "b"], ["x", "y"])]),
        ([("a", "x"), ("b", "y")], [(["a"], ["x"]), (["b"], ["y"])]),
        ([("a", "x"), ("b", "x"), ("c", "y")], [(["a", "b"], ["x"]), (["c"], ["y"])]),
    ],
)
def test_blocks_cover_the_pairs_exactly(pairs, expected):
    assert migration_module.blocks(pairs) == expected


@settings(max_examples=200, deadline=None)
@given(st.sets(st.tuples(st.sampled_from("abcd"), st.sampled_from("wxyz")), min_size=1))
def test_blocks_never_bind_more_or_less_than_asked(pairs):
    covered = [(ns, sa) for namespaces, sas in migration_module.blocks(sorted(pairs)) for ns in namespaces for sa in sas]
    assert sorted(covered) == sorted(pairs)


def test_a_role_in_another_account_becomes_a_target_role(migration):
    found = identities(migration)["reporting-exporter"]
    assert found["targetRole"] == {"arn": "arn:aws:iam::444455556666:role/reporting-exporter"}
    assert found["roleName"] == "reporting-exporter-pod-identity" and "roleArn" not in found
    p = role_plan(migration, "reporting-exporter")
    (statement,) = p.statements
    assert p.cross_account and p.external_ids == {("reporting", "exporter"): "EXTERNAL_ID_5_1"}
    assert statement["Principal"] == {"AWS": ["arn:aws:iam::111122223333:root"]}
    assert statement["Condition"] == {
        "ArnEquals": {"aws:PrincipalArn": ["arn:aws:iam::111122223333:role/reporting-exporter-pod-identity"]},
        "StringEquals": {"sts:ExternalId": ["@@EXTERNAL_ID_5_1@@"]},
    }


def test_the_fragment_passes_the_programs_config_checks(migration):
    assert migration_module.fragment_problems(migration) == []
    raw = {"clusters": [{"name": CLUSTER, "create": False}], "identities": [i.config(CLUSTER) for i in migration.identities]}
    cfg = config_module.parse(raw)
    bound = {(b.namespace, b.service_account): b.identity for b in cfg.bindings()}
    assert set(bound) == {
        ("carts", "carts"),
        ("default", "irsa-demo"),
        ("analytics", "reader"),
        ("etl", "loader"),
        ("team-a", "app"),
        ("team-b", "app"),
        ("reporting", "exporter"),
        ("batch", "nightly"),
        ("kube-system", "aws-node"),
    }


def test_the_pods_statement_is_added_once_with_the_current_trust_kept(migration):
    p = role_plan(migration, EKSCTL_ROLE)
    assert p.changed and p.merged is not None and p.role is not None
    assert p.merged["Statement"][:-1] == p.role.trust["Statement"], "the IRSA statement stays while pods move"
    assert p.merged["Statement"][-1] == {
        "Sid": "EksPodIdentity",
        "Effect": "Allow",
        "Principal": {"Service": "pods.eks.amazonaws.com"},
        "Action": ["sts:AssumeRole", "sts:TagSession"],
        "Condition": {
            "StringEquals": {"aws:RequestTag/kubernetes-namespace": ["default"], "aws:RequestTag/kubernetes-service-account": ["irsa-demo"]}
        },
    }
    again, changed = trust.merge(p.merged, p.statements)
    assert not changed and again["Statement"] == p.merged["Statement"], "merging twice duplicates nothing"


def test_an_existing_scoped_statement_is_kept_and_only_the_uncovered_pair_is_added(migration):
    """analytics/reader is already admitted; etl/loader gets its own statement. Widening the
    existing one to both namespaces and both service accounts would also admit
    analytics/loader and etl/reader, which nobody bound."""
    p = role_plan(migration, "analytics-data")
    pods = [s for s in (p.merged or {})["Statement"] if s.get("Principal", {}).get("Service")]
    assert p.changed and [s["Condition"]["StringEquals"] for s in pods] == [
        {"aws:RequestTag/kubernetes-namespace": ["analytics"], "aws:RequestTag/kubernetes-service-account": ["reader"]},
        {"aws:RequestTag/kubernetes-namespace": ["etl"], "aws:RequestTag/kubernetes-service-account": ["loader"]},
    ]
    assert [s["Sid"] for s in pods] == ["EksPodIdentity", "EksPodIdentity2"]


def test_an_unconditioned_pods_statement_needs_no_change(migration):
    p = role_plan(migration, "carts-dynamo")
    assert not p.changed and p.role is not None and p.merged == p.role.trust


def test_the_final_trust_drops_only_oidc_statements_of_migrated_service_accounts(migration):
    eksctl = role_plan(migration, EKSCTL_ROLE)
    assert [s["Sid"] for s in eksctl.final["Statement"]] == ["EksPodIdentity"] and eksctl.kept == []
    shared = role_plan(migration, "shared-s3-reader")
    federated = [s["Principal"].get("Federated") for s in shared.final["Statement"]]
    assert federated == [
        "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/0A1B2C3D4E5F60718293A4B5C6D7E8F9",
        None,
    ]
    assert shared.kept == [
        (
            "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/"
            "0A1B2C3D4E5F60718293A4B5C6D7E8F9: another cluster's OIDC provider"
        )
    ]
    carts = role_plan(migration, "carts-dynamo")
    assert carts.final == carts.merged and "also allows system:serviceaccount:carts:*" in carts.kept[0]


def test_the_clusters_account_from_describe_cluster_flag_or_majority():
    assert migration_module.plan(inputs(), CLUSTER).account_from == "describe-cluster"
    flagged = migration_module.plan(inputs(cluster_info=False), CLUSTER, account="444455556666")
    assert flagged.account == "444455556666" and [p.name for p in flagged.roles if not p.cross_account] == ["reporting-exporter"]
    guessed = migration_module.plan(inputs(cluster_info=False), CLUSTER)
    assert guessed.account == "111122223333" and guessed.account_from.startswith("assumed")


def test_without_the_issuer_every_matching_oidc_statement_counts():
    shared = role_plan(migration_module.plan(inputs(cluster_info=False), CLUSTER), "shared-s3-reader")
    assert [s.get("Sid") for s in shared.final["Statement"]] == ["EksPodIdentity"], (
        "both providers' statements allow only migrated service accounts"
    )
