"""Refresh the recorded upstream action sets (tests/upstream/<entry>.json) from checkouts.

    python -m tools.refresh_upstream OWNER/REPO=CHECKOUT[@REF] ... [--aws-managed] [--entry KEY ...]

CHECKOUT is a clone (a work tree, or a bare git directory when @REF is given). Without @REF the
files are read from the work tree and the version is the tag checked out (else the commit).
`--aws-managed` re-reads AWS managed policies from the installed `moto` package's copy. Each
source in a recorded file says which part of which file holds the policy (`extract`); only its
`version`, `commit` and `actions` are rewritten, never the `differences` (those are ours, with
their reasons). The command prints what changed: an entry whose upstream gained or lost an action
then fails the drift test until the catalog follows (or lists the difference).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from eks_pod_identity.iam.catalog.base import AWS_MANAGED

UPSTREAM_DIR = Path(__file__).resolve().parent.parent / "tests" / "upstream"

# Values of "Action" keys in JSON policies (in .json files, or in Markdown / CloudFormation text).
ACTION_VALUES = re.compile(r'"Action"\s*:\s*(\[[^\]]*\]|"[^"]*")')
QUOTED = re.compile(r'"([^"]+)"')
# `service:Action` or "service:Action" named in prose.
PROSE_ACTION = re.compile(r'[`"]([a-z0-9-]+:[A-Za-z*][A-Za-z0-9*-]*)[`"]')


def region(text: str, start: str | None = None, end: str | None = None) -> str:
    """The part of `text` from the first `start` to the first `end` after it (both optional)."""
    begin = 0
    if start:
        begin = text.index(start)
    stop = text.index(end, begin + len(start or "")) if end else len(text)
    return text[begin:stop]


def extract_actions(text: str, extract: dict[str, Any]) -> list[str]:
    """The actions a policy (or prose) region grants, as written (wildcards kept), sorted."""
    part = region(text, extract.get("start"), extract.get("end"))
    if extract.get("kind", "policy") == "prose":
        found = PROSE_ACTION.findall(part)
    else:
        found = [a for value in ACTION_VALUES.findall(part) for a in QUOTED.findall(value)]
    if not found:
        raise ValueError(f"no actions in the region {extract!r}")
    return sorted(set(found))


def managed_policy_actions(name: str) -> tuple[list[str], str, str]:
    """(actions, default version, moto version) of an AWS managed policy, from moto's copy."""
    try:
        import moto
        from moto.iam.aws_managed_policies import aws_managed_policies_data
    except ImportError:
        raise SystemExit("--aws-managed needs the moto package (pip install moto)") from None
    policy = json.loads(aws_managed_policies_data)[name]
    statements = policy["Document"]["Statement"]
    actions = {a for s in statements if s["Effect"] == "Allow" for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    return sorted(actions), policy["DefaultVersionId"], f"moto {moto.__version__}"


def _git(checkout: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(checkout), *args], check=True, capture_output=True, text=True).stdout.strip()


def read_source(checkout: Path, ref: str | None, path: str) -> tuple[str, str, str]:
    """(text, version, commit) of `path` in a checkout, at `ref` or as checked out."""
    if ref:
        return _git(checkout, "show", f"{ref}:{path}"), ref, _git(checkout, "rev-parse", f"{ref}^{{commit}}")
    commit = _git(checkout, "rev-parse", "HEAD")
    try:
        version = _git(checkout, "describe", "--tags", "--exact-match")
    except subprocess.CalledProcessError:
        version = commit
    return (checkout / path).read_text(), version, commit


def refresh(record: dict[str, Any], checkouts: dict[str, tuple[Path, str | None]], aws_managed: bool) -> list[str]:
    """Update `record`'s sources in place from the checkouts given; describe the changes."""
    changes = []
    for source in record["sources"]:
        if source["repo"] == AWS_MANAGED:
            if not aws_managed:
                continue
            actions, version, commit = managed_policy_actions(source["path"])
        elif source["repo"] in checkouts:
            checkout, ref = checkouts[source["repo"]]
            text, version, commit = read_source(checkout, ref, source["path"])
            actions = extract_actions(text, source.get("extract", {}))
        else:
            continue
        added, removed = sorted(set(actions) - set(source["actions"])), sorted(set(source["actions"]) - set(actions))
        if added or removed or version != source["version"]:
            changes.append(
                f"{record['entry']}: {source['repo']} {source['path']} {source['version']} -> {version}"
                + (f"; upstream added {added}" if added else "")
                + (f"; upstream removed {removed}" if removed else "")
            )
        source.update(version=version, commit=commit, actions=actions)
    return changes


def parse_checkout(arg: str) -> tuple[str, tuple[Path, str | None]]:
    repo, _, location = arg.partition("=")
    if not location or "/" not in repo:
        raise argparse.ArgumentTypeError(f"{arg!r} is not OWNER/REPO=CHECKOUT[@REF]")
    path, _, ref = location.partition("@")
    return repo, (Path(path).expanduser(), ref or None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkouts", nargs="*", type=parse_checkout, metavar="OWNER/REPO=CHECKOUT[@REF]")
    parser.add_argument("--aws-managed", action="store_true", help="re-read AWS managed policies from the installed moto")
    parser.add_argument("--entry", action="append", default=[], help="only this catalog entry (repeatable)")
    parser.add_argument("--dir", type=Path, default=UPSTREAM_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    checkouts = dict(args.checkouts)
    changes = []
    for file in sorted(args.dir.glob("*.json")):
        record = json.loads(file.read_text())
        if args.entry and record["entry"] not in args.entry:
            continue
        changes += refresh(record, checkouts, args.aws_managed)
        file.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    print("\n".join(changes) if changes else "recorded upstream sets unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
