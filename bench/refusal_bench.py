"""Benchmark: how long the config check takes to refuse a bad stack config of any size.

    python -m bench.refusal_bench [--repeat 3]

Each case is one stack config (keys without the project prefix, as `stack.parse` takes them)
that must be refused; it is parsed `--repeat` times and the fastest wall time is reported with
the number of problem lines. The figures are in docs/performance.md ("Refusing a bad config").
The tests check what each refusal says; this measures how long it takes, which a timed test
on a shared 2-core machine could not do reliably.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from eks_pod_identity import stack as config

ADOPTED = [{"name": "prod-a", "create": False}]


def identity(**keys: Any) -> dict[str, Any]:
    return {"name": "app", "namespace": "team-a", "serviceAccount": "app", **keys}


CASES: dict[str, Callable[[], dict[str, Any]]] = {
    "2,000 unknown AWS managed policy ARNs": lambda: {
        "clusters": ADOPTED,
        "identities": [identity(managedPolicyArns=[f"arn:aws:iam::aws:policy/NoSuchPolicy{i}" for i in range(2000)])],
    },
    "20 unknown AWS managed policy ARNs (a role's most)": lambda: {
        "clusters": ADOPTED,
        "identities": [identity(managedPolicyArns=[f"arn:aws:iam::aws:policy/AmazonS3ReadOnly{i}" for i in range(20)])],
    },
    "1,000 identities, each with an unknown AWS managed policy": lambda: {
        "clusters": ADOPTED,
        "identities": [
            {**identity(managedPolicyArns=[f"arn:aws:iam::aws:policy/AmazonS3ReadOnly{i}"]), "name": f"app{i}", "serviceAccount": f"a{i}"}
            for i in range(1000)
        ],
    },
    "1,000 clusters with a misspelt instanceType": lambda: {
        "clusters": [{"name": f"c{i}", "instanceType": "t3.mediun"} for i in range(1000)],
    },
    "an image name of 40,000 characters": lambda: {"clusters": ADOPTED, "awsCliImage": "a" * 40_000},
    "an image name of 200,000 characters": lambda: {"clusters": ADOPTED, "awsCliImage": "a" * 200_000},
    "a fan-out of 20,000 namespaces x 20,000 service accounts": lambda: {
        "clusters": ADOPTED,
        "identities": [
            {
                "name": "app",
                "namespaces": [f"n{i}" for i in range(20_000)],
                "serviceAccounts": [f"s{i}" for i in range(20_000)],
            }
        ],
    },
}


def refuse(raw: dict[str, Any]) -> int:
    """Parse `raw`; the number of problem lines it is refused with."""
    try:
        config.parse(raw, region="eu-west-1")
    except config.ConfigError as err:
        return len(err.problems)
    raise AssertionError("the case was accepted")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"| bad config | refused in (s, fastest of {args.repeat}) | problem lines |")
    print("|---|---:|---:|")
    for name, build in CASES.items():
        raw = build()
        best, lines = float("inf"), 0
        for _ in range(args.repeat):
            start = time.perf_counter()
            lines = refuse(raw)
            best = min(best, time.perf_counter() - start)
        print(f"| {name} | {best:.3f} | {lines} |")


if __name__ == "__main__":
    main()
