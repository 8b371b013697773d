"""The two sides of a review: a committed stack or a stack file, run through the program under
mocks; an empty file is a new stack on the OLD side only, and what cannot be run is bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from eks_pod_identity import stack as config
from eks_pod_identity.offline.harness import project
from eks_pod_identity.offline.review import sides

from tests.helpers import ROOT, STACKS


@pytest.mark.parametrize(
    "arg, name, path",
    [
        ("dev", "dev", None),
        ("Pulumi.dev.yaml", "dev", Path("Pulumi.dev.yaml")),
        ("plan-out/base-prod.yml", "base-prod", Path("plan-out/base-prod.yml")),
        ("old/Pulumi.prod.yaml", "prod", Path("old/Pulumi.prod.yaml")),
    ],
)
def test_an_argument_is_a_committed_stack_or_a_stack_file(arg, name, path):
    assert sides.stack_target(arg) == (name, path)


def test_a_stack_file_is_run_as_the_stack_it_names(tmp_path):
    copy = tmp_path / "Pulumi.dev.yaml"
    shutil.copy(ROOT / "Pulumi.dev.yaml", copy)
    side = sides.load("dev", str(copy))
    assert side.label == str(copy) and isinstance(side.config, config.StackConfig)
    assert {r.type for r in side.result.registrations} >= {"aws:eks/podIdentityAssociation:PodIdentityAssociation"}


def test_an_empty_file_is_a_new_stack_on_the_old_side_and_bad_input_on_the_new(tmp_path):
    empty = tmp_path / "Pulumi.dev.yaml"
    empty.write_text("")
    old = sides.load("dev", str(empty), empty_is_new=True)
    assert old.config is None and old.result.registrations == [] and old.label.endswith("(empty: a new stack)")
    with pytest.raises(sides.BadInput, match="the stack file is empty"):
        sides.load("dev", str(empty))


def test_a_file_that_is_no_text_is_bad_input_before_any_side_runs(tmp_path, monkeypatch):
    binary = tmp_path / "Pulumi.dev.yaml"
    binary.write_bytes(b"\x80\x81\xff")
    ran = []
    monkeypatch.setattr(sides, "side", lambda *a, **k: ran.append(a))
    for empty_is_new in (False, True):
        with pytest.raises(sides.BadInput, match="not a text file|cannot read the stack file"):
            sides.prepare("dev", str(binary), empty_is_new=empty_is_new)
    assert ran == []


def test_a_stack_that_is_not_here_names_the_stacks_that_are():
    with pytest.raises(sides.BadInput) as caught:
        sides.load("dev", "nope")
    # Every stack file here, one's own included (not only the committed ones).
    assert str(caught.value) == f"nope: no Pulumi.nope.yaml; stacks: {', '.join(project.stack_names())}"
    assert set(STACKS) <= set(project.stack_names())


@pytest.mark.parametrize(
    "content, message",
    [
        ("config: [unclosed\n", "not valid YAML"),
        (yaml.safe_dump({"config": {"aws:region": "us-east-1"}}), "eks-pod-identity:clusters: is required"),
    ],
)
def test_a_file_that_cannot_be_run_is_bad_input(tmp_path, content, message):
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(content)
    with pytest.raises(sides.BadInput, match=message):
        sides.load("dev", str(path))


def test_a_side_with_a_config_the_program_refuses_raises_its_config_error():
    with pytest.raises(config.ConfigError, match="identities"):
        sides.side("dev", {"eks-pod-identity:identities": 5})
