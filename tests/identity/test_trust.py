"""Trust policies admit exactly the bound pods: checked by evaluating them the way IAM
evaluates `StringEquals` conditions, on the session tags EKS sends, for every combination."""

from __future__ import annotations

import itertools
import json

import pytest
from eks_pod_identity.identity import trust
from hypothesis import given, settings
from hypothesis import strategies as st
from moto.iam.policy_validation import IAMTrustPolicyDocumentValidator

from tests.helpers.iam import ARN, admits, moto_accepts


def policy(bindings, by_service_account=True, by_cluster=False) -> dict:
    return trust.trust_policy(trust.exact_scopes(bindings, by_service_account, by_cluster), ARN)


def test_unscoped_trust_is_exactly_the_documented_one():
    assert trust.trust_policy() == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EksPodIdentity",
                "Effect": "Allow",
                "Principal": {"Service": "pods.eks.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
            }
        ],
    }


def test_a_fan_out_stays_one_statement():
    bindings = [(c, ns, "app") for c in ("blue", "green") for ns in ("team-a", "team-b", "team-c")]
    (statement,) = policy(bindings)["Statement"]
    assert statement["Sid"] == "EksPodIdentity"
    assert statement["Condition"] == {
        "StringEquals": {
            "aws:RequestTag/kubernetes-namespace": ["team-a", "team-b", "team-c"],
            "aws:RequestTag/kubernetes-service-account": ["app"],
        }
    }


def test_an_add_on_binding_does_not_widen_the_trust_to_mixed_pairs():
    """The issue's case: team-a/app plus the EBS CSI add-on at kube-system/ebs-csi-controller-sa."""
    doc = policy([("blue", "team-a", "app"), ("blue", "kube-system", "ebs-csi-controller-sa")])
    assert admits(doc, "blue", "team-a", "app") and admits(doc, "blue", "kube-system", "ebs-csi-controller-sa")
    assert not admits(doc, "blue", "kube-system", "app")
    assert not admits(doc, "blue", "team-a", "ebs-csi-controller-sa")
    assert [s["Sid"] for s in doc["Statement"]] == ["EksPodIdentity1", "EksPodIdentity2"]


def test_cluster_scope_admits_each_binding_in_its_own_clusters():
    doc = policy([("blue", "team-a", "app"), ("green", "kube-system", "ebs-csi-controller-sa")], by_cluster=True)
    assert admits(doc, "blue", "team-a", "app") and admits(doc, "green", "kube-system", "ebs-csi-controller-sa")
    assert not admits(doc, "green", "team-a", "app")


def test_source_org_goes_into_every_statement():
    doc = trust.trust_policy(trust.exact_scopes([("", "a", "x"), ("", "b", "y")]), source_org_id="o-abcdefghij")
    assert all(s["Condition"]["StringEquals"]["aws:SourceOrgId"] == "o-abcdefghij" for s in doc["Statement"])


def test_target_trust_always_requires_the_external_ids():
    doc = trust.target_trust_policy(["arn:aws:iam::123456789012:role/a"], ["ext-2", "ext-1"])
    (statement,) = doc["Statement"]
    assert statement["Principal"] == {"AWS": ["arn:aws:iam::123456789012:root"]}
    assert statement["Condition"] == {
        "ArnEquals": {"aws:PrincipalArn": ["arn:aws:iam::123456789012:role/a"]},
        "StringEquals": {"sts:ExternalId": ["ext-1", "ext-2"]},
    }
    with pytest.raises(ValueError, match="external IDs"):
        trust.target_trust_policy(["arn:aws:iam::123456789012:role/a"], [])


names = st.sampled_from(["a", "b", "c", "d"])


