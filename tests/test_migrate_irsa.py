"""eks-pod-identity migrate-irsa: annotated service accounts become roleArn identities (grouped by
shared role), each role's trust gains exactly one pods.eks.amazonaws.com statement merged
with what it has, and the plan's commands are exact."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
import yaml
from eks_pod_identity import cli
from eks_pod_identity import stack as config_module
from eks_pod_identity.arn import account_of
from eks_pod_identity.offline.commands import migrate_irsa
from eks_pod_identity.offline.inputs import awsjson
from eks_pod_identity.offline.inputs import irsa as trust
from hypothesis import given, settings
from hypothesis import strategies as st

AWS = Path(__file__).parent / "fixtures" / "aws"
SAS = AWS / "irsa-service-accounts.json"
ROLES = [AWS / "irsa-roles.json", AWS / "irsa-role-cross-account.json"]
CLUSTER = "pod-identity-demo"
ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/5C7E1B8F9A3D2E6B4F0A1C9D8E7B6A5F"
EKSCTL_ROLE = "eksctl-pod-identity-demo-addon-iamserviceac-Role1-Q3Z8XK2M5N7P"


def inputs(cluster_info: bool = True, workloads: bool = True) -> awsjson.Inputs:
    files = [
        SAS,
        *ROLES,
        *([AWS / "irsa-describe-cluster.json"] if cluster_info else []),
        *([AWS / "irsa-workloads.json"] if workloads else []),
    ]
    return awsjson.read(files)


@pytest.fixture(scope="module")
def migration() -> migrate_irsa.Migration:
    return migrate_irsa.plan(inputs(), CLUSTER)


def role_plan(m: migrate_irsa.Migration, name: str) -> migrate_irsa.RolePlan:
    return next(p for p in m.roles if p.name == name)


def identities(m: migrate_irsa.Migration) -> dict[str, dict]:
    return {i.name: i.config(CLUSTER) for i in m.identities}


def test_service_accounts_sharing_a_role_are_grouped(migration):
    found = identities(migration)
    assert found["shared-s3-reader"] == {
        "name": "shared-s3-reader",
        "namespaces": ["team-a", "team-b"],
        "serviceAccount": "app",
        "clusters": [CLUSTER],
        "roleArn": "arn:aws:iam::111122223333:role/shared-s3-reader",
    }
    # analytics/reader and etl/loader share a role but are no (namespaces x service accounts)
    # product: one identity each, or the stack would also bind analytics/loader and etl/reader.
    assert [(v.get("namespace"), v.get("serviceAccount")) for k, v in found.items() if k.startswith("analytics-data")] == [
        ("analytics", "reader"),
        ("etl", "loader"),
    ]
    assert len(found) == 8, "nine annotated service accounts, one skipped for a bad ARN, two sharing one identity"
    assert found["default-irsa-demo"]["roleArn"].endswith(EKSCTL_ROLE), "named after the service account eksctl tagged it with"


@pytest.mark.parametrize(
    "pairs,expected",
    [
        ([("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")], [(["a", "b"], ["x", "y"])]),
        ([("a", "x"), ("b", "y")], [(["a"], ["x"]), (["b"], ["y"])]),
        ([("a", "x"), ("b", "x"), ("c", "y")], [(["a", "b"], ["x"]), (["c"], ["y"])]),
    ],
)
def test_blocks_cover_the_pairs_exactly(pairs, expected):
    assert migrate_irsa.blocks(pairs) == expected


@settings(max_examples=200, deadline=None)
@given(st.sets(st.tuples(st.sampled_from("abcd"), st.sampled_from("wxyz")), min_size=1))
def test_blocks_never_bind_more_or_less_than_asked(pairs):
    covered = [(ns, sa) for namespaces, sas in migrate_irsa.blocks(sorted(pairs)) for ns in namespaces for sa in sas]
    assert sorted(covered) == sorted(pairs)


def test_a_role_in_another_account_becomes_a_target_role(migration):
    found = identities(migration)["reporting-exporter"]
    assert found["targetRole"] == {"arn": "arn:aws:iam::444455556666:role/reporting-exporter"}
    assert found["roleName"] == "reporting-exporter-pod-identity" and "roleArn" not in found
    p = role_plan(migration, "reporting-exporter")
    (statement,) = p.statements
    assert p.cross_account and p.external_ids == {("reporting", "exporter"): "EXTERNAL_ID_5_1"}
    assert statement["Principal"] == {"AWS": ["arn:aws:iam::111122223333:root"]}
    assert statement["Condition"] == {
        "ArnEquals": {"aws:PrincipalArn": ["arn:aws:iam::111122223333:role/reporting-exporter-pod-identity"]},
        "StringEquals": {"sts:ExternalId": ["@@EXTERNAL_ID_5_1@@"]},
    }


def test_the_external_id_is_read_after_pulumi_up_and_reaches_the_trust(migration, tmp_path):
    """The target role trusts the association's external ID, which exists once `pulumi up` made
    the association: the plan reads it then, and the here-document puts exactly it in the trust."""
    text = migrate_irsa.render(migration, None)
    section = text.split("### After `pulumi up`")[1].split("## 3.")[0]
    assert text.index("## 2. Bind them with the stack") < text.index("### After `pulumi up`")
    script = section.split("```sh\n")[1].split("```")[0]
    lookups, rest = script.split("\ncat > ", 1)
    assert (
        "aws eks list-pod-identity-associations --cluster-name pod-identity-demo --namespace reporting --service-account exporter"
        in lookups
    )
    heredoc = "cat > " + rest.split("\naws iam update-assume-role-policy")[0]
    import subprocess

    subprocess.run(["bash", "-c", heredoc], cwd=tmp_path, check=True, env={"EXTERNAL_ID_5_1": "9a1e5c7b-ext", "PATH": "/usr/bin:/bin"})
    written = json.loads((tmp_path / "reporting-exporter-trust.json").read_text())
    p = role_plan(migration, "reporting-exporter")
    assert written == json.loads(json.dumps(p.merged).replace("@@EXTERNAL_ID_5_1@@", "9a1e5c7b-ext"))
    assert "<externalId of the association reporting/exporter>" in section


def test_the_fragment_passes_the_programs_config_checks(migration):
    assert migrate_irsa.fragment_problems(migration) == []
    raw = {"clusters": [{"name": CLUSTER, "create": False}], "identities": [i.config(CLUSTER) for i in migration.identities]}
    cfg = config_module.parse(raw)
    bound = {(b.namespace, b.service_account): b.identity for b in cfg.bindings()}
    assert set(bound) == {
        ("carts", "carts"),
        ("default", "irsa-demo"),
        ("analytics", "reader"),
        ("etl", "loader"),
        ("team-a", "app"),
        ("team-b", "app"),
        ("reporting", "exporter"),
        ("batch", "nightly"),
        ("kube-system", "aws-node"),
    }


def test_the_pods_statement_is_added_once_with_the_current_trust_kept(migration):
    p = role_plan(migration, EKSCTL_ROLE)
    assert p.changed and p.merged is not None and p.role is not None
    assert p.merged["Statement"][:-1] == p.role.trust["Statement"], "the IRSA statement stays while pods move"
    assert p.merged["Statement"][-1] == {
        "Sid": "EksPodIdentity",
        "Effect": "Allow",
        "Principal": {"Service": "pods.eks.amazonaws.com"},
        "Action": ["sts:AssumeRole", "sts:TagSession"],
        "Condition": {
            "StringEquals": {"aws:RequestTag/kubernetes-namespace": ["default"], "aws:RequestTag/kubernetes-service-account": ["irsa-demo"]}
        },
    }
    again, changed = trust.merge(p.merged, p.statements)
    assert not changed and again["Statement"] == p.merged["Statement"], "merging twice duplicates nothing"


def test_an_existing_scoped_statement_is_kept_and_only_the_uncovered_pair_is_added(migration):
    """analytics/reader is already admitted; etl/loader gets its own statement. Widening the
    existing one to both namespaces and both service accounts would also admit
    analytics/loader and etl/reader, which nobody bound."""
    p = role_plan(migration, "analytics-data")
    pods = [s for s in (p.merged or {})["Statement"] if s.get("Principal", {}).get("Service")]
    assert p.changed and [s["Condition"]["StringEquals"] for s in pods] == [
        {"aws:RequestTag/kubernetes-namespace": ["analytics"], "aws:RequestTag/kubernetes-service-account": ["reader"]},
        {"aws:RequestTag/kubernetes-namespace": ["etl"], "aws:RequestTag/kubernetes-service-account": ["loader"]},
    ]
    assert [s["Sid"] for s in pods] == ["EksPodIdentity", "EksPodIdentity2"]


def test_an_unconditioned_pods_statement_needs_no_change(migration):
    p = role_plan(migration, "carts-dynamo")
    assert not p.changed and p.role is not None and p.merged == p.role.trust


def test_a_statement_with_a_taken_sid_gets_a_free_one():
    doc = {"Version": "2012-10-17", "Statement": [{"Sid": "EksPodIdentity", "Effect": "Deny", "Principal": "*", "Action": "sts:*"}]}
    merged, changed = trust.merge(
        doc, [{"Sid": "EksPodIdentity", "Effect": "Allow", "Principal": {"AWS": "x"}, "Action": "sts:AssumeRole"}]
    )
    assert changed and [s["Sid"] for s in merged["Statement"]] == ["EksPodIdentity", "EksPodIdentity2"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(["x", "y"])), min_size=1, max_size=4),
    st.lists(st.tuples(st.sampled_from(["a", "b", "d"]), st.sampled_from(["x", "z"])), min_size=1, max_size=4),
)
def test_merging_is_idempotent_and_admits_exactly_the_pairs(first, second):
    """After merging the program's exact statements for two sets of pairs, in either order and
    any number of times, the trust admits every pair merged and no other combination."""
    from eks_pod_identity.identity.trust import exact_scopes, trust_policy

    doc = {"Version": "2012-10-17", "Statement": []}
    for pairs in (first, second):
        statements = trust_policy(exact_scopes([("c", ns, sa) for ns, sa in pairs]))["Statement"]
        doc, _ = trust.merge(doc, statements)
        again, changed = trust.merge(doc, statements)
        assert not changed and again == doc
    admitted = {
        (ns, sa)
        for s in doc["Statement"]
        for ns in s["Condition"]["StringEquals"]["aws:RequestTag/kubernetes-namespace"]
        for sa in s["Condition"]["StringEquals"]["aws:RequestTag/kubernetes-service-account"]
    }
    assert admitted == set(first) | set(second)


def test_the_final_trust_drops_only_oidc_statements_of_migrated_service_accounts(migration):
    eksctl = role_plan(migration, EKSCTL_ROLE)
    assert [s["Sid"] for s in eksctl.final["Statement"]] == ["EksPodIdentity"] and eksctl.kept == []
    shared = role_plan(migration, "shared-s3-reader")
    federated = [s["Principal"].get("Federated") for s in shared.final["Statement"]]
    assert federated == [
        "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/0A1B2C3D4E5F60718293A4B5C6D7E8F9",
        None,
    ]
    assert shared.kept == [
        (
            "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/"
            "0A1B2C3D4E5F60718293A4B5C6D7E8F9: another cluster's OIDC provider"
        )
    ]
    carts = role_plan(migration, "carts-dynamo")
    assert carts.final == carts.merged and "also allows system:serviceaccount:carts:*" in carts.kept[0]


def test_exact_commands_in_the_plan(migration):
    text = migrate_irsa.render(migration, None)
    p = role_plan(migration, EKSCTL_ROLE)
    command = (
        f"aws iam update-assume-role-policy --role-name {EKSCTL_ROLE} --policy-document '{json.dumps(p.merged, separators=(',', ':'))}'"
    )
    assert command in text
    assert json.loads(shlex.split(command)[-1]) == p.merged, "the shell quoting round-trips the document"
    for line in (
        "kubectl annotate serviceaccount -n carts carts eks.amazonaws.com/role-arn- eks.amazonaws.com/sts-regional-endpoints-",
        "kubectl annotate serviceaccount -n etl loader eks.amazonaws.com/role-arn- eks.amazonaws.com/token-expiration-",
        "kubectl rollout restart -n team-b statefulset/db",
        "kubectl rollout restart -n kube-system daemonset/aws-node",
        "kubectl rollout restart -n default deployment/irsa-demo-app",
        "# no Deployment, StatefulSet or DaemonSet in the files runs as nightly",
    ):
        assert line in text
    assert "deployment/web" not in text.split("**default/irsa-demo**")[1].split("**analytics/reader**")[0], (
        "default/web runs as the default service account, not irsa-demo"
    )


def test_the_steps_come_in_order_with_sdk_versions_and_flags(migration):
    text = migrate_irsa.render(migration, None)
    order = [
        "## 0. Before you start",
        "update-assume-role-policy",
        "## 2. Bind them with the stack",
        "pulumi up",
        "## 3. Move each workload",
        "kubectl annotate",
        "## 4. Last",
    ]
    positions = [text.index(s) for s in order]
    assert positions == sorted(positions)
    assert "| boto3 / botocore | 1.34.41 |" in text and "| AWS CLI v2 | 2.15.0 |" in text
    assert "| reporting | exporter | `arn:aws:iam::444455556666:role/reporting-exporter` | reporting-exporter | **other account**" in text
    assert "created by eksctl, CloudFormation-managed role" in text and "utils migrate-to-pod-identity" in text
    assert "A CloudFormation stack (eksctl's stack for default/irsa-demo) owns this role" in text
    assert "No `aws iam get-role --role-name batch-nightly` output was given" in text
    assert "update-assume-role-policy --role-name batch-nightly" not in text, "never overwrite a trust it has not seen"
    assert "skipped: legacy/old: eks.amazonaws.com/role-arn = 'arn:aws:iam::role/missing-account' is not an IAM role ARN" in text


def test_without_workloads_it_prints_how_to_find_them():
    text = migrate_irsa.render(migrate_irsa.plan(inputs(workloads=False), CLUSTER), None)
    assert (
        "kubectl get deployments,statefulsets,daemonsets -n team-a -o jsonpath="
        '\'{range .items[?(@.spec.template.spec.serviceAccountName=="app")]}{.kind}/{.metadata.name}{"\\n"}{end}\''
    ) in text


def test_the_clusters_account_from_describe_cluster_flag_or_majority():
    assert migrate_irsa.plan(inputs(), CLUSTER).account_from == "describe-cluster"
    flagged = migrate_irsa.plan(inputs(cluster_info=False), CLUSTER, account="444455556666")
    assert flagged.account == "444455556666" and [p.name for p in flagged.roles if not p.cross_account] == ["reporting-exporter"]
    guessed = migrate_irsa.plan(inputs(cluster_info=False), CLUSTER)
    assert guessed.account == "111122223333" and guessed.account_from.startswith("assumed")


def test_without_the_issuer_every_matching_oidc_statement_counts():
    shared = role_plan(migrate_irsa.plan(inputs(cluster_info=False), CLUSTER), "shared-s3-reader")
    assert [s.get("Sid") for s in shared.final["Statement"]] == ["EksPodIdentity"], (
        "both providers' statements allow only migrated service accounts"
    )


def test_a_trust_over_the_default_quota_is_flagged(tmp_path):
    roles = awsjson.documents(AWS / "irsa-roles.json")
    role = next(r for r in roles if r["Role"]["RoleName"] == "shared-s3-reader")
    padding = [
        {"Sid": f"Old{i}", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::111122223333:role/r{i:040d}"}, "Action": "sts:AssumeRole"}
        for i in range(20)
    ]
    role["Role"]["AssumeRolePolicyDocument"]["Statement"] += padding
    (tmp_path / "big.json").write_text(json.dumps(role))
    found = awsjson.read([SAS, tmp_path / "big.json"])
    text = migrate_irsa.render(migrate_irsa.plan(found, CLUSTER, "111122223333"), None)
    assert "over IAM's default 2048" in text


def test_cli_writes_the_fragment(tmp_path, capsys):
    out = tmp_path / "identities.yaml"
    args = [
        "--service-accounts",
        str(SAS),
        *[a for r in ROLES for a in ("--roles", str(r))],
        "--cluster",
        CLUSTER,
        "--cluster-info",
        str(AWS / "irsa-describe-cluster.json"),
        "--workloads",
        str(AWS / "irsa-workloads.json"),
        "--out-config",
        str(out),
    ]
    assert cli.main(["migrate-irsa", *args]) == 0
    written = yaml.safe_load(out.read_text())
    assert written == migrate_irsa.fragment(migrate_irsa.plan(inputs(), CLUSTER))
    assert f"Merge `{out}` into the stack file" in capsys.readouterr().out


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


def test_no_annotated_service_account_means_nothing_to_move(tmp_path):
    (tmp_path / "sa.json").write_text(
        json.dumps({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "default"}})
    )
    m = migrate_irsa.plan(awsjson.read([tmp_path / "sa.json", ROLES[0]]), CLUSTER)
    assert m.identities == [] and "nothing to move" in migrate_irsa.render(m, None)


def test_the_irsa_setting_is_offered_with_this_clusters_oidc_provider(migration):
    assert migrate_irsa.oidc_providers(migration) == [f"arn:aws:iam::111122223333:oidc-provider/{ISSUER}"]
    assert f"`irsa: {{oidcProviderArns: [arn:aws:iam::111122223333:oidc-provider/{ISSUER}]}}`" in migrate_irsa.render(migration, None)
    from eks_pod_identity import stack as cfg

    raw = {
        "clusters": [{"name": CLUSTER, "create": False}],
        "identities": [
            {
                "name": "app",
                "namespace": "team-a",
                "serviceAccount": "app",
                "irsa": {"oidcProviderArns": migrate_irsa.oidc_providers(migration)},
            }
        ],
    }
    assert cfg.parse(raw).identities[0].irsa is not None, "what the plan offers is a valid setting"


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


PODS = {"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}}
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


@pytest.mark.parametrize(
    "have",
    [
        {**PODS, "Action": [["sts:AssumeRole", "sts:TagSession"]]},
        {**PODS, "Action": ["sts:AssumeRole", "sts:TagSession"], "Condition": "x"},
        {
            **PODS,
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {"StringEquals": {"aws:PrincipalTag/eks-cluster-name": [["c"]]}},
        },
    ],
)
def test_a_statement_with_values_that_are_not_plain_covers_nothing(have):
    wanted = {
        **PODS,
        "Action": ["sts:AssumeRole", "sts:TagSession"],
        "Condition": {"StringEquals": {"aws:PrincipalTag/eks-cluster-name": "c"}},
    }
    assert not trust.covers(have, wanted)
    merged, changed = trust.merge({"Statement": [have]}, [wanted])
    assert changed and merged["Statement"] == [have, {**wanted, "Sid": "EksPodIdentity"}]


def test_an_oidc_statement_whose_condition_is_not_an_object_stays():
    statement = {
        "Effect": "Allow",
        "Principal": {"Federated": f"arn:aws:iam::111122223333:oidc-provider/{ISSUER}"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": "x",
    }
    final, kept = trust.without_irsa({"Statement": [statement]}, [("team-a", "app")], "")
    assert final["Statement"] == [statement] and "no `:sub` condition" in kept[0]


@pytest.mark.parametrize(
    "arn,account",
    [
        ("arn:aws:iam::111122223333:role/r", "111122223333"),
        ("arn:aws-cn:eks:cn-north-1:111122223333:cluster/c", "111122223333"),
        ("arn:aws:s3:::bucket", None),
        ("c1-arn", None),
        ("x:oidc-provider/y", None),
        ("", None),
        (None, None),
        (7, None),
    ],
)
def test_the_account_of_an_arn(arn, account):
    assert account_of(arn) == account
