"""What each binding grants: per cluster / namespace / service account, the role its pods run
as (and the target role they chain to), everything that role may do, read from what the stack
registers, and the flags an audit starts from. Pure over a run's registrations; the command
`eks-pod-identity access` renders it."""

from __future__ import annotations

import fnmatch
import functools
import json
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..arn import account_of, name_of
from ..iam import admin
from ..iam.grammar import as_list
from ..stack.clusters import ADDON_NAMESPACES
from ..tokens import ADDON, ASSOCIATION, ATTACHMENT, INLINE, ROLE
from .harness import monitor, runner

WRITE_LEVELS = {"Write", "Permissions management", "Tagging"}
READ_VERBS = ("Get", "List", "Describe", "Head", "View", "Lookup", "Search", "Select", "BatchGet", "Query", "Scan", "Check")
FLAGS = {
    "admin": "every action on every resource",
    "iam-write": "can change IAM permissions (privilege escalation)",
    "write": "can create, change or delete",
    "wildcard-resource": "some statement applies to Resource `*`",
    "cross-account": "the role is in another account than the cluster",
    "default-sa": "the `default` service account: every pod of the namespace without its own gets this role",
    "not-expanded": "AWS managed policies: contents not known offline (`aws iam get-policy-version`)",
    "outside-stack": "the role's permissions are managed outside this stack",
}


@dataclass
class Statement:
    source: str
    effect: str
    services: dict[str, list[str]]
    """Actions by service prefix (`*` for a bare `*`); NotAction statements are marked `NOT`."""
    resources: list[str]
    conditions: list[str]


@dataclass
class RoleAccess:
    arn: str
    managed_by: str
    """`this stack`, `stack <reference>` or `outside this stack`."""
    managed_policies: list[str] = field(default_factory=list)
    catalog: list[str] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    boundary: str | None = None

    @property
    def name(self) -> str:
        return name_of(self.arn)


@dataclass
class Binding:
    cluster: str
    namespace: str
    service_account: str
    identity: str
    role: RoleAccess
    target: RoleAccess | None = None
    session_policy: list[Statement] = field(default_factory=list)
    addon: str | None = None
    flags: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.cluster}/{self.namespace}/{self.service_account}"


@functools.cache
def _levels() -> dict[str, dict[str, str]]:
    """Access level of every action, by service prefix (parliament's copy of AWS's service
    reference); empty when parliament is not installed, and verbs decide instead."""
    try:
        with warnings.catch_warnings():
            # parliament imports pkg_resources, which setuptools deprecates with a warning on
            # stderr: a command's stderr is for its own progress and errors.
            warnings.simplefilter("ignore")
            import parliament  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - requirements.txt installs it
        return {}
    return {s["prefix"]: {p["privilege"].lower(): p["access_level"] for p in s["privileges"]} for s in parliament.iam_definition}


def levels(action: str) -> set[str]:
    """The access levels an action (or a wildcard pattern of actions) can reach."""
    if action == "*":
        return {"*"}
    service, _, name = action.partition(":")
    known = _levels().get(service.lower())
    if known:
        found = {lvl for priv, lvl in known.items() if fnmatch.fnmatchcase(priv, name.lower())}
        if found:
            return found
    return {"Read"} if name.startswith(READ_VERBS) and "*" not in name else {"Write"}


def statements(doc: dict[str, Any] | str | None, source: str) -> list[Statement]:
    """A policy document's statements, actions grouped by service."""
    if isinstance(doc, str):
        doc = json.loads(doc)
    out = []
    for s in as_list(doc.get("Statement") if isinstance(doc, dict) else None):
        negated = "NotAction" in s
        services: dict[str, list[str]] = {}
        for action in as_list(s.get("NotAction") if negated else s.get("Action")):
            service, _, name = str(action).partition(":")
            services.setdefault(service if name else "*", []).append(("NOT " if negated else "") + (name or "*"))
        resources = [*map(str, as_list(s.get("Resource"))), *(f"NOT {r}" for r in as_list(s.get("NotResource")))]
        conditions = [f"{op} {key}" for op, block in (s.get("Condition") or {}).items() for key in block]
        out.append(
            Statement(source, str(s.get("Effect", "Allow")), {k: sorted(set(v)) for k, v in services.items()}, resources, conditions)
        )
    return out


