"""Benchmark: program evaluation under mocks as fleets grow, against a bare baseline.

    python -m bench.fleet_bench [--repeat 7] [--suite]
    python -m bench.fleet_bench --instructions [--size 1000]

For 1, 10, 100 and 1,000 bindings it times (CPU seconds) the program (config validation, components,
documents) and a baseline that registers the same custom resources with the same inputs in a
plain loop, both under the same mocks; it reports the ratio and the time per binding. With
--suite it also times the test suite. Prints Markdown for docs/performance.md.

CPU time on a shared machine varies by about 10 % between runs. `--instructions` counts
instead, with valgrind's callgrind (Debian package `valgrind`), the instructions of one run of
the program, of the baseline and of the imports alone, and gives the ratio of the first two
less the third: the same on every run of the same code and packages (about 3 minutes at 1,000).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
from eks_pod_identity import stack as config
from eks_pod_identity.cluster.kubeconfig import exec_kubeconfig
from eks_pod_identity.iam import documents
from eks_pod_identity.identity import trust
from eks_pod_identity.offline.harness import mocks, runner
from eks_pod_identity.stack import config as stack_config
from eks_pod_identity.stack import program

SIZES = (1, 10, 100, 1000)
PER_IDENTITY = 10
CLUSTER = "bench"
POLICY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"


def fleet(bindings: int) -> dict[str, Any]:
    """An adopted cluster and bindings/10 identities of up to ten namespaces each."""
    identities = max(1, bindings // PER_IDENTITY)
    per = bindings // identities
    return {
        "clusters": [{"name": CLUSTER, "create": False}],
        "identities": [
            {"name": f"id{i}", "namespaces": [f"ns{j}" for j in range(per)], "serviceAccount": f"app{i}", "managedPolicyArns": [POLICY]}
            for i in range(identities)
        ],
    }


def ours(raw: dict[str, Any]) -> Callable[[], Any]:
    return lambda: program.build(config.parse(raw))


def baseline(raw: dict[str, Any]) -> Callable[[], Any]:
    """The same custom resources and inputs, registered in a plain loop: no validation, no components.

    Documents are built before the clock starts, so the baseline times registration alone.
    """
    trust_json = {
        i["name"]: documents.to_json(trust.trust_policy([trust.TrustScope(tuple(sorted(i["namespaces"])), (i["serviceAccount"],))]))
        for i in raw["identities"]
    }
    kubeconfig = exec_kubeconfig(
        CLUSTER, f"https://MOCK{mocks._suffix(CLUSTER).upper()}.gr7.us-east-1.eks.amazonaws.com", "TU9DSyBDQQ==", "us-east-1"
    )

    def register() -> None:
        tags = stack_config.base_tags("", pulumi.get_stack())
        # The adopted cluster already runs the agent (the mocks' default): no add-on to declare.
        k8s.Provider(f"{CLUSTER}-k8s", kubeconfig=kubeconfig, cluster_identifier=CLUSTER, upsert_existing_objects=False)
        for ident in raw["identities"]:
            name, sa = ident["name"], ident["serviceAccount"]
            role = aws.iam.Role(
                f"{name}-role",
                assume_role_policy=trust_json[name],
                path="/",
                max_session_duration=3600,
                description=f"EKS Pod Identity role {name}",
                tags=tags,
            )
            aws.iam.RolePolicyAttachment(f"{name}/aws/AmazonS3ReadOnlyAccess", role=role.name, policy_arn=POLICY)
            for ns in ident["namespaces"]:
                aws.eks.PodIdentityAssociation(
                    f"{CLUSTER}/{ns}/{sa}", cluster_name=CLUSTER, namespace=ns, service_account=sa, role_arn=role.arn, tags=tags
                )

    return register


def once(body: Callable[[], Any], collect: bool = True) -> tuple[float, int]:
    # CPU time of this process (all its threads): what the program costs, less what other
    # load on a shared machine adds to wall time. collect=False times it without CPython's
    # cyclic garbage collector, whose passes over the SDK's growing object graph are the
    # part of the cost that grows faster than the fleet.
    gc.collect()
    if not collect:
        gc.disable()
    try:
        start = time.process_time()
        result = runner.run({"aws:region": "us-east-1"}, program=body)
        return time.process_time() - start, sum(1 for r in result.registrations if r.custom)
    finally:
        gc.enable()


def compare(raw: dict[str, Any], repeat: int, collect: bool = True) -> tuple[float, int, float, int]:
    """Fastest of `repeat` runs each, program and baseline interleaved so drift hits both."""
    ours_best = base_best = float("inf")
    ours_n = base_n = 0
    for _ in range(repeat):
        seconds, ours_n = once(ours(raw), collect)
        ours_best = min(ours_best, seconds)
        seconds, base_n = once(baseline(raw), collect)
        base_best = min(base_best, seconds)
    return ours_best, ours_n, base_best, base_n


def suite_seconds() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "auto", "-p", "no:cacheprovider"], check=True, capture_output=True)
    return time.perf_counter() - start


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    from importlib.metadata import version

    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, pulumi {version('pulumi')}"


def instructions(which: str, size: int) -> int:
    """Instructions callgrind counts for one run of `which` ("program", "baseline" or "imports")."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-m", "bench.fleet_bench"]
    done = subprocess.run([*command, "--run", which, "--size", str(size)], capture_output=True, text=True, check=True)
    return int(done.stderr.rsplit("Collected :", 1)[1].split()[0])


def count(size: int) -> None:
    found = {which: instructions(which, size) for which in ("program", "baseline", "imports")}
    ours, base = found["program"] - found["imports"], found["baseline"] - found["imports"]
    print(f"instructions at {size} bindings (callgrind, imports of {found['imports']:,} subtracted):\n")
    print("| program | baseline | ratio |\n|---:|---:|---:|")
    print(f"| {ours:,} | {base:,} | {ours / base:.3f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fleet_bench")
    parser.add_argument("--repeat", type=int, default=7, help="runs per size; the fastest counts")
    parser.add_argument("--suite", action="store_true", help="also time the test suite")
    parser.add_argument("--instructions", action="store_true", help="count instructions with callgrind instead (deterministic)")
    parser.add_argument("--size", type=int, default=1000, help="bindings for --instructions")
    parser.add_argument("--run", choices=("program", "baseline", "imports"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:  # one run, under callgrind
        if args.run != "imports":
            runner.run({"aws:region": "us-east-1"}, program=(ours if args.run == "program" else baseline)(fleet(args.size)))
        return 0
    if args.instructions:
        count(args.size)
        return 0
    print(f"machine: {machine()}")
    for collect in (True, False):
        print(f"\ngarbage collector {'on (as a real run)' if collect else 'off (isolates the SDK objects GC walks)'}:\n")
        print("| bindings | custom resources (program / baseline) | program CPU s | baseline CPU s | ratio | program ms per binding |")
        print("|---:|---:|---:|---:|---:|---:|")
        for size in SIZES:
            ours_s, ours_n, base_s, base_n = compare(fleet(size), args.repeat, collect)
            print(f"| {size} | {ours_n} / {base_n} | {ours_s:.3f} | {base_s:.3f} | {ours_s / base_s:.2f} | {1000 * ours_s / size:.2f} |")
    if args.suite:
        print(f"\ntest suite (pytest -q -n auto, as make test runs it; one run): {suite_seconds():.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
