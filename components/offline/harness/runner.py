"""Run a program for a stack file under mocks, as the CLI would, and record what it registers.

`run` executes the program's main with a monitor that records every RegisterResource request,
including the parent, provider and dependencies mocks alone do not show (`monitor`); its
config is what `program.stack_config` builds from a stack file.
"""

from __future__ import annotations

import asyncio
import runpy
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import EllipsisType
from typing import Any

import pulumi
from pulumi.runtime import settings as pulumi_settings

from .mocks import AdoptedCluster, Mocks
from .monitor import RecordingMonitor, Registration
from .project import account_for, organization_for, program, progress, project_file, raw_config, stack_config, stack_names, stack_of
from .stackfile import StackFileError, UnansweredReference


def short_name(urn: str) -> str:
    """The name part of a URN (after its last `::`)."""
    return urn.rsplit("::", 1)[-1]


@dataclass
class RunResult:
    """What one program run registered and exported."""

    registrations: list[Registration]
    outputs: dict[str, Any] = field(default_factory=dict)
    error: BaseException | None = None
    """What the program raised, when run with raise_errors=False."""
    referenced: dict[str, RunResult] = field(default_factory=dict)
    """The runs of the stacks its StackReferences read (run_stack), by reference: what the
    other stack registered, for the tools that look past its outputs (`eks-pod-identity access`)."""

    def of_type(self, type_: str) -> list[Registration]:
        return [r for r in self.registrations if r.type == type_]

    def named(self, name: str) -> Registration:
        (found,) = [r for r in self.registrations if r.name == name]
        return found

    def under(self, component: str, type_: str | None = None) -> list[Registration]:
        """The registrations whose parent is the component named `component` (of `type_`)."""
        parents = {r.urn for r in self.registrations if r.name == component and not r.custom}
        return [r for r in self.registrations if r.parent in parents and (type_ is None or r.type == type_)]

    def by_urn(self, urn: str) -> Registration:
        (found,) = [r for r in self.registrations if r.urn == urn]
        return found

    def all_dependencies(self, reg: Registration) -> set[str]:
        """URNs `reg` waits for: explicit dependsOn plus those its inputs carry."""
        return set(reg.dependencies).union(*reg.property_dependencies.values())

    def ancestors(self, reg: Registration) -> list[Registration]:
        chain, parent = [], reg.parent
        while parent and not parent.endswith("::pulumi:pulumi:Stack") and "pulumi:pulumi:Stack::" not in parent:
            found = self.by_urn(parent)
            chain.append(found)
            parent = found.parent
        return chain


def main_program(path: Path | None = None) -> Callable[[], Mapping[str, Any]]:
    """The program as the CLI runs it: its entry point executed as `__main__`, its folder on
    sys.path (for its own modules), its exports returned."""
    main = path or program().main

    def execute() -> Mapping[str, Any]:
        folder = str(main.parent)
        added = folder not in sys.path
        if added:
            sys.path.insert(0, folder)
        try:
            globals_ = runpy.run_path(str(main), run_name="__main__")
        finally:
            if added:
                sys.path.remove(folder)
        return exports(globals_)

    return execute


def exports(globals_: Mapping[str, Any]) -> Mapping[str, Any]:
    """What a program run under mocks exported (`pulumi.export`), read from the root stack the
    runtime kept, or its `outputs` variable when it names one."""
    stack = pulumi_settings.get_root_resource()
    found = getattr(stack, "outputs", None)
    if isinstance(found, dict) and found:
        return found
    outputs = globals_.get("outputs")
    return outputs if isinstance(outputs, Mapping) else {}


def run(
    config: Mapping[str, str] | None = None,
    stack: str = "test",
    adopted: Mapping[str, AdoptedCluster] | None = None,
    program: Callable[[], Mapping[str, Any] | None] | None = None,
    raise_errors: bool = True,
    stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
    caller_account: str | None = None,
    caller_arn: str = "",
    organization: str | None | EllipsisType = ...,
    secret_keys: Sequence[str] = (),
) -> RunResult:
    """Run `program` (default: `__main__.py`) under mocks with `config`.

    What the program raises is raised, or with `raise_errors=False` kept in `result.error`
    so that callers can also see what was registered before it failed.
    """
    config = dict(config or {})
    mocks = Mocks(
        region=config.get("aws:region", "us-east-1"),
        adopted=dict(adopted or {}),
        stack_outputs={k: dict(v) for k, v in (stack_outputs or {}).items()},
        caller_account=caller_account or account_for(config),
        caller_arn=caller_arn,
        organization=organization if organization is not ... else organization_for(config),
    )
    monitor = RecordingMonitor(mocks)
    mocks.monitor = monitor
    pulumi.runtime.set_all_config(config, list(secret_keys))  # `pulumi config set --secret` keys
    # A fresh root stack per run, so URNs carry this run's stack name.
    pulumi_settings.ROOT.set(None)
    pulumi.runtime.set_mocks(mocks, project=project_file()["name"], stack=stack, preview=False, monitor=monitor)
    result = RunResult(monitor.registrations)
    body = program or main_program()

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def execute() -> Awaitable[None]:
        return asyncio.ensure_future(_record(body() or {}, result.outputs))

    try:
        execute()
    except Exception as exc:
        if raise_errors:
            raise
        result.error = exc
    return result


