"""The components as a package: the wheel holds what they read at run time, declares what they
import, installs, and runs the example program of examples/ on an existing cluster.

The wheel is built offline with the setuptools of requirements-dev.txt, from a copy of the
files it needs (no build/ or egg-info left in the checkout).
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
import tomllib
import types
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.helpers import EXAMPLE, EXAMPLE_PROJECT, ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
# Imported only when installed (offline/grants.py reads its action data if present).
OPTIONAL = ("parliament",)
IMPORT = re.compile(r"^\s*import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)\s*(?:#.*)?$")
FROM_IMPORT = re.compile(r"^\s*from\s+(\w[\w.]*)\s+import\b")


def pins(path: Path) -> dict[str, Version]:
    """The lock's pins: every line a `name==version` with an optional environment marker."""
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            req = Requirement(line)
            (spec,) = req.specifier
            assert spec.operator == "==", f"{path.name} pins exact versions: {line}"
            found[canonicalize_name(req.name)] = Version(spec.version)
    return found


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    if Version(importlib.metadata.version("setuptools")) < Version("77"):
        pytest.fail("setuptools >= 77 builds this wheel; run `make test` to install requirements-dev.txt")
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "components", source / "components", ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("*.whl")
    return built


def test_the_wheel_holds_every_module_and_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    source = ROOT / "components"
    expected = {f"eks_pod_identity/{p.relative_to(source).as_posix()}" for p in source.rglob("*") if p.suffix in (".py", ".json")}
    assert expected <= names
    assert {"eks_pod_identity/data/aws_limits.json", "eks_pod_identity/data/aws_managed_policies.json"} <= names
    installed = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert installed == {"eks_pod_identity"}, "nothing installs under a generic name (components, offline, tools, bench)"


