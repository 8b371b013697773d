"""Stack files read as the Pulumi CLI reads them: YAML 1.1 words and dates stay text, anchors
and merge keys work, and a file that cannot be read says why."""

from __future__ import annotations

import pytest
from eks_pod_identity import cli
from eks_pod_identity.offline.harness import project


def test_what_the_stack_file_reader_says_of_a_missing_file_and_a_folder(tmp_path, capsys):
    (tmp_path / "Pulumi.dir.yaml").mkdir()
    for name, message in (
        ("Pulumi.gone.yaml", "cannot read the stack file: no such file"),
        ("Pulumi.dir.yaml", "cannot read the stack file: it is a folder"),
    ):
        assert cli.main(["plan", str(tmp_path / name)]) == 1
        assert f"error: {tmp_path / name}: {message}" in capsys.readouterr().err


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


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            "confg:\n  aws:region: us-east-1\n",
            "unknown top-level key 'confg' (the Pulumi CLI ignores it, and the config under it): did you mean `config:`?",
        ),
        ("", "the stack file is empty"),
        ("\n# only a comment\n", "the stack file is empty"),
    ],
)
def test_a_misspelt_top_level_key_or_an_empty_file_is_named(tmp_path, capsys, content, said):
    """Both got "clusters: is required"."""
    path = tmp_path / "Pulumi.typo.yaml"
    path.write_text(content)
    assert cli.main(["plan", str(path)]) == 1
    assert said in capsys.readouterr().err


def test_a_stack_without_a_region_is_refused_by_every_command(tmp_path, capsys):
    path = tmp_path / "Pulumi.noregion.yaml"
    path.write_text("config:\n  eks-pod-identity:clusters: [{name: c, create: false}]\n")
    for argv in (["plan", str(path)], ["check", str(path)], ["access", str(path)]):
        assert cli.main(argv) == 1
        out = capsys.readouterr()
        assert "aws:region: is required" in out.out + out.err
