"""The two sides of a review: a stack file run through the program under mocks, OLD and NEW."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ... import stack as config_module
from ...stack import ConfigError
from ..harness import project, runner
from ..harness.stackfile import StackFileError
from ..harness.stackfile import load as load_stack_file


@dataclass
class Side:
    label: str
    result: runner.RunResult
    config: Any
    """The parsed StackConfig, or None for an empty (new) stack."""


def stack_target(arg: str) -> tuple[str, Path | None]:
    """(stack name, path or None) of a NEW/OLD argument: a committed stack name or a stack file."""
    path = Path(arg) if arg.endswith((".yaml", ".yml")) or "/" in arg else None
    name = path.name.removeprefix("Pulumi.").rsplit(".", 1)[0] if path else arg
    return name, path


class BadInput(Exception):
    """A stack file that cannot be read or run: printed, exit 1."""


def side(stack: str, overrides: dict[str, Any] | None = None, path: Path | None = None, label: str = "") -> Side:
    """Run the program as stack `stack` for a stack file (`path`, else Pulumi.<stack>.yaml) with
    `overrides` on top; raises ConfigError for an invalid config, as the program would."""
    config = project.stack_config(stack, overrides=overrides, path=path)
    parsed = config_module.parse(project.raw_config(config))
    return Side(label or str(path or stack), runner.run_stack(stack, overrides=overrides, path=path), parsed)


@dataclass
class Prepared:
    """One side's stack file, read and found well-formed, not run yet."""

    stack: str
    arg: str
    file: Path
    new_stack: bool
    """An empty file on the OLD side: a stack with nothing deployed."""


def prepare(stack: str, arg: str, empty_is_new: bool = False) -> Prepared:
    """One side of the review from a command-line argument, read but not run, so that both sides'
    files are checked before either side's (slow) run. An empty stack file is a new stack on the
    OLD side (`empty_is_new`); on the NEW side it is checked like any other, and refused."""
    name, path = stack_target(arg)
    if path is None and name not in project.stack_names():
        raise BadInput(f"{arg}: no Pulumi.{name}.yaml; stacks: {', '.join(project.stack_names())}")
    file = path or project.program().root / f"Pulumi.{name}.yaml"
    try:
        if empty_is_new and file.is_file() and not file.read_text(encoding="utf-8").strip():
            return Prepared(stack, arg, file, new_stack=True)
        load_stack_file(file)  # read as the runner reads it: a bad file is said here, in one line
    except UnicodeDecodeError as error:
        raise BadInput(f"{arg}: not a text file ({error.reason} at byte {error.start})") from None
    except StackFileError as error:
        raise BadInput(str(error)) from None
    return Prepared(stack, arg, file, new_stack=False)


def run(prepared: Prepared) -> Side:
    """Run one prepared side through the program under mocks."""
    if prepared.new_stack:
        return Side(f"{prepared.arg} (empty: a new stack)", runner.RunResult([]), None)
    try:
        return side(prepared.stack, path=prepared.file, label=prepared.arg)
    except StackFileError as error:
        raise BadInput(str(error)) from None
    except ConfigError as error:
        raise BadInput(f"{prepared.arg}: {error}") from None
    except Exception as error:  # noqa: BLE001 - whatever the program raises is reported, never a traceback
        raise BadInput(f"{prepared.arg}: the program failed under mocks: {type(error).__name__}: {error}") from None


def load(stack: str, arg: str, empty_is_new: bool = False) -> Side:
    """One side of the review, read and run."""
    return run(prepare(stack, arg, empty_is_new))
