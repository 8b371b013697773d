"""The component package under test: constructing through the provider in-process, and the
stack program run on the stack file a component is equivalent to."""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pulumi
import yaml
from eks_pod_identity.offline.harness import runner
from eks_pod_identity.provider import PUBLIC_COMPONENTS, Provider
from eks_pod_identity.public.identity import PodIdentity, stack_config
from eks_pod_identity.public.inputs import camel, snake

REGION = "eu-west-1"
PACKAGE_TYPES = {
    f"eks-pod-identity:{module}{name}": f"eks-pod-identity:index:{name}"
    for name in (c.__name__ for c in PUBLIC_COMPONENTS)
    for module in ("", "index:")
}
"""A YAML program's type tokens (the short form omits `index`) -> the provider's."""
_REFERENCE = re.compile(r"\$\{(\w+)\}")


def construct(resources: Mapping[str, tuple[str, Mapping[str, Any]]], **kwargs: Any) -> runner.RunResult:
    """A program that constructs each (name -> (type token, schema-named inputs)) through the
    component provider, as the engine does for a program in another language."""

    def program() -> dict[str, Any]:
        provider = Provider()
        outputs = {}
        for name, (token, inputs) in resources.items():
            outputs[name] = provider.construct(name, token, dict(inputs), pulumi.ResourceOptions()).state
        return outputs

    return runner.run({"aws:region": REGION}, program=program, **kwargs)


def config_map(stack_file: Mapping[str, Any]) -> dict[str, str]:
    """A stack file's project keys as the CLI passes them (text as is, the rest as JSON), in REGION."""
    return {"aws:region": REGION, **{f"eks-pod-identity:{k}": v if isinstance(v, str) else json.dumps(v) for k, v in stack_file.items()}}


def custom_resources(result: runner.RunResult) -> dict[tuple[str, str], dict[str, Any]]:
    """Every custom resource a run registered (AWS, Kubernetes, providers): (type, name) -> inputs."""
    return {(r.type, r.name): r.inputs for r in result.registrations if r.custom}


def aliases(model: Any) -> set[str]:
    """A config model's keys as a stack file writes them."""
    return {f.alias or n for n, f in model.model_fields.items()}


def input_keys(typed: type) -> set[str]:
    """A component's TypedDict's keys as a stack file writes them."""
    return {camel(k) for k in typing.get_type_hints(typed)}


def run_pod_identity(name: str, args: Any, **kwargs: Any) -> runner.RunResult:
    """A program of its own declaring one PodIdentity; its outputs under `outputs`."""

    def program() -> dict[str, Any]:
        p = PodIdentity(name, args)
        return {
            "outputs": {
                "roleArn": p.role_arn,
                "roleName": p.role_name,
                "associationIds": p.association_ids,
                "bindings": p.binding_role_arns,
            }
        }

    return runner.run({"aws:region": "eu-west-1"}, program=program, **kwargs)


def equivalent_program(name: str, python_args: Mapping[str, Any], **kwargs: Any) -> runner.RunResult:
    """This repository's stack program run on the stack file `PodIdentity(name, python_args)` is equivalent to."""
    return runner.run(config_map(stack_config(name, python_args)), **kwargs)


def aws_resources(result: runner.RunResult) -> dict[tuple[str, str], dict[str, Any]]:
    """The AWS resources a run registered: (type, name) -> inputs (components and providers aside)."""
    return {(r.type, r.name): r.inputs for r in result.registrations if r.custom and r.type.startswith("aws:")}


def yaml_resources(path: Path, config: Mapping[str, str]) -> dict[str, tuple[str, dict[str, Any]]]:
    """The package's resources a Pulumi YAML program declares, with `${key}` of its config filled in."""
    program = yaml.safe_load(path.read_text(encoding="utf-8"))
    values = {key: decl.get("default") for key, decl in (program.get("config") or {}).items()} | dict(config)
    unknown = [
        d["type"] for d in program["resources"].values() if d["type"].startswith("eks-pod-identity:") and d["type"] not in PACKAGE_TYPES
    ]
    assert unknown == [], f"{path} declares types the package does not have: {unknown}"
    return {
        name: (PACKAGE_TYPES[decl["type"]], _fill(decl.get("properties") or {}, values))
        for name, decl in program["resources"].items()
        if decl["type"] in PACKAGE_TYPES
    }


def _fill(value: Any, values: Mapping[str, Any]) -> Any:
    if isinstance(value, str):
        filled = _REFERENCE.sub(lambda m: str(values[m.group(1)]), value)
        assert "${" not in filled, f"{value!r} refers to something the test cannot fill in"
        return filled
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    return value


def python_args(inputs: Mapping[str, Any], typed: frozenset[str] = frozenset({"trust", "irsa", "targetRole", "create"})) -> dict[str, Any]:
    """Schema-named inputs as a Python program writes them: typed levels in snake_case."""
    return {snake(k): python_args(v) if k in typed and isinstance(v, Mapping) else v for k, v in inputs.items()}


def cluster_python_args(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """A Cluster's (or an EksPodIdentity cluster's) schema-named inputs as Python writes them."""
    addons = {"addons": [python_args(a) for a in inputs["addons"]]} if "addons" in inputs else {}
    return python_args({k: v for k, v in inputs.items() if k != "addons"}, frozenset({"network"})) | addons


def platform_python_args(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """EksPodIdentity's schema-named inputs as a Python program writes them."""
    out = python_args({k: v for k, v in inputs.items() if k not in ("clusters", "identities", "sample")})
    out["clusters"] = [cluster_python_args(c) for c in inputs.get("clusters", [])]
    if "identities" in inputs:
        out["identities"] = {name: python_args(i) for name, i in inputs["identities"].items()}
    if "sample" in inputs:
        out["sample"] = python_args(inputs["sample"])
    return out


def expected_resources(token: str, name: str, inputs: Mapping[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """What the stack program registers for the stack file a component's inputs are: the AWS
    resources for a PodIdentity (the program adds the adopted cluster's component and provider,
    which PodIdentity does without), every custom resource for the others."""
    from eks_pod_identity.public import addon, cluster, stack

    kind = token.rsplit(":", 1)[1]
    if kind == "PodIdentity":
        return aws_resources(equivalent_program(name, python_args(inputs)))
    raw = {
        "EksPodIdentity": lambda: stack.stack_config(platform_python_args(inputs)),
        "Cluster": lambda: cluster.stack_config(cluster_python_args(inputs)),
        "Addon": lambda: addon.stack_config(name, python_args(inputs)),
    }[kind]()
    return custom_resources(runner.run(config_map(raw)))
