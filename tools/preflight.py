"""Before `make up|preview|destroy`: is everything there that Pulumi will need?

    python3 tools/preflight.py up|preview|destroy [--stack STACK]

A newcomer's first `make up` used to install packages for a minute and then fail with
`pulumi: not found`. This runs first, with the system python3 (standard library only, so
before ./venv exists) and in well under a second: it runs `pulumi version` and reads a few
files, and never calls AWS or the network. Every problem is printed with what to install or
set; the exit status is 1 if there is any. What it checks:

- the Python that will create ./venv is 3.11 or newer;
- the Pulumi CLI is on PATH and at least the version of the pulumi SDK pinned in
  requirements.txt (the CLI ships the language host that runs the program with that SDK, and
  the two are released together; an older CLI with a newer SDK is a pair nobody tests);
- the AWS CLI is on PATH: every kubeconfig the program writes runs `aws eks get-token`, so
  Kubernetes objects can be neither created nor deleted without it;
- AWS credentials have a source (looked up the way the AWS SDKs do, without calling AWS);
- for up and preview, the stack file Pulumi.<stack>.yaml exists.

It runs on Python 3.7 and newer, so that an old python3 still gets the message that it is
too old rather than a syntax error.
"""

from __future__ import annotations

import argparse
import configparser
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIN_PYTHON = (3, 11)
PULUMI_INSTALL = "https://www.pulumi.com/docs/iac/download-install/"
PULUMI_ONE_LINER = "curl -fsSL https://get.pulumi.com | sh"
AWS_CLI_INSTALL = "https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"
AWS_CREDENTIALS_DOCS = "https://docs.aws.amazon.com/cli/latest/userguide/cli-chap-configure.html"
# Keys of an AWS config/credentials profile that configure the CLI, not where credentials come
# from. A profile holding any other key (access keys, role_arn, sso_session, credential_process,
# login_session, ...) is counted as a credential source: better to let Pulumi try than to block
# a setup this script does not know.
SETTINGS_ONLY = {
    "region",
    "output",
    "cli_pager",
    "cli_history",
    "cli_timestamp_format",
    "cli_binary_format",
    "cli_auto_prompt",
    "retry_mode",
    "max_attempts",
    "ca_bundle",
    "parameter_validation",
    "endpoint_url",
    "ignore_configured_endpoint_urls",
    "use_fips_endpoint",
    "use_dualstack_endpoint",
    "tcp_keepalive",
    "duration_seconds",
    "s3",
    "metadata_service_timeout",
    "metadata_service_num_attempts",
}


def required_pulumi_version() -> tuple[int, ...] | None:
    """The pulumi SDK version pinned in requirements.txt: the oldest CLI this program accepts."""
    try:
        text = (ROOT / "requirements.txt").read_text()
    except OSError:
        return None
    found = re.search(r"^pulumi==(\d+)\.(\d+)\.(\d+)\s*$", text, re.MULTILINE)
    return tuple(int(part) for part in found.groups()) if found else None


def dotted(version: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)


def check_python() -> list[str]:
    if sys.version_info[:2] >= MIN_PYTHON:
        return []
    return [
        (
            f"Python {dotted(MIN_PYTHON)}+ is needed to create ./venv; `{sys.executable}` is "
            f"{dotted(sys.version_info[:3])}.\n"
            f"    install a newer Python and run make with it: make ... PYTHON=python3.11 (or newer)"
        )
    ]


