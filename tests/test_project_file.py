"""Pulumi.yaml held to the Pulumi CLI's own project schema (no CLI runs here) and to the program's defaults.

The schema is the CLI's file, copied unchanged: tests/fixtures/pulumi/project.json (its README
names the pulumi/pulumi tag it comes from).
"""

import json

import jsonschema
import yaml
from eks_pod_identity import stack as config
from eks_pod_identity.offline.harness import project

from tests.helpers import EXAMPLE, FIXTURES, ROOT

SCHEMA = json.loads((FIXTURES / "pulumi" / "project.json").read_text())
PROJECT_FILES = [ROOT / "Pulumi.yaml", EXAMPLE.parent / "Pulumi.yaml"]
# The config type Pulumi.yaml declares for a scalar key of the program, by its Python type.
PULUMI_TYPES = {str: "string", int: "integer", bool: "boolean"}


def schema_problems(project: object) -> list[str]:
    """Where `project` breaks the CLI's project schema (its JSON pointer and the reason)."""
    validator = jsonschema.validators.validator_for(SCHEMA)(SCHEMA, format_checker=jsonschema.FormatChecker())
    return [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(project)]


def test_pulumi_yaml_follows_the_project_schema():
    for path in PROJECT_FILES:
        assert schema_problems(yaml.safe_load(path.read_text())) == [], path
    assert project.project_file()["name"] == config.PROJECT


def test_the_schema_refuses_what_the_cli_refuses():
    """The validation is not vacuous: a project the CLI refuses is refused here, once per problem."""
    good = {"name": "x", "runtime": "python", "config": {"n": {"type": "integer", "default": 2}}}
    assert schema_problems(good) == []
    bad = [
        {"runtime": "python"},  # no name
        {**good, "runtime": ""},  # an empty runtime
        {**good, "config": {"n": {"type": "map"}}},  # a type the CLI does not know
        {**good, "config": {"n": {"type": "integer", "defualt": 2}}},  # a misspelled attribute
        {**good, "config": {"n": {"type": "integer", "secret": "yes"}}},  # secret is a boolean
        {**good, "config": {"n": {"type": "array", "items": {"type": "array"}}}},  # an array of arrays of what?
    ]
    for candidate in bad:
        assert schema_problems(candidate) != [], candidate


def test_structured_keys_are_not_declared_in_pulumi_yaml():
    declared = set(project.project_file().get("config") or {})
    assert not declared & {"clusters", "identities", "sample"}


def test_pulumi_yaml_declares_the_programs_scalar_keys_with_their_types_and_defaults():
    """Each declared key is a key of the program's config, of its type and with its default: the
    CLI then hands the program what it expects. The structured keys (lists and objects) are read
    and checked by the program itself, so nothing declares a list or an object here."""
    declared = project.project_file()["config"]
    fields = {(f.alias or name): f for name, f in config.StackConfig.model_fields.items()}
    for key, decl in declared.items():
        assert key in fields, f"{key} is declared in Pulumi.yaml but is no key of the program's config"
        assert decl.get("type") == PULUMI_TYPES.get(fields[key].annotation), f"{key}: declared {decl.get('type')!r}"
        assert decl["default"] == fields[key].default, key


def test_every_stack_file_only_sets_known_keys():
    known = {f"{config.PROJECT}:{k}" for k in ("clusters", "identities", "sample", *project.project_file()["config"])}
    for stack in project.committed_stack_names():
        keys = set(yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"])
        assert {k for k in keys if k.startswith(config.PROJECT + ":")} <= known, stack
        assert "aws:region" in keys, f"{stack} must set aws:region"
