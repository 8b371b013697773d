"""Every name an earlier release gave a resource is kept as an alias, so that a rename updates in
place where a new URN would create a second association (409) or role (EntityAlreadyExists)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
from eks_pod_identity import migrations, tokens
from eks_pod_identity.offline.harness import runner
from eks_pod_identity.tokens import ASSOCIATION
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import READER, adopted, run_dev


def test_a_former_attachment_name_two_identities_derive_is_the_first_ones_alias():
    """`team` + `.../a-Reader` and `team-a` + `.../Reader` were both `team-a-Reader`: 0.1.0
    created the first before the engine refused the second, so the first keeps it."""
    identities = [
        {"name": "team", "namespace": "a", "serviceAccount": "x", "managedPolicyArns": ["arn:aws:iam::123456789012:policy/a-Reader"]},
        {"name": "team-a", "namespace": "b", "serviceAccount": "y", "managedPolicyArns": ["arn:aws:iam::123456789012:policy/Reader"]},
        {"name": "other", "namespace": "c", "serviceAccount": "z", "managedPolicyArns": ["arn:aws:iam::123456789012:policy/Reader"]},
    ]
    result = run_dev(adopted("x"), identities)
    attachments = {a.name: a.aliases for a in result.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert [a.rsplit("::", 1)[1] for a in attachments["team/123456789012/a-Reader"]] == ["team-a-Reader"]
    assert attachments["team-a/123456789012/Reader"] == [], "a second claim of one URN is refused by the engine"
    assert [a.rsplit("::", 1)[1] for a in attachments["other/123456789012/Reader"]] == ["other-Reader"]


def test_an_add_on_component_keeps_its_former_name():
    """0.1.0 named the component `<cluster>-<addon>`: without the alias a preview shows it
    deleted and created (its add-on child has its own alias)."""
    result = run_dev([{**adopted("x")[0], "addons": [{"name": "aws-ebs-csi-driver"}]}], [])
    (component,) = result.of_type("eks-pod-identity:index:EksAddon")
    assert component.name == "x/aws-ebs-csi-driver"
    assert component.aliases == ["urn:pulumi:dev::eks-pod-identity::eks-pod-identity:index:EksAddon::x-aws-ebs-csi-driver"]


def test_earlier_releases_names_are_aliases():
    result = run_dev(adopted("blue"), READER)
    (assoc, _) = result.of_type(ASSOCIATION)
    assert assoc.name == "blue/team-a/app"
    assert assoc.aliases == [assoc.urn.rsplit("::", 1)[0] + "::reader-blue-team-a-app"]
    (attachment,) = result.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert attachment.name == "reader/aws/AmazonS3ReadOnlyAccess"
    assert attachment.aliases == [attachment.urn.rsplit("::", 1)[0] + "::reader-AmazonS3ReadOnlyAccess"]


# --- the former names, computed -------------------------------------------------------------------


def test_first_claims_keeps_a_former_name_for_its_first_claimant_only():
    """Keys in declaration order: `b` and `a` both derived `x`; 0.1.0 registered `b` first."""
    assert migrations.first_claims({"b": "x", "a": "x", "c": "y", "d": "x"}) == {"b": "x", "c": "y"}


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.integers(0, 20), st.sampled_from(["x", "y", "z"]), max_size=12))
def test_first_claims_keeps_every_former_name_once_with_its_first_claimant(former):
    kept = migrations.first_claims(former)
    assert sorted(kept.values()) == sorted(set(former.values())), "each former name once"
    for key, old in kept.items():
        assert next(k for k, v in former.items() if v == old) == key


def test_renames_give_every_resource_the_names_0_1_0_gave_it():
    policy = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    renames = migrations.Renames()
    renames.associations([("app", "blue", "team-a", "web"), ("app", "blue", "team", "a-web")])
    renames.addons([("blue", "vpc-cni")])
    renames.roles([migrations.RoleNames("app", "fixed-app", (policy, policy), ("lbc",)), migrations.RoleNames("auto", None, (policy,), ())])
    renames.target_role("reader-target", "444455556666", "t", [policy])
    assert renames.former == {
        # blue/team/a-web derived the same name: the first binding keeps it, the second has none.
        (tokens.ASSOCIATION, "blue/team-a/web"): ["app-blue-team-a-web"],
        (tokens.ADDON_COMPONENT, "blue/vpc-cni"): ["blue-vpc-cni"],
        (tokens.ADDON, "blue/vpc-cni-addon"): ["blue-vpc-cni-addon"],
        # A fixed-name role's resources were named after its identity, its attachments after the policy.
        (tokens.ROLE, "fixed.fixed-app-role"): ["app-role"],
        (tokens.INLINE, "fixed.fixed-app-inline"): ["app-inline"],
        (tokens.ATTACHMENT, "fixed.fixed-app/aws/ReadOnlyAccess"): ["app-ReadOnlyAccess"],
        (tokens.POLICY, "fixed.fixed-app-lbc"): ["app-lbc"],
        (tokens.ATTACHMENT, "fixed.fixed-app/lbc"): ["app-lbc-attachment"],
        (tokens.ATTACHMENT, "auto/aws/ReadOnlyAccess"): ["auto-ReadOnlyAccess"],
        (tokens.AWS_PROVIDER, "fixed.444455556666.t-account"): ["reader-target-account"],
        (tokens.ROLE, "fixed.444455556666.t-role"): ["reader-target-role"],
        (tokens.INLINE, "fixed.444455556666.t-inline"): ["reader-target-inline"],
        (tokens.ATTACHMENT, "fixed.444455556666.t/aws/ReadOnlyAccess"): ["reader-target-ReadOnlyAccess"],
    }


def test_the_transformation_gives_exactly_the_renamed_resources_their_former_names():
    renames = migrations.Renames()
    renames.add(tokens.ROLE, "new", "old")
    renames.add(tokens.ROLE, "same", "same")  # a name that did not change is no alias

    def program():
        opts = pulumi.ResourceOptions(transformations=[renames.transformation()])
        for name in ("new", "same", "other"):
            aws.iam.Role(name, assume_role_policy="{}", opts=opts)

    result = runner.run({"aws:region": "us-east-1"}, program=program)
    aliases = {r.name: [a.rsplit("::", 1)[1] for a in r.aliases] for r in result.of_type(tokens.ROLE)}
    assert aliases == {"new": ["old"], "same": [], "other": []}


def test_under_a_parent_the_transformation_did_not_see_no_chain_is_guessed():
    """A child of a component registered outside the transformation (its parent unseen) got an
    alias URN without that parent's type; now its own former names are Alias objects, which the
    SDK resolves against the real parent, and so are its children's."""
    renames = migrations.Renames()
    renames.add("test:index:Inner", "inner", "inner-old")
    renames.add(tokens.ROLE, "role", "role-old")
    transformation = renames.transformation()

    class Comp(pulumi.ComponentResource):
        def __init__(self, t, name, opts=None):
            super().__init__(t, name, None, opts)

    def program():
        outer = Comp("test:index:Outer", "outer")  # not seen by the transformation
        inner = Comp("test:index:Inner", "inner", pulumi.ResourceOptions(parent=outer, transformations=[transformation]))
        aws.iam.Role("role", assume_role_policy="{}", opts=pulumi.ResourceOptions(parent=inner))

    result = runner.run({"aws:region": "us-east-1"}, program=program)
    by_name = {r.name: r for r in result.registrations}
    assert by_name["inner"].aliases == [by_name["inner"].urn.replace("::inner", "::inner-old")]
    assert by_name["role"].aliases == [by_name["role"].urn.replace("::role", "::role-old")]