async def _record(outputs: Mapping[str, Any], into: dict[str, Any]) -> None:
    """The stack outputs as plain values, resolved the way the engine's export does: each Output
    awaited once and its value walked (`pulumi.runtime.rpc.serialize_property`), not wrapped in
    new Outputs again (`Output.from_input` would gather every entry of a 1,000-key map)."""
    into.update({key: await _plain(value) for key, value in outputs.items()})


async def _plain(value: Any) -> Any:
    if isinstance(value, pulumi.Output):
        value = await value.future()
    if isinstance(value, Mapping):
        return {k: await _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [await _plain(v) for v in value]
    return value


def referenced_stacks(config: Mapping[str, str]) -> list[str]:
    """Stacks named by `identities[].roleFromStack.stack` in a config map."""
    try:
        identities = raw_config(config).get("identities") or []
    except ValueError:
        return []
    if not isinstance(identities, list):  # the config checks say what is wrong with it
        return []
    refs = [i.get("roleFromStack", {}).get("stack") for i in identities if isinstance(i, dict) and isinstance(i.get("roleFromStack"), dict)]
    return sorted({r for r in refs if isinstance(r, str)})


def run_stack(
    stack: str,
    overrides: Mapping[str, Any] | None = None,
    path: Path | None = None,
    _via: tuple[str, ...] = (),
    stack_name: str | None = None,
    **kwargs: Any,
) -> RunResult:
    """Run the program for a committed stack file (`path`: another file), as stack `stack_name`
    (default: the file's).

    A StackReference to `<org>/<project>/<name>` is answered with the outputs of the
    stack file `Pulumi.<name>.yaml`, itself run under mocks first: what a cluster stack reads
    is exactly what the identity stack exports. A reference no stack file here answers is a
    StackFileError, said before anything runs.
    """
    started = time.perf_counter()
    progress(f"running stack {stack!r} through {program().main} under mocks ...")
    result = _run_stack(stack, overrides, path, _via, stack_name or stack, **kwargs)
    progress(f"  stack {stack!r}: {len(result.registrations)} registrations in {time.perf_counter() - started:.1f} s")
    return result


def _run_stack(
    stack: str, overrides: Mapping[str, Any] | None, path: Path | None, _via: tuple[str, ...], stack_name: str, **kwargs: Any
) -> RunResult:
    config = stack_config(stack, overrides=overrides, path=path)
    # Referenced stacks deploy with this one's credentials: the same account.
    kwargs["caller_account"] = kwargs.get("caller_account") or account_for(config)
    if "stack_outputs" not in kwargs:
        outputs = {}
        referenced: dict[str, RunResult] = {}
        for ref in referenced_stacks(config):
            short = stack_of(ref)
            if short not in stack_names():
                raise UnansweredReference(
                    [
                        (
                            f"roleFromStack names stack {ref!r}, and there is no Pulumi.{short}.yaml here: the offline tools "
                            f"answer a stack reference by running that stack's file under mocks. Put its stack file beside "
                            f"Pulumi.yaml, or check this stack with `pulumi preview`, which reads the real stack's outputs"
                        )
                    ]
                )
            if short == stack or short in _via:
                cycle = " -> ".join((*_via, stack, short))
                raise StackFileError([f"roleFromStack names stack {ref!r}: a cycle of stack references ({cycle})"])
            try:
                # Same caller: the referenced stack deploys with the credentials of this one's account.
                same_caller = {k: kwargs[k] for k in ("caller_account", "caller_arn") if k in kwargs}
                referenced[ref] = run_stack(short, _via=(*_via, stack), **same_caller)
                outputs[ref] = referenced[ref].outputs
            except (StackFileError, pulumi.RunError) as error:
                raise StackFileError(
                    [f"roleFromStack names stack {ref!r}, whose file Pulumi.{short}.yaml fails:", *str(error).splitlines()]
                ) from None
        kwargs["stack_outputs"] = outputs
        result = run(config, stack=stack_name, **kwargs)
        result.referenced = referenced
        return result
    return run(config, stack=stack_name, **kwargs)


def close_event_loops() -> None:
    """Close the event loops the mocks leave open (one per executor thread), for a command
    about to exit: interpreter shutdown would otherwise finalize them after their self-pipe
    sockets and, now and then, print "Exception ignored ... Invalid file descriptor: -1"."""
    import asyncio
    import gc

    for loop in [o for o in gc.get_objects() if isinstance(o, asyncio.AbstractEventLoop)]:
        if not loop.is_running() and not loop.is_closed():
            loop.close()
