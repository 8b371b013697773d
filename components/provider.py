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
        for component in PUBLIC_COMPONENTS:
            # The SDK strips the class docstring but keeps its indentation (Analyzer.analyze_component).
            component.__doc__ = inspect.cleandoc(component.__doc__ or "")
        super().__init__(PUBLIC_COMPONENTS, NAME, version=version())

    def construct(self, name: str, resource_type: str, inputs: Any, options: pulumi.ResourceOptions | None = None) -> ConstructResult:
        try:
            return super().construct(name, resource_type, inputs, options)
        except ComponentInitError as err:
            if isinstance(err.inner, ConfigError):
                raise input_error(err.inner) from None
            raise


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
