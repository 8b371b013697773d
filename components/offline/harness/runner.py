"""Run the program for a stack file under mocks, as the CLI would, and record what it registers.

The CLI hands the program the project's config defaults overlaid with the stack file's
values, objects as JSON strings. `stack_config` does the same from the committed files;
`run` executes `__main__.py` with a monitor that records every RegisterResource request,
including the parent, provider and dependencies mocks alone do not show.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import runpy
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import yaml
from google.protobuf import json_format  # type: ignore[import-untyped]
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from ...arn import account_of
from . import mocks as mocks_module
from .mocks import AdoptedCluster, Mocks
from .stackfile import StackFileError, UnansweredReference, tracked_stack_names
from .stackfile import load as load_stack_file


@dataclass(frozen=True)
class Program:
    """A Pulumi program on disk: the folder of its Pulumi.yaml, its stack files beside it, and
    its entry point (Pulumi.yaml `main:`, a file or a folder, else `__main__.py`), as the CLI
    finds them. Any program built on this package, not only this repository's."""

    root: Path

    @classmethod
    def find(cls, start: Path) -> Program:
        """The program whose Pulumi.yaml is in `start` or the nearest folder above it, as the
        CLI looks for it; StackFileError when there is none."""
        start = start.resolve()
        for folder in (start, *start.parents):
            if (folder / "Pulumi.yaml").is_file():
                return cls(folder)
        raise StackFileError([f"{start}: no Pulumi.yaml here or in a folder above: give the program's folder (--program DIR)"])

    @property
    def project(self) -> dict[str, Any]:
        loaded = yaml.safe_load((self.root / "Pulumi.yaml").read_text())
        if not isinstance(loaded, dict) or not isinstance(loaded.get("name"), str):
            raise StackFileError([f"{self.root / 'Pulumi.yaml'}: not a Pulumi project file (no `name:`)"])
        return loaded

    @property
    def main(self) -> Path:
        main = self.project.get("main")
        path = self.root / main if isinstance(main, str) else self.root
        return path / "__main__.py" if path.is_dir() else path


_current: Program | None = None
_account: str | None = None
_progress = False


def show_progress(on: bool) -> None:
    """Say on stderr what takes a while (the command line turns it on; tests leave it off)."""
    global _progress
    _progress = on


def progress(message: str) -> None:
    if _progress:
        print(message, file=sys.stderr, flush=True)


def program() -> Program:
    """The program the offline tools work on: the one `use` set, else the current folder's."""
    return _current or Program.find(Path.cwd())


def use(found: Program | None, account: str | None = None) -> None:
    """Work on `found` (the command line's --program), or again on the current folder's (None),
    deploying to `account` (--account), or to the account each stack names (see `account_for`)."""
    global _current, _account
    _current, _account = found, account


@contextlib.contextmanager
def using(found: Program, account: str | None = None, verbose: bool = False) -> Iterator[None]:
    """Work on `found` in `account` (saying what takes a while when `verbose`), then on what
    was in use before: for one command."""
    saved = (_current, _account, _progress)
    use(found, account)
    show_progress(verbose)
    try:
        yield
    finally:
        use(*saved[:2])
        show_progress(saved[2])


def account_for(config: Mapping[str, str]) -> str:
    """The AWS account an offline run deploys to, as `pulumi up` would learn it from its
    credentials: --account, else the stack's `aws:allowedAccountIds` (the provider refuses any
    other), else the one account the stack's own ARNs name (its roles, policies, principals;
    a target role's is another account by design), else the mocks' placeholder, shown as
    <ACCOUNT>. StackFileError when the stack names several and nothing says which."""
    if _account:
        return _account
    named = sorted(_accounts_named(raw_config(config)))
    try:
        allowed = json.loads(config.get("aws:allowedAccountIds") or "[]")
    except ValueError:
        allowed = []
    allowed = [str(a) for a in allowed] if isinstance(allowed, list) else []
    candidates = [a for a in allowed if a in named] or allowed or named
    if len(candidates) > 1:
        raise StackFileError(
            [
                (
                    f"the stack names AWS accounts {', '.join(candidates)} ({'aws:allowedAccountIds' if allowed else 'in its ARNs'}): "
                    "say which one it deploys to with --account ACCOUNT_ID"
                )
            ]
        )
    return candidates[0] if candidates else mocks_module.ACCOUNT


