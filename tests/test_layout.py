"""The tests mirror the package: every module of components/ (the package eks_pod_identity) has
its test module, tests/<its folder>/test_<its name>.py, holding tests, in a test package of its own.

(A test module may also cover what spans modules, e.g. tests/stack/test_program_fuzz.py; the
package's __init__.py and __main__.py have no mirror of their own.)
"""

from __future__ import annotations

import ast
import re
import time
from pathlib import Path

import pytest

from tests.helpers import ROOT

COMPONENTS = ROOT / "components"
TESTS = ROOT / "tests"


def modules() -> list[Path]:
    """Every module of the package, relative to components/."""
    return sorted(p.relative_to(COMPONENTS) for p in COMPONENTS.rglob("*.py") if p.name not in ("__init__.py", "__main__.py"))


def mirror(module: Path) -> Path:
    return TESTS / module.parent / f"test_{module.name}"


def bound_tests(path: Path) -> list[str]:
    """The names a test module binds to tests: test functions, and tests made by a helper."""
    tree = ast.parse(path.read_text())
    names = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    names += [
        t.id for n in tree.body if isinstance(n, ast.Assign) for target in n.targets for t in ast.walk(target) if isinstance(t, ast.Name)
    ]
    return [n for n in names if n.startswith("test_")]


def test_every_module_has_its_mirrored_test_module():
    found = modules()
    assert Path("iam/grammar.py") in found and Path("offline/review/hazards.py") in found, "the package's modules are read"
    missing = [str(mirror(m).relative_to(ROOT)) for m in found if not mirror(m).is_file()]
    assert missing == [], "write a test module for each (tests of its behaviour, not an empty file)"


def test_every_mirrored_test_module_holds_tests():
    empty = [str(mirror(m).relative_to(ROOT)) for m in modules() if mirror(m).is_file() and not bound_tests(mirror(m))]
    assert empty == []


def test_every_test_folder_is_a_package():
    folders = {p.parent for p in TESTS.rglob("test_*.py")} | {mirror(m).parent for m in modules()}
    assert [str(f.relative_to(ROOT)) for f in sorted(folders) if not (f / "__init__.py").is_file()] == []


ADVERSARIAL = ["a" * 100_000 + "!", "a/" * 50_000 + ":", "arn:aws:" + "a" * 100_000, "arn:" + "a:" * 50_000 + "!", "0" * 100_000]


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Every compiled pattern the package keeps at module level (they check user input)."""
    import importlib
    import pkgutil

    import eks_pod_identity

    found = []
    for info in pkgutil.walk_packages(eks_pod_identity.__path__, "eks_pod_identity."):
        if info.name.endswith("__main__"):
            continue  # running it is the command
        module = importlib.import_module(info.name)
        found += [(f"{info.name}.{name}", value) for name, value in vars(module).items() if isinstance(value, re.Pattern)]
    return found


@pytest.mark.parametrize(("where", "pattern"), _patterns(), ids=[w for w, _ in _patterns()])
def test_no_pattern_backtracks_super_linearly_on_long_input(where, pattern):
    """A guard, not a benchmark: 100,000 characters take milliseconds for a linear pattern and
    minutes for a quadratic one (the former image pattern: 40,000 characters took 5.6 s)."""
    start = time.perf_counter()
    for text in ADVERSARIAL:
        pattern.match(text)
        pattern.fullmatch(text)
    assert time.perf_counter() - start < 2.0, where