def check_pulumi(minimum: tuple[int, ...] | None) -> tuple[list[str], str]:
    """Problems with the Pulumi CLI, and what was found (for the summary line)."""
    pulumi = shutil.which("pulumi")
    if pulumi is None:
        installed = Path.home() / ".pulumi" / "bin" / "pulumi"
        if installed.is_file():
            return [
                (
                    f"the Pulumi CLI is installed at {installed} but not on PATH.\n"
                    f'    add it, then retry: export PATH="$HOME/.pulumi/bin:$PATH"  (and in your shell profile)'
                )
            ], ""
        return [
            (
                "the Pulumi CLI is not installed (no `pulumi` on PATH).\n"
                f"    install it: {PULUMI_ONE_LINER}   (then open a new shell)\n"
                f"    or see {PULUMI_INSTALL}"
            )
        ], ""
    try:
        # PULUMI_SKIP_UPDATE_CHECK: `pulumi version` must not go to the network.
        done = subprocess.run(
            [pulumi, "version"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
            env={**os.environ, "PULUMI_SKIP_UPDATE_CHECK": "true"},
        )
        text = done.stdout.strip()
    except (OSError, subprocess.SubprocessError) as error:
        return [f"`{pulumi} version` failed ({error}); reinstall the CLI: {PULUMI_INSTALL}"], ""
    found = re.match(r"v?(\d+)\.(\d+)\.(\d+)", text)
    if done.returncode != 0 or found is None:
        return [(f"`{pulumi} version` printed {text or done.stderr.strip()!r}, not a version; reinstall the CLI: {PULUMI_INSTALL}")], ""
    version = tuple(int(part) for part in found.groups())
    if minimum and version < minimum:
        return [
            (
                f"the Pulumi CLI is {text}; this program needs {dotted(minimum)} or newer (the pulumi SDK "
                f"pinned in requirements.txt: the CLI's language host runs the program with it).\n"
                f"    update it: {PULUMI_ONE_LINER}   (or `brew upgrade pulumi`; see {PULUMI_INSTALL})"
            )
        ], ""
    return [], f"pulumi {text}"


def check_aws_cli() -> tuple[list[str], str]:
    aws = shutil.which("aws")
    if aws is None:
        return [
            (
                "the AWS CLI is not installed (no `aws` on PATH); the kubeconfigs run `aws eks get-token` "
                "to reach the clusters.\n"
                f"    install AWS CLI v2: {AWS_CLI_INSTALL}"
            )
        ], ""
    return [], f"aws CLI at {aws}"


def stack_settings(stack_file: Path) -> dict[str, str]:
    """The `aws:` provider settings of a stack file, read line by line (PyYAML may not exist yet)."""
    settings: dict[str, str] = {}
    try:
        lines = stack_file.read_text().splitlines()
    except (OSError, UnicodeDecodeError):
        return settings
    for line in lines:
        found = re.match(r"\s+(aws:[A-Za-z]+):\s*(.*?)\s*$", line)
        if found:
            settings[found.group(1)] = found.group(2).strip("'\"")
    return settings


def _profiles(path: Path, config_file: bool) -> dict[str, set[str]]:
    """Profile name -> its keys, in an AWS shared config (`[profile x]`) or credentials (`[x]`) file."""
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(path.read_text())
    except (OSError, UnicodeDecodeError, configparser.Error):
        return {}
    profiles: dict[str, set[str]] = {}
    for section in parser.sections():
        name = section
        if config_file:
            if section.startswith("profile "):
                name = section[len("profile ") :].strip()
            elif section != "default":
                continue  # sso-session, services: not profiles
        profiles[name] = set(parser.options(section))
    return profiles


def on_ec2() -> bool:
    """An EC2 instance may have an instance profile (IMDS), which only the network can confirm."""
    for marker, prefix in (
        ("/sys/hypervisor/uuid", "ec2"),
        ("/sys/devices/virtual/dmi/id/board_asset_tag", "i-"),
        ("/sys/devices/virtual/dmi/id/sys_vendor", "Amazon EC2"),
    ):
        try:
            if Path(marker).read_text().strip().lower().startswith(prefix.lower()):
                return True
        except OSError:
            continue
    return False


def check_credentials(stack_file: Path | None) -> tuple[list[str], str]:
    """Where AWS credentials would come from, found the way the AWS SDKs look, without calling AWS."""
    env = os.environ
    settings = stack_settings(stack_file) if stack_file else {}
    credentials_file = Path(env.get("AWS_SHARED_CREDENTIALS_FILE") or Path.home() / ".aws" / "credentials")
    config_file = Path(env.get("AWS_CONFIG_FILE") or Path.home() / ".aws" / "config")
    profiles = _profiles(credentials_file, False)
    for name, keys in _profiles(config_file, True).items():
        profiles[name] = profiles.get(name, set()) | keys
    profile_from = "aws:profile in " + stack_file.name if settings.get("aws:profile") and stack_file else ""
    profile = settings.get("aws:profile") or env.get("AWS_PROFILE") or env.get("AWS_DEFAULT_PROFILE")
    if profile and not profile_from:
        profile_from = "AWS_PROFILE" if env.get("AWS_PROFILE") else "AWS_DEFAULT_PROFILE"
    files = f"{credentials_file} and {config_file}"
    if profile and profile not in profiles:
        known = ", ".join(sorted(profiles)) or "none"
        return [
            (
                f"AWS profile {profile!r} (from {profile_from}) is in neither {files} (profiles there: {known}).\n"
                f"    create it: aws configure --profile {profile}   (or aws configure sso), or fix the name"
            )
        ], ""
    if settings.get("aws:accessKey"):
        return [], f"AWS credentials from aws:accessKey in {stack_file.name if stack_file else 'the stack file'}"
    if env.get("AWS_ACCESS_KEY_ID") and env.get("AWS_SECRET_ACCESS_KEY"):
        return [], "AWS credentials from AWS_ACCESS_KEY_ID"
    if env.get("AWS_WEB_IDENTITY_TOKEN_FILE") and env.get("AWS_ROLE_ARN"):
        return [], "AWS credentials from AWS_WEB_IDENTITY_TOKEN_FILE"
    for name in ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"):
        if env.get(name):
            return [], f"AWS credentials from {name}"
    name = profile or "default"
    if profiles.get(name, set()) - SETTINGS_ONLY:
        return [], f"AWS credentials from profile {name!r}"
    if on_ec2():
        return [], "AWS credentials from the EC2 instance profile, if it has one"
    looked = [
        "AWS_ACCESS_KEY_ID with AWS_SECRET_ACCESS_KEY",
        "AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI or AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        f"profile {name!r} holding credentials (keys, role_arn, sso_session, credential_process, ...) in {files}",
        "aws:profile or aws:accessKey in the stack file",
        "an EC2 instance (instance profile)",
    ]
    return [
        "no AWS credentials found. Looked for:\n"
        + "".join(f"      {item}\n" for item in looked)
        + "    set them up: aws configure (access keys) or aws configure sso, or export AWS_PROFILE=<profile>;\n"
        + f"    see {AWS_CREDENTIALS_DOCS}"
    ], ""


def check_stack_file(stack: str) -> tuple[list[str], Path | None]:
    stack_file = ROOT / f"Pulumi.{stack}.yaml"
    if stack_file.is_file():
        return [], stack_file
    stacks = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in ROOT.glob("Pulumi.*.yaml"))
    return [
        (
            f"no stack file {stack_file.name}: the stacks here are {', '.join(stacks) or 'none'}.\n"
            f"    pick one (make up STACK={stacks[0] if stacks else 'dev'}) or copy one to {stack_file.name} and edit it"
        )
    ], None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/preflight.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("up", "preview", "destroy"), help="what make is about to run")
    parser.add_argument("--stack", default="dev", help="the stack (Pulumi.<stack>.yaml)")
    args = parser.parse_args(argv)
    problems = check_python()
    pulumi_problems, pulumi = check_pulumi(required_pulumi_version())
    aws_problems, aws = check_aws_cli()
    stack_file = ROOT / f"Pulumi.{args.stack}.yaml"
    stack_problems: list[str] = []
    if args.command != "destroy":  # destroy runs from the state, not the stack file
        stack_problems, stack_file = check_stack_file(args.stack)
    credential_problems, credentials = check_credentials(stack_file if stack_file and stack_file.is_file() else None)
    problems += pulumi_problems + aws_problems + credential_problems + stack_problems
    found = [item for item in (pulumi, aws, credentials) if item]
    if problems:
        print(
            f"make {args.command} STACK={args.stack}: {len(problems)} thing(s) to fix first (nothing was installed or changed):",
            file=sys.stderr,
        )
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        print("(these checks are tools/preflight.py; SKIP_PREFLIGHT=1 skips them)", file=sys.stderr)
        return 1
    print(f"preflight ok: {'; '.join(found)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