STACK_REFERENCE = "::pulumi:pulumi:StackReference::"

OtherStack = Callable[[str], "runner.RunResult | None"]
"""Given a stack a StackReference names, its run (or None when it cannot be run offline)."""


class Registry:
    """The registrations of one run, indexed for following a role's name to its policies."""

    def __init__(self, result: runner.RunResult, other_stack: OtherStack | None = None):
        self.result = result
        self.by_urn = {r.urn: r for r in result.registrations}
        self.other_stack = other_stack

    def role(self, arn: str, dependencies: Iterable[str] = ()) -> RoleAccess:
        """What `arn` may do, from the attachments and inline policies of that role name in
        this stack, or in the stack its ARN was read from (a StackReference)."""
        name = name_of(arn)
        refs = [d.split(STACK_REFERENCE, 1)[1] for d in dependencies if STACK_REFERENCE in d]
        if refs:
            other = self.other_stack(refs[0]) if self.other_stack else None
            access = Registry(other).role(arn) if other else RoleAccess(arn, "")
            access.managed_by = f"stack {refs[0]}" + ("" if other else " (not run here)")
            return access
        access = RoleAccess(arn, "outside this stack")
        role_urns = set(dependencies)
        for reg in self.result.registrations:
            if reg.type not in (ATTACHMENT, INLINE) or reg.inputs.get("role") != name:
                continue
            access.managed_by = "this stack"
            role_urns |= set(reg.property_dependencies.get("role", []))
            if reg.type == INLINE:
                owner = self.by_urn[reg.parent].name if reg.parent in self.by_urn else ""
                access.statements += statements(reg.inputs.get("policy"), f"inline {reg.name}" + (f" ({owner})" if owner else ""))
                continue
            policy_arn = str(reg.inputs.get("policyArn", ""))
            created = [self.by_urn[u] for u in reg.property_dependencies.get("policyArn", []) if u in self.by_urn]
            if created:
                short = str(created[0].inputs.get("description", created[0].name)).split(" permissions of ", 1)[0]
                access.catalog.append(short)
                access.statements += statements(created[0].inputs.get("policy"), f"policy {short}")
            else:
                kind = "AWS managed" if ":iam::aws:policy/" in policy_arn else "customer managed, not in this stack"
                access.managed_policies.append(f"{policy_arn.rsplit('/', 1)[-1]} ({kind})")
        roles = [self.by_urn[u] for u in role_urns if u in self.by_urn and self.by_urn[u].type == ROLE]
        if roles:
            access.managed_by = "this stack"
            access.boundary = roles[0].inputs.get("permissionsBoundary")
        return access


def flags(b: Binding, cluster_account: str | None) -> list[str]:
    """The audit flags of one binding, judged on the role its pods end up as."""
    final = b.target or b.role
    allowed = [s for s in final.statements if s.effect == "Allow"]
    found = set()
    for s in allowed:
        actions = [f"{svc}:{a}" if svc != "*" else "*" for svc, names in s.services.items() for a in names if not a.startswith("NOT ")]
        lv = set().union(*(levels(a) for a in actions)) if actions else set()
        negated = any(n.startswith("NOT ") for names in s.services.values() for n in names)
        if "*" in s.resources and ("*" in actions or negated):
            found.add("admin")
        if "*" in s.resources or any(r.startswith("NOT ") for r in s.resources):
            found.add("wildcard-resource")
        if lv & WRITE_LEVELS or "*" in lv or negated:
            found.add("write")
        if "*" in lv or any(levels(a) & {"Permissions management"} for a in actions if a.startswith("iam:")):
            found.add("iam-write")
    for policy in final.managed_policies:
        name = policy.split(" ", 1)[0]
        why = admin.admin_managed_policies().get(name, "") if "(AWS managed)" in policy else ""
        if "every action" in why:
            found |= {"admin", "write", "iam-write", "wildcard-resource"}
        elif why:  # a privilege-escalation path
            found |= {"write", "iam-write", "wildcard-resource"}
        elif any(word in name for word in ("FullAccess", "Write", "PowerUser")):
            found.add("write")
        if "(AWS managed)" in policy and "ReadOnly" not in name and name != "AdministratorAccess":
            found.add("not-expanded")
    if final.managed_by == "outside this stack" or final.managed_by.endswith("(not run here)"):
        found.add("outside-stack")
    accounts = {account_of(r.arn) for r in (b.role, b.target) if r is not None} - {None}
    if cluster_account and accounts - {cluster_account}:
        found.add("cross-account")
    if b.service_account == "default":
        found.add("default-sa")
    return [f for f in FLAGS if f in found]


