"""tools/refresh_upstream.py: the catalog's recorded upstream action sets, extracted from each
source's format and rewritten without losing the listed differences."""

from __future__ import annotations

import json
import subprocess

import pytest

from tools import refresh_upstream


def test_refresh_extracts_actions_from_json_markdown_cloudformation_and_prose():
    markdown = (
        'intro\n## Policy\n```json\n{"Statement": [{"Effect": "Allow", "Action": ["ssm:GetParameter*",], "Resource": "*"}]}\n```\n## Next\n'
        '```json\n{"Action": "s3:PutObject"}\n```\n'
    )
    assert refresh_upstream.extract_actions(markdown, {"start": "## Policy", "end": "## Next"}) == ["ssm:GetParameter*"]
    cloudformation = (
        'Action:\n  - "sts:AssumeRole"\nPolicyDocument: !Sub |\n'
        '  {"Action": "ec2:CreateTags", "Condition": {"StringEquals": {"ec2:CreateAction": "RunInstances"}}}'
    )
    assert refresh_upstream.extract_actions(cloudformation, {}) == ["ec2:CreateTags"]
    prose = "To read, you need `kms:Decrypt`; to write, `kms:Decrypt` and `kms:GenerateDataKey`. See docs."
    assert refresh_upstream.extract_actions(prose, {"kind": "prose", "end": "See"}) == ["kms:Decrypt", "kms:GenerateDataKey"]
    with pytest.raises(ValueError):
        refresh_upstream.extract_actions(markdown, {"start": "intro", "end": "## Policy"})


def test_refresh_rewrites_the_upstream_facts_and_keeps_the_listed_differences(tmp_path):
    checkout = tmp_path / "controller"
    (checkout / "docs").mkdir(parents=True)
    (checkout / "docs" / "policy.json").write_text('{"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"]}]}')
    git = ["git", "-C", str(checkout), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    for command in (["init", "-q"], ["add", "."], ["commit", "-qm", "policy"], ["tag", "v2.0.0"]):
        subprocess.run([*git, *command], check=True)
    records = tmp_path / "upstream"
    records.mkdir()
    differences = {"extra": {"kms:Decrypt": "our reason"}, "missing": {}}
    (records / "thing.json").write_text(
        json.dumps(
            {
                "entry": "thing",
                "differences": differences,
                "sources": [
                    {
                        "repo": "owner/controller",
                        "path": "docs/policy.json",
                        "version": "v1.0.0",
                        "commit": "old",
                        "actions": ["s3:GetObject"],
                    }
                ],
            }
        )
    )
    assert refresh_upstream.main([f"owner/controller={checkout}", "--dir", str(records)]) == 0
    record = json.loads((records / "thing.json").read_text())
    assert record["sources"][0]["version"] == "v2.0.0" and record["sources"][0]["actions"] == ["s3:GetObject", "s3:PutObject"]
    assert len(record["sources"][0]["commit"]) == 40 and record["differences"] == differences
    assert refresh_upstream.main([f"owner/controller={checkout}@v2.0.0", "--dir", str(records)]) == 0
