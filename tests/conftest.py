"""The shared fixtures: every committed stack run once under mocks, reused by the tests that
read it, and the offline plan of each. Shared functions and constants live in tests/helpers/.

Committed means tracked by git: a stack file of one's own beside Pulumi.yaml is not run here
(`make check-stacks` checks it), so it can never break `make test`.
"""

import contextlib
import io
import sys

import hypothesis  # noqa: F401 - see below
import pytest

# Import hypothesis (a pytest plugin, so its modules go through pytest's assertion rewriting and
# `ast.parse`) before any Pulumi run starts threads: CPython 3.11's ast.parse can fail with
# "AST constructor recursion depth mismatch" afterwards (python/cpython gh-106905), and the
# plugin's end-of-session summary would otherwise import it late when no test file did.

# The helpers assert too (tests/helpers/config_cases.py holds whole tests): rewrite them as test modules.
pytest.register_assert_rewrite("tests.helpers")

from eks_pod_identity import cli
from eks_pod_identity.offline import placeholders
from eks_pod_identity.offline.harness import project, runner

from tests.helpers import ROOT, STACKS

sys.path.insert(0, str(ROOT))

# The offline tools work on this repository's program, wherever pytest runs from.
project.use(project.Program(ROOT))


def pytest_configure(config):
    # Rehydrating mocked resources imports pulumi-aws modules that warn about their own
    # deprecated siblings; the program uses none of them.
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:pulumi_aws.*")
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:pulumi_eks.*")
    # parliament imports pkg_resources, which setuptools 80 (requirements-dev.txt) deprecates.
    config.addinivalue_line("filterwarnings", "ignore:pkg_resources is deprecated:UserWarning")


@pytest.fixture(scope="session")
def stack_runs() -> dict[str, runner.RunResult]:
    """Each committed stack file run through `__main__.py` as the CLI would, once per session."""
    return {stack: runner.run_stack(stack) for stack in STACKS}


@pytest.fixture(scope="session")
def fleet(stack_runs):
    """The committed fleet stack: its run and its parsed config."""
    return stack_runs["fleet"], project.parsed_config("fleet")


@pytest.fixture(scope="session")
def planned(tmp_path_factory) -> dict[str, tuple[str, str, set[str]]]:
    """Each committed stack through `eks-pod-identity plan`, once: (stdout, Mermaid file, invented hashes)."""
    found = {}
    for stack in STACKS:
        graph = tmp_path_factory.mktemp("plan") / "out" / f"{stack}.mmd"
        stdout = io.StringIO()
        with contextlib.redirect_stdout(stdout):
            assert cli.main(["plan", stack, "--graph", str(graph)]) == 0
        with placeholders.recording() as invented:
            runner.run_stack(stack)
        found[stack] = (stdout.getvalue(), graph.read_text(), invented)
    return found
