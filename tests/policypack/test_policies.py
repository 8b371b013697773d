"""The policy pack's policies, called directly on resource properties.

Never import policypack/__main__.py: constructing the PolicyPack serves forever.
"""

import json

import pytest
from eks_pod_identity import stack as config
from eks_pod_identity.iam import documents
from eks_pod_identity.identity import trust
from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
)

from policypack import policies
from tests.helpers import STACKS


def check(validate, resource_type, props):
    found = []
    validate(ResourceValidationArgs(resource_type, props, "urn:x", "x", None, None), lambda message, urn=None: found.append(message))
    return found


def role(doc):
    return {"assumeRolePolicy": json.dumps(doc)}


POD_TRUST = trust.trust_policy([trust.TrustScope(("ns",), ("sa",))])


def test_pod_role_trust_accepts_the_program_trust_policies():
    assert check(policies.validate_pod_role_trust, "aws:iam/role:Role", role(POD_TRUST)) == []
    assert check(policies.validate_pod_role_trust, "aws:iam/role:Role", role(trust.trust_policy())) == []


def test_pod_role_trust_refuses_extra_principals_or_actions():
    doc = json.loads(json.dumps(POD_TRUST))
    doc["Statement"][0]["Principal"] = {"Service": ["pods.eks.amazonaws.com", "ec2.amazonaws.com"]}
    doc["Statement"][0]["Action"] = ["sts:AssumeRole", "sts:TagSession", "sts:AssumeRoleWithWebIdentity"]
    found = check(policies.validate_pod_role_trust, "aws:iam/role:Role", role(doc))
    assert len(found) == 2 and "ec2.amazonaws.com" in found[0] and "AssumeRoleWithWebIdentity" in found[1]


def test_pod_role_trust_ignores_other_roles_and_unknown_values():
    assert check(policies.validate_pod_role_trust, "aws:iam/role:Role", role(documents.ec2_trust_policy())) == []
    assert check(policies.validate_pod_role_trust, "aws:iam/role:Role", {}) == []


@pytest.mark.parametrize(
    "resource_type, props",
    [
        (
            "aws:iam/rolePolicy:RolePolicy",
            {"policy": json.dumps(documents.document([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))},
        ),
        ("aws:iam/policy:Policy", {"policy": json.dumps(documents.document([{"Effect": "Allow", "Action": ["*:*"], "Resource": ["*"]}]))}),
        (
            "aws:iam/role:Role",
            {
                "inlinePolicies": [
                    {"name": "x", "policy": json.dumps(documents.document([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))}
                ]
            },
        ),
        ("aws:iam/rolePolicyAttachment:RolePolicyAttachment", {"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
    ],
)
def test_no_admin_wildcards_refuses_each_form(resource_type, props):
    assert len(check(policies.validate_no_admin_wildcards, resource_type, props)) == 1


def test_a_session_policy_of_everything_is_no_admin_grant():
    """A session policy only narrows the role (STS: the intersection of the two), so the pack
    agrees with the config, which accepts it."""
    everything = {"policy": json.dumps(documents.document([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))}
    assert check(policies.validate_no_admin_wildcards, "aws:eks/podIdentityAssociation:PodIdentityAssociation", everything) == []
    identity = {
        "name": "a",
        "namespace": "n",
        "serviceAccount": "s",
        "disableSessionTags": True,
        "sessionPolicy": json.loads(everything["policy"]),
    }
    config.parse({"clusters": [{"name": "c"}], "identities": [identity]})


def test_an_admin_aws_managed_policy_is_named_with_its_reason():
    attach = {"policyArn": "arn:aws:iam::aws:policy/IAMFullAccess"}
    (violation,) = check(policies.validate_no_admin_wildcards, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", attach)
    assert "arn:aws:iam::aws:policy/IAMFullAccess is admin (" in violation and "privilege escalation" in violation


def test_no_admin_wildcards_accepts_scoped_policies():
    scoped = {"policy": json.dumps(documents.document([documents.s3_put_object_statement("arn:aws:s3:::b")]))}
    assert check(policies.validate_no_admin_wildcards, "aws:iam/rolePolicy:RolePolicy", scoped) == []
    attach = {"policyArn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}
    assert check(policies.validate_no_admin_wildcards, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", attach) == []


@pytest.mark.parametrize("image", ["amazon/aws-cli", "amazon/aws-cli:latest", "registry:5000/aws-cli"])
def test_images_pinned_refuses_unpinned(image):
    props = {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": image}]}}}}
    assert len(check(policies.validate_images_pinned, "kubernetes:apps/v1:Deployment", props)) == 1


@pytest.mark.parametrize("image", ["amazon/aws-cli:2.35.10", "registry:5000/aws-cli:2.15.0", "amazon/aws-cli@sha256:" + "a" * 64])
def test_images_pinned_accepts_pinned(image):
    props = {"spec": {"containers": [{"name": "c", "image": image}]}}
    assert check(policies.validate_images_pinned, "kubernetes:core/v1:Pod", props) == []


def _resource(resource_type, props, name="r"):
    return PolicyResource(resource_type, props, f"urn:{name}", name, None, None, None, [], {})


def test_stack_policy_flags_associations_without_a_declared_service_account():
    sa = _resource("kubernetes:core/v1:ServiceAccount", {"metadata": {"name": "app", "namespace": "ns"}})
    ok = _resource("aws:eks/podIdentityAssociation:PodIdentityAssociation", {"namespace": "ns", "serviceAccount": "app"}, "ok")
    orphan = _resource("aws:eks/podIdentityAssociation:PodIdentityAssociation", {"namespace": "ns", "serviceAccount": "other"}, "orphan")
    found = []
    policies.validate_associations_have_service_accounts(StackValidationArgs([sa, ok, orphan]), lambda m, urn=None: found.append(m))
    assert len(found) == 1 and "orphan" in found[0]


@pytest.mark.parametrize("stack", STACKS)
def test_every_resource_of_every_stack_passes_the_mandatory_policies(stack, stack_runs):
    resource_policies = [p for p in policies.POLICIES if isinstance(p, ResourceValidationPolicy)]
    assert len(resource_policies) == 3
    for reg in stack_runs[stack].registrations:
        for policy in resource_policies:
            assert check(policy.validate, reg.type, reg.inputs) == [], f"{policy.name}: {reg.type} {reg.name}"


def test_pack_policy_names_and_levels():
    names = {p.name: p.enforcement_level for p in policies.POLICIES}
    assert set(names) == {"pod-identity-role-trust", "no-admin-wildcards", "images-pinned", "associations-bind-declared-service-accounts"}
    assert names["associations-bind-declared-service-accounts"] is EnforcementLevel.ADVISORY
    assert {names[n] for n in names if n != "associations-bind-declared-service-accounts"} == {None}, "pack default: mandatory"


def test_pod_role_trust_allows_irsa_kept_for_named_service_accounts_only():
    oidc = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"
    kept = trust.trust_policy([trust.TrustScope(("ns",), ("sa",))], extra=trust.irsa_statements([oidc], [("ns", "sa")]))
    assert check(policies.validate_pod_role_trust, "aws:iam/role:Role", role(kept)) == []
    wide = json.loads(json.dumps(kept))
    issuer = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"
    wide["Statement"][1]["Condition"]["StringEquals"][f"{issuer}:sub"] = ["system:serviceaccount:ns:*"]
    assert len(check(policies.validate_pod_role_trust, "aws:iam/role:Role", role(wide))) == 2
