"""The docs name the package's files and the command as they are now.

The package moved (components/*.py flat, a top-level offline/ package run as `python -m
offline.X`) to components/ by concept with one command, `eks-pod-identity`. CHANGELOG.md keeps
the former names where it lists the renames, so it is not scanned here.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ["README.md", "Makefile", *(str(p.relative_to(ROOT)) for p in sorted((ROOT / "docs").glob("*.md")))]
PATH = re.compile(r"(?<![\w/.-])components/[\w./*-]*")
FORMER_COMMAND = re.compile(r"python -m offline\b|\boffline\.(?:plan|check|access|adopt|migrate_irsa)\b|from components[. ]")


def test_every_components_path_the_docs_name_exists():
    missing = []
    for name in DOCS:
        for match in PATH.finditer((ROOT / name).read_text(encoding="utf-8")):
            path = match.group(0).rstrip(".")
            found = list(ROOT.glob(path)) if "*" in path else [ROOT / path] if (ROOT / path).exists() else []
            if not found:
                missing.append(f"{name}: {path}")
    assert missing == []


def test_the_docs_use_the_command_not_the_former_modules():
    former = [f"{name}: {match.group(0)}" for name in DOCS for match in FORMER_COMMAND.finditer((ROOT / name).read_text(encoding="utf-8"))]
    assert former == [], "use `eks-pod-identity <subcommand>` and `eks_pod_identity`"
