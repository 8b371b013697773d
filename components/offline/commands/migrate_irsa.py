"""Migrate from IRSA: bind the annotated service accounts to their existing roles with Pod Identity.

    eks-pod-identity migrate-irsa --service-accounts FILE --roles FILE [--roles FILE ...] --cluster NAME
                                  [--cluster-info FILE] [--account ID] [--workloads FILE] [--out-config FILE]

Reads `kubectl get serviceaccounts -A -o json` and `aws iam get-role` output, finds every
service account annotated `eks.amazonaws.com/role-arn`, and prints the move step by step:
the trust statement each role needs for `pods.eks.amazonaws.com` merged with its current
trust (IRSA keeps working meanwhile), the stack-file fragment that binds each service
account to its role (`roleArn`), the annotation removal and restart per workload, and last
the trust without the OIDC statements. Offline: it prints commands, it runs none.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ... import stack as config_module
from ...arn import account_of, name_of, partition_of
from ...cluster.rules import EKS_CLUSTER_NAME
from ...iam.grammar import ROLE_ARN, ROLE_NAME_MAX
from ...identity.trust import exact_scopes, target_trust_policy, trust_policy
from ...stack.identities import IDENTITY_NAME_MAX
from ..inputs import awsjson
from ..inputs.irsa import PLACEHOLDER, TRUST_LIMIT, compact, external_id_lookups, merge, placeholder, update_command, without_irsa
from . import BAD_INPUT, OK

ROLE_ANNOTATION = "eks.amazonaws.com/role-arn"
IRSA_ANNOTATIONS = (
    ROLE_ANNOTATION,
    "eks.amazonaws.com/audience",
    "eks.amazonaws.com/sts-regional-endpoints",
    "eks.amazonaws.com/token-expiration",
)
"""What the IRSA webhook reads from a service account; all of it goes with IRSA."""
EKSCTL_SA_TAG = "alpha.eksctl.io/iamserviceaccount-name"
"""What `eksctl create iamserviceaccount` tags its roles with: `<namespace>/<name>`."""
SDK_MINIMUMS = (
    ("AWS CLI v2", "2.15.0"),
    ("AWS CLI v1", "1.30.0"),
    ("boto3 / botocore", "1.34.41"),
    ("Go v2", "release-2023-11-14"),
    ("Java v2", "2.21.30"),
    ("JavaScript v3", "3.458.0"),
)
"""The oldest SDKs that read Pod Identity credentials (EKS User Guide, "Use pod identity with the AWS SDK",
https://docs.aws.amazon.com/eks/latest/userguide/pod-id-minimum-sdk.html)."""


@dataclass
class Identity:
    """One identity of the fragment: a role and the (namespace, service account) block it binds."""

    name: str
    role_arn: str
    namespaces: list[str]
    service_accounts: list[str]
    chain_role_name: str | None = None
    """Set for a role in another account: the stack creates this role in the cluster's and chains into it."""

    def config(self, cluster: str) -> dict[str, Any]:
        entry: dict[str, Any] = {"name": self.name}
        entry.update({"namespace": self.namespaces[0]} if len(self.namespaces) == 1 else {"namespaces": self.namespaces})
        entry.update(
            {"serviceAccount": self.service_accounts[0]} if len(self.service_accounts) == 1 else {"serviceAccounts": self.service_accounts}
        )
        entry["clusters"] = [cluster]
        if self.chain_role_name:
            return {**entry, "roleName": self.chain_role_name, "targetRole": {"arn": self.role_arn}}
        return {**entry, "roleArn": self.role_arn}


@dataclass
class RolePlan:
    """What changes on one role's trust, first to add Pod Identity, last to drop IRSA."""

    arn: str
    pairs: list[tuple[str, str]]
    cross_account: bool
    statements: list[dict[str, Any]]
    role: awsjson.Role | None = None
    merged: dict[str, Any] | None = None
    changed: bool = False
    final: dict[str, Any] | None = None
    kept: list[str] = field(default_factory=list)
    """OIDC statements that stay, and why."""
    external_ids: dict[tuple[str, str], str] = field(default_factory=dict)
    """For a role in another account: the shell variable that will hold each association's external ID."""

    @property
    def name(self) -> str:
        return name_of(self.arn)


@dataclass
class Migration:
    cluster: str
    account: str
    account_from: str
    identities: list[Identity]
    roles: list[RolePlan]
    service_accounts: list[awsjson.ServiceAccount]
    skipped: list[str] = field(default_factory=list)
    workloads: dict[tuple[str, str], list[awsjson.Workload]] | None = None
    notes: list[str] = field(default_factory=list)
    issuer: str = ""
    """The cluster's OIDC issuer (describe-cluster): tells its IRSA statements from other clusters'."""


def identity_name(role_name: str, taken: set[str]) -> str:
    """A free identity name from a role name: a DNS label short enough for the program."""
    base = re.sub(r"-+", "-", re.sub(r"[^a-z0-9-]", "-", role_name.lower())).strip("-")[: IDENTITY_NAME_MAX - 3].strip("-")
    base = base or "irsa-role"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name)
    return name