def _accounts_named(raw: Mapping[str, Any]) -> set[str]:
    """Accounts of the ARNs that must be in the deploying account: the roles identities bind,
    the customer managed policies and boundaries IAM attaches to their roles (see
    stack/accounts.py), and the OIDC providers their IRSA trust names. Resources policies
    name (a KMS key, a secret) and target roles may be in any account."""
    identities = raw.get("identities")
    found: set[str] = set()
    for ident in identities if isinstance(identities, list) else []:
        if not isinstance(ident, dict):
            continue
        irsa = ident.get("irsa")
        providers = irsa.get("oidcProviderArns") if isinstance(irsa, dict) else None
        policies = ident.get("managedPolicyArns")
        arns = [
            ident.get("roleArn"),
            ident.get("permissionsBoundary"),
            *(policies if isinstance(policies, list) else []),
            *(providers if isinstance(providers, list) else []),
        ]
        found |= {a for a in map(account_of, arns) if a and a.isdigit()}
    return found


def short_name(urn: str) -> str:
    """The name part of a URN (after its last `::`)."""
    return urn.rsplit("::", 1)[-1]


def project_file(root: Path | None = None) -> dict[str, Any]:
    return Program(root).project if root else program().project


def stack_names(root: Path | None = None) -> list[str]:
    """Every stack with a file here, committed or not: Pulumi.<stack>.yaml beside Pulumi.yaml."""
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in (root or program().root).glob("Pulumi.*.yaml"))


def stack_argument(arg: str, root: Path | None = None) -> tuple[str, Path | None]:
    """(stack name, stack file or None) for a command-line STACK: a name with a Pulumi.<name>.yaml
    here, or the path of a stack file. Raises StackFileError for an unknown name, saying what exists."""
    path = Path(arg) if arg.endswith((".yaml", ".yml")) or "/" in arg else None
    if path is None:
        if arg not in stack_names(root):
            raise StackFileError(
                [f"no stack file Pulumi.{arg}.yaml; the stacks here are {', '.join(stack_names(root))} (or give the path of a stack file)"]
            )
        return arg, None
    # A missing or unreadable file is the stack file reader's to report, with its reason.
    return path.name.removeprefix("Pulumi.").rsplit(".", 1)[0], path


def committed_stack_names(root: Path | None = None) -> list[str]:
    """The stacks whose files git tracks (all of them outside a git checkout): what the tests
    run, so that a stack file of one's own never breaks `make test`."""
    root = root or program().root
    return tracked_stack_names(root) or stack_names(root)


def _encode(value: Any) -> str:
    # The CLI passes strings as-is and everything else as JSON (YAML dates as ISO text).
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value if isinstance(value, str) else json.dumps(value, default=_iso)


def _iso(value: Any) -> str:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a YAML value a stack file can hold")


def stack_config(
    stack: str, root: Path | None = None, overrides: Mapping[str, Any] | None = None, path: Path | None = None
) -> dict[str, str]:
    """The config map the CLI would pass for `stack`: Pulumi.yaml defaults, then the stack file
    (`Pulumi.<stack>.yaml` beside Pulumi.yaml, or `path`)."""
    root = root or program().root
    project = project_file(root)
    name = project["name"]
    values: dict[str, Any] = {
        f"{name}:{key}": decl["default"]
        for key, decl in (project.get("config") or {}).items()
        if isinstance(decl, dict) and "default" in decl
    }
    stack_file = load_stack_file(path or root / f"Pulumi.{stack}.yaml")  # StackFileError for a bad file
    for key, value in {**stack_file, **(overrides or {})}.items():
        values[key if ":" in key else f"{name}:{key}"] = value
    return {key: _encode(value) for key, value in values.items() if value is not None}


def raw_config(config: Mapping[str, str]) -> dict[str, Any]:
    """The project's keys of a config map, decoded as the program does (`config.from_config_map`)."""
    from ... import stack as config_module

    return config_module.from_config_map(config)[0]


