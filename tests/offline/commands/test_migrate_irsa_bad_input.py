"""`eks-pod-identity migrate-irsa` given files it cannot use: exit 1 with one line naming the file
and what is wrong in it, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eks_pod_identity import cli
from eks_pod_identity.offline.inputs import awsjson

from tests.helpers import AWS
from tests.helpers.irsa import CLUSTER, PODS, ROLES, SAS


@pytest.mark.parametrize(
    "args,message",
    [
        (
            ["--service-accounts", str(AWS / "irsa-roles.json"), "--roles", str(ROLES[0])],
            "holds roles, but --service-accounts reads service accounts",
        ),
        (["--service-accounts", str(SAS), "--roles", str(SAS)], "holds service accounts, but --roles reads roles"),
        (["--service-accounts", str(AWS / "malformed-truncated.json"), "--roles", str(ROLES[0])], "not valid JSON"),
        (["--service-accounts", str(SAS), "--roles", str(AWS / "unknown-caller-identity.json")], "not output this command reads"),
        (
            ["--service-accounts", str(SAS), "--roles", str(ROLES[0]), "--cluster-info", str(AWS / "prod-blue-describe-agent.json")],
            "holds addons, but --cluster-info reads clusters",
        ),
        (["--service-accounts", str(SAS), "--roles", str(ROLES[0]), "--account", "1234"], "--account '1234' is not a 12-digit"),
    ],
)
def test_bad_inputs_exit_1_with_a_message(args, message, capsys):
    assert cli.main(["migrate-irsa", *args, "--cluster", CLUSTER]) == 1
    assert message in capsys.readouterr().err


def test_cluster_info_of_another_cluster_is_refused(capsys):
    args = [
        "--service-accounts",
        str(SAS),
        "--roles",
        str(ROLES[0]),
        "--cluster",
        "other",
        "--cluster-info",
        str(AWS / "irsa-describe-cluster.json"),
    ]
    assert cli.main(["migrate-irsa", *args]) == 1
    assert "describes cluster pod-identity-demo, not other" in capsys.readouterr().err


def _edited(tmp_path: Path, source: Path, edit) -> Path:
    """`source`'s documents after `edit` changed them, saved as a file of their own."""
    docs = awsjson.documents(source)
    edit(docs)
    path = tmp_path / f"bad-{source.name}"
    path.write_text(json.dumps(docs))
    return path


def _statements(docs):
    return docs[0]["Role"]["AssumeRolePolicyDocument"]["Statement"]


def _cluster(docs):
    return docs[0]["cluster"]


BAD_FILES = {
    "an OIDC provider that is no ARN": (
        "--roles",
        ROLES[0],
        lambda d: _statements(d)[0]["Principal"].update(Federated="x:oidc-provider/y"),
        "'Federated' should be an OIDC provider ARN",
    ),
    "an action in a list in a list": (
        "--roles",
        ROLES[0],
        lambda d: _statements(d).append({**PODS, "Action": [["sts:AssumeRole"]]}),
        "'Action' should be a string or a list of strings",
    ),
    "a cluster ARN that is no ARN": (
        "--cluster-info",
        AWS / "irsa-describe-cluster.json",
        lambda d: _cluster(d).update(arn="c1-arn"),
        "'arn' should be a cluster ARN",
    ),
    "an identity that is text": (
        "--cluster-info",
        AWS / "irsa-describe-cluster.json",
        lambda d: _cluster(d).update(identity="x"),
        "'identity' should be an object",
    ),
    "an OIDC block that is text": (
        "--cluster-info",
        AWS / "irsa-describe-cluster.json",
        lambda d: _cluster(d)["identity"].update(oidc="x"),
        "'oidc' should be an object",
    ),
    "a workload spec that is text": (
        "--workloads",
        AWS / "irsa-workloads.json",
        lambda d: d[0]["items"][0].update(spec="x"),
        "items[0]: 'spec' should be an object",
    ),
    "a pod template that is text": (
        "--workloads",
        AWS / "irsa-workloads.json",
        lambda d: d[0]["items"][0]["spec"].update(template="x"),
        "items[0].spec: 'template' should be an object",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_malformed_file_exits_1_naming_it(case, tmp_path, capsys):
    flag, source, edit, message = BAD_FILES[case]
    bad = _edited(tmp_path, source, edit)
    files = {"--roles": [str(ROLES[0])], flag: [str(bad)]}
    args = ["--service-accounts", str(SAS), "--cluster", CLUSTER, *[a for f, paths in files.items() for p in paths for a in (f, p)]]
    assert cli.main(["migrate-irsa", *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}: ") and message in err and len(err.splitlines()) == 1, err