def bindings(result: runner.RunResult, other_stack: OtherStack | None = None) -> list[Binding]:
    """Every binding the stack registers (its associations, and its add-ons' own), with what
    its pods may do; in the order of the `bindingRoleArns` output when the program exports it."""
    registry = Registry(result, other_stack)
    outputs = result.outputs
    accounts = {name: account_of(arn) for name, arn in (outputs.get("clusterArns") or {}).items()}
    role_idents: dict[str, list[str]] = {}
    for ident, arn in (outputs.get("roleArns") or {}).items():
        role_idents.setdefault(str(arn), []).append(ident)
    found: dict[str, Binding] = {}
    for reg in result.of_type(ASSOCIATION):
        i = reg.inputs
        identity = registry.by_urn[reg.parent].name if reg.parent in registry.by_urn else "?"
        target = i.get("targetRoleArn")
        b = Binding(
            str(i["clusterName"]),
            str(i["namespace"]),
            str(i["serviceAccount"]),
            identity,
            registry.role(str(i["roleArn"]), reg.property_dependencies.get("roleArn", [])),
            registry.role(str(target)) if target else None,
            statements(i["policy"], "session policy") if i.get("policy") else [],
        )
        found[b.key] = b
    for addon in result.of_type(ADDON):
        cluster, namespace = str(addon.inputs.get("clusterName")), _addon_namespace(addon, outputs)
        for entry in addon.inputs.get("podIdentityAssociations") or []:
            role_arn = str(entry["roleArn"])
            b = Binding(
                cluster,
                namespace(entry["serviceAccount"]),
                entry["serviceAccount"],
                ", ".join(role_idents.get(role_arn, ["?"])),
                registry.role(role_arn, []),
                None,
                [],
                addon.inputs.get("addonName"),
            )
            found.setdefault(b.key, b)
    # A binding the program declares but registers nothing for: an add-on installed outside the
    # stack that binds its service account itself.
    for key, runs_as in (outputs.get("bindingRoleArns") or {}).items():
        if key not in found:
            cluster, namespace, sa = key.split("/", 2)
            found[key] = Binding(cluster, namespace, sa, ", ".join(role_idents.get(str(runs_as), ["?"])), registry.role(str(runs_as), []))
    order = list(outputs.get("bindingRoleArns") or {})
    out = sorted(found.values(), key=lambda b: (order.index(b.key) if b.key in order else len(order), b.key))
    for b in out:
        b.flags = flags(b, accounts.get(b.cluster))
    return out


def _addon_namespace(addon: monitor.Registration, outputs: dict[str, Any]) -> Callable[[str], str]:
    """Where an add-on's service account lives: as the program's bindingRoleArns output says,
    else its namespaceConfig, else the add-on's documented default (stack.clusters)."""
    cluster, name = str(addon.inputs.get("clusterName")), str(addon.inputs.get("addonName"))
    bound = {key.split("/")[2]: key.split("/")[1] for key in outputs.get("bindingRoleArns") or {} if key.startswith(f"{cluster}/")}
    configured = (addon.inputs.get("namespaceConfig") or {}).get("namespace")
    return lambda sa: bound.get(sa) or configured or ADDON_NAMESPACES.get(name, "kube-system")