def blocks(pairs: list[tuple[str, str]]) -> list[tuple[list[str], list[str]]]:
    """The pairs as few (namespaces x service accounts) products as exactly cover them:
    namespaces with the same service accounts share one block, since an identity binds the
    full product of its namespaces and service accounts."""
    by_ns: dict[str, set[str]] = {}
    for ns, sa in pairs:
        by_ns.setdefault(ns, set()).add(sa)
    grouped: dict[tuple[str, ...], list[str]] = {}
    for ns in sorted(by_ns):
        grouped.setdefault(tuple(sorted(by_ns[ns])), []).append(ns)
    return [(namespaces, list(sas)) for sas, namespaces in grouped.items()]


def _account(arn: str) -> str:
    """The account of a role ARN (the bound ones match ROLE_ARN, so it has one)."""
    return account_of(arn) or ""


def plan(inputs: awsjson.Inputs, cluster: str, account: str | None = None) -> Migration:
    """The migration of `cluster`'s annotated service accounts (pure: no AWS, no files)."""
    issuer = next((c.oidc_issuer for c in inputs.clusters if c.name == cluster), "")
    known = next((account_of(c.arn) for c in inputs.clusters if c.name == cluster), None)
    skipped, bound = [], []
    annotated = [s for s in inputs.service_accounts if ROLE_ANNOTATION in s.annotations]
    for s in annotated:
        arn = s.annotations[ROLE_ANNOTATION].strip()
        if ROLE_ARN.match(arn):
            bound.append((s, arn))
        else:
            skipped.append(f"{s.namespace}/{s.name}: {ROLE_ANNOTATION} = {arn!r} is not an IAM role ARN; left as it is")
    if known:
        account, source = known, "describe-cluster"
    elif account:
        source = "--account"
    else:
        counts = Counter(_account(arn) for _, arn in bound)
        account = counts.most_common(1)[0][0] if counts else ""
        source = "assumed: the account of most roles; pass --account or --cluster-info to be sure"
    roles = {r.arn: r for r in inputs.roles}
    by_role: dict[str, list[tuple[str, str]]] = {}
    for s, arn in bound:
        by_role.setdefault(arn, []).append((s.namespace, s.name))
    taken: set[str] = set()
    identities: list[Identity] = []
    plans: list[Any] = []
    for arn, pairs in by_role.items():
        cross = _account(arn) != account
        # eksctl names its roles after a CloudFormation logical ID; the service account it tags them with reads better.
        eksctl = roles[arn].tags.get(EKSCTL_SA_TAG, "").replace("/", "-") if arn in roles else ""
        mine = [Identity(identity_name(eksctl or name_of(arn), taken), arn, ns, sas) for ns, sas in blocks(pairs)]
        variables: dict[tuple[str, str], str] = {}
        if cross:
            for ident in mine:
                ident.chain_role_name = f"{ident.name}-pod-identity"[:ROLE_NAME_MAX]
            sources = [f"arn:{partition_of(arn)}:iam::{account}:role/{i.chain_role_name}" for i in mine]
            # EKS passes each association's external ID when it chains; they exist once `pulumi up` made them.
            variables = {pair: f"EXTERNAL_ID_{len(plans) + 1}_{i + 1}" for i, pair in enumerate(pairs)}
            statements = target_trust_policy(sources, [placeholder(v) for v in variables.values()])["Statement"]
        else:
            statements = trust_policy(exact_scopes([(cluster, ns, sa) for ns, sa in pairs]))["Statement"]
        p = RolePlan(arn, pairs, cross, statements, roles.get(arn), external_ids=variables)
        if p.role is not None:
            p.merged, p.changed = merge(p.role.trust, statements)
            p.final, p.kept = without_irsa(p.merged, pairs, issuer)
        identities += mine
        plans.append(p)
    migration = Migration(
        cluster, account, source, identities, plans, inputs.service_accounts, skipped, notes=list(inputs.notes), issuer=issuer
    )
    if inputs.workloads:
        migration.workloads = {}
        for w in inputs.workloads:
            migration.workloads.setdefault((w.namespace, w.service_account), []).append(w)
    return migration


