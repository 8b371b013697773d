"""eks-pod-identity adopt: writes the import document and prints the steps in order; bad input
exits 1 with one line naming the file."""

from __future__ import annotations

import json

import pytest
from eks_pod_identity import cli

from tests.helpers import AWS, ROOT
from tests.helpers.adoption import PROD_FILES, WORKSHOP, WORKSHOP_FILES

BAD_INPUTS = {
    "malformed-truncated.json": "not valid JSON at line 6 column 1",
    "unknown-caller-identity.json": "not output this command reads (its keys: Account, Arn, UserId)",
    "list-addons.json": "this is `aws eks list-addons` output (names only)",
    "association-missing-id.json": "associations[0]: 'associationId' should be a non-empty string, found missing",
    "irsa-roles.json": "IAM roles and Kubernetes objects are read by `eks-pod-identity migrate-irsa`",
    "does-not-exist.json": "cannot read it",
}


def test_cli_writes_the_document_and_prints_the_steps(tmp_path, capsys):
    out = tmp_path / "import.json"
    assert cli.main(["adopt", "prod", *[a for f in PROD_FILES for a in ("--from", str(f))], "--out", str(out)]) == 0
    document = json.loads(out.read_text())
    assert set(document) == {"nameTable", "resources"} and len(document["resources"]) == 4
    text = capsys.readouterr().out
    assert f"pulumi import --stack prod --file {out} --protect=false --generate-code=false" in text
    assert text.index("aws eks tag-resource") < text.index("pulumi import"), "tag before importing"


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_inputs_exit_1_with_a_message_naming_the_file(name, tmp_path, capsys):
    path = AWS / name
    assert cli.main(["adopt", "prod", "--from", str(path), "--out", str(tmp_path / "x.json")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}") and BAD_INPUTS[name] in err
    assert not (tmp_path / "x.json").exists()


@pytest.mark.parametrize("stack_name", ["a/b/", "org/project/", "/", "", "a/b/c/d", "prod stack", "prod\n"])
def test_a_stack_name_that_is_not_one_exits_1(stack_name, tmp_path, capsys):
    out = tmp_path / "x.json"
    assert cli.main(["adopt", "prod", "--from", str(PROD_FILES[0]), "--out", str(out), "--stack-name", stack_name]) == 1
    assert capsys.readouterr().err.startswith(f"error: --stack-name {stack_name!r} is not a Pulumi stack name")
    assert not out.exists()


def test_an_unknown_stack_and_a_bad_state_file(tmp_path, capsys):
    assert cli.main(["adopt", "nope", "--from", str(PROD_FILES[0]), "--out", str(tmp_path / "x.json")]) == 1
    bad = tmp_path / "state.json"
    bad.write_text('{"version": 3}')
    assert cli.main(["adopt", "prod", "--from", str(PROD_FILES[0]), "--out", str(tmp_path / "x.json"), "--state", str(bad)]) == 1
    assert "not `pulumi stack export` output" in capsys.readouterr().err


def test_a_stack_file_that_is_not_yaml_exits_1(tmp_path, capsys):
    bad = tmp_path / "Pulumi.bad.yaml"
    bad.write_text("config: [unclosed\n")
    assert cli.main(["adopt", str(bad), "--from", str(PROD_FILES[0]), "--out", str(tmp_path / "x.json")]) == 1
    assert capsys.readouterr().err.startswith("error: ")


def test_objects_of_two_accounts_are_refused(tmp_path, capsys):
    other = (AWS / "prod-green-describe-agent.json").read_text().replace("111122223333", "210987654321")
    (tmp_path / "green.json").write_text(other)
    assert (
        cli.main(["adopt", "prod", "--from", str(PROD_FILES[0]), "--from", str(tmp_path / "green.json"), "--out", str(tmp_path / "x.json")])
        == 1
    )
    assert "objects of accounts 111122223333, 210987654321" in capsys.readouterr().err


def test_the_readmes_adopt_example_is_what_the_command_prints(tmp_path, capsys, monkeypatch):
    """README, "Adopting what exists": each line of its (abridged) example is in the output of
    the command it shows."""
    readme = (ROOT / "README.md").read_text()
    example = readme.split("### Adopting what exists", 1)[1].split("```", 2)[1]
    monkeypatch.chdir(ROOT)  # the README names the files from the repository's root
    args = [str(WORKSHOP.relative_to(ROOT)), "--new-stack", "--out", str(tmp_path / "import.json")]
    assert cli.main(["adopt", *args, *[a for f in WORKSHOP_FILES for a in ("--from", str(f.relative_to(ROOT)))]]) == 0
    printed = capsys.readouterr().out.replace(str(tmp_path / "import.json"), "import.json")
    lines = [line for line in example.strip().splitlines() if "…" not in line and not line.startswith(("$", " "))]
    assert len(lines) >= 6
    assert [line for line in lines if line not in printed] == []


def test_nothing_to_import_writes_no_file_and_says_why(tmp_path, capsys):
    """It wrote an empty document, exited 0 and said to run `pulumi import`."""
    listing = json.loads((AWS / "prod-blue-list-associations.json").read_text())
    for a in listing["associations"]:
        a["clusterName"] = "elsewhere"
    (tmp_path / "list.json").write_text(json.dumps(listing))
    out = tmp_path / "import.json"
    assert cli.main(["adopt", "prod", "--from", str(tmp_path / "list.json"), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert not out.exists() and "pulumi import" not in captured.out
    assert "error: nothing to import into stack 'prod'" in captured.err and "cluster elsewhere is not in this stack" in captured.err


def test_everything_already_in_the_state_is_done(prod, tmp_path, capsys):
    state = tmp_path / "state.json"
    urns = [{"urn": r.urn} for r in prod.result.registrations]
    state.write_text(json.dumps({"deployment": {"resources": urns}}))
    out = tmp_path / "import.json"
    args = ["adopt", "prod", *[a for f in PROD_FILES for a in ("--from", str(f))], "--state", str(state), "--out", str(out)]
    assert cli.main(args) == 0
    assert not out.exists() and "holds all 4 matched object(s) already" in capsys.readouterr().out
