"""The Pulumi program the offline tools work on, its stack files, and the account it deploys to.

A program is any folder with a Pulumi.yaml (this repository's, or one of a user's built on the
package); its stacks are the Pulumi.<stack>.yaml files beside it. The CLI hands a program the
project's config defaults overlaid with the stack file's values, objects as JSON strings:
`stack_config` does the same.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import json
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ...arn import account_of
from . import mocks
from .stackfile import StackFileError, tracked_stack_names
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

    @functools.cached_property
    def project(self) -> dict[str, Any]:
        """Pulumi.yaml, read once; StackFileError when it is no project file the CLI would read."""
        path = self.root / "Pulumi.yaml"
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise StackFileError([f"{path}: cannot be read as YAML: {str(error).splitlines()[0]}"]) from None
        if not isinstance(loaded, dict) or not isinstance(loaded.get("name"), str):
            raise StackFileError([f"{path}: not a Pulumi project file (no `name:`)"])
        if not isinstance(loaded.get("config") or {}, dict):
            raise StackFileError([f"{path}: `config:` must be a mapping of keys to their declarations"])
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
def using(found: Program | None, account: str | None = None, verbose: bool = False) -> Iterator[None]:
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
    return candidates[0] if candidates else mocks.ACCOUNT


def organization_for(config: Mapping[str, str]) -> str:
    """The AWS Organization the account is in, as far as an offline run can tell: the one the
    stack's trust names (`trust.sourceOrgId`), else a placeholder (the program checks the real
    one at run time: organizations:DescribeOrganization)."""
    identities = raw_config(config).get("identities")
    for ident in identities if isinstance(identities, list) else []:
        trust = ident.get("trust") if isinstance(ident, dict) else None
        value = trust.get("sourceOrgId") if isinstance(trust, dict) else None
        if isinstance(value, str) and value.startswith("o-"):
            return value
    return mocks.ORGANIZATION


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


def project_file(root: Path | None = None) -> dict[str, Any]:
    return Program(root).project if root else program().project


def stack_of(reference: str) -> str:
    """The stack a StackReference names: `organization/project/stack` -> `stack`, whose file here
    is Pulumi.<stack>.yaml."""
    return reference.rsplit("/", 1)[-1]


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
