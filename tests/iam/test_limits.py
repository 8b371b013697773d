"""AWS managed policies, as IAM names them (with their paths): the program attaches only policies
that exist, says the right ARN for a typo, and keeps AWS's list as moto ships it."""

from __future__ import annotations

import json

import pytest
from eks_pod_identity import stack as config
from eks_pod_identity.iam import catalog, limits

from tests.helpers.config_cases import with_change


def test_every_aws_managed_policy_the_program_attaches_exists_at_its_path(stack_runs):
    attached = set()
    for result in stack_runs.values():
        for reg in result.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment"):
            arn = reg.inputs.get("policyArn")
            if isinstance(arn, str) and ":iam::aws:policy/" in arn:
                attached.add(arn)
    for entry in catalog.CATALOG.values():
        attached.update(f"arn:aws:iam::aws:policy/{p}" for p in (*entry.managed_policies, *entry.managed_alternatives))
    assert len(attached) > 10
    paths = limits.managed_policy_paths()
    for arn in attached:
        path, _, name = arn.split(":policy", 1)[1].rpartition("/")
        assert paths.get(name) == f"{path}/", arn


def test_a_managed_policy_typo_or_wrong_path_is_refused_with_the_right_arn():
    typo = with_change("identities[0].managedPolicyArns", ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAcess"])
    with pytest.raises(config.ConfigError, match="did you mean arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"):
        config.parse(typo)
    no_path = with_change("identities[0].managedPolicyArns", ["arn:aws:iam::aws:policy/AmazonEBSCSIDriverPolicy"])
    with pytest.raises(config.ConfigError, match="policy/service-role/AmazonEBSCSIDriverPolicy"):
        config.parse(no_path)
    config.parse(with_change("identities[0].managedPolicyArns", ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]))


def test_the_managed_policy_list_is_awss_as_moto_ships_it():
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    shipped = {name: p["Path"] for name, p in json.loads(aws_managed_policies_data).items()}
    assert limits.managed_policy_paths() == shipped, "refresh with `python -m tools.refresh_aws_data`"
