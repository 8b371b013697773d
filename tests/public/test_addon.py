"""Addon: an EKS add-on with a role of its own on an existing cluster, registering what the stack
program registers for a stack file with that add-on and its identity."""

from __future__ import annotations

import json
import typing

import pytest
from eks_pod_identity.errors import ConfigError
from eks_pod_identity.offline.harness import mocks, runner
from eks_pod_identity.public.addon import ADDON_KEYS, ROLE_KEYS, Addon, AddonArgs, stack_config
from eks_pod_identity.public.identity import PodIdentityArgs
from eks_pod_identity.public.inputs import camel
from eks_pod_identity.stack.clusters import AddonConfig
from eks_pod_identity.stack.identities import IdentityConfig

from tests.helpers import run_component, statements_of
from tests.helpers.package import aliases, config_map, custom_resources

EBS = {
    "cluster_name": "prod-a",
    "addon_name": "aws-ebs-csi-driver",
    "service_account": "ebs-csi-controller-sa",
    "managed_policy_arns": ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"],
}
CASES = {
    "with its role": EBS,
    "with a catalog entry": {**{k: v for k, v in EBS.items() if k != "managed_policy_arns"}, "well_known": {"ebsCsi": {}}},
    "without a role": {"cluster_name": "prod-a", "addon_name": "coredns", "version": "v1.11.4-eksbuild.2"},
}


def run(args: dict, **kwargs) -> runner.RunResult:
    def program():
        addon = Addon("ebs-csi", typing.cast(AddonArgs, args))
        return {"version": addon.addon_version, "role": addon.role_arn}

    return run_component(program, **kwargs)


@pytest.mark.parametrize("case", CASES)
def test_registers_what_the_program_registers(case):
    component = run(CASES[case])
    program = runner.run(config_map(stack_config("ebs-csi", CASES[case])))
    assert custom_resources(component) == custom_resources(program)


def test_the_role_trusts_only_the_add_ons_service_account_and_the_add_on_binds_it():
    result = run(EBS)
    (role,) = result.of_type("aws:iam/role:Role")
    (addon,) = result.of_type("aws:eks/addon:Addon")
    trust = json.dumps(statements_of(role.inputs["assumeRolePolicy"]))
    assert "kube-system" in trust and "ebs-csi-controller-sa" in trust
    assert addon.inputs["podIdentityAssociations"][0]["serviceAccount"] == "ebs-csi-controller-sa"
    assert result.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation") == []
    assert result.outputs["role"].startswith("arn:aws:iam::123456789012:role/")


def test_an_add_on_someone_else_installed_is_left_alone_and_reports_its_version():
    installed = mocks.AdoptedCluster(addons={**mocks.hand_installed_agent(), "coredns": mocks.MockAddon("v1.11.4-eksbuild.2")})
    result = run(CASES["without a role"], adopted={"prod-a": installed})
    assert result.of_type("aws:eks/addon:Addon") == []
    assert result.outputs == {"version": "v1.11.4-eksbuild.2", "role": None}


def test_a_service_account_given_as_none_is_not_given():
    result = run({"cluster_name": "prod-a", "addon_name": "coredns", "service_account": None})
    assert result.error is None and result.outputs["role"] is None


def test_permissions_without_a_service_account_are_refused():
    result = run({"cluster_name": "prod-a", "addon_name": "coredns", "managed_policy_arns": EBS["managed_policy_arns"]}, raise_errors=False)
    assert result.error.problems == ["managedPolicyArns: shape the add-on's role, which needs serviceAccount (the add-on's own)"]
    assert result.registrations == []


def test_bad_input_names_the_inputs():
    result = run(
        {"cluster_name": "Prod A", "addon_name": "EBS", "service_account": "x", "managed_policy_arns": ["nope"]}, raise_errors=False
    )
    assert isinstance(result.error, ConfigError)
    starts = [p.split(" = ")[0] for p in result.error.problems]
    assert starts == ["clusterName", "addonName", "managedPolicyArns[0]"]
    assert result.registrations == []


def test_the_inputs_are_an_add_on_and_its_identitys_keys():
    keys = set(typing.get_type_hints(AddonArgs))
    assert keys == {"cluster_name", *ADDON_KEYS, *ROLE_KEYS}
    assert {camel(k) for k in ADDON_KEYS} - {"addonName"} | {"name", "identity"} == aliases(AddonConfig)
    assert {camel(k) for k in ROLE_KEYS} <= aliases(IdentityConfig)
    assert set(ROLE_KEYS) <= set(typing.get_type_hints(PodIdentityArgs))