bindings_strategy = st.sets(st.tuples(st.sampled_from(sorted(ARN)), names, st.sampled_from(["x", "y", "z"])), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(bindings=bindings_strategy, by_cluster=st.booleans())
def test_trust_admits_exactly_the_bindings(bindings, by_cluster):
    doc = policy(bindings, by_cluster=by_cluster)
    bound = bindings if by_cluster else {(c, ns, sa) for c in ARN for (_, ns, sa) in bindings}
    for cluster, ns, sa in itertools.product(ARN, ["a", "b", "c", "d"], ["x", "y", "z"]):
        assert admits(doc, cluster, ns, sa) == ((cluster, ns, sa) in bound), (cluster, ns, sa)
    assert len(doc["Statement"]) <= len(bindings)


@settings(max_examples=100, deadline=None)
@given(bindings=bindings_strategy)
def test_unscoped_by_service_account_still_scopes_clusters(bindings):
    doc = policy(bindings, by_service_account=False, by_cluster=True)
    clusters = {c for c, _, _ in bindings}
    for cluster in ARN:
        assert admits(doc, cluster, "any", "thing") == (cluster in clusters)


OIDC = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"


def test_irsa_trust_kept_during_a_move_names_exactly_the_bound_service_accounts():
    (statement,) = trust.irsa_statements([OIDC], [("team-a", "app"), ("team-b", "app")])
    issuer = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
    assert statement == {
        "Sid": "Irsa1",
        "Effect": "Allow",
        "Principal": {"Federated": OIDC},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": {
                f"{issuer}:sub": ["system:serviceaccount:team-a:app", "system:serviceaccount:team-b:app"],
                f"{issuer}:aud": "sts.amazonaws.com",
            }
        },
    }


def test_an_identity_can_keep_its_irsa_trust():
    from eks_pod_identity.offline.harness import runner

    identities = [
        {
            "name": "s3-reader",
            "namespace": "default",
            "serviceAccount": "aws-cli-sa",
            "managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
            "irsa": {"oidcProviderArns": [OIDC]},
        }
    ]
    result = runner.run_stack("dev", overrides={"eks-pod-identity:identities": identities})
    (role,) = result.under("s3-reader", "aws:iam/role:Role")
    doc = json.loads(role.inputs["assumeRolePolicy"])
    assert [s["Sid"] for s in doc["Statement"]] == ["EksPodIdentity", "Irsa1"]
    IAMTrustPolicyDocumentValidator(json.dumps(doc)).validate()


def test_an_add_on_in_a_cluster_outside_the_identitys_clusters_passes_the_cluster_scoped_trust():
    from eks_pod_identity.offline.harness import runner

    clusters = [
        {"name": "blue", "create": False},
        {
            "name": "green",
            "create": False,
            "addons": [{"name": "aws-ebs-csi-driver", "identity": "ebs", "serviceAccount": "ebs-csi-controller-sa"}],
        },
    ]
    identities = [{"name": "ebs", "namespace": "team-a", "serviceAccount": "app", "clusters": ["blue"], "trust": {"scopeToClusters": True}}]
    result = runner.run_stack(
        "prod",
        overrides={
            "eks-pod-identity:clusters": clusters,
            "eks-pod-identity:identities": identities,
            "eks-pod-identity:sample": {"kind": "none"},
        },
    )
    (role,) = result.under("ebs", "aws:iam/role:Role")
    doc = json.loads(role.inputs["assumeRolePolicy"])
    arns = {c: f"arn:aws:eks:us-east-1:123456789012:cluster/{c}" for c in ("blue", "green")}
    assert admits(doc, "green", "kube-system", "ebs-csi-controller-sa", arns), "the add-on's pods could not assume the role"
    assert admits(doc, "blue", "team-a", "app", arns)
    assert not admits(doc, "blue", "kube-system", "ebs-csi-controller-sa", arns)
    assert not admits(doc, "green", "team-a", "app", arns)


@settings(max_examples=100, deadline=None)
@given(
    st.sets(
        st.tuples(st.sampled_from(["a", "b"]), st.sampled_from(["n1", "n2", "kube-system"]), st.sampled_from(["x", "y"])),
        min_size=1,
        max_size=8,
    ),
    st.booleans(),
)
def test_trust_policies_pass_moto_trust_validator(bindings, by_cluster):
    arns = {"a": "arn:aws:eks:us-east-1:123456789012:cluster/a", "b": "arn:aws:eks:us-east-1:123456789012:cluster/b"}
    doc = trust.trust_policy(trust.exact_scopes(bindings, True, by_cluster), arns)
    assert moto_accepts(doc, IAMTrustPolicyDocumentValidator)


def test_arns_that_do_not_parse_are_refused_not_a_stop_iteration():
    with pytest.raises(ValueError, match="none of \\['x'\\] is an ARN"):
        trust.target_trust_policy(["x"], ["ext"])
    with pytest.raises(ValueError, match="is not an IAM OIDC provider ARN"):
        trust.irsa_statements(["arn:aws:iam::123456789012:role/r"], [("a", "b")])
