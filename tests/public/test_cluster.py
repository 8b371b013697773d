"""Cluster: a `clusters[]` entry of a stack file as one component, registering what the stack
program registers for a stack of that one cluster."""

from __future__ import annotations

import typing

import pytest
from eks_pod_identity.errors import ConfigError
from eks_pod_identity.offline.harness import mocks, runner
from eks_pod_identity.public.cluster import ADDON_IDENTITY, Cluster, ClusterAddonArgs, ClusterArgs, ClusterNetworkArgs, stack_config
from eks_pod_identity.stack.clusters import AddonConfig, ClusterConfig, NetworkConfig

from tests.helpers import run_component
from tests.helpers.package import aliases, config_map, custom_resources, input_keys

CASES = {
    "created in a new VPC": {"name": "dev", "network": {"availability_zones": 3}, "addons": [{"name": "coredns"}], "max_size": 4},
    "created in an existing VPC": {
        "name": "dev",
        "network": {"vpc_id": "vpc-0123456789abcdef0", "private_subnet_ids": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]},
    },
    "adopted": {"name": "prod-a", "create": False},
    "adopted without the agent": {"name": "prod-a", "create": False, "install_agent": False},
}


def run(args: dict, **kwargs) -> runner.RunResult:
    def program():
        c = Cluster("c", typing.cast(ClusterArgs, args))
        return {"name": c.cluster_name, "arn": c.arn, "version": c.version, "agent": c.agent_version, "kubeconfig": c.kubeconfig}

    return run_component(program, **kwargs)


@pytest.mark.parametrize("case", CASES)
def test_registers_what_the_program_registers_for_a_stack_of_that_cluster(case):
    component = run(CASES[case])
    program = runner.run(config_map(stack_config(CASES[case])))
    assert custom_resources(component) == custom_resources(program)
    assert component.outputs["name"] == CASES[case]["name"]
    assert component.outputs["arn"].endswith(f":cluster/{CASES[case]['name']}")


def test_the_agent_is_managed_unless_another_installed_it():
    created = run(CASES["created in a new VPC"])
    assert [r.inputs["addonName"] for r in created.of_type("aws:eks/addon:Addon")] == ["eks-pod-identity-agent", "coredns"]
    adopted = run(CASES["adopted"], adopted={"prod-a": mocks.AdoptedCluster(addons={})})
    assert [r.inputs["addonName"] for r in adopted.of_type("aws:eks/addon:Addon")] == ["eks-pod-identity-agent"]
    assert run(CASES["adopted without the agent"]).of_type("aws:eks/addon:Addon") == []


def test_an_add_on_identity_points_at_the_components_that_have_roles():
    result = run({"name": "dev", "addons": [{"name": "aws-ebs-csi-driver", "identity": "ebs", "service_account": "x"}]}, raise_errors=False)
    assert result.error.problems == [f"addons[0].identity: {ADDON_IDENTITY}"]
    assert result.registrations == []


def test_bad_input_names_the_input_and_nothing_registers():
    result = run({"name": "dev", "instance_type": "t3.mediun"}, raise_errors=False)
    assert isinstance(result.error, ConfigError)
    assert result.error.problems == ["instanceType = 't3.mediun': is not an EC2 instance type; did you mean 't3.medium'?"]
    assert str(result.error).startswith("Cluster 'c' has 1 problem(s)")
    assert result.registrations == []


def test_a_missing_adopted_cluster_is_refused_by_name():
    result = run(CASES["adopted"], adopted={"prod-a": mocks.AdoptedCluster(missing=True)}, raise_errors=False)
    assert any(p.startswith("name = 'prod-a'") for p in result.error.problems), result.error.problems
    assert result.registrations == []


def test_the_inputs_are_the_keys_of_a_stack_files_cluster():
    for typed, model in ((ClusterArgs, ClusterConfig), (ClusterNetworkArgs, NetworkConfig), (ClusterAddonArgs, AddonConfig)):
        assert input_keys(typed) == aliases(model), typed.__name__