def parsed_config(stack: str, overrides: Mapping[str, Any] | None = None) -> Any:
    """The validated StackConfig of a committed stack file (raises ConfigError when invalid)."""
    from ... import stack as config_module

    return config_module.parse(*config_module.from_config_map(stack_config(stack, overrides=overrides)))


@dataclass
class Registration:
    """One RegisterResource request as the engine would receive it."""

    type: str
    name: str
    urn: str
    parent: str
    custom: bool
    provider: str
    inputs: dict[str, Any]
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    aliases: list[str] = field(default_factory=list)
    """URNs this resource was known by before (resolved from the alias specs)."""
    delete_before_replace: bool = False
    retain_on_delete: bool = False
    import_id: str = ""
    custom_timeouts: dict[str, str] = field(default_factory=dict)
    replace_on_changes: list[str] = field(default_factory=list)
    ignore_changes: list[str] = field(default_factory=list)


def plain(value: Any) -> Any:
    """Wire values as plain data: secrets unwrapped, resource references as their URN.

    The stock mock monitor rehydrates resource references in its worker thread, which
    breaks for component references such as a pulumi-eks Cluster passed to a node group.
    """
    if isinstance(value, list):
        return [plain(v) for v in value]
    if not isinstance(value, dict):
        return value
    sig = value.get(rpc._special_sig_key)
    if sig == rpc._special_secret_sig:
        return plain(value.get("value"))
    if sig == rpc._special_resource_sig:
        return value.get("urn")
    if sig == rpc._special_output_value_sig:
        return plain(value.get("value"))
    return {k: plain(v) for k, v in value.items()}


class DuplicateUrnError(Exception):
    """What the engine answers to a second registration of one URN."""


