"""Every `eks-pod-identity` command that reads a stack file answers a bad one with exit 1 and a
message that names the problem: never a traceback (the issue's YAML date, `identities: 5`,
`config:` list). (migrate-irsa reads no stack file.)

To cover another command, add it to COMMANDS: a name and its command line for a file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from eks_pod_identity import cli
from eks_pod_identity.offline.harness import project

AWS_FILE = Path(__file__).parent / "fixtures" / "aws" / "prod-blue-describe-agent.json"
# name -> (file, scratch folder) -> (main, argv). The good side of --against is the small
# `identities` stack, so that the bad side is reached quickly.
COMMANDS: dict[str, Callable[[Path, Path], tuple[Callable[[list[str]], int], list[str]]]] = {
    "plan": lambda f, tmp: (cli.main, ["plan", str(f)]),
    "plan --graph": lambda f, tmp: (cli.main, ["plan", str(f), "--graph", str(tmp / "out" / "g.mmd")]),
    "review NEW --against": lambda f, tmp: (cli.main, ["review", str(f), "--against", "identities"]),
    "review --against OLD": lambda f, tmp: (cli.main, ["review", "identities", "--against", str(f)]),
    "check": lambda f, tmp: (cli.main, ["check", str(f)]),
    "access": lambda f, tmp: (cli.main, ["access", str(f)]),
    "adopt": lambda f, tmp: (cli.main, ["adopt", str(f), "--from", str(AWS_FILE), "--out", str(tmp / "import.json")]),
}

REGION = "config:\n  aws:region: us-east-1\n"
BAD_FILES = {
    "a list": ("- a\n- b\n", "not a stack file"),
    "a number": ("42\n", "not a stack file"),
    "config is a list": ("config:\n  - aws:region: us-east-1\n", "`config:` must be a mapping"),
    "config is text": ("config: us-east-1\n", "`config:` must be a mapping"),
    "identities: 5": (
        REGION + "  eks-pod-identity:clusters: []\n  eks-pod-identity:identities: 5\n",
        "eks-pod-identity:identities = 5: must be a list",
    ),
    "clusters: a mapping": (REGION + "  eks-pod-identity:clusters: {name: c}\n", "eks-pod-identity:clusters"),
    "a YAML date as a version": (
        REGION + "  eks-pod-identity:clusters: [{name: c, version: 2024-01-01}]\n",
        "version = '2024-01-01': is not a Kubernetes minor version",
    ),
    "a YAML date as a key": (REGION + "  eks-pod-identity:clusters: []\n  2024-01-01: x\n", "eks-pod-identity:2024-01-01: unknown key"),
    "a YAML date as the region": ("config:\n  aws:region: 2024-01-01\n  eks-pod-identity:clusters: []\n", "'2024-01-01'"),
    "a number as a key": (REGION + "  7: x\n", "config key 7 must be text"),
    "a key given twice": (REGION + "  aws:region: eu-west-1\n", "is given twice"),
    "a YAML set": (REGION + "  eks-pod-identity:identities: !!set {a, b}\n", "a YAML !!set is not a value a stack file can hold"),
    "YAML binary": (REGION + "  eks-pod-identity:environment: !!binary aGVsbG8=\n", "a YAML !!binary is not a value"),
    "not YAML": ("config: [unclosed\n", "not valid YAML (line"),
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_stack_file_exits_1_with_its_problem(command, case, tmp_path, capsys):
    content, message = BAD_FILES[case]
    path = tmp_path / "Pulumi.bad.yaml"
    path.write_text(content)
    main, argv = COMMANDS[command](path, tmp_path)
    assert main(argv) == 1
    out = capsys.readouterr()
    text = out.out + out.err
    assert message in text and "Traceback" not in text


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_file_and_a_folder(command, tmp_path, capsys):
    """Each command may say it its own way (access: "no stack file ..."), naming the file."""
    (tmp_path / "Pulumi.dir.yaml").mkdir()
    for path in (tmp_path / "Pulumi.gone.yaml", tmp_path / "Pulumi.dir.yaml"):
        main, argv = COMMANDS[command](path, tmp_path)
        assert main(argv) == 1
        out = capsys.readouterr()
        assert str(path) in out.out + out.err and "Traceback" not in out.out + out.err


def test_what_the_stack_file_reader_says_of_a_missing_file_and_a_folder(tmp_path, capsys):
    (tmp_path / "Pulumi.dir.yaml").mkdir()
    for name, message in (
        ("Pulumi.gone.yaml", "cannot read the stack file: no such file"),
        ("Pulumi.dir.yaml", "cannot read the stack file: it is a folder"),
    ):
        assert cli.main(["plan", str(tmp_path / name)]) == 1
        assert f"error: {tmp_path / name}: {message}" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["plan", "nope"], "no stack file Pulumi.nope.yaml; the stacks here are"),
        (["review", "identities", "--against", "nope"], "no Pulumi.nope.yaml"),
        (["review", "nope", "--against", "identities"], "no Pulumi.nope.yaml"),
    ],
)
def test_plan_of_a_stack_that_does_not_exist(argv, message, capsys):
    assert cli.main(argv) == 1
    assert message in capsys.readouterr().err


def test_check_of_a_stack_that_does_not_exist(capsys):
    assert cli.main(["check", "nope"]) == 1
    assert "Pulumi.nope.yaml: FAILED, 1 problem:\n  - cannot read the stack file: no such file" in capsys.readouterr().out


def test_graph_into_a_missing_folder_creates_it(tmp_path, capsys):
    graph = tmp_path / "a" / "b" / "identities.mmd"
    assert cli.main(["plan", "identities", "--graph", str(graph)]) == 0
    assert graph.is_file() and f"wrote {graph} (2 nodes, 1 edge)" in capsys.readouterr().out


@pytest.mark.parametrize("where", ["under a file", "a folder"])
def test_graph_that_cannot_be_written(where, tmp_path, capsys):
    (tmp_path / "file").write_text("")
    graph = tmp_path / "file" / "g.mmd" if where == "under a file" else tmp_path
    assert cli.main(["plan", "identities", "--graph", str(graph)]) == 1
    assert f"error: --graph {graph}: cannot write it" in capsys.readouterr().err


def test_yaml_anchors_and_merge_keys_are_fine(tmp_path):
    """What a stack file may do that looks like a key given twice: a merge key overridden."""
    path = tmp_path / "Pulumi.merge.yaml"
    path.write_text(
        "config:\n  aws:region: us-east-1\n  eks-pod-identity:clusters:\n"
        "    - &base {name: a, create: false}\n    - <<: *base\n      name: b\n"
    )
    assert project.stack_config("merge", path=path)["eks-pod-identity:clusters"] == (
        '[{"name": "a", "create": false}, {"name": "b", "create": false}]'
    )


def test_yaml_1_1_booleans_and_dates_stay_text_as_the_cli_reads_them(tmp_path):
    path = tmp_path / "Pulumi.words.yaml"
    path.write_text(
        "config:\n  aws:region: us-east-1\n  eks-pod-identity:environment: on\n"
        "  eks-pod-identity:clusters: [{name: a, create: true, version: 2024-01-01}]\n"
    )
    config = project.stack_config("words", path=path)
    assert config["eks-pod-identity:environment"] == "on"
    assert config["eks-pod-identity:clusters"] == '[{"name": "a", "create": true, "version": "2024-01-01"}]'
