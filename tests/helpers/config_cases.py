"""A valid stack config, one-key changes of it, and the two tests every table of bad cases gets.

Each case of a table (tests/stack/test_*.py) changes one key of a valid config; its good
neighbour changes the same key to a value that must pass, so every check is shown to fire
and to let the right input through. A case is (case id, path, bad value, good neighbour
value, text the error must contain).
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from eks_pod_identity import stack as config

DELETE = object()


BASE: dict[str, Any] = {
    "clusters": [{"name": "c1", "version": "1.35"}, {"name": "c2", "create": False}],
    "identities": [
        {
            "name": "app",
            "namespace": "team-a",
            "serviceAccount": "app",
            "managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
        }
    ],
    "sample": {"kind": "job", "identity": "app", "cluster": "c1", "createNamespace": True},
}


STATEMENT = {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*"}


SESSION_POLICY = {"Version": "2012-10-17", "Statement": [STATEMENT]}


SECOND = {"name": "other", "namespace": "team-a", "serviceAccount": "app", "clusters": ["c1"]}


def with_change(path: str, value: Any, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """A copy of `base` with the key at `path` (e.g. 'identities[0].trust.scopeToClusters') set or deleted."""
    data = copy.deepcopy(BASE if base is None else base)
    parts = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]
    node: Any = data
    for part in parts[:-1]:
        if isinstance(node, dict) and part not in node:
            node[part] = {}
        node = node[part]
    if value is DELETE:
        node.pop(parts[-1], None)
    elif isinstance(node, list) and parts[-1] == len(node):
        node.append(value)
    else:
        node[parts[-1]] = value
    return data


# Without the sample, renaming or rebinding the identity leaves no dangling sample reference.
NO_SAMPLE = with_change("sample", {"kind": "none"})


FIELDS = "case, path, bad, good, expected"


def refusal_tests(cases: list[tuple], bases: dict[str, dict[str, Any]]):
    """The bad-value and good-neighbour tests of a table of cases, to be bound to `test_` names
    in the module that holds the table. `bases` holds, by case id, the slightly different valid
    config a case's change only shows against (BASE for the others)."""
    ids = [c[0] for c in cases]

    @pytest.mark.parametrize(FIELDS, cases, ids=ids)
    def test_bad_value_is_refused_with_its_path_and_fix(case, path, bad, good, expected):
        with pytest.raises(config.ConfigError) as caught:
            config.parse(with_change(path, bad, bases.get(case)))
        message = str(caught.value)
        assert expected in message, message
        assert "eks-pod-identity:" in message and "nothing was created" in message

    @pytest.mark.parametrize(FIELDS, cases, ids=ids)
    def test_good_neighbour_passes(case, path, bad, good, expected):
        config.parse(with_change(path, good, bases.get(case)))

    return test_bad_value_is_refused_with_its_path_and_fix, test_good_neighbour_passes


IDENTITY = {"name": "app", "namespace": "team-a", "serviceAccount": "app"}


def parse_identity(**identity) -> config.StackConfig:
    return config.parse({"clusters": [{"name": "c1", "create": False}], "identities": [{**IDENTITY, **identity}]}, "us-east-1")


def refusals(**identity) -> list[str]:
    with pytest.raises(config.ConfigError) as error:
        parse_identity(**identity)
    return error.value.problems
