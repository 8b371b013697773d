"""Moving a cluster's service accounts from IRSA to Pod Identity, as a plan: which identities bind
which service accounts to which existing roles, and what each role's trust becomes first (Pod
Identity added, IRSA kept) and last (IRSA dropped). Pure: no AWS, no files; the command
`eks-pod-identity migrate-irsa` reads the inputs and renders the plan."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .. import stack as config_module
from ..arn import account_of, name_of, partition_of
from ..iam.grammar import ROLE_ARN, ROLE_NAME_MAX
from ..identity.trust import exact_scopes, target_trust_policy, trust_policy
from ..stack.identities import IDENTITY_NAME_MAX
from .inputs import awsjson
from .inputs.irsa import merge, placeholder, without_irsa

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


def role_account(arn: str) -> str:
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
        counts = Counter(role_account(arn) for _, arn in bound)
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
        cross = role_account(arn) != account
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
