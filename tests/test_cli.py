"""The `eks-pod-identity` command: one parser, the same flags and exit statuses everywhere, the
account a stack deploys to taken from the stack (or --account), not assumed, and a bad stack
file answered by every command that reads one with exit 1 and a message that names the
problem, never a traceback (the issue's YAML date, `identities: 5`, `config:` list).
(migrate-irsa reads no stack file.)

To cover another command, add it to COMMANDS: a name and its command line for a file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from eks_pod_identity import cli
from eks_pod_identity.offline import commands

from tests.helpers import AWS, STACK_FILES

OWN = STACK_FILES / "Pulumi.own-account.yaml"
AWS_FILE = AWS / "prod-blue-describe-agent.json"


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


def test_help_lists_every_subcommand_and_the_exit_statuses(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--help"])
    assert exit_.value.code == commands.OK
    text = capsys.readouterr().out
    assert all(name in text for name in cli.COMMANDS)
    assert all(f"  {code}  " in text for code in (commands.OK, commands.BAD_INPUT, commands.USAGE, commands.HAZARDS))


@pytest.mark.parametrize("name", cli.COMMANDS)
def test_every_subcommand_takes_the_common_flags_and_says_its_exit_statuses(name, capsys):
    with pytest.raises(SystemExit):
        cli.main([name, "--help"])
    text = capsys.readouterr().out
    assert "--program DIR" in text and "--account ID" in text and "exit status:" in text


def test_a_wrong_command_line_is_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["plan"])
    assert exit_.value.code == commands.USAGE


@pytest.mark.parametrize(
    "argv", [["plan", str(OWN)], ["check", str(OWN)], ["access", str(OWN)], ["review", str(OWN), "--against", str(OWN)]]
)
def test_a_stack_in_an_account_of_ones_own_is_planned_in_that_account(argv, capsys):
    """An existing role and a customer managed policy of 210987654321: that is the account."""
    assert cli.main(argv) == commands.OK, capsys.readouterr().err
    out = capsys.readouterr()
    assert "this stack deploys to" not in out.out + out.err


def test_the_plan_shows_the_stacks_account(capsys):
    assert cli.main(["plan", str(OWN)]) == commands.OK
    assert "arn:aws:iam::210987654321:role/reports-role-" in capsys.readouterr().out


def test_account_flag_wins_and_the_programs_own_check_then_refuses(capsys):
    assert cli.main(["check", str(OWN), "--account", "111111111111"]) == commands.BAD_INPUT
    out = capsys.readouterr().out
    assert "is a role of account 210987654321, but this stack deploys to 111111111111" in out


def test_allowed_account_ids_name_the_account(tmp_path, capsys):
    config = yaml.safe_load(OWN.read_text())
    config["config"]["aws:allowedAccountIds"] = ["210987654321"]
    del config["config"]["eks-pod-identity:identities"][0]  # no role ARN left but the policy's
    path = tmp_path / "Pulumi.allowed.yaml"
    path.write_text(yaml.safe_dump(config))
    assert cli.main(["plan", str(path)]) == commands.OK
    assert "arn:aws:iam::210987654321:role/reports-role-" in capsys.readouterr().out


def test_several_accounts_and_nothing_saying_which_is_bad_input(tmp_path, capsys):
    config = yaml.safe_load(OWN.read_text())
    config["config"]["eks-pod-identity:identities"][1]["managedPolicyArns"] = ["arn:aws:iam::999999999999:policy/other"]
    path = tmp_path / "Pulumi.two.yaml"
    path.write_text(yaml.safe_dump(config))
    assert cli.main(["plan", str(path)]) == commands.BAD_INPUT
    assert "210987654321, 999999999999" in capsys.readouterr().err
    assert cli.main(["plan", str(path), "--account", "210987654321"]) == commands.BAD_INPUT  # the program's own refusal


@pytest.mark.parametrize("value", ["abc", "1234", "2109876543210", "١٢٣٤٥٦٧٨٩٠١٢"])
def test_a_malformed_account_flag_is_bad_input(value, capsys):
    assert cli.main(["plan", "dev", "--account", value]) == commands.BAD_INPUT
    assert f"--account {value!r} is not a 12-digit AWS account ID" in capsys.readouterr().err


def test_a_folder_without_a_program_is_bad_input(tmp_path, capsys):
    assert cli.main(["plan", "dev", "--program", str(tmp_path)]) == commands.BAD_INPUT
    assert "no Pulumi.yaml here or in a folder above" in capsys.readouterr().err


def test_migrate_irsa_reads_no_program_so_it_runs_anywhere(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    argv = ["migrate-irsa", "--service-accounts", str(AWS / "irsa-service-accounts.json"), "--roles", str(AWS / "irsa-roles.json")]
    assert cli.main([*argv, "--cluster", "pod-identity-demo", "--out-config", str(tmp_path / "f.yaml")]) == commands.OK
    assert "no Pulumi.yaml" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name: [\n", "cannot be read as YAML"),
        ("name: p\nconfig: [1]\n", "`config:` must be a mapping"),
        ("- a\n", "not a Pulumi project file"),
    ],
)
def test_a_broken_project_file_is_bad_input(content, message, tmp_path, capsys):
    (tmp_path / "Pulumi.yaml").write_text(content)
    (tmp_path / "Pulumi.dev.yaml").write_text(REGION)
    assert cli.main(["check", "dev", "--program", str(tmp_path)]) == commands.BAD_INPUT
    said = capsys.readouterr()
    assert message in said.out + said.err and "Error:" not in said.out + said.err


def test_progress_goes_to_stderr_and_the_plan_to_stdout(capsys):
    assert cli.main(["plan", "identities"]) == commands.OK
    out = capsys.readouterr()
    assert "running stack 'identities'" in out.err and "running stack" not in out.out
    assert out.out.startswith("# Offline plan for stack 'identities'")


def test_the_irsa_fragment_checks_in_the_roles_account(tmp_path, capsys):
    """migrate-irsa binds the roles it found (account 111122223333): a stack holding its fragment
    is checked in that account."""
    fragment = tmp_path / "identities.yaml"
    argv = [
        "migrate-irsa",
        "--service-accounts",
        str(AWS / "irsa-service-accounts.json"),
        "--roles",
        str(AWS / "irsa-roles.json"),
        "--cluster",
        "pod-identity-demo",
        "--cluster-info",
        str(AWS / "irsa-describe-cluster.json"),
        "--out-config",
        str(fragment),
    ]
    assert cli.main(argv) == commands.OK
    identities = yaml.safe_load(fragment.read_text())["config"]["eks-pod-identity:identities"]
    stack = tmp_path / "Pulumi.migrated.yaml"
    stack.write_text(
        yaml.safe_dump(
            {
                "config": {
                    "aws:region": "us-east-1",
                    "eks-pod-identity:clusters": [{"name": "pod-identity-demo", "create": False}],
                    "eks-pod-identity:identities": identities,
                }
            }
        )
    )
    capsys.readouterr()
    assert cli.main(["check", str(stack)]) == commands.OK, capsys.readouterr().out


# --- a bad stack file, for every command that reads one ---------------------------------


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
    """Each command may say it its own way (offline.access: "no stack file ..."), naming the file."""
    (tmp_path / "Pulumi.dir.yaml").mkdir()
    for path in (tmp_path / "Pulumi.gone.yaml", tmp_path / "Pulumi.dir.yaml"):
        main, argv = COMMANDS[command](path, tmp_path)
        assert main(argv) == 1
        out = capsys.readouterr()
        assert str(path) in out.out + out.err and "Traceback" not in out.out + out.err


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
