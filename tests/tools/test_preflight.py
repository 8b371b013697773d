"""tools/preflight.py: `make up|preview|destroy` say what is missing before installing anything.

Each case builds the world the script looks at — PATH with fake `pulumi` and `aws` commands,
HOME with or without ~/.aws files, AWS_* variables — and asserts the message and exit status.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT
from tools import preflight

MINIMUM = preflight.required_pulumi_version()


def fake_command(bin_dir: Path, name: str, output: str) -> None:
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / name
    script.write_text(f"#!/bin/sh\necho '{output}'\n")
    script.chmod(0o755)


@pytest.fixture
def world(tmp_path, monkeypatch):
    """A machine with a current pulumi, the aws CLI and a default profile; tests take pieces away."""
    bin_dir, home = tmp_path / "bin", tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "credentials").write_text("[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n")
    fake_command(bin_dir, "pulumi", f"v{preflight.dotted(MINIMUM)}")
    fake_command(bin_dir, "aws", "aws-cli/2.35.10")
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr(preflight, "on_ec2", lambda: False)
    return bin_dir, home


def run(capsys, *argv: str) -> tuple[int, str]:
    status = preflight.main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def test_minimum_cli_version_is_the_pinned_sdk():
    pinned = next(line for line in (ROOT / "requirements.txt").read_text().splitlines() if line.startswith("pulumi=="))
    assert pinned == f"pulumi=={preflight.dotted(MINIMUM)}"


def test_all_present_passes_and_says_what_it_found(world, capsys):
    status, out = run(capsys, "up", "--stack", "dev")
    assert status == 0
    assert f"pulumi v{preflight.dotted(MINIMUM)}" in out and "aws CLI at" in out and "profile 'default'" in out


def test_no_pulumi_names_the_installer_and_its_link(world, capsys):
    (world[0] / "pulumi").unlink()
    status, out = run(capsys, "up", "--stack", "dev")
    assert status == 1
    assert "the Pulumi CLI is not installed" in out
    assert "curl -fsSL https://get.pulumi.com | sh" in out and "https://www.pulumi.com/docs/iac/download-install/" in out
    assert "1 thing(s) to fix" in out


def test_pulumi_installed_but_not_on_path(world, capsys):
    bin_dir, home = world
    (home / ".pulumi" / "bin").mkdir(parents=True)
    shutil.move(bin_dir / "pulumi", home / ".pulumi" / "bin" / "pulumi")
    status, out = run(capsys, "preview", "--stack", "dev")
    assert status == 1 and 'export PATH="$HOME/.pulumi/bin:$PATH"' in out


def test_old_pulumi_is_refused_with_the_version_needed(world, capsys):
    fake_command(world[0], "pulumi", "v3.100.0")
    status, out = run(capsys, "up", "--stack", "dev")
    assert status == 1
    assert "the Pulumi CLI is v3.100.0; this program needs " + preflight.dotted(MINIMUM) in out


def test_newer_pulumi_passes(world, capsys):
    major, minor, _ = MINIMUM
    fake_command(world[0], "pulumi", f"v{major}.{minor + 1}.0")
    assert run(capsys, "up", "--stack", "dev")[0] == 0


def test_pulumi_printing_no_version(world, capsys):
    fake_command(world[0], "pulumi", "something else")
    status, out = run(capsys, "up", "--stack", "dev")
    assert status == 1 and "not a version" in out


def test_no_aws_cli(world, capsys):
    (world[0] / "aws").unlink()
    status, out = run(capsys, "destroy", "--stack", "dev")
    assert status == 1 and "aws eks get-token" in out and "getting-started-install" in out


def test_no_credentials_says_what_was_looked_for(world, capsys):
    (world[1] / ".aws" / "credentials").unlink()
    status, out = run(capsys, "up", "--stack", "dev")
    assert status == 1
    for looked_for in (
        "AWS_ACCESS_KEY_ID",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "profile 'default'",
        ".aws/credentials",
        ".aws/config",
        "aws:profile",
        "EC2",
    ):
        assert looked_for in out
    assert "aws configure" in out


def test_a_profile_with_only_a_region_holds_no_credentials(world, capsys):
    (world[1] / ".aws" / "credentials").unlink()
    (world[1] / ".aws" / "config").write_text("[default]\nregion = us-east-1\n")
    assert run(capsys, "up", "--stack", "dev")[0] == 1


@pytest.mark.parametrize(
    "env",
    [
        {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "x"},
        {"AWS_WEB_IDENTITY_TOKEN_FILE": "/tmp/token", "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/ci"},
        {"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials"},
    ],
)
def test_credentials_from_the_environment(world, capsys, monkeypatch, env):
    (world[1] / ".aws" / "credentials").unlink()
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert run(capsys, "up", "--stack", "dev")[0] == 0


def test_sso_profile_in_the_config_file(world, capsys, monkeypatch):
    (world[1] / ".aws" / "credentials").unlink()
    (world[1] / ".aws" / "config").write_text(
        "[profile work]\nsso_session = corp\nsso_account_id = 1\n[sso-session corp]\nsso_region = us-east-1\n"
    )
    monkeypatch.setenv("AWS_PROFILE", "work")
    status, out = run(capsys, "up", "--stack", "dev")
    assert status == 0 and "profile 'work'" in out


def test_a_profile_that_does_not_exist(world, capsys, monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "typo")
    status, out = run(capsys, "up", "--stack", "dev")
    assert status == 1
    assert "AWS profile 'typo' (from AWS_PROFILE)" in out and "profiles there: default" in out


def test_the_stack_files_aws_profile_is_the_one_checked(world, capsys, tmp_path, monkeypatch):
    root = tmp_path / "project"
    root.mkdir()
    (root / "Pulumi.mine.yaml").write_text("config:\n  aws:region: us-east-1\n  aws:profile: team\n")
    monkeypatch.setattr(preflight, "ROOT", root)
    status, out = run(capsys, "up", "--stack", "mine")
    assert status == 1 and "AWS profile 'team' (from aws:profile in Pulumi.mine.yaml)" in out


def test_a_missing_stack_file_lists_the_stacks(world, capsys):
    status, out = run(capsys, "up", "--stack", "nope")
    assert status == 1 and "no stack file Pulumi.nope.yaml" in out and "dev" in out


def test_destroy_needs_no_stack_file(world, capsys):
    assert run(capsys, "destroy", "--stack", "gone")[0] == 0


def test_every_problem_at_once(world, capsys):
    (world[0] / "pulumi").unlink()
    (world[0] / "aws").unlink()
    (world[1] / ".aws" / "credentials").unlink()
    status, out = run(capsys, "up", "--stack", "nope")
    assert status == 1 and "4 thing(s) to fix" in out


@pytest.mark.parametrize("target", ["up", "preview", "destroy"])
def test_make_runs_the_checks_before_installing_anything(target, tmp_path):
    """The issue's first hour: `make up` installed packages for a minute, then `pulumi: not found`."""
    make = shutil.which("make")
    if make is None:
        pytest.skip("no make")
    venv = tmp_path / "venv"
    env = {"PATH": str(tmp_path / "empty"), "HOME": str(tmp_path)}
    done = subprocess.run(
        [make, "-C", str(ROOT), target, "STACK=dev", f"VENV={venv}", f"PYTHON={sys.executable}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "the Pulumi CLI is not installed" in done.stderr and "https://www.pulumi.com/docs/iac/download-install/" in done.stderr
    assert not venv.exists(), "nothing is installed before the checks pass"


def test_the_readme_shows_what_make_up_prints(world, capsys):
    """README, Quick start: its sample is what a machine without pulumi and credentials gets."""
    (world[0] / "pulumi").unlink()
    (world[1] / ".aws" / "credentials").unlink()
    status, out = run(capsys, "up", "--stack", "dev")
    readme = (ROOT / "README.md").read_text()
    sample = readme.split("When something is missing, `make up` says so")[1].split("```")[1]
    shown = [line for line in sample.splitlines()[1:] if line.strip() and line.strip() != "..."]
    assert status == 1 and shown and all(line in out.splitlines() for line in shown)
    assert f"[Pulumi CLI](https://www.pulumi.com/docs/iac/download-install/) {preflight.dotted(MINIMUM)} or newer" in readme


def test_a_python_too_old_for_the_program(world, capsys, monkeypatch):
    monkeypatch.setattr(preflight, "MIN_PYTHON", (99, 0))
    status, out = run(capsys, "up", "--stack", "dev")
    assert status == 1 and "Python 99.0+ is needed to create ./venv" in out and "PYTHON=python3.11" in out
