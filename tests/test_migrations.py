"""Every name an earlier release gave a resource is kept as an alias, so that a rename updates in
place where a new URN would create a second association (409) or role (EntityAlreadyExists)."""

from __future__ import annotations

from eks_pod_identity.tokens import ASSOCIATION

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
