"""What every catalog entry is made of; here, the AWS managed alternatives an entry offers
(`awsManagedPolicies`): attached with their IAM path instead of the built statements."""

from __future__ import annotations

import pytest
from eks_pod_identity.iam import catalog
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers.catalog import BOUND, KMS, PARAMS, QUICK, WITH_ALTERNATIVES, params


@pytest.mark.parametrize("key", WITH_ALTERNATIVES)
def test_a_managed_alternative_replaces_the_built_policy_and_keeps_its_iam_path(key):
    entry = catalog.CATALOG[key]
    for path_name in entry.managed_alternatives:
        name = path_name.rsplit("/", 1)[-1]
        chosen = entry.params.model_validate({**PARAMS[key], "awsManagedPolicies": [name]})
        assert catalog.managed_policy_arns(key, "aws-us-gov", chosen) == [f"arn:aws-us-gov:iam::aws:policy/{path_name}"]
        built = {a for s in catalog.statements_for(key, chosen, "aws", BOUND) for a in s["Action"]}
        assert all(a.startswith("kms:") for a in built), "only what no managed policy covers (the user's KMS keys) stays"
        assert catalog.policy_count(key, chosen, BOUND) == 1 + len(catalog.policy_documents(key, chosen, "aws-us-gov", BOUND))
    assert catalog.managed_policy_arns(key, "aws", params(key)) == []


def test_managed_alternatives_need_no_arns():
    for key in ("privateCaIssuer", "ecrImageBuilder", "prometheus", "vpcCni"):
        name = catalog.CATALOG[key].managed_alternatives[0].rsplit("/", 1)[-1]
        chosen = catalog.CATALOG[key].params.model_validate({"awsManagedPolicies": [name]})
        assert catalog.statements_for(key, chosen, "aws", BOUND) == []
    ebs = catalog.CATALOG["ebsCsi"].params.model_validate({"awsManagedPolicies": ["AmazonEBSCSIDriverPolicy"], "kmsKeyArns": [KMS]})
    assert catalog.managed_policy_arns("ebsCsi", "aws", ebs) == ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]
    assert {a for s in catalog.statements_for("ebsCsi", ebs, "aws", []) for a in s["Action"]} == {
        "kms:Decrypt",
        "kms:GenerateDataKeyWithoutPlaintext",
        "kms:CreateGrant",
    }


@QUICK
@given(data=st.data(), key=st.sampled_from(WITH_ALTERNATIVES))
def test_any_choice_of_managed_alternatives_is_attached_with_its_path(data, key):
    entry = catalog.CATALOG[key]
    chosen = data.draw(st.lists(st.sampled_from(entry.managed_alternatives), min_size=1, unique=True))
    model = entry.params.model_validate({**PARAMS[key], "awsManagedPolicies": [p.rsplit("/", 1)[-1] for p in chosen]})
    assert catalog.managed_policy_arns(key, "aws-cn", model) == [f"arn:aws-cn:iam::aws:policy/{p}" for p in chosen]
    assert catalog.policy_count(key, model, BOUND) == len(chosen) + len(catalog.policy_documents(key, model, "aws-us-gov", BOUND))
