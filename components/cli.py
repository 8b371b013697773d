"""`eks-pod-identity`: the offline tools, one command (also `python -m eks_pod_identity`).

Every subcommand runs a Pulumi program built on this package, under mocks that stand in for
AWS and Kubernetes: no account, no credentials, no network. The program is the one whose
Pulumi.yaml is in --program DIR (default: the current folder or the nearest one above).
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from .offline.commands import BAD_INPUT, HAZARDS, OK, USAGE
from .offline.harness import project

ACCOUNT_ID = re.compile(r"[0-9]{12}")
"""An AWS account ID: 12 ASCII digits (str.isdigit takes any script's digits)."""

COMMANDS = {
    "plan": "plan",
    "review": "review",
    "check": "check",
    "access": "access",
    "adopt": "adopt",
    "migrate-irsa": "migrate_irsa",
}
DESCRIPTION = """Offline tools for EKS Pod Identity stacks: each runs the Pulumi program under mocks (no AWS
account, no credentials, no network). Every command takes --program DIR (the program's folder;
default: the one with a Pulumi.yaml here or above) and --account ID (the account it deploys to)."""
EXIT_STATUSES = f"""exit status:
  {OK}  done (review: every hazard accepted)
  {BAD_INPUT}  bad input: a stack file, an input file or a flag's value, or a stack the program refuses
  {USAGE}  a wrong command line
  {HAZARDS}  review only: a hazard is not accepted (--accept, --accept-file)"""


def command(name: str) -> ModuleType:
    return importlib.import_module(f".offline.commands.{COMMANDS[name]}", __package__)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="eks-pod-identity",
        description=DESCRIPTION,
        epilog=EXIT_STATUSES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--program", metavar="DIR", type=Path, help="the Pulumi program's folder (its Pulumi.yaml and stack files); default: here or above"
    )
    common.add_argument(
        "--account", metavar="ID", help="the AWS account the stack deploys to; default: aws:allowedAccountIds, else the one its ARNs name"
    )
    subcommands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = command(name)
        doc = module.__doc__ or name
        sub = subcommands.add_parser(
            name,
            parents=[common],
            help=doc.split("\n")[0],
            description=doc,
            epilog=EXIT_STATUSES,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from .offline.harness.stackfile import StackFileError

    if args.account is not None and not ACCOUNT_ID.fullmatch(args.account):
        print(f"error: --account {args.account!r} is not a 12-digit AWS account ID", file=sys.stderr)
        return BAD_INPUT
    try:
        # The current folder's program is looked up only by a command that reads one
        # (project.program()): migrate-irsa reads none.
        found = project.Program.find(args.program) if args.program else None
    except StackFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return BAD_INPUT
    with project.using(found, args.account, verbose=True):
        try:
            status: int = command(args.command).run(args)
            return status
        except StackFileError as error:
            print(f"error: {error}", file=sys.stderr)
            return BAD_INPUT
        except Exception as error:  # noqa: BLE001 - said in one line, never a traceback
            print(f"error: {args.command} failed: {type(error).__name__}: {error}", file=sys.stderr)
            return BAD_INPUT


def entry() -> None:
    """The console script: the exit status is the command's."""
    from .offline.harness import runner

    status = main()
    runner.close_event_loops()
    sys.exit(status)