def oidc_providers(m: Migration) -> list[str]:
    """The cluster's IAM OIDC provider ARNs, as its roles' IRSA statements name them (the
    cluster's account only; this cluster's issuer only, when describe-cluster told it)."""
    host = m.issuer.removeprefix("https://")
    found = set()
    for role in (p.role for p in m.roles if p.role is not None):
        for s in role.trust.get("Statement", []):
            principal = s.get("Principal") if isinstance(s, dict) else None
            federated = principal.get("Federated", []) if isinstance(principal, dict) else []
            for arn in map(str, federated if isinstance(federated, list) else [federated]):
                if ":oidc-provider/" in arn and account_of(arn) == m.account and (not host or arn.endswith(f"/{host}")):
                    found.add(arn)
    return sorted(found)


def fragment(m: Migration) -> dict[str, Any]:
    return {"config": {f"{config_module.PROJECT}:identities": [i.config(m.cluster) for i in m.identities]}}


def fragment_problems(m: Migration) -> list[str]:
    """What the program's own config validation says about the fragment (nothing, unless a bug)."""
    raw = {"clusters": [{"name": m.cluster, "create": False}], "identities": [i.config(m.cluster) for i in m.identities]}
    try:
        config_module.parse(raw)
    except config_module.ConfigError as error:
        return list(error.problems)
    return []


def _json(value: Any, p: RolePlan) -> list[str]:
    """A document as Markdown JSON, an external ID still to come shown for what it is."""
    names = {v: f"<externalId of the association {ns}/{sa}>" for (ns, sa), v in p.external_ids.items()}
    return ["```json", PLACEHOLDER.sub(lambda m: names[m.group(1)], json.dumps(value, indent=2)), "```"]


def _command(p: RolePlan, m: Migration, doc: dict[str, Any]) -> list[str]:
    """The trust update, preceded by the lookups of the external IDs it names."""
    lookups = external_id_lookups([(m.cluster, ns, sa, variable) for (ns, sa), variable in p.external_ids.items()])
    return ["```sh", *lookups, update_command(p.name, doc), "```"]


