"""Checked access to the JSON and YAML a user saved: every failure is an InputError that names
the file and the place in it (`document 2.association.roleArn`), never a KeyError later."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class InputError(Exception):
    """A file that is not what the command reads; the message names the file and the place."""


def json_stream(text: str, path: str | Path) -> list[Any]:
    """One or more JSON values one after another, as a loop of CLI calls writes them."""
    decoder, docs, pos = json.JSONDecoder(), list[Any](), 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return docs
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as error:
            raise InputError(f"{path}: not valid JSON at line {error.lineno} column {error.colno}: {error.msg}") from None
        docs.append(value)


def place(path: str, where: str) -> str:
    return f"{path}: {where}" if where else f"{path}"


def inside(where: str, key: str) -> str:
    """The place of `key` inside the document part `where` (e.g. `document 2.association`)."""
    return f"{where}.{key}" if where else key


def string(obj: dict[str, Any], key: str, path: str, where: str, required: bool = True) -> str:
    value = obj.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        found = "missing" if value is None else f"{type(value).__name__} {value!r}"
        raise InputError(f"{place(path, where)}: {key!r} should be a non-empty string, found {found}")
    return value


def string_map(obj: dict[str, Any], key: str, path: str, where: str) -> dict[str, str]:
    value = obj.get(key) or {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise InputError(f"{place(path, where)}: {key!r} should map strings to strings, found {value!r}")
    return dict(value)


def as_object(value: Any, path: str, where: str, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(f"{place(path, where)}: {what} should be an object, found {type(value).__name__}")
    return value


def as_array(value: Any, path: str, where: str, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise InputError(f"{place(path, where)}: {what} should be a list, found {type(value).__name__}")
    return value
