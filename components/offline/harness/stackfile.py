"""Reading a stack file for the offline tools: every problem said in one line, never a traceback.

The Pulumi CLI refuses a stack file that is not a mapping with a `config:` mapping, and hands
the program each value as text or JSON. The offline tools read the file themselves, so they
refuse the same files here, with the file and the fix named, before anything runs:

- a file that is missing, unreadable or not YAML;
- a document that is not a mapping, or whose `config:` is not a mapping;
- a config key that is not text, a key given twice, a value YAML can hold but JSON cannot
  (`!!set`, `!!binary`).

Dates are read as the text they are written as: the CLI reads stack files with Go's yaml
package, which keeps a timestamp decoded into an untyped value as its string (gopkg.in/yaml
decode.go, "for backward compatibility reasons we set it as a string"), so the program sees
`2024-01-01`, not a date. Likewise `yes`, `no`, `on` and `off` stay text (only `true` and
`false` are booleans), where PyYAML alone would make them booleans.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pulumi
import yaml

from ... import suggest

TIMESTAMP = "tag:yaml.org,2002:timestamp"
BOOL = "tag:yaml.org,2002:bool"


class StackFileError(pulumi.RunError):
    """A stack file the offline tools cannot use; one problem per line. A RunError, like the
    config's own errors, so every command that reports those reports this too."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class UnansweredReference(StackFileError):
    """A stack reference no stack file here can answer: the config may be fine, but the program
    cannot run offline (`eks-pod-identity check` still checks the config)."""


class Loader(yaml.SafeLoader):
    """YAML as the CLI reads a stack file: dates stay text, and a key given twice is an error
    (YAML requires unique keys; PyYAML would silently keep the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *anchor`: merged keys may be overridden, that is no duplicate
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (str, int, float, bool)) or key is None:
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key {key!r} is given twice (first on line {seen[key] + 1})", key_node.start_mark
                    )
                seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


# Go's yaml.v3 keeps YAML 1.1's yes/no/on/off as text unless decoding into a bool (its README,
# "Compatibility"): only true/false are booleans, as in YAML 1.2.
BOOL_1_2 = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
Loader.yaml_implicit_resolvers = {
    first: [(tag, BOOL_1_2 if tag == BOOL else pattern) for tag, pattern in resolvers if tag != TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _kind(value: Any) -> str:
    return {list: "a list", str: "text", int: "a number", float: "a number", bool: "true/false"}.get(type(value), type(value).__name__)


def _unencodable(value: Any, where: str) -> list[str]:
    """Values JSON cannot carry (the CLI passes structured values to the program as JSON)."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _unencodable(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _unencodable(v, f"{where}[{i}]")]
    if value is None or isinstance(value, (str, int, float, bool)):
        return []
    tags: dict[type, str] = {set: "!!set", bytes: "!!binary"}
    tag = tags.get(type(value), type(value).__name__)
    return [f"{where}: a YAML {tag} is not a value a stack file can hold; use a list or text"]


# What a stack file may hold (pulumi/pulumi sdk/go/common/workspace/project.go, ProjectStack):
# the CLI ignores any other key, so a misspelt `confg:` leaves the stack without config.
TOP_LEVEL_KEYS = ("config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment")


def _unknown_top_level(path: Path, key: Any) -> str:
    guess = suggest.close_match(str(key), TOP_LEVEL_KEYS)
    hint = f"did you mean `{guess}:`?" if guess else f"a stack file holds {', '.join(TOP_LEVEL_KEYS)}"
    return f"{path}: unknown top-level key {key!r} (the Pulumi CLI ignores it, and the config under it): {hint}"


def load(path: Path) -> dict[str, Any]:
    """The `config:` mapping of the stack file at `path` ({} for an empty file or section).

    Raises StackFileError naming the file and every problem found.
    """
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise StackFileError([f"{path}: cannot read the stack file: no such file"]) from None
    except IsADirectoryError:
        raise StackFileError([f"{path}: cannot read the stack file: it is a folder"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise StackFileError([f"{path}: cannot read the stack file: {error}"]) from None
    try:
        document = yaml.load(text, Loader=Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise StackFileError([f"{path}: cannot read the stack file: not valid YAML{where}: {error.problem or error.context}"]) from None
    except yaml.YAMLError as error:
        raise StackFileError([f"{path}: cannot read the stack file: not valid YAML: {error}"]) from None
    if document is None:
        raise StackFileError([f"{path}: the stack file is empty: it needs a `config:` mapping (see the README's stack files)"])
    if not isinstance(document, dict):
        raise StackFileError([f"{path}: not a stack file (a YAML mapping with a `config:` key): this one is {_kind(document)}"])
    unknown = [key for key in document if key not in TOP_LEVEL_KEYS]
    if unknown:
        raise StackFileError([_unknown_top_level(path, key) for key in unknown])
    config = document.get("config")
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise StackFileError([f"{path}: `config:` must be a mapping of `namespace:key: value` lines, not {_kind(config)}"])
    problems = [f"{path}: config key {key!r} must be text, `<namespace>:<key>`; quote it" for key in config if not isinstance(key, str)]
    for key, value in config.items():
        problems += [f"{path}: {problem}" for problem in _unencodable(value, str(key))]
    if problems:
        raise StackFileError(problems)
    return config


def tracked_stack_names(root: Path) -> list[str] | None:
    """Stacks whose Pulumi.<stack>.yaml git tracks in `root`; None outside a git checkout (an
    unpacked archive) or where git tracks none, for the caller to fall back to the folder.

    The tests run exactly these: a stack file of one's own (not committed) never breaks
    `make test`; `eks-pod-identity check` checks those.
    """
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--", "Pulumi.*.yaml"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    names = [n for n in done.stdout.split("\0") if n and "/" not in n and (root / n).is_file()]
    return sorted(n[len("Pulumi.") : -len(".yaml")] for n in names) or None