def _trust_section(p: RolePlan, m: Migration) -> list[str]:
    who = ", ".join(f"{ns}/{sa}" for ns, sa in p.pairs)
    lines = [f"### {p.name} ({who})", ""]
    if p.cross_account:
        chain = [i.chain_role_name for i in m.identities if i.role_arn == p.arn]
        lines += [
            (
                f"This role is in account {_account(p.arn)}, not the cluster's ({m.account}). Pod Identity needs the "
                f"association's role in the cluster's account, so the stack created {', '.join(f'`{c}`' for c in chain)} "
                "there and chains into this one (`targetRole`), passing each association's external ID. The lookups "
                f"read the cluster's account; the update needs account {_account(p.arn)}'s credentials "
                "(e.g. `--profile`)."
            ),
            "",
        ]
    lines += ["Statements to add:", "", *_json(p.statements, p), ""]
    if p.role is None:
        return [
            *lines,
            (
                f"No `aws iam get-role --role-name {p.name}` output was given, so it cannot be merged with the role's "
                "current trust here; save it, run this again, and use the command it prints."
            ),
            "",
        ]
    if not p.changed:
        lines += ["Its trust already lets these pods in (statements covering them): nothing to change.", ""]
    else:
        lines += ["Merged with its current trust:", "", *_command(p, m, p.merged or {}), ""]
    size = len(compact(p.merged or {}))
    if size > TRUST_LIMIT:
        lines += [
            (
                f"The merged trust is {size} characters, over IAM's default {TRUST_LIMIT}: request the 4,096 quota "
                "or remove OIDC statements of clusters that no longer use this role first."
            ),
            "",
        ]
    if EKSCTL_SA_TAG in p.role.tags or "aws:cloudformation:stack-name" in p.role.tags:
        owner = p.role.tags.get("aws:cloudformation:stack-name") or f"eksctl's stack for {p.role.tags[EKSCTL_SA_TAG]}"
        lines += [
            (
                f"A CloudFormation stack ({owner}) owns this role: the edit drifts from its template, and deleting the "
                "stack (`eksctl delete iamserviceaccount`) deletes the role the associations use."
            ),
            "",
        ]
    return lines


