"""The benchmark compares like with like: its baseline registers exactly the program's custom
resources, with the same inputs (no timing here; figures live in docs/performance.md)."""

import pytest
from eks_pod_identity.offline.harness import runner

from bench import fleet_bench


def custom(program):
    result = runner.run({"aws:region": "us-east-1"}, program=program)
    return {(r.type, r.name): r.inputs for r in result.registrations if r.custom}


@pytest.mark.parametrize("size", [1, 10, 30])
def test_baseline_registers_the_same_resources_and_inputs(size):
    raw = fleet_bench.fleet(size)
    ours, bare = custom(fleet_bench.ours(raw)), custom(fleet_bench.baseline(raw))
    assert ours == bare
    assert sum(1 for t, _ in ours if t == "aws:eks/podIdentityAssociation:PodIdentityAssociation") == size


def test_fleet_sizes_are_valid_configs():
    for size in fleet_bench.SIZES:
        fleet_bench.config.parse(fleet_bench.fleet(size))
