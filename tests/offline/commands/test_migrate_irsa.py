"""`eks-pod-identity migrate-irsa`: annotated service accounts become roleArn identities (grouped by
shared role), each role's trust gains exactly one pods.eks.amazonaws.com statement merged
with what it has, and the plan's commands are exact."""

from __future__ import annotations

import json
import shlex

import yaml
from eks_pod_identity import cli
from eks_pod_identity.offline import migration as migration_module
from eks_pod_identity.offline.commands import migrate_irsa
from eks_pod_identity.offline.inputs import awsjson

from tests.helpers import AWS
from tests.helpers.irsa import CLUSTER, EKSCTL_ROLE, ISSUER, ROLES, SAS, inputs, role_plan


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
    text = migrate_irsa.render(migration_module.plan(inputs(workloads=False), CLUSTER), None)
    assert (
        "kubectl get deployments,statefulsets,daemonsets -n team-a -o jsonpath="
        '\'{range .items[?(@.spec.template.spec.serviceAccountName=="app")]}{.kind}/{.metadata.name}{"\\n"}{end}\''
    ) in text


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
    text = migrate_irsa.render(migration_module.plan(found, CLUSTER, "111122223333"), None)
    assert "over IAM's default 2048" in text


def test_no_annotated_service_account_means_nothing_to_move(tmp_path):
    (tmp_path / "sa.json").write_text(
        json.dumps({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "default"}})
    )
    m = migration_module.plan(awsjson.read([tmp_path / "sa.json", ROLES[0]]), CLUSTER)
    assert m.identities == [] and "nothing to move" in migrate_irsa.render(m, None)


def test_the_irsa_setting_is_offered_with_this_clusters_oidc_provider(migration):
    assert migration_module.oidc_providers(migration) == [f"arn:aws:iam::111122223333:oidc-provider/{ISSUER}"]
    assert f"`irsa: {{oidcProviderArns: [arn:aws:iam::111122223333:oidc-provider/{ISSUER}]}}`" in migrate_irsa.render(migration, None)
    from eks_pod_identity import stack as cfg

    raw = {
        "clusters": [{"name": CLUSTER, "create": False}],
        "identities": [
            {
                "name": "app",
                "namespace": "team-a",
                "serviceAccount": "app",
                "irsa": {"oidcProviderArns": migration_module.oidc_providers(migration)},
            }
        ],
    }
    assert cfg.parse(raw).identities[0].irsa is not None, "what the plan offers is a valid setting"


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
    assert written == migrate_irsa.fragment(migration_module.plan(inputs(), CLUSTER))
    assert f"Merge `{out}` into the stack file" in capsys.readouterr().out
