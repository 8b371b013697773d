"""The component package: the public components, hosted for TypeScript, Go, C#, Java and YAML.

`pulumi package add <this repository>` runs the repository as a plugin (PulumiPlugin.yaml,
`runtime: python`). The Python language host runs the plugin's root `__main__.py` when there
is one (pulumi/pulumi sdk/python/cmd/pulumi-language-python/main.go, RunPlugin), so the root
`__main__.py` asks `hosting()` first and serves this provider instead of the stack program.

The schema is inferred by the Python SDK from the components' annotations
(`pulumi.provider.experimental.component.ComponentProvider`); `schema.json` at the root is its
committed copy (`make schema`, checked by tests/test_provider.py).
"""

from __future__ import annotations

import inspect
import json
import sys
from importlib import metadata
from typing import Any

import pulumi
from pulumi.errors import InputPropertiesError, InputPropertyErrorDetails
from pulumi.provider.experimental.analyzer import PropertyDefinition
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.provider import ConstructResult
from pulumi.provider.server import ComponentInitError
from pulumi.runtime.settings import get_monitor

from .errors import ConfigError
from .public.addon import Addon
from .public.cluster import Cluster
from .public.identity import PodIdentity
from .public.stack import EksPodIdentity

NAME = "eks-pod-identity"
"""The package name: the first part of every type token (`eks-pod-identity:index:PodIdentity`)."""
PUBLIC_COMPONENTS: list[type[pulumi.ComponentResource]] = [EksPodIdentity, Cluster, PodIdentity, Addon]
"""What other languages get; `eks_pod_identity` exports exactly these."""
for _component in PUBLIC_COMPONENTS:
    # The SDK strips a class docstring but keeps its indentation (Analyzer.analyze_component).
    _component.__doc__ = inspect.cleandoc(_component.__doc__ or "")


def version() -> str:
    """The package's version, from pyproject.toml (the installed distribution's metadata)."""
    return metadata.version(NAME)


class Provider(ComponentProvider):
    """The SDK's component provider, with bad input refused as input errors, not tracebacks.

    The SDK wraps what a component's constructor raises in ComponentInitError, which the
    provider server reports with the Python stack (pulumi/provider/server.py,
    ProviderServicer.Construct; the engine's own test expects "Unexpected <class 'Exception'>"
    and the stack lines: tests/integration/integration_python_test.go,
    TestPythonComponentProviderException); an InputPropertiesError is reported as the input's
    own error, property by property, which is what a bad input is.
    """

    def __init__(self) -> None:
        super().__init__(PUBLIC_COMPONENTS, NAME, version=version())

    def construct(self, name: str, resource_type: str, inputs: Any, options: pulumi.ResourceOptions | None = None) -> ConstructResult:
        component = resource_type.rsplit(":", 1)[-1]
        definition = self._component_defs.get(component)
        problems = self.shape_problems(inputs, definition.inputs) if definition else []
        if problems:
            raise InputPropertiesError(f"{component} {name!r} has {len(problems)} problem(s); nothing was created", problems)
        try:
            return super().construct(name, resource_type, inputs, options)
        except ComponentInitError as err:
            if isinstance(err.inner, ConfigError):
                raise input_error(err.inner) from None
            if isinstance(err.inner, pulumi.RunError):
                # A lookup the account refused (LookupFailed): the server passes a RunError on as
                # its message, without the stack (pulumi/provider/server.py, Construct).
                raise err.inner from None
            raise

    def shape_problems(self, value: Any, properties: dict[str, PropertyDefinition], path: str = "") -> list[InputPropertyErrorDetails]:
        """What the SDK would not refuse: an object input given something else (it maps a
        non-object to `{}`, pulumi/provider/experimental/component.py map_input_properties), and
        an output or secret where the components need the value itself to check it."""
        found: list[InputPropertyErrorDetails] = []
        for key, prop in properties.items():
            if isinstance(value, dict) and key in value:
                found += self._value_problems(value[key], prop, f"{path}{key}")
        return found

    def _value_problems(self, item: Any, prop: PropertyDefinition, path: str) -> list[InputPropertyErrorDetails]:
        if isinstance(item, pulumi.Output):
            return [{"property_path": path, "reason": PLAIN_VALUES}]
        type_def = self.get_type_definition(prop) if prop.ref else None
        if type_def is not None and not type_def.enum:
            if not isinstance(item, dict):
                return [{"property_path": path, "reason": f"{item!r}: must be an object of keys ({type_def.name})"}]
            return self.shape_problems(item, type_def.properties, f"{path}.")
        if prop.items is not None and isinstance(item, list):
            return [found for i, each in enumerate(item) for found in self._value_problems(each, prop.items, f"{path}[{i}]")]
        if prop.additional_properties is not None and isinstance(item, dict):
            return [found for k, each in item.items() for found in self._value_problems(each, prop.additional_properties, f"{path}.{k}")]
        return []


PLAIN_VALUES = "must be a value, not another resource's output or a secret: the component checks its inputs before anything is created"


def input_error(err: ConfigError) -> InputPropertiesError:
    """A ConfigError as the engine's input error: its first line, and each problem under the input
    it names. The engine prints each as `property <path> with value '<value>' has a problem:
    <reason>` (pkg/resource/deploy/source_eval.go, errorToMessage), so the reason is the problem
    without its path: the same line a Python program prints, in the engine's words."""
    errors: list[InputPropertyErrorDetails] = []
    for problem in err.problems:
        path, reason = split_problem(problem)
        errors.append({"property_path": path, "reason": reason})
    return InputPropertiesError(str(err).split("\n", 1)[0].rstrip(":"), errors)


def split_problem(problem: str) -> tuple[str, str]:
    """`namespace = 'A': bad` -> (`namespace`, `'A': bad`); `trust.x: unknown` -> (`trust.x`, `unknown`)."""
    path = problem.split(" = ", 1)[0].split(": ", 1)[0]
    return path, problem[len(path) :].removeprefix(" = ").removeprefix(": ")


def schema() -> dict[str, Any]:
    """The package schema, as the engine gets it from the provider's GetSchema."""
    text = Provider().schema
    assert text is not None, "ComponentProvider always builds its schema"
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def schema_text() -> str:
    """`schema.json` as committed: the schema with sorted keys (`make schema` writes it)."""
    return json.dumps(schema(), indent=2, sort_keys=True) + "\n"


def hosting(argv: list[str] | None = None) -> bool:
    """Whether this process was started as the plugin (`python <dir> <engine address>`), not
    as a Pulumi program (which the language host starts with a configured monitor)."""
    args = sys.argv if argv is None else argv
    return get_monitor() is None and len(args) > 1


def host() -> None:
    """Serve the provider to the engine (the address is the first argument)."""
    from pulumi.provider import main

    main(Provider(), sys.argv[1:])
