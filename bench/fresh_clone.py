"""Benchmark: a fresh clone to a green `make test`, stage by stage (wall-clock seconds).

    python3 bench/fresh_clone.py [--cold-cache] [--ref HEAD]

Clones the committed ref into a temporary directory and runs what `make test` runs there, one
stage at a time: the locked install (`make venv/.dev`), ruff, mypy (cold: a fresh clone has no
cache), then pytest. --cold-cache gives uv an empty package cache, so every wheel is downloaded,
as on a machine that never installed them. Standard library only; prints a Markdown table
for the README. Exit 1 if a stage fails.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = (
    ("install (locked, uv)", ["make", "venv/.dev"]),
    ("ruff format --check, ruff check", ["sh", "-c", "venv/bin/ruff format --check . && venv/bin/ruff check ."]),
    ("mypy (cold)", ["venv/bin/mypy"]),
    ("pytest (-n auto)", ["venv/bin/python", "-m", "pytest", "-q", "-n", "auto", "-p", "no:cacheprovider"]),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cold-cache", action="store_true", help="an empty uv cache: download every package")
    parser.add_argument("--ref", default="HEAD", help="the commit to clone (default HEAD)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        subprocess.run(["git", "-C", str(clone), "checkout", "-q", args.ref], check=True)
        env = dict(os.environ)
        if args.cold_cache:
            env["UV_CACHE_DIR"] = str(Path(tmp) / "uv-cache")
        rows, total = [], 0.0
        for label, command in STAGES:
            print(f"{label} ...", file=sys.stderr, flush=True)
            start = time.perf_counter()
            done = subprocess.run(command, cwd=clone, env=env, capture_output=True, text=True, check=False)
            seconds = time.perf_counter() - start
            total += seconds
            rows.append((label, seconds))
            if done.returncode:
                print(done.stdout[-3000:], done.stderr[-3000:], sep="\n", file=sys.stderr)
                print(f"{label} failed (exit {done.returncode})", file=sys.stderr)
                return 1
    cache = "empty uv cache" if args.cold_cache else "uv cache as found"
    print(f"Fresh clone of {args.ref} to green, {os.cpu_count()} cores, Python {platform.python_version()}, {cache}:\n")
    print("| stage | seconds |\n|---|---:|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.1f} |")
    print(f"| **total** | **{total:.1f}** |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