def render(m: Migration, config_path: str | None) -> str:
    """The plan, in Markdown."""
    by_arn = {p.arn: p for p in m.roles}
    ident_of = {(ns, sa): i for i in m.identities for ns in i.namespaces for sa in i.service_accounts}
    annotated = [s for s in m.service_accounts if ROLE_ANNOTATION in s.annotations and (s.namespace, s.name) in ident_of]
    lines = [
        f"# Moving cluster {m.cluster} from IRSA to EKS Pod Identity",
        "",
        (
            f"Cluster account: {m.account or 'unknown'} ({m.account_from}). {len(annotated)} service account(s) "
            f"use IRSA through {len(m.roles)} role(s)."
        ),
        "",
    ]
    if not annotated:
        lines += ["No service account is annotated with a role ARN: nothing to move."]
    else:
        lines += ["| namespace | service account | role | identity | flags |", "|---|---|---|---|---|"]
        for s in annotated:
            ident, p = ident_of[(s.namespace, s.name)], by_arn[s.annotations[ROLE_ANNOTATION].strip()]
            flags = [
                *(["**other account**: needs a target role"] if p.cross_account else []),
                *(["no get-role output"] if p.role is None else []),
                *(["created by eksctl"] if s.labels.get("app.kubernetes.io/managed-by") == "eksctl" else []),
                *(
                    ["CloudFormation-managed role"]
                    if p.role and ({EKSCTL_SA_TAG, "aws:cloudformation:stack-name"} & set(p.role.tags))
                    else []
                ),
            ]
            lines.append(f"| {s.namespace} | {s.name} | `{p.arn}` | {ident.name} | {', '.join(flags)} |")
    lines += ["", *[f"- skipped: {s}" for s in m.skipped], *([""] if m.skipped else [])]
    lines += [
        "## 0. Before you start",
        "",
        (
            f"- The agent add-on must run on {m.cluster}: the stack installs it (`installAgent`, default true) or adopts "
            "the one there (`eks-pod-identity adopt`). Pods must run on Linux EC2 nodes (not Fargate, not Windows)."
        ),
        "- The pods' AWS SDK must read Pod Identity credentials; older ones fall back to the node role:",
        "",
        "| SDK | at least |",
        "|---|---|",
        *[f"| {n} | {v} |" for n, v in SDK_MINIMUMS],
        "",
    ]
    lines += ["## 1. Let each role trust Pod Identity (IRSA keeps working)", ""]
    for p in (p for p in m.roles if not p.cross_account):
        lines += _trust_section(p, m)
    lines += ["## 2. Bind them with the stack", ""]
    if config_path:
        lines += [
            (
                f"Merge `{config_path}` into the stack file (the cluster must be in `eks-pod-identity:clusters`, "
                f"adopted: `{{name: {m.cluster}, create: false}}`), then `pulumi up`: it creates one association per "
                "service account. Nothing changes for running pods yet."
            ),
            "",
        ]
    else:
        lines += [
            "Add to the stack file (the cluster must be in `eks-pod-identity:clusters`), then `pulumi up`:",
            "",
            "```yaml",
            yaml.safe_dump(fragment(m), sort_keys=False).rstrip(),
            "```",
            "",
        ]
    providers = oidc_providers(m)
    lines += [
        (
            "To have the stack create fresh roles instead of binding these, drop `roleArn` and give each identity "
            f"`irsa: {{oidcProviderArns: [{', '.join(providers) or '<this cluster’s OIDC provider ARN>'}]}}`: the role it "
            "creates keeps IRSA trust for exactly its service accounts, so one stack covers both until the annotations "
            "are gone (then remove `irsa`)."
        ),
        "",
    ]
    chained = [p for p in m.roles if p.cross_account]
    if chained:
        lines += ["### After `pulumi up`: roles in other accounts trust the new association roles", ""]
        for p in chained:
            lines += _trust_section(p, m)
    lines += [
        "## 3. Move each workload",
        "",
        (
            "Until its annotation is removed and its pods restart, a pod keeps IRSA: the webhook injects "
            "`AWS_ROLE_ARN`/`AWS_WEB_IDENTITY_TOKEN_FILE`, which the SDKs' default chains try before Pod Identity's "
            "container credentials, and Pod Identity is injected only when a pod is admitted."
        ),
        "",
    ]
    for s in annotated:
        remove = " ".join(f"{a}-" for a in IRSA_ANNOTATIONS if a in s.annotations)
        lines += [f"**{s.namespace}/{s.name}**", "", "```sh", f"kubectl annotate serviceaccount -n {s.namespace} {s.name} {remove}"]
        if m.workloads is None:
            query = f'{{range .items[?(@.spec.template.spec.serviceAccountName=="{s.name}")]}}{{.kind}}/{{.metadata.name}}{{"\\n"}}{{end}}'
            lines += [
                f"kubectl get deployments,statefulsets,daemonsets -n {s.namespace} -o jsonpath={shlex.quote(query)}",
                f"kubectl rollout restart -n {s.namespace} <kind>/<name>   # each of the above",
            ]
        else:
            users = m.workloads.get((s.namespace, s.name), [])
            lines += [f"kubectl rollout restart -n {s.namespace} {w.kind.lower()}/{w.name}" for w in users]
            lines += [] if users else [f"# no Deployment, StatefulSet or DaemonSet in the files runs as {s.name}"]
        lines += ["```", ""]
        if s.labels.get("app.kubernetes.io/managed-by") == "eksctl":
            lines += [
                (
                    "eksctl created this service account (`eksctl create iamserviceaccount`); eksctl's own "
                    "`utils migrate-to-pod-identity` is the alternative for what eksctl manages."
                ),
                "",
            ]
        if s.namespace == "kube-system":
            lines += [
                (
                    "If an EKS add-on owns this service account (its `serviceAccountRoleArn` set the annotation), bind it "
                    "through `clusters[].addons[].identity` instead: the add-on would put the annotation back."
                ),
                "",
            ]
    lines += [
        ("Check a restarted pod: `kubectl exec -n NS POD -- env` shows `AWS_CONTAINER_CREDENTIALS_FULL_URI` and no `AWS_ROLE_ARN`."),
        "",
        "## 4. Last, when nothing uses IRSA any more: drop the OIDC trust",
        "",
    ]
    for p in (p for p in m.roles if p.role is not None):
        lines += [f"### {p.name}", ""]
        if p.final == p.merged:
            lines += ["No OIDC statement can go yet."]
        else:
            when = (
                f"Once no service account of {m.cluster} is annotated with this role"
                if m.issuer
                else "Once no service account in any cluster is annotated with this role (pass --cluster-info to "
                f"drop only {m.cluster}'s statements)"
            )
            lines += [f"{when}:", "", *_command(p, m, p.final or {})]
        lines += [*[f"- kept: {k}" for k in p.kept], ""]
    if m.notes:
        lines += ["## Notes on the inputs", "", *[f"- {n}" for n in m.notes]]
    return "\n".join(lines).rstrip() + "\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--service-accounts", action="append", required=True, metavar="FILE", help="kubectl get serviceaccounts -A -o json (repeatable)"
    )
    parser.add_argument(
        "--roles",
        action="append",
        required=True,
        metavar="FILE",
        help="aws iam get-role --role-name R (one or many roles per file; repeatable)",
    )
    parser.add_argument("--cluster", required=True, help="the EKS cluster's name, as in the stack file")
    parser.add_argument("--cluster-info", metavar="FILE", help="aws eks describe-cluster --name NAME: the account and OIDC issuer")
    parser.add_argument(
        "--workloads",
        action="append",
        metavar="FILE",
        help="kubectl get deployments,statefulsets,daemonsets -A -o json: exact restart commands",
    )
    parser.add_argument("--out-config", metavar="FILE", help="write the stack-file fragment here (else it is printed)")


