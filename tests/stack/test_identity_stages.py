"""The identity stages take clusters by name and ARN only, so the program and PodIdentity share them."""

from __future__ import annotations

import pulumi
from eks_pod_identity.stack.deployment import read
from eks_pod_identity.stack.identity_stages import declare_identities
from eks_pod_identity.stack.load import parse

from tests.helpers import run_component, statements_of

CONFIG = {
    "clusters": [{"name": "prod-a", "create": False, "installAgent": False}],
    "identities": [
        {
            "name": "app",
            "namespace": "team-a",
            "serviceAccount": "app",
            "trust": {"scopeToClusters": True},
            "targetRole": {"create": {"deployRoleArn": "arn:aws:iam::444455556666:role/deploy"}},
        }
    ],
    "sample": {"kind": "none"},
}


def test_associations_take_the_given_names_and_trust_the_given_arns():
    arn = "arn:aws:eks:eu-west-1:123456789012:cluster/prod-a"

    def program():
        d = read(parse(CONFIG))
        ids = declare_identities(d, {"prod-a": pulumi.Output.from_input("prod-a-name")}, {"prod-a": arn})
        return {"role": ids.role_arns["app"], "targets": list(ids.targets), "associations": list(ids.associations)}

    result = run_component(program)
    association = result.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")[0]
    assert association.inputs["clusterName"] == "prod-a-name"
    trust = statements_of(result.of_type("aws:iam/role:Role")[0].inputs["assumeRolePolicy"])
    assert any(arn in str(s.get("Condition")) for s in trust), trust
    assert result.outputs["targets"] == ["app"] and result.outputs["associations"] == ["app"]
    target = next(r for r in result.registrations if r.type == "aws:iam/role:Role" and "target" in r.name)
    assert association.urn in result.all_dependencies(target), "the target role trusts the associations' external IDs"
