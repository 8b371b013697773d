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


def test_instruction_counts_subtract_the_imports_from_both(monkeypatch, capsys):
    """--instructions runs each side once under callgrind and compares what the runs add to the
    imports: here 900 and 700 over 100 imported, a ratio of 800 / 600."""
    counted = {"program": 900, "baseline": 700, "imports": 100}
    calls = []

    def fake_run(command, **kwargs):
        calls.append(command)
        which = command[command.index("--run") + 1]
        return type("Done", (), {"stderr": f"==1== Events    : Ir\n==1== Collected : {counted[which]}\n"})()

    monkeypatch.setattr(fleet_bench.subprocess, "run", fake_run)
    fleet_bench.count(30)
    assert calls[0][:2] == ["valgrind", "--tool=callgrind"] and calls[0][-2:] == ["--size", "30"]
    assert "| 800 | 600 | 1.333 |" in capsys.readouterr().out


def test_a_single_run_registers_only_its_side(monkeypatch):
    ran = []
    monkeypatch.setattr(fleet_bench.runner, "run", lambda config, program: ran.append(program))
    assert fleet_bench.main(["--run", "imports", "--size", "10"]) == 0 and ran == []
    assert fleet_bench.main(["--run", "baseline", "--size", "10"]) == 0 and len(ran) == 1
