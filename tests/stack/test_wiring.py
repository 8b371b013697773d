"""How identities become roles: the policies a role attaches, roles read from other stacks (and
refused when they cannot serve), and cross-account target roles."""

from __future__ import annotations

import pulumi
from eks_pod_identity.iam import documents
from eks_pod_identity.offline.harness import mocks, project, runner
from eks_pod_identity.stack import wiring
from eks_pod_identity.tokens import ASSOCIATION

from tests.helpers import cfg_of, statements_of, target_role

# --- the policies of a role ---------------------------------------------------------------------


def test_the_program_attaches_the_chosen_managed_policy():
    identity = {
        "name": "ebs-csi",
        "namespace": "kube-system",
        "serviceAccount": "ebs-csi-controller-sa",
        "wellKnown": {"ebsCsi": {"awsManagedPolicies": ["AmazonEBSCSIDriverPolicyV2"]}},
    }
    result = runner.run_stack("dev", overrides={"eks-pod-identity:identities": [identity], "eks-pod-identity:sample": {"kind": "none"}})
    attached = {r.inputs["policyArn"] for r in result.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert "arn:aws:iam::aws:policy/AmazonEBSCSIDriverPolicyV2" in attached


# --- roles of other stacks -------------------------------------------------------------------------


def test_a_role_another_stack_does_not_export_is_a_clear_error():
    outputs = {"organization/eks-pod-identity/identities": {"roleArns": {"other": "arn:aws:iam::123456789012:role/o"}}}
    result = runner.run_stack("team-cluster", stack_outputs=outputs, raise_errors=False)
    assert isinstance(result.error, pulumi.RunError) and not isinstance(result.error, KeyError)
    assert "exports no role 's3-reader'" in str(result.error) and "['other']" in str(result.error)


def test_a_binding_outside_the_scope_a_shared_role_exports_is_refused_before_anything_binds():
    outputs = {
        "organization/eks-pod-identity/identities": {
            "roleArns": {"s3-reader": "arn:aws:iam::123456789012:role/o"},
            "roleTrustScopes": {"s3-reader": [["default", "other"]]},
        }
    }
    result = runner.run_stack("team-cluster", stack_outputs=outputs, raise_errors=False)
    assert isinstance(result.error, pulumi.RunError)
    assert "trusts only default/other, so pods at default/aws-cli-sa would be denied" in str(result.error)
    assert result.of_type(ASSOCIATION) == []
    objects = [r.type for r in result.registrations if r.type.startswith("kubernetes:") and not r.type.startswith("kubernetes:index")]
    assert objects == [], "the sample's objects wait for the association, so none is created"
    inside = {**outputs["organization/eks-pod-identity/identities"], "roleTrustScopes": {"s3-reader": [["default", "aws-cli-sa"]]}}
    assert runner.run_stack("team-cluster", stack_outputs={"organization/eks-pod-identity/identities": inside}).error is None


def test_a_role_another_stack_exports_from_another_account_is_refused():
    outputs = {"organization/eks-pod-identity/identities": {"roleArns": {"s3-reader": "arn:aws:iam::999988887777:role/o"}}}
    result = runner.run_stack("team-cluster", stack_outputs=outputs, raise_errors=False)
    assert isinstance(result.error, pulumi.RunError) and "another account" in str(result.error)
    assert result.of_type(ASSOCIATION) == []
    objects = [r.type for r in result.registrations if r.type.startswith("kubernetes:") and not r.type.startswith("kubernetes:index")]
    assert objects == [], "the sample's objects wait for the association, so none is created"


def test_a_value_another_stack_exports_that_is_no_role_arn_is_a_clear_error():
    outputs = {"organization/eks-pod-identity/identities": {"roleArns": {"s3-reader": "not-an-arn"}}}
    result = runner.run_stack("team-cluster", stack_outputs=outputs, raise_errors=False)
    assert isinstance(result.error, pulumi.RunError), "not an IndexError traceback"
    assert "exports 'not-an-arn' as role 's3-reader'" in str(result.error) and "not an IAM role ARN" in str(result.error)


def test_a_malformed_trust_scope_another_stack_exports_is_a_clear_error():
    outputs = {
        "organization/eks-pod-identity/identities": {
            "roleArns": {"s3-reader": "arn:aws:iam::123456789012:role/o"},
            "roleTrustScopes": {"s3-reader": "oops"},
        }
    }
    result = runner.run_stack("team-cluster", stack_outputs=outputs, raise_errors=False)
    assert isinstance(result.error, pulumi.RunError), "not a TypeError traceback"
    assert "exports 'oops' as the trust scope of role 's3-reader'" in str(result.error)


# --- cross-account target roles --------------------------------------------------------------------


def test_fleet_cross_account_chain_has_no_cycle(fleet):
    result, _ = fleet
    target = target_role(result)
    target_arn = result.outputs["targetRoleArns"]["analytics-reader"]
    assert target_arn == f"arn:aws:iam::444455556666:role/{wiring.target_role_name(cfg_of('analytics-reader'), 'fleet')}"
    assert target_arn.startswith("arn:aws:iam::444455556666:role/analytics-reader-target-")
    (assoc,) = result.under("analytics-reader", "aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert assoc.inputs["targetRoleArn"] == target_arn and assoc.inputs["disableSessionTags"] is True
    assert target.urn not in result.all_dependencies(assoc), "the association must not wait for the target role"
    assert assoc.urn in result.all_dependencies(target), "the target role trusts the association's external ID"
    trust = statements_of(target.inputs["assumeRolePolicy"])[0]
    assert trust["Condition"]["StringEquals"] == {"sts:ExternalId": [f"mock-{mocks._suffix(assoc.name, length=32)}"]}
    assert trust["Condition"]["ArnEquals"] == {"aws:PrincipalArn": [result.outputs["roleArns"]["analytics-reader"]]}
    inline = statements_of(result.named("analytics-reader-inline").inputs["policy"])
    assert inline == [documents.assume_target_statement(target_arn)]


def test_cross_account_with_session_tags_still_requires_the_external_ids():
    identities = project.parsed_config("fleet").model_dump(by_alias=True, exclude_unset=True)["identities"]
    for ident in identities:
        if ident["name"] == "analytics-reader":
            ident["disableSessionTags"] = False
    result = runner.run_stack("fleet", overrides={"eks-pod-identity:identities": identities})
    trust = statements_of(target_role(result).inputs["assumeRolePolicy"])[0]
    (assoc,) = result.under("analytics-reader", "aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert trust["Condition"]["StringEquals"] == {"sts:ExternalId": [f"mock-{mocks._suffix(assoc.name, length=32)}"]}
    assert "disableSessionTags" not in assoc.inputs
    assert assoc.urn in result.all_dependencies(target_role(result))


def test_target_role_names_differ_between_stacks_and_fit_iam():
    ident = cfg_of("analytics-reader")
    assert wiring.target_role_name(ident, "dev") != wiring.target_role_name(ident, "prod")
    long = ident.model_copy(update={"name": "x" * 50})
    assert len(wiring.target_role_name(long, "s" * 100)) <= 64
