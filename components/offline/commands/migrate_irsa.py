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
import shlex
import sys
from pathlib import Path
from typing import Any

import yaml

from ...cluster.rules import EKS_CLUSTER_NAME
from ..inputs import awsjson
from ..inputs.irsa import PLACEHOLDER, TRUST_LIMIT, compact, external_id_lookups, update_command
from ..inputs.shapes import InputError
from ..migration import (
    EKSCTL_SA_TAG,
    IRSA_ANNOTATIONS,
    ROLE_ANNOTATION,
    SDK_MINIMUMS,
    Migration,
    RolePlan,
    fragment,
    fragment_problems,
    oidc_providers,
    plan,
    role_account,
)
from . import BAD_INPUT, OK


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
                f"This role is in account {role_account(p.arn)}, not the cluster's ({m.account}). Pod Identity needs the "
                f"association's role in the cluster's account, so the stack created {', '.join(f'`{c}`' for c in chain)} "
                "there and chains into this one (`targetRole`), passing each association's external ID. The lookups "
                f"read the cluster's account; the update needs account {role_account(p.arn)}'s credentials "
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
    """The plan, in Markdown: the service accounts, then the four steps in the order they are run."""
    ident_of = identities_by_binding(m)
    annotated = [s for s in m.service_accounts if ROLE_ANNOTATION in s.annotations and (s.namespace, s.name) in ident_of]
    lines = _summary(m, annotated, ident_of) + _before(m) + ["## 1. Let each role trust Pod Identity (IRSA keeps working)", ""]
    for p in (p for p in m.roles if not p.cross_account):
        lines += _trust_section(p, m)
    lines += _bind(m, config_path) + _workloads(m, annotated) + _drop_oidc(m)
    if m.notes:
        lines += ["## Notes on the inputs", "", *[f"- {n}" for n in m.notes]]
    return "\n".join(lines).rstrip() + "\n"


def identities_by_binding(m: Migration) -> dict[tuple[str, str], Any]:
    """The identity that binds each (namespace, service account)."""
    return {(ns, sa): i for i in m.identities for ns in i.namespaces for sa in i.service_accounts}


def _summary(m: Migration, annotated: list[awsjson.ServiceAccount], ident_of: dict[tuple[str, str], Any]) -> list[str]:
    """The heading and one table row per annotated service account, with what needs care."""
    by_arn = {p.arn: p for p in m.roles}
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
    return [*lines, "", *[f"- skipped: {s}" for s in m.skipped], *([""] if m.skipped else [])]


def _before(m: Migration) -> list[str]:
    return [
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


def _bind(m: Migration, config_path: str | None) -> list[str]:
    """Step 2: the stack-file fragment, and the trust that roles in other accounts need after it."""
    lines = ["## 2. Bind them with the stack", ""]
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
    return lines


def _workloads(m: Migration, annotated: list[awsjson.ServiceAccount]) -> list[str]:
    """Step 3: per service account, the annotation removal and the restarts of what runs as it."""
    lines = [
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
        lines += _restart(m, s)
    return [
        *lines,
        ("Check a restarted pod: `kubectl exec -n NS POD -- env` shows `AWS_CONTAINER_CREDENTIALS_FULL_URI` and no `AWS_ROLE_ARN`."),
        "",
    ]


def _restart(m: Migration, s: awsjson.ServiceAccount) -> list[str]:
    remove = " ".join(f"{a}-" for a in IRSA_ANNOTATIONS if a in s.annotations)
    lines = [f"**{s.namespace}/{s.name}**", "", "```sh", f"kubectl annotate serviceaccount -n {s.namespace} {s.name} {remove}"]
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
    return lines


def _drop_oidc(m: Migration) -> list[str]:
    """Step 4: each role's trust without the OIDC statements nothing needs any more."""
    lines = ["## 4. Last, when nothing uses IRSA any more: drop the OIDC trust", ""]
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
    return lines


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
                raise InputError(f"{args.cluster_info}: describes cluster {info.clusters[0].name}, not {args.cluster}")
            found.clusters = info.clusters
        if args.workloads:
            loads = awsjson.read(args.workloads)
            awsjson.only(loads, {"workloads"}, "--workloads", args.workloads)
            found.workloads, found.notes = loads.workloads, found.notes + loads.notes
    except InputError as error:
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
