"""Check stack files: what `pulumi up` would refuse before creating anything, per file.

    eks-pod-identity check [STACK-OR-FILE ...]      (make check-stacks: every Pulumi.*.yaml)

The tests run only the stack files git tracks, so a stack file of one's own never breaks
`make test`; this is its check. Each file is read as the CLI would read it, its config
validated with the program's own checks, and the program run under the offline mocks, so
whatever `pulumi up` would refuse before creating anything is said here, per file, with no
AWS account and no network. A file whose `roleFromStack` names a stack with no file here is
checked as far as its config goes. Exit status 1 if any file has a problem.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pulumi

from ... import stack as config_module
from ...stack import ConfigError
from ..harness import project, runner
from ..harness.stackfile import StackFileError, UnansweredReference
from . import BAD_INPUT, OK

PASSED, CONFIG_ONLY, FAILED = "OK", "OK (config only)", "FAILED"


def targets(args: list[str], root: Path | None = None) -> list[tuple[str, Path]]:
    """(stack name, file) for each argument (a stack name or a file), or every Pulumi.*.yaml in `root`."""
    root = root or project.program().root
    if not args:
        return [(p.name[len("Pulumi.") : -len(".yaml")], p) for p in sorted(root.glob("Pulumi.*.yaml"))]
    found = []
    for arg in args:
        path = Path(arg) if arg.endswith((".yaml", ".yml")) or "/" in arg else root / f"Pulumi.{arg}.yaml"
        found.append((path.name.removeprefix("Pulumi.").rsplit(".", 1)[0], path))
    return found


def check(stack: str, path: Path) -> tuple[str, list[str]]:
    """(verdict, lines to show) for one stack file."""
    try:
        config = project.stack_config(stack, path=path)
        parsed = config_module.parse(*config_module.from_config_map(config))
    except StackFileError as error:
        return FAILED, [p.removeprefix(f"{path}: ") for p in error.problems]
    except ConfigError as error:
        return FAILED, error.problems
    try:
        result = runner.run_stack(stack, path=path)
    except UnansweredReference as error:
        return CONFIG_ONLY, [f"not run under mocks: {line}" for line in error.problems]
    except StackFileError as error:
        return FAILED, error.problems
    except ConfigError as error:  # refused as `pulumi up` would: one line per problem, not its header
        return FAILED, list(error.problems)
    except pulumi.RunError as error:
        return FAILED, [line.strip().removeprefix("- ") for line in str(error).splitlines() if line.strip()]
    except Exception as error:  # noqa: BLE001 - said in one line, never a traceback
        return FAILED, [f"the program failed under mocks: {type(error).__name__}: {error}"]
    created = sum(1 for r in result.registrations if r.custom and not r.type.startswith("pulumi:providers:"))
    return PASSED, [
        (
            f"{_count(len(parsed.clusters), 'cluster')}, {_count(len(parsed.identities), 'identity', 'identities')}, "
            f"{_count(created, 'resource')} under mocks"
        )
    ]


def _count(n: int, one: str, many: str = "") -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "stacks", nargs="*", metavar="STACK-OR-FILE", help="stack names or stack files (default: every Pulumi.*.yaml beside Pulumi.yaml)"
    )


def run(args: argparse.Namespace) -> int:
    files = targets(args.stacks)
    if not files:
        print(f"error: no Pulumi.*.yaml in {project.program().root}", file=sys.stderr)
        return BAD_INPUT
    failed = 0
    for stack, path in files:
        verdict, lines = check(stack, path)
        failed += verdict == FAILED
        shown = path if path.parent.resolve() != project.program().root else path.name
        if verdict == FAILED:
            print(f"{shown}: {verdict}, {_count(len(lines), 'problem')}:")
            print("\n".join(f"  - {line}" for line in lines))
        else:
            print(f"{shown}: {verdict}: {'; '.join(lines)}")
    print(f"{_count(len(files), 'stack file')}: {len(files) - failed} OK, {failed} with problems")
    return BAD_INPUT if failed else OK
