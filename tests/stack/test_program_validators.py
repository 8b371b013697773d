"""Least privilege and valid objects, proven by real validators over everything the program
registers: parliament, the Kubernetes schemas, the restricted Pod Security Standard, and the
installed SDKs' own resource inputs.

Each committed stack runs as committed and with the other sample kind, so both samples'
documents and objects are checked in every stack's setting. Mocks accept any property name,
so a typo in an input (or a field removed in a new SDK major) would otherwise only surface at
`pulumi up`.
"""

from __future__ import annotations

import importlib
import inspect
import re

import pytest
from eks_pod_identity import stack as config
from eks_pod_identity.offline.harness import project, runner

from tests.helpers import STACKS, k8s_checks, validators

OTHER_SAMPLE = {"deployment": "job", "job": "deployment", "none": "none"}


def variants():
    """Each stack as committed, and with the other sample kind where that config is valid."""
    for stack in STACKS:
        yield stack, None
        sample = project.parsed_config(stack).sample
        if sample.kind == "none":
            continue
        other = {"eks-pod-identity:sample": {**sample.model_dump(by_alias=True, exclude_none=True), "kind": OTHER_SAMPLE[sample.kind]}}
        try:
            project.parsed_config(stack, overrides=other)
        except config.ConfigError:
            continue
        yield stack, other


VARIANTS = list(variants())
IDS = [f"{s}-{'as-committed' if o is None else o['eks-pod-identity:sample']['kind']}" for s, o in VARIANTS]


@pytest.fixture(scope="module")
def variant_runs(stack_runs):
    return {
        i: (stack_runs[stack] if overrides is None else runner.run_stack(stack, overrides=overrides))
        for i, (stack, overrides) in zip(IDS, VARIANTS, strict=True)
    }


def test_parliament_finds_what_it_should():
    findings = validators.parliament_findings(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": "arn:aws:s3:::b/*"}]}
    )
    assert [issue for issue, _ in findings] == ["RESOURCE_MISMATCH"]


@pytest.mark.parametrize("variant", IDS)
def test_every_permission_policy_passes_parliament(variant, variant_runs):
    policies = list(validators.permission_policies(variant_runs[variant]))
    for where, policy in policies:
        assert validators.unwaived(validators.parliament_findings(policy)) == [], where


def test_the_job_variants_do_check_a_generated_policy(variant_runs):
    checked = [len(list(validators.permission_policies(r))) for i, r in variant_runs.items() if i.endswith("job")]
    assert checked and all(n >= 1 for n in checked)


@pytest.mark.parametrize("variant", IDS)
def test_every_kubernetes_object_validates_strictly(variant, variant_runs):
    objects = list(validators.kubernetes_objects(variant_runs[variant]))
    for name, manifest, version in objects:
        k8s_checks.validate(manifest, version)
        spec = k8s_checks.pod_spec(manifest)
        if spec is not None:
            assert k8s_checks.restricted_violations(spec) == [], name
    stack, overrides = VARIANTS[IDS.index(variant)]
    if project.parsed_config(stack, overrides=overrides).sample.kind != "none":
        assert {m["kind"] for _, m, _ in objects} >= {"ServiceAccount"}


# --- every input is an input of the installed SDK ---------------------------------------------


PACKAGES = {"aws": "pulumi_aws", "eks": "pulumi_eks", "kubernetes": "pulumi_kubernetes", "awsx": "pulumi_awsx"}


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