def run(args: argparse.Namespace) -> int:
    if not EKS_CLUSTER_NAME.match(args.cluster):
        print(f"error: {args.cluster!r} is not an EKS cluster name", file=sys.stderr)
        return BAD_INPUT
    try:
        sas = awsjson.read(args.service_accounts)
        awsjson.only(sas, {"service accounts"}, "--service-accounts", args.service_accounts)
        roles = awsjson.read(args.roles)
        awsjson.only(roles, {"roles"}, "--roles", args.roles)
        found = awsjson.Inputs(roles=roles.roles, service_accounts=sas.service_accounts, notes=sas.notes + roles.notes)
        if args.cluster_info:
            info = awsjson.read([args.cluster_info])
            awsjson.only(info, {"clusters"}, "--cluster-info", [args.cluster_info])
            if info.clusters[0].name != args.cluster:
                raise awsjson.InputError(f"{args.cluster_info}: describes cluster {info.clusters[0].name}, not {args.cluster}")
            found.clusters = info.clusters
        if args.workloads:
            loads = awsjson.read(args.workloads)
            awsjson.only(loads, {"workloads"}, "--workloads", args.workloads)
            found.workloads, found.notes = loads.workloads, found.notes + loads.notes
    except awsjson.InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return BAD_INPUT
    migration = plan(found, args.cluster, args.account)
    problems = fragment_problems(migration)
    if problems:
        print("error: the fragment does not pass the program's config checks:\n" + "\n".join(f"  - {p}" for p in problems), file=sys.stderr)
        return BAD_INPUT
    if args.out_config:
        header = (
            f"# From eks-pod-identity migrate-irsa: the IRSA service accounts of cluster {args.cluster}, bound to their roles.\n"
            f"# Merge into Pulumi.<stack>.yaml; the cluster must be in eks-pod-identity:clusters.\n"
        )
        try:
            Path(args.out_config).write_text(header + yaml.safe_dump(fragment(migration), sort_keys=False))
        except OSError as error:
            print(f"error: cannot write {args.out_config}: {error}", file=sys.stderr)
            return BAD_INPUT
    print(render(migration, args.out_config), end="")
    return OK
