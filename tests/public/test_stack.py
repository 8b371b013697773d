"""EksPodIdentity: a stack file of this project as one component, registering what the stack
program registers for the same file, and refusing bad input by its input's name."""

from __future__ import annotations

import typing

import pytest
from eks_pod_identity.errors import ConfigError
from eks_pod_identity.offline.harness import project, runner
from eks_pod_identity.public.stack import (
    EksPodIdentity,
    EksPodIdentityArgs,
    SampleArgs,
    stack_config,
)
from eks_pod_identity.stack.config import StackConfig
from eks_pod_identity.stack.sample import SampleConfig
from hypothesis import HealthCheck, assume, event, given, settings

from tests.helpers import ROOT, STACKS, run_component
from tests.helpers.package import aliases, config_map, custom_resources, input_keys, python_args, snake
from tests.stack.test_program_fuzz import CAMPAIGN, EXAMPLES, mutated_stacks

PLATFORM = {
    "clusters": [
        {
            "name": "dev",
            "network": {"availability_zones": 3},
            "addons": [{"name": "aws-ebs-csi-driver", "identity": "ebs", "service_account": "ebs-csi-controller-sa"}],
        }
    ],
    "identities": {
        "app": {
            "clusters": ["dev"],
            "namespace": "team-a",
            "service_account": "app",
            "managed_policy_arns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
        },
        "ebs": {"clusters": [], "managed_policy_arns": ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]},
    },
    "sample": {"kind": "deployment", "identity": "app", "create_namespace": True},
}


def run(args: dict, **kwargs) -> runner.RunResult:
    def program():
        platform = EksPodIdentity("platform", typing.cast(EksPodIdentityArgs, args))
        return {"roles": platform.role_arns, "proven": platform.proven_association_ids, "associations": platform.association_ids}

    return run_component(program, **kwargs)


def program_run(args: dict, **kwargs) -> runner.RunResult:
    return runner.run(config_map(stack_config(args)), **kwargs)


def test_a_created_cluster_with_an_add_on_identity_and_the_sample_registers_what_the_program_does():
    component = run(PLATFORM)
    assert custom_resources(component) == custom_resources(program_run(PLATFORM))
    assert {"aws:eks/addon:Addon", "kubernetes:apps/v1:Deployment", "pulumi:providers:kubernetes"} <= {
        t for t, _ in custom_resources(component)
    }
    assert set(component.outputs["proven"]) == {"dev/team-a/app"}


def _component_args(raw: dict) -> dict:
    """A stack file's project keys as EksPodIdentity's Python inputs."""
    clusters = [
        python_args(c, frozenset({"network"})) | {"addons": [python_args(a) for a in c.get("addons", [])]} for c in raw.get("clusters", [])
    ]
    every = [c["name"] for c in raw.get("clusters", []) if isinstance(c.get("name"), str)]
    identities = {
        i["name"]: {"clusters": every} | python_args({k: v for k, v in i.items() if k != "name"}) for i in raw.get("identities", [])
    }
    scalars = {snake(k): v for k, v in raw.items() if k not in ("clusters", "identities", "sample")}
    return {"clusters": clusters, "identities": identities, "sample": python_args(raw.get("sample", {})), **scalars}


SUPPORTED = [s for s in STACKS if s not in ("identities", "team-cluster")]
"""Stacks whose identities PodIdentityArgs can say: `shared` roles and `roleFromStack` are stack-file only."""


@pytest.mark.parametrize("stack", SUPPORTED)
def test_each_committed_stack_file_as_a_component_registers_what_the_program_does(stack):
    config = project.stack_config(stack, ROOT)
    raw = project.raw_config(config)
    args = _component_args(raw)
    region = {"aws:region": config["aws:region"]}
    component = runner.run(
        region, program=lambda: {"x": EksPodIdentity("platform", typing.cast(EksPodIdentityArgs, args)).role_arns}, stack=stack
    )
    assert custom_resources(component) == custom_resources(runner.run_stack(stack))


