"""Shared fixtures: every committed stack run once under mocks, reused by the tests that read it.

Committed means tracked by git: a stack file of one's own beside Pulumi.yaml is not run here
(`make check-stacks` checks it), so it can never break `make test`.
"""

import sys
from pathlib import Path

import hypothesis  # noqa: F401 - see below
import pytest

# Import hypothesis (a pytest plugin, so its modules go through pytest's assertion rewriting and
# `ast.parse`) before any Pulumi run starts threads: CPython 3.11's ast.parse can fail with
# "AST constructor recursion depth mismatch" afterwards (python/cpython gh-106905), and the
# plugin's end-of-session summary would otherwise import it late when no test file did.

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eks_pod_identity.offline.harness import project, runner

# The offline tools work on this repository's program, wherever pytest runs from.
project.use(project.Program(ROOT))
STACKS = project.committed_stack_names()


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
