"""The component package: its schema, its exports, its examples, and bad input through the
provider, all in-process (the Pulumi CLI cannot run here)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import eks_pod_identity
import pulumi
import pytest
from eks_pod_identity import provider
from eks_pod_identity.errors import ConfigError
from pulumi.errors import InputPropertiesError, InputPropertyError
from pulumi.provider.experimental.host import components_from_module

from tests.helpers import ROOT
from tests.helpers.package import construct, expected_resources, run_pod_identity, yaml_resources

YAML_EXAMPLES = [ROOT / "examples" / "yaml" / "Pulumi.yaml", ROOT / "examples" / "yaml-platform" / "Pulumi.yaml"]
CONFIG = {"clusterName": "prod-a"}
TS_EXAMPLE = ROOT / "examples" / "typescript" / "index.ts"


def test_the_committed_schema_is_what_the_sdk_infers():
    """`make schema` regenerates it; a changed input, output or docstring fails here until then."""
    assert (ROOT / "schema.json").read_text(encoding="utf-8") == provider.schema_text()


def test_the_version_is_pyprojects():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert provider.schema()["version"] == version == provider.version()


def _described(schema: dict) -> list[str]:
    missing = []
    for token, resource in schema["resources"].items():
        if not resource.get("description"):
            missing.append(token)
        for kind in ("inputProperties", "properties"):
            missing += [f"{token}.{kind}.{k}" for k, v in resource[kind].items() if not v.get("description")]
    for token, type_ in schema["types"].items():
        if not type_.get("description"):
            missing.append(token)
        missing += [f"{token}.{k}" for k, v in type_["properties"].items() if not v.get("description")]
    return missing


def test_every_component_input_output_and_type_has_a_description():
    schema = provider.schema()
    assert schema["resources"] and schema["types"]
    assert _described(schema) == []


def test_descriptions_read_as_text_not_as_indented_source():
    text = provider.schema_text()
    assert not re.search(r"\\n {2,}", text)


def test_the_package_exports_exactly_the_public_components():
    exported = [getattr(eks_pod_identity, name) for name in eks_pod_identity.__all__]
    assert exported == provider.PUBLIC_COMPONENTS
    assert all(issubclass(c, pulumi.ComponentResource) for c in exported)
    assert set(components_from_module(eks_pod_identity)) <= set(provider.PUBLIC_COMPONENTS)
    schema = provider.schema()
    assert set(schema["resources"]) == {f"eks-pod-identity:index:{c.__name__}" for c in provider.PUBLIC_COMPONENTS}


def test_the_yaml_examples_declare_every_public_component():
    declared = {token for path in YAML_EXAMPLES for token, _ in yaml_resources(path, CONFIG).values()}
    assert declared == {f"eks-pod-identity:index:{c.__name__}" for c in provider.PUBLIC_COMPONENTS}


@pytest.mark.parametrize("path", YAML_EXAMPLES, ids=lambda p: p.parent.name)
def test_each_component_registers_under_its_schema_type_token(path):
    """The engine expects a constructed component to register the type it asked for."""
    resources = yaml_resources(path, CONFIG)
    tokens = {r.type for r in construct(resources).registrations if not r.custom}
    assert {token for token, _ in resources.values()} <= tokens


@pytest.mark.parametrize("path", YAML_EXAMPLES, ids=lambda p: p.parent.name)
def test_a_yaml_example_registers_what_the_python_program_registers(path):
    resources = yaml_resources(path, CONFIG)
    constructed = {(r.type, r.name): r.inputs for r in construct(resources).registrations if r.custom}
    expected: dict = {}
    for name, (token, inputs) in resources.items():
        expected |= expected_resources(token, name, inputs)
    assert constructed == expected
    assert {"aws:iam/role:Role", "aws:eks/addon:Addon"} <= {t for t, _ in constructed}


@pytest.mark.parametrize("path", YAML_EXAMPLES, ids=lambda p: p.parent.name)
def test_a_yaml_examples_outputs_are_the_components_outputs(path):
    resources = yaml_resources(path, CONFIG)
    text = path.read_text(encoding="utf-8")
    state = construct(resources).outputs
    for name, (token, _) in resources.items():
        used = set(re.findall(rf"\$\{{{re.escape(name)}\.(\w+)\}}", text))
        assert used <= set(provider.schema()["resources"][token]["properties"]), name
        assert used <= set(state[name]), name


def _typed_keys(schema: dict) -> set[str]:
    keys = set(schema["resources"]["eks-pod-identity:index:PodIdentity"]["inputProperties"])
    for type_ in schema["types"].values():
        keys |= set(type_["properties"])
    return keys


def test_the_typescript_example_uses_only_schema_inputs_and_outputs():
    text = TS_EXAMPLE.read_text(encoding="utf-8")
    call = text[text.index("new podIdentity.PodIdentity(") :]
    call = call[: call.index("});")]
    schema = provider.schema()
    keys = set(re.findall(r"^ {4}(\w+):", call, re.MULTILINE)) | set(re.findall(r"^ {8}(\w+):", call, re.MULTILINE))
    nested_free = set(re.findall(r"^ {8}(\w+):", call[call.index("wellKnown") :].split("},\n    ", 1)[0], re.MULTILINE))
    assert keys - nested_free <= _typed_keys(schema)
    assert "wellKnown" in keys  # its own keys are catalog entries, not schema inputs
    outputs = set(re.findall(r"externalDns\.(\w+)", text))
    assert outputs <= set(schema["resources"]["eks-pod-identity:index:PodIdentity"]["properties"])


def test_bad_input_through_the_provider_is_an_input_error_naming_each_input():
    bad = {"clusters": ["prod-a"], "namespace": "Team_A", "serviceAccount": "app", "managedPolicyArns": ["policy/AmazonS3ReadOnly"]}
    result = construct({"app": ("eks-pod-identity:index:PodIdentity", bad)}, raise_errors=False)
    err = result.error
    assert isinstance(err, InputPropertiesError), repr(err)
    assert err.errors is not None
    paths = {e["property_path"] for e in err.errors}
    assert paths == {"namespace", "managedPolicyArns[0]"}
    assert all("\n" not in e["reason"] for e in err.errors)
    assert err.message == "PodIdentity 'app' has 2 problem(s); nothing was created"
    assert result.registrations == []


def test_the_same_bad_input_gets_the_same_lines_from_python():
    direct = run_pod_identity("app", {"clusters": ["prod-a"], "namespace": "Team_A", "service_account": "app"}, raise_errors=False).error
    through = construct(
        {"app": ("eks-pod-identity:index:PodIdentity", {"clusters": ["prod-a"], "namespace": "Team_A", "serviceAccount": "app"})},
        raise_errors=False,
    ).error
    assert isinstance(direct, ConfigError) and isinstance(through, InputPropertiesError)
    assert [f"{e['property_path']} = {e['reason']}" for e in through.errors or []] == direct.problems


def test_a_missing_required_input_is_the_sdks_input_error():
    result = construct({"app": ("eks-pod-identity:index:PodIdentity", {"namespace": "a", "serviceAccount": "app"})}, raise_errors=False)
    assert isinstance(result.error, InputPropertyError), repr(result.error)
    assert result.error.property_path == "clusters"
    assert result.registrations == []


def test_a_program_run_is_not_the_plugin():
    seen = {}

    def program():
        seen["hosting"] = provider.hosting(["__main__.py", "127.0.0.1:1"])
        return {}

    from eks_pod_identity.offline.harness import runner

    runner.run({"aws:region": "eu-west-1"}, program=program)
    assert seen == {"hosting": False}


def test_run_as_the_plugin_the_root_main_serves_the_provider():
    """What the Python language host does for a plugin with a root __main__.py: `python <dir>
    <engine address>`. The provider server prints its port first (pulumi/provider/server.py, main)."""
    process = subprocess.Popen([sys.executable, str(ROOT), "127.0.0.1:1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    try:
        assert process.stdout is not None
        port = process.stdout.readline().decode().strip()
    finally:
        process.kill()
        process.wait()
    assert port.isdigit(), (port, process.stderr.read().decode()[-2000:] if process.stderr else "")


@pytest.mark.parametrize(
    ("problem", "split"),
    [
        ("namespace = 'A': bad", ("namespace", "'A': bad")),
        (
            "trust.scopeToCluster: unknown key; did you mean 'scopeToClusters'?",
            ("trust.scopeToCluster", "unknown key; did you mean 'scopeToClusters'?"),
        ),
        ("clusters[1] = 'a = b': bad", ("clusters[1]", "'a = b': bad")),
    ],
)
def test_a_problem_splits_into_the_input_and_the_rest(problem, split):
    assert provider.split_problem(problem) == split


@pytest.mark.parametrize(
    ("inputs", "path", "reason"),
    [
        ({"trust": "x"}, "trust", "'x': must be an object of keys (PodIdentityTrustArgs)"),
        ({"targetRole": {"create": 5}}, "targetRole.create", "5: must be an object of keys (TargetRoleCreateArgs)"),
        ({"namespace": pulumi.Output.secret("a")}, "namespace", provider.PLAIN_VALUES),
    ],
)
def test_what_the_sdk_would_let_through_is_an_input_error_before_anything_registers(inputs, path, reason):
    """The SDK maps a non-object to {} for an object input (component.py map_input_properties), and a
    secret arrives as an Output the checks cannot read."""
    good = {"clusters": ["prod-a"], "namespace": "a", "serviceAccount": "app"}
    result = construct({"app": ("eks-pod-identity:index:PodIdentity", good | inputs)}, raise_errors=False)
    assert isinstance(result.error, InputPropertiesError), repr(result.error)
    assert result.error.errors == [{"property_path": path, "reason": reason}]
    assert result.registrations == []


def test_a_platforms_nested_inputs_are_checked_for_shape_too():
    inputs = {"clusters": [{"name": "d", "network": "x"}], "sample": "job"}
    result = construct({"p": ("eks-pod-identity:index:EksPodIdentity", inputs)}, raise_errors=False)
    assert [e["property_path"] for e in result.error.errors] == ["clusters[0].network", "sample"]
    assert result.registrations == []