def test_the_wheel_metadata(wheel):
    with zipfile.ZipFile(wheel) as archive:
        (meta,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        text = archive.read(meta).decode()
        assert any(n.endswith("licenses/LICENSE") for n in archive.namelist())
    headers = dict(line.split(": ", 1) for line in text.split("\n\n", 1)[0].splitlines() if ": " in line)
    assert headers["Name"] == "eks-pod-identity" and headers["Version"] == PROJECT["version"]
    assert headers["License-Expression"] == "Apache-2.0" and headers["Requires-Python"] == ">=3.11"
    assert text.count("Requires-Dist: ") == len(PROJECT["dependencies"])


def declared(requirements: list[str]) -> dict[str, SpecifierSet]:
    return {canonicalize_name(Requirement(d).name): Requirement(d).specifier for d in requirements}


@pytest.mark.parametrize(("lock", "groups"), [("requirements.txt", ()), ("requirements-dev.txt", ("dev",))])
def test_the_locks_pin_every_declared_package_within_its_range(lock, groups):
    """`make lock` writes both locks from pyproject.toml: a package added there and not locked,
    or a pin outside its declared range, means the lock is stale."""
    pinned = pins(ROOT / lock)
    wanted = declared(PROJECT["dependencies"])
    for group in groups:
        wanted |= declared(PYPROJECT["dependency-groups"][group])
    for name, specifier in wanted.items():
        assert name in pinned, f"{lock} does not pin {name}: run `make lock`"
        assert pinned[name] in specifier, f"{lock} pins {name}=={pinned[name]}, outside {specifier}: run `make lock`"


def test_the_dev_lock_installs_the_program_lock_unchanged():
    """The tests run the versions `pulumi up` runs: requirements-dev.txt holds requirements.txt."""
    program, dev = pins(ROOT / "requirements.txt"), pins(ROOT / "requirements-dev.txt")
    assert {name: dev.get(name) for name in program} == program


def distribution_of(module: str) -> str:
    """The distribution that installs `module` (`google.protobuf` is protobuf's, though the
    `google` namespace is shared with googleapis-common-protos)."""
    top = module.split(".")[0]
    candidates = importlib.metadata.packages_distributions().get(top, [top])
    if len(candidates) > 1:
        path = "/".join(module.split(".")[:2])
        candidates = [d for d in candidates if any(str(f).startswith(path) for f in importlib.metadata.files(d) or [])]
    (found,) = set(candidates)
    return canonicalize_name(found)


def test_every_package_the_components_import_is_a_dependency():
    """What left `regex` out of requirements.txt: an import nothing declared."""
    # Import lines read with a pattern, not ast.parse: after the threaded Pulumi runs earlier in
    # the session, CPython 3.11.7's ast.parse raised "AST constructor recursion depth mismatch"
    # (python/cpython gh-106905) in one run of .ci/run.
    imported = set()
    for path in (ROOT / "components").rglob("*.py"):
        for line in path.read_text().splitlines():
            plain = IMPORT.match(line)
            if plain:
                imported |= {name.strip().split(" as ")[0] for name in plain.group(1).split(",")}
            absolute = FROM_IMPORT.match(line)
            if absolute:
                imported.add(absolute.group(1))
    third_party = {m for m in imported if m.split(".")[0] not in (*sys.stdlib_module_names, "__future__", *OPTIONAL)}
    needed = {distribution_of(m) for m in third_party}
    declared = {canonicalize_name(Requirement(d).name) for d in PROJECT["dependencies"]}
    assert needed == declared


def test_version_changelog_and_license():
    version = PROJECT["version"]
    assert f"## {version}" in (ROOT / "CHANGELOG.md").read_text()
    license_text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in license_text and "Version 2.0, January 2004" in license_text
    assert "END OF TERMS AND CONDITIONS" in license_text


def test_the_installed_wheel_runs_the_example(wheel, tmp_path):
    """pip install of the wheel (its dependencies are this venv's), then the example imports the
    installed components, outside the checkout, and runs under the offline mocks."""
    target = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    script = (
        "import json, pathlib, sys;"
        "import eks_pod_identity, eks_pod_identity.iam.limits as limits; from eks_pod_identity.offline.harness import project, runner;"
        "project.use(project.Program(pathlib.Path(sys.argv[2]).parent));"
        f"r = runner.run({{'aws:region': 'us-east-1', '{EXAMPLE_PROJECT}:clusterName': 'shop'}}, stack='dev');"
        "print(json.dumps({'from': eks_pod_identity.__file__, 'managed': len(limits.managed_policy_paths()),"
        " 'types': sorted({x.type for x in r.registrations})}))"
    )
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-c", script, str(ROOT), str(EXAMPLE)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    found = json.loads(run.stdout.strip().splitlines()[-1])
    assert found["from"].startswith(str(target)), "the installed copy, not the checkout's"
    assert found["managed"] > 100, "components/data/*.json shipped and readable"
    assert "aws:eks/podIdentityAssociation:PodIdentityAssociation" in found["types"]


def follows(pattern: str, module: str) -> bool:
    """mypy's module pattern: `a.b.*` covers a.b and everything under it."""
    if pattern.endswith(".*"):
        return module == pattern[:-2] or module.startswith(pattern[:-1])
    return module == pattern


def test_mypy_reads_every_provider_module_the_components_use():
    """pyproject.toml has mypy skip the provider modules components/ does not use (a cold run
    fell from 70-80 s to about 10 s); a module used but skipped would be typed Any, unchecked."""
    read = next(o["module"] for o in PYPROJECT["tool"]["mypy"]["overrides"] if o["follow_imports"] == "normal")
    aliases = re.compile(r"^import (pulumi_aws|pulumi_kubernetes) as (\w+)", re.MULTILINE)
    for path in (ROOT / "components").rglob("*.py"):
        text = path.read_text()
        for package, alias in aliases.findall(text):
            provider = importlib.import_module(package)
            for name in set(re.findall(rf"\b{alias}\.(\w+)", text)):
                used = getattr(provider, name)
                module = used.__name__ if isinstance(used, types.ModuleType) else used.__module__
                assert any(follows(p, module) for p in read), f"{path.name} uses {module}: add it to pyproject's mypy overrides"


def test_the_installed_command_plans_a_program_outside_this_checkout(wheel, tmp_path):
    """From the wheel's files alone, `python -m eks_pod_identity` plans a program in a folder of
    its own: a copy of examples/existing_cluster with a stack file."""
    target = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    program = tmp_path / "program"
    shutil.copytree(EXAMPLE.parent, program)
    (program / "Pulumi.dev.yaml").write_text(f"config:\n  aws:region: us-east-1\n  {EXAMPLE_PROJECT}:clusterName: shop\n")
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-m", "eks_pod_identity", "plan", "dev", "--program", str(program)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert f"through {program / '__main__.py'}" in run.stderr, "progress names the program it runs"
    assert "| shop | default | app |" in run.stdout, "who gets what, read from the registrations"