def test_identities_are_named_by_their_key_in_problems_and_nothing_registers():
    bad = {
        "clusters": [{"name": "dev", "instance_type": "t3.mediun"}],
        "identities": {
            "app": {"clusters": ["dev"], "namespace": "Team_A", "service_account": "app", "environment": "x"},
            "db": {"namespace": "a"},
        },
    }
    result = run(bad, raise_errors=False)
    assert isinstance(result.error, ConfigError)
    assert str(result.error).startswith("EksPodIdentity 'platform' has ")
    problems = result.error.problems
    assert "identities.app.environment: a setting of the whole EksPodIdentity; set it there" in problems
    assert any(p.startswith("identities.db.clusters: is required") for p in problems), problems
    assert result.registrations == []


def test_an_identity_key_that_is_no_input_is_refused():
    bad = {
        "clusters": [{"name": "dev"}],
        "identities": {"app": {"clusters": ["dev"], "name": "b", "namespace": "a", "service_account": "x"}},
    }
    result = run(bad, raise_errors=False)
    assert any(p.startswith("identities.app.name: unknown input") for p in result.error.problems), result.error.problems
    assert result.registrations == []


def test_a_bad_value_names_the_identity_by_its_key():
    bad = {"clusters": [{"name": "dev"}], "identities": {"app": {"clusters": ["dev"], "namespace": "Team_A", "service_account": "app"}}}
    result = run(bad, raise_errors=False)
    assert any(p.startswith("identities.app.namespace = 'Team_A'") for p in result.error.problems), result.error.problems
    assert not any("eks-pod-identity:" in p or "identities[" in p for p in result.error.problems)
    assert result.registrations == []


def test_the_inputs_are_the_keys_of_a_stack_file():
    assert input_keys(SampleArgs) == aliases(SampleConfig) - {"propagationSeconds"}  # deprecated, ignored
    assert input_keys(EksPodIdentityArgs) == aliases(StackConfig)


def test_stack_config_lists_identities_in_their_order():
    raw = stack_config(
        {"clusters": [{"name": "a", "node_types": ["linux"]}], "identities": {"x": {"clusters": ["a"]}, "y": {"clusters": []}}}
    )
    assert [i["name"] for i in raw["identities"]] == ["x", "y"]
    assert raw["clusters"] == [{"name": "a", "nodeTypes": ["linux"]}]


def _expressible(raw: dict) -> bool:
    """Whether PodIdentityArgs can say the stack file's identities (lists of objects, no shared
    roles, no roles from other stacks) and its clusters are a list of objects."""
    clusters, identities = raw.get("clusters", []), raw.get("identities", [])
    if not isinstance(clusters, list) or not all(isinstance(c, dict) and isinstance(c.get("addons", []), list) for c in clusters):
        return False
    if not isinstance(identities, list) or not all(isinstance(i, dict) and isinstance(i.get("name"), str) for i in identities):
        return False
    names = [i["name"] for i in identities]
    return len(set(names)) == len(names) and not any(i.get("shared") or "roleFromStack" in i for i in identities)


@settings(
    max_examples=max(12, EXAMPLES // 2),
    deadline=None,
    derandomize=not CAMPAIGN,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
@given(mutated_stacks())
def test_a_mutated_stack_file_as_a_component_deploys_as_the_program_does_or_is_refused_cleanly(case):
    stack, config = case
    raw = project.raw_config(config)
    assume(_expressible(raw) and isinstance(raw.get("sample", {}), dict))
    program = runner.run(config, stack=stack, raise_errors=False)
    region = {"aws:region": config["aws:region"]}
    args = _component_args(raw)
    component = runner.run(
        region, program=lambda: {"x": EksPodIdentity("p", typing.cast(EksPodIdentityArgs, args)).role_arns}, stack=stack, raise_errors=False
    )
    event("program deployed" if program.error is None else "program refused")
    if component.error is not None:
        assert isinstance(component.error, ConfigError), repr(component.error)
        assert component.registrations == []
    if program.error is None:
        assert component.error is None, component.error
        assert custom_resources(component) == custom_resources(program)
