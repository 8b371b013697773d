"""`eks-pod-identity review NEW --against OLD`: exit 3 on a hazard until it is accepted, an empty
old file as a new stack, and bad input as exit 1 without a traceback."""

from __future__ import annotations

import pytest
import yaml
from eks_pod_identity import cli
from eks_pod_identity.offline import commands
from eks_pod_identity.offline.commands import review

from tests.helpers import ROOT
from tests.helpers.review import DEV, KEY, dev, identities, judge, side


def write(tmp_path, name: str, config: dict) -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"config": config}))
    return str(path)


def test_the_command_exits_3_on_a_hazard_and_0_once_it_is_accepted(tmp_path, capsys):
    old = write(tmp_path, "base.yaml", DEV)
    new = write(tmp_path, "Pulumi.dev.yaml", {**DEV, f"{KEY}identities": identities(managedPolicyArns=[])})
    assert cli.main(["review", new, "--against", old]) == commands.HAZARDS
    out = capsys.readouterr().out
    (hazard_id,) = [line.split()[1] for line in out.splitlines() if line.startswith("HAZARD  ")]
    accept_file = tmp_path / "accepted.txt"
    accept_file.write_text(f"# reviewed in PR 12\n{hazard_id}\n")
    assert cli.main(["review", new, "--against", old, "--accept-file", str(accept_file)]) == 0
    assert cli.main(["review", new, "--against", old, "--accept", hazard_id]) == 0
    assert "123456789012" not in capsys.readouterr().out


def test_an_empty_old_file_is_a_new_stack(tmp_path, capsys):
    (tmp_path / "empty.yaml").write_text("")
    assert cli.main(["review", "dev", "--against", str(tmp_path / "empty.yaml")]) == 0
    assert "0 to delete" in capsys.readouterr().out


@pytest.mark.parametrize("content", ["", "config: null\n"])
def test_an_empty_new_file_is_checked_like_plan_file_and_refused(tmp_path, capsys, content):
    """Only the OLD side may be empty (a stack never deployed); an empty NEW side is a stack file
    with no config, which `eks-pod-identity plan FILE` refuses: so does the review."""
    new = tmp_path / "Pulumi.dev.yaml"
    new.write_text(content)
    assert cli.main(["plan", str(new)]) == 1
    alone = capsys.readouterr().err
    assert cli.main(["review", str(new), "--against", "dev"]) == commands.BAD_INPUT
    out = capsys.readouterr()
    assert "empty: a new stack" not in out.out and out.err.startswith(f"error: {new}: ")
    said = "the stack file is empty" if not content else "eks-pod-identity:clusters: is required"
    assert said in alone and said in out.err


@pytest.mark.parametrize(
    "content, message",
    [
        ({"config": {**DEV, f"{KEY}identities": [{"name": "Bad_Name"}]}}, "problem"),
        ("config: [unclosed", "cannot read"),
        (["a list"], "not a stack file"),
    ],
)
def test_bad_input_exits_1_with_the_message_and_no_traceback(tmp_path, capsys, content, message):
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(content if isinstance(content, str) else yaml.safe_dump(content))
    assert cli.main(["review", "dev", "--against", str(path)]) == commands.BAD_INPUT
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_an_unknown_stack_is_bad_input_and_accept_without_against_a_usage_error(capsys):
    assert cli.main(["review", "dev", "--against", "nope"]) == commands.BAD_INPUT
    assert "no Pulumi.nope.yaml" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        cli.main(["review", "dev", "--accept", "x"])
    assert exit_.value.code == 2


def test_the_readmes_review_example_is_what_the_review_prints():
    """README, "Reviewing a change": each line of its (abridged) example is in the output."""
    readme = (ROOT / "README.md").read_text()
    example = readme.split("### Reviewing a change", 1)[1].split("```", 2)[1]
    sample = {**DEV[f"{KEY}sample"], "createNamespace": True}
    result, status = judge(side("dev"), side("dev", dev(identities=identities(namespace="team-b"), sample=sample)))
    printed = review.render(result)
    lines = [line for line in example.strip().splitlines() if line.strip() and "…" not in line]
    assert len(lines) > 10 and status == commands.HAZARDS
    assert [line for line in lines if line not in printed] == []
