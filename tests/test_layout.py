"""The tests mirror the package: every module of components/ (the package eks_pod_identity) has
its test module, tests/<its folder>/test_<its name>.py, holding tests, in a test package of its own.

(A test module may also cover what spans modules, e.g. tests/stack/test_program_fuzz.py; the
package's __init__.py and __main__.py have no mirror of their own.)
"""

from __future__ import annotations

import ast
import re
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import ROOT, parse_source

COMPONENTS = ROOT / "components"
TESTS = ROOT / "tests"


def modules() -> list[Path]:
    """Every module of the package, relative to components/."""
    return sorted(p.relative_to(COMPONENTS) for p in COMPONENTS.rglob("*.py") if p.name not in ("__init__.py", "__main__.py"))


# Parsed at import, before any Pulumi run has threads (see parse_source).
for _module in modules():
    parse_source(COMPONENTS / _module)


def mirror(module: Path) -> Path:
    return TESTS / module.parent / f"test_{module.name}"


def bound_tests(path: Path) -> list[str]:
    """The names a test module binds to tests: test functions, and tests made by a helper."""
    tree = parse_source(path)
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


FUNCTION_LINES = 80
MODULE_LINES = 400


def test_no_function_over_80_lines_and_no_module_over_400():
    """The house limits (docs/contributing: a function a reader holds in mind, a module that is one
    concept); a long table of facts goes in named parts, as the catalog's policies do."""
    long_functions, long_modules = [], []
    for module in modules():
        source = (COMPONENTS / module).read_text()
        if source.count("\n") > MODULE_LINES:
            long_modules.append(f"{module}: {source.count(chr(10))} lines")
        for node in ast.walk(parse_source(COMPONENTS / module)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > FUNCTION_LINES:
                long_functions.append(f"{module}:{node.name}: {node.end_lineno - node.lineno + 1} lines")
    assert long_modules == [] and long_functions == []


def imports_of(module: Path) -> set[str]:
    """The package modules `module` imports at module level (relative imports resolved), which is
    what makes a cycle fail at import time; imports inside functions are deliberate deferrals."""
    package = ["eks_pod_identity", *module.with_suffix("").parts[:-1]]
    found = set()
    for node in parse_source(COMPONENTS / module).body:
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, *(node.module.split(".") if node.module else [])]) if node.level else node.module or ""
            names = [target] + [f"{target}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found |= {n for n in names if n.startswith("eks_pod_identity")}
    return found


def test_no_import_cycles():
    """Two modules importing each other at module level work only in one import order; the
    package had two such cycles (config quotas <-> stack, hazards <-> review)."""
    files = [p.relative_to(COMPONENTS) for p in COMPONENTS.rglob("*.py")]
    name_of = {".".join(["eks_pod_identity", *m.with_suffix("").parts]).removesuffix(".__init__"): m for m in files}
    graph = {n: {i for i in imports_of(p) if i in name_of and i != n} for n, p in name_of.items()}
    assert sum(map(len, graph.values())) >= len(graph) // 2, "the imports are read"
    # A package's own __init__ re-exporting its modules is no cycle with them.
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1 and not nxt.startswith(node) and not node.startswith(nxt + "."):
                cycles.append(" -> ".join([*path[path.index(nxt) :], nxt]) if nxt in path else f"{node} -> {nxt}")
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n, [n])
    assert cycles == []


def test_the_cycle_check_sees_a_cycle(tmp_path, monkeypatch):
    """The check above reads relative imports correctly: two modules of a fake package that
    import each other are reported."""
    (tmp_path / "a.py").write_text("from . import b\n")
    (tmp_path / "b.py").write_text("from .a import thing\n")
    monkeypatch.setattr(sys.modules[__name__], "COMPONENTS", tmp_path)
    with pytest.raises(AssertionError, match=r"eks_pod_identity.a -> eks_pod_identity.b -> eks_pod_identity.a"):
        test_no_import_cycles()
