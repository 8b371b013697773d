"""Every input the program registers is a real input of the installed SDK's resource.

Mocks accept any property name, so a typo (or a field removed in a new SDK major) would
otherwise only surface at `pulumi up`.
"""

import importlib
import inspect
import re

import pytest

from .conftest import STACKS

PACKAGES = {"aws": "pulumi_aws", "eks": "pulumi_eks", "kubernetes": "pulumi_kubernetes", "awsx": "pulumi_awsx", "time": "pulumiverse_time"}


def sdk_class(token: str):
    package, module, name = token.split(":")
    if package == "pulumi" and module == "providers":
        return importlib.import_module(PACKAGES[name]).Provider
    path = PACKAGES[package]
    if module != "index" and not module.startswith("index/"):
        path += "." + module.split("/")[0] if package == "aws" else "." + module.replace("/", ".")
    return getattr(importlib.import_module(path), name)


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def sdk_inputs(cls) -> set[str]:
    return set(inspect.signature(cls._internal_init).parameters) - {"self", "__self__", "resource_name", "opts", "__props__"}


def test_sdk_class_lookup():
    import pulumi_aws
    import pulumi_kubernetes

    assert sdk_class("aws:eks/podIdentityAssociation:PodIdentityAssociation") is pulumi_aws.eks.PodIdentityAssociation
    assert sdk_class("kubernetes:apps/v1:Deployment") is pulumi_kubernetes.apps.v1.Deployment
    assert "role_arn" in sdk_inputs(pulumi_aws.eks.PodIdentityAssociation)
    import pulumi_awsx
    import pulumiverse_time

    assert sdk_class("time:index/sleep:Sleep") is pulumiverse_time.Sleep
    assert sdk_class("awsx:ec2:Vpc") is pulumi_awsx.ec2.Vpc


@pytest.mark.parametrize("stack", STACKS)
def test_every_registered_input_exists_in_the_sdk(stack, stack_runs):
    checked = 0
    for reg in stack_runs[stack].registrations:
        if reg.type.startswith("eks-pod-identity:"):
            continue
        known = sdk_inputs(sdk_class(reg.type))
        unknown = {key for key in reg.inputs if snake(key) not in known}
        assert not unknown, f"{reg.type} {reg.name}: {sorted(unknown)} are not inputs of the SDK"
        checked += 1
    assert checked > 0
