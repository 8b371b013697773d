"""The two sides of an offline review and the judgement between them: runs of the program
(cached, as the review tests reuse them) and what a review found, by operation and hazard."""

from __future__ import annotations

import copy
import functools
import json

import pulumi
import pulumi_aws as aws
import yaml
from eks_pod_identity.offline.commands import review
from eks_pod_identity.offline.harness import runner
from eks_pod_identity.offline.review import compare as cmp
from eks_pod_identity.offline.review import hazards, sides
from hypothesis import strategies as st

from . import ROOT

DEV = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())["config"]


KEY = "eks-pod-identity:"


@functools.cache
def _side(stack: str, overrides: str) -> sides.Side:
    return sides.side(stack, json.loads(overrides) or None)


def side(stack: str, overrides: dict | None = None) -> sides.Side:
    """A run of the program (cached: the tests reuse runs)."""
    return _side(stack, json.dumps(overrides or {}, sort_keys=True))


def dev(**changes) -> dict:
    """Overrides of the dev stack: `clusters`, `identities` or `sample` replaced by a copy."""
    return {f"{KEY}{k}": v for k, v in changes.items()}


def identities(**fields) -> list[dict]:
    ids = copy.deepcopy(DEV[f"{KEY}identities"])
    ids[0].update(fields)
    return ids


def clusters(**fields) -> list[dict]:
    cs = copy.deepcopy(DEV[f"{KEY}clusters"])
    cs[0].update(fields)
    return cs


def judge(old: sides.Side, new: sides.Side, accept: list[str] = (), stack: str = "dev") -> tuple[hazards.Review, int]:
    result = hazards.review(stack, old, new)
    return result, review.settle(result, list(accept))


def ops(result: hazards.Review) -> dict[str, set[tuple[str, str]]]:
    """op -> {(type, name)} for every resource that is not unchanged and not a local component."""
    out: dict[str, set[tuple[str, str]]] = {}
    for change in result.comparison.changes:
        if change.kind != "component" and change.op != "same":
            out.setdefault(change.op, set()).add((change.reg.type, change.reg.name))
    return out


def kinds(result: hazards.Review) -> list[str]:
    return sorted(h.kind for h in result.hazards)


def change_of(result: hazards.Review, type_: str, name: str) -> cmp.Change:
    (found,) = [c for c in result.comparison.changes if c.reg.type == type_ and c.reg.name == name]
    return found


def run_program(body) -> sides.Side:
    return sides.Side("program", runner.run({"aws:region": "us-east-1"}, stack="dev", program=body), None)


def role(name: str, fixed: str | None, **opts) -> None:
    aws.iam.Role(name, name=fixed, assume_role_policy="{}", opts=pulumi.ResourceOptions(**opts))


# Property paths' keys, and JSON-like values made of them (what resource inputs hold).
keys = st.text(alphabet='abcxyz.-/"', min_size=1, max_size=4)
leaves = st.none() | st.booleans() | st.integers(-3, 3) | st.text(alphabet="ab", max_size=2)
values = st.recursive(leaves, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3), max_leaves=12)
