"""Pulumi.yaml held to the CLI's project schema (no CLI runs here) and to the program's defaults."""

import yaml
from eks_pod_identity import stack as config
from eks_pod_identity.offline.harness import project

SIMPLE_TYPES = {"string", "integer", "boolean", "array"}
DECLARATION_KEYS = {"type", "items", "description", "secret", "default"}
PYTHON_TYPES = {"string": str, "integer": int, "boolean": bool, "array": list}

from .conftest import ROOT


def _items_ok(items) -> bool:
    if not isinstance(items, dict) or items.get("type") not in SIMPLE_TYPES:
        return False
    return items["type"] != "array" or _items_ok(items.get("items"))


def project_problems(project: dict) -> list[str]:
    """The rules of the CLI's project.json that concern this file."""
    problems = []
    if not project.get("name") or not project.get("runtime"):
        problems.append("name and runtime are required")
    for key, decl in (project.get("config") or {}).items():
        if ":" in key:
            problems.append(f"{key}: only the project's own keys are declared here")
        if isinstance(decl, (str, int, bool)):
            continue
        if not isinstance(decl, dict):
            problems.append(f"{key}: a declaration is an object or a scalar default")
            continue
        extra = set(decl) - DECLARATION_KEYS
        if extra:
            problems.append(f"{key}: keys {sorted(extra)} are not allowed")
        if decl.get("type") not in SIMPLE_TYPES:
            problems.append(f"{key}: type must be one of {sorted(SIMPLE_TYPES)} (there is no object type)")
        elif decl["type"] == "array" and not _items_ok(decl.get("items")):
            problems.append(f"{key}: an array needs items of a simple type")
        elif "default" in decl and not isinstance(decl["default"], PYTHON_TYPES[decl["type"]]):
            problems.append(f"{key}: default does not match type {decl['type']}")
    return problems


def test_pulumi_yaml_follows_the_project_schema():
    found = project.project_file()
    assert found["name"] == config.PROJECT
    assert project_problems(found) == []


def test_the_checker_rejects_what_the_cli_rejects():
    bad = {
        "name": "x",
        "runtime": "python",
        "config": {
            "clusters": {"type": "object"},
            "list": {"type": "array"},
            "n": {"type": "integer", "default": "2"},
            "v": {"type": "string", "value": "x"},
            "aws:region": {"type": "string"},
        },
    }
    assert len(project_problems(bad)) == 5


def test_structured_keys_are_not_declared_in_pulumi_yaml():
    declared = set(project.project_file().get("config") or {})
    assert not declared & {"clusters", "identities", "sample"}


def test_pulumi_yaml_defaults_match_the_program_defaults():
    declared = project.project_file()["config"]
    fields = config.StackConfig.model_fields
    for key, decl in declared.items():
        field = next(f for name, f in fields.items() if (f.alias or name) == key)
        assert decl["default"] == field.default, key


def test_every_stack_file_only_sets_known_keys():
    known = {f"{config.PROJECT}:{k}" for k in ("clusters", "identities", "sample", *project.project_file()["config"])}
    for stack in project.committed_stack_names():
        keys = set(yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"])
        assert {k for k in keys if k.startswith(config.PROJECT + ":")} <= known, stack
        assert "aws:region" in keys, f"{stack} must set aws:region"