class DuplicateAliasError(DuplicateUrnError):
    """What the engine answers when two resources claim one URN through aliases."""


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """A mock monitor that keeps every registration request, in order, and refuses what the
    engine refuses: a URN registered twice (Pulumi's stock mock monitor overwrites it), and
    one URN claimed twice through aliases. The engine refuses the latter when the state holds
    that URN (pkg/resource/deploy/step_generator.go getOldResource, errors 2008 and 2016); an
    upgraded stack may, so the monitor refuses it always."""

    def __init__(self, mocks: Mocks):
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self.urns: set[str] = set()
        self.aliased: dict[str, str] = {}
        """alias URN -> the URN of the resource that claimed it."""

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The URN the engine gives: the parent's whole type chain, except the root stack's
        (pulumi/pulumi sdk/go/common/resource/urn.go, NewURN). The stock mock keeps only the
        parent's last type and prefixes the stack's, so its URNs match no real state."""
        if parent:
            chain = parent.split("::")[2]
            if chain != "pulumi:pulumi:Stack":
                type_ = f"{chain}${type_}"
        return "::".join([f"urn:pulumi:{pulumi.get_stack()}", pulumi.get_project(), type_, name])

    def _alias_urns(self, request: Any) -> list[str]:
        urns = list(request.aliasURNs)
        for alias in request.aliases:
            spec = alias.spec
            if alias.urn:
                urns.append(alias.urn)
                continue
            parent = "" if spec.noParent else (spec.parentUrn or request.parent)
            urns.append(self.make_urn(parent, spec.type or request.type, spec.name or request.name))
        return urns

    def RegisterResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack":
            return resource_pb2.RegisterResourceResponse(urn=urn)
        if urn in self.urns:
            # pulumi/pulumi sdk/go/common/diag/errors.go, GetDuplicateResourceURNError (error 2001).
            raise DuplicateUrnError(f"Duplicate resource URN '{urn}'; try giving it a unique name")
        if urn in self.aliased:
            raise DuplicateAliasError(f"Duplicate resource URN '{urn}' conflicting with alias on resource with URN '{self.aliased[urn]}'")
        aliases = list(dict.fromkeys(a for a in self._alias_urns(request) if a != urn))
        for alias in aliases:
            claimed = self.aliased.get(alias) or (alias if alias in self.urns else None)
            if claimed:
                raise DuplicateAliasError(
                    f"Duplicate resource alias '{alias}' applied to resource with URN '{urn}' conflicting with resource "
                    f"with URN '{claimed}'"
                )
        self.urns.add(urn)
        self.aliased.update(dict.fromkeys(aliases, urn))
        _ensure_event_loop()  # type: ignore[no-untyped-call]
        inputs = plain(json_format.MessageToDict(request.object))
        args = pulumi_mocks.MockResourceArgs(
            typ=request.type,
            name=request.name,
            inputs=inputs,
            provider=request.provider,
            resource_id=request.importId,
            custom=request.custom or False,
        )
        id_, state = self.mocks.new_resource(args)
        self.resources[urn] = pulumi_mocks.MockMonitor.ResourceRegistration(urn, id_ or "", state)
        self.registrations.append(
            Registration(
                type=request.type,
                name=request.name,
                urn=urn,
                parent=request.parent,
                custom=bool(request.custom),
                provider=request.provider,
                inputs=inputs,
                dependencies=list(request.dependencies),
                property_dependencies={k: list(v.urns) for k, v in request.propertyDependencies.items()},
                aliases=aliases,
                delete_before_replace=bool(request.deleteBeforeReplace),
                retain_on_delete=bool(request.retainOnDelete),
                import_id=request.importId,
                custom_timeouts={
                    k: v
                    for k, v in (
                        ("create", request.customTimeouts.create),
                        ("update", request.customTimeouts.update),
                        ("delete", request.customTimeouts.delete),
                    )
                    if v
                },
                replace_on_changes=list(request.replaceOnChanges),
                ignore_changes=list(request.ignoreChanges),
            )
        )
        state_proto = _sync_await(rpc.serialize_properties(state, {}))
        return resource_pb2.RegisterResourceResponse(urn=urn, id=id_ or "", object=state_proto)


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
    )
    monitor = RecordingMonitor(mocks)
    mocks.monitor = monitor
    pulumi.runtime.set_all_config(config)
    # A fresh root stack per run, so URNs carry this run's stack name.
    pulumi_settings.ROOT.set(None)
    pulumi.runtime.set_mocks(mocks, project=project_file()["name"], stack=stack, preview=False, monitor=monitor)
    result = RunResult(monitor.registrations)
    body = program or main_program()

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def execute() -> pulumi.Output[Any]:
        return pulumi.Output.from_input(body() or {}).apply(result.outputs.update)

    try:
        execute()
    except Exception as exc:
        if raise_errors:
            raise
        result.error = exc
    return result


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
    stack: str, overrides: Mapping[str, Any] | None = None, path: Path | None = None, _via: tuple[str, ...] = (), **kwargs: Any
) -> RunResult:
    """Run the program for a committed stack file.

    A StackReference to `<org>/<project>/<name>` is answered with the outputs of the
    stack file `Pulumi.<name>.yaml`, itself run under mocks first: what a cluster stack reads
    is exactly what the identity stack exports. A reference no stack file here answers is a
    StackFileError, said before anything runs.
    """
    started = time.perf_counter()
    progress(f"running stack {stack!r} through {program().main} under mocks ...")
    result = _run_stack(stack, overrides, path, _via, **kwargs)
    progress(f"  stack {stack!r}: {len(result.registrations)} registrations in {time.perf_counter() - started:.1f} s")
    return result


def _run_stack(stack: str, overrides: Mapping[str, Any] | None, path: Path | None, _via: tuple[str, ...], **kwargs: Any) -> RunResult:
    config = stack_config(stack, overrides=overrides, path=path)
    # Referenced stacks deploy with this one's credentials: the same account.
    kwargs["caller_account"] = kwargs.get("caller_account") or account_for(config)
    if "stack_outputs" not in kwargs:
        outputs = {}
        referenced: dict[str, RunResult] = {}
        for ref in referenced_stacks(config):
            short = ref.rsplit("/", 1)[-1]
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
        result = run(config, stack=stack, **kwargs)
        result.referenced = referenced
        return result
    return run(config, stack=stack, **kwargs)


def close_event_loops() -> None:
    """Close the event loops the mocks leave open (one per executor thread), for a command
    about to exit: interpreter shutdown would otherwise finalize them after their self-pipe
    sockets and, now and then, print "Exception ignored ... Invalid file descriptor: -1"."""
    import asyncio
    import gc

    for loop in [o for o in gc.get_objects() if isinstance(o, asyncio.AbstractEventLoop)]:
        if not loop.is_running() and not loop.is_closed():
            loop.close()
