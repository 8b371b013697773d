"""Two runs of the program compared the way the engine compares a program with its state: by
URN and aliases. Each resource gets an operation (create, update, replace, delete, same), the
input changes behind it, what forces a replacement (offline/review/provider_rules.py, with sources),
and whether the replacement deletes first.

Values a preview would not know yet are modelled: an input computed from a resource that is
created or replaced in the same update is Unknown; an Unknown at or under a force-new path is a
replacement, above one an update that names what it might replace. A resource whose provider
is replaced (or that moves to a provider whose DiffConfig demands it) is replaced.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import yaml

from ...arn import account_of
from ..harness import monitor, runner
from ..harness.runner import short_name as _short
from .facts import ENGINE_FACTS, Rule
from .paths import contains, format_path, parse_path, value_at
from .provider_rules import K8S_NAMED_DELETE_FIRST
from .replacements import facts_under, forcing_fact, rule_for

K8S_PROVIDER = "pulumi:providers:kubernetes"


class Unknown:
    """An input value known only after the resource it comes from is created or replaced."""

    def __init__(self, source: str):
        self.source = source

    def __repr__(self) -> str:
        return f"(known after {self.source.rsplit('::', 1)[-1]} is created or replaced)"


@dataclass
class InputChange:
    path: tuple[Any, ...]
    old: Any
    new: Any
    forces: str | None = None
    """Why this change forces a replacement (with its source), or None."""
    may_force: list[str] = field(default_factory=list)
    """Force-new paths under an unknown value: the resource is replaced if one of them turns out to change."""


@dataclass
class Change:
    """What the engine would do with one resource."""

    op: str
    """create | import | update | replace | delete | same"""
    kind: str
    """custom | remote | provider | component (facts.Rule.kind), or "unknown" for a type without facts"""
    old: monitor.Registration | None
    new: monitor.Registration | None
    inputs: list[InputChange] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    delete_first: str = ""
    """Why the replacement deletes first; empty for create-first."""

    @property
    def reg(self) -> monitor.Registration:
        reg = self.new or self.old
        assert reg is not None
        return reg

    @property
    def urn(self) -> str:
        return self.reg.urn

    @property
    def renamed(self) -> bool:
        return bool(self.old and self.new and self.old.urn != self.new.urn)


# --- comparing values -----------------------------------------------------------------------


def diff_values(old: Any, new: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any, Any]]:
    """Leaf-level differences as (path, old, new); a key missing on one side is None there."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in sorted(set(old) | set(new), key=str):
            out += diff_values(old.get(key), new.get(key), (*path, key))
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [d for i, (a, b) in enumerate(zip(old, new)) for d in diff_values(a, b, (*path, i))]
    return [] if old == new else [(path, old, new)]


def urns_in(value: Any) -> set[str]:
    """Resource references inside an input value (the runner records them as URN strings)."""
    if isinstance(value, str):
        return {value} if value.startswith("urn:pulumi:") else set()
    if isinstance(value, dict):
        return set().union(*(urns_in(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(urns_in(v) for v in value)) if value else set()
    return set()


def _active_cluster(kubeconfig: Any, inputs: dict[str, Any]) -> Any:
    """The active cluster entry of a kubeconfig as pulumi-kubernetes reads it (util.go getActiveClusterFromConfig), or None."""
    try:
        config = yaml.safe_load(kubeconfig) if isinstance(kubeconfig, str) else kubeconfig
    except yaml.YAMLError:
        return None
    if not isinstance(config, dict):
        return None
    context_name = inputs.get("context") or config.get("current-context")
    contexts = {c.get("name"): c.get("context") or {} for c in config.get("contexts") or [] if isinstance(c, dict)}
    clusters = {c.get("name"): c.get("cluster") for c in config.get("clusters") or [] if isinstance(c, dict)}
    if context_name not in contexts:
        return None
    return clusters.get(inputs.get("cluster") or contexts[context_name].get("cluster"))


def provider_replace(old: dict[str, Any], new: dict[str, Any], computed: set[str]) -> str | None:
    """Why a Kubernetes provider going from `old` to `new` inputs is replaced, or None for an update.

    Mirrors pulumi-kubernetes kubeProvider.DiffConfig (provider.go at v4.32.0): a changed
    clusterIdentifier replaces; an unchanged one that is set cancels every other replacement;
    otherwise an unknown kubeconfig/context/cluster, a change of the active cluster, or a new
    renderYamlToDirectory replaces. `computed` holds the input keys that are unknown.
    """
    source = "pulumi-kubernetes@v4.32.0 provider/pkg/provider/provider.go"
    old_id, new_id = old.get("clusterIdentifier"), new.get("clusterIdentifier")
    if old_id is not None and new_id is not None and old_id != new_id:
        return f"clusterIdentifier changed ({source} kubeProvider.DiffConfig, clusterIdentifierKey)"
    if new_id is not None and old_id == new_id:
        return None
    for key in ("kubeconfig", "context", "cluster"):
        if key in computed:
            return f"{key} is unknown until what it comes from exists ({source} kubeProvider.DiffConfig, IsComputed)"
    before, after = _active_cluster(old.get("kubeconfig"), old), _active_cluster(new.get("kubeconfig"), new)
    if before is not None and after is not None and before != after:
        return f"the kubeconfig's active cluster changes ({source} kubeProvider.DiffConfig, getActiveClusterFromConfig)"
    if old.get("renderYamlToDirectory") != new.get("renderYamlToDirectory"):
        return f"renderYamlToDirectory changed ({source} kubeProvider.DiffConfig, renderYamlToDirectory)"
    return None


def scope_of(reg: monitor.Registration, result: runner.RunResult) -> dict[str, tuple[str, ...]]:
    """Where a registration's unique keys live: its account, account and region, and cluster.

    Read from its provider: an AWS provider that assumes a role works in that role's account
    and in its region; a Kubernetes provider talks to the clusters its kubeconfig names.
    The default providers (no reference) are the stack's own account and region.
    """
    ref = reg.provider.rsplit("::", 1)[0]
    provider = next((r for r in result.registrations if r.urn == ref), None) if ref else None
    account, region = "default", "default"
    cluster: tuple[str, ...] = ("provider", ref)
    if provider is not None and provider.type == "pulumi:providers:aws":
        roles = provider.inputs.get("assumeRoles")
        try:
            roles = json.loads(roles) if isinstance(roles, str) else roles
        except ValueError:
            roles = None
        arn = roles[0].get("roleArn") if isinstance(roles, list) and roles and isinstance(roles[0], dict) else None
        account = account_of(arn) or f"provider {ref}"
        region = provider.inputs.get("region") or region
    if provider is not None and provider.type == K8S_PROVIDER:
        try:
            config = yaml.safe_load(provider.inputs.get("kubeconfig") or "")
        except yaml.YAMLError:
            config = None
        names = (
            sorted(str(c["name"]) for c in config.get("clusters") or [] if isinstance(c, dict) and c.get("name"))
            if isinstance(config, dict)
            else []
        )
        cluster = ("cluster", *names) if names else cluster
    return {"account": ("account", account), "region": ("region", account, region), "global": (), "cluster": cluster}


# --- comparing two runs -----------------------------------------------------------------------


@dataclass
class Comparison:
    changes: list[Change]
    by_new: dict[str, Change]
    by_old: dict[str, Change]
    owner: dict[str, str]
    """Unregistered URNs (children of remote components seen in dependencies) -> the component's URN."""


def _owners(result: runner.RunResult) -> dict[str, str]:
    """Map URNs that only appear in dependencies (children the mocks made for a remote component,
    e.g. pulumi-eks's aws:eks/cluster:Cluster) to the remote component they belong to."""
    registered = {r.urn for r in result.registrations}
    remotes = [r for r in result.registrations if (rule_for(r.type) or Rule(r.type, "custom")).kind == "remote"]
    out: dict[str, str] = {}
    for reg in result.registrations:
        for urn in {*reg.dependencies, *(u for us in reg.property_dependencies.values() for u in us)} - registered:
            chain, name = urn.split("::")[2], urn.rsplit("::", 1)[-1]
            for remote in remotes:
                if remote.type in chain.split("$") and name.startswith(remote.name):
                    out[urn] = remote.urn
    return out


def _ignored(reg: monitor.Registration) -> list[tuple[Any, ...]]:
    return [parse_path(p) for p in reg.ignore_changes]


def _diff_custom(
    old: monitor.Registration, new: monitor.Registration, rule: Rule | None, computed: set[str], owner: dict[str, str]
) -> list[InputChange]:
    """Input changes of a matched resource, each with what forces a replacement (if anything)."""
    ignored = _ignored(new) + [parse_path(f.path) for flag, f in (rule.ignored_when if rule else ()) if new.inputs.get(flag)]
    changes = [InputChange(p, a, b) for p, a, b in diff_values(old.inputs, new.inputs) if not any(contains(i, p) for i in ignored)]
    for key in sorted(set(new.inputs) | set(new.property_dependencies)):
        sources = {owner.get(u, u) for u in [*new.property_dependencies.get(key, []), *urns_in(new.inputs.get(key))]}
        hit = sorted(sources & computed)
        if hit and not any(contains(i, (key,)) for i in ignored):
            changes = [c for c in changes if c.path[:1] != (key,)]
            changes.append(InputChange((key,), old.inputs.get(key), Unknown(hit[0])))
    replace_on = [parse_path(p) for p in new.replace_on_changes]
    for change in changes:
        unknown = isinstance(change.new, Unknown)
        fact = forcing_fact(rule, change.path, unknown)
        if fact and rule and any(f.path == fact.path and old.inputs.get(k) == new.inputs.get(k) is not None for k, f in rule.in_place_when):
            fact = None  # e.g. zones added to a VPC whose zone blocks are fixed
        if unknown:
            change.may_force = [f.path for f in facts_under(rule, change.path)]
        if fact:
            change.forces = fact.source
        elif any(contains(p, change.path) or p == ("*",) for p in replace_on):
            change.forces = f"replaceOnChanges option ({ENGINE_FACTS['replace-on-changes']})"
    return sorted(changes, key=lambda c: format_path(c.path))


def _delete_first(change: Change, rule: Rule | None, delete_first: set[str], by_provider: bool) -> str:
    """Why a replacement goes delete-first, or "" for create-first.

    The option decides when set; otherwise the provider does, except for a replacement the
    engine decides itself because the provider changed (`by_provider`): that one is create-first
    (step_generator.go stepGenerator.diff returns no DeleteBeforeReplace for a changed provider).
    """
    old, new = change.old, change.new
    assert old is not None and new is not None
    if new.delete_before_replace:
        return "the deleteBeforeReplace option is set"
    if by_provider:
        return ""
    for c in change.inputs:
        if c.forces and isinstance(c.new, Unknown) and c.new.source in delete_first:
            dependency = c.new.source.rsplit("::", 1)[-1]
            return f"it depends on {dependency}, which is replaced delete-first ({ENGINE_FACTS['delete-first-dependents']})"
    if (
        new.type.startswith("kubernetes:")
        and value_at(new.inputs, "metadata.name")
        and all(value_at(old.inputs, p) == value_at(new.inputs, p) for p in ("metadata.name", "metadata.namespace"))
        and new.provider == old.provider
    ):
        return f"a named Kubernetes object keeps its name and namespace ({K8S_NAMED_DELETE_FIRST})"
    for fact in rule.explicit_name_delete_first if rule else ():
        value = value_at(new.inputs, fact.path)
        if value and value == value_at(old.inputs, fact.path):
            return f"{fact.path} is set explicitly and unchanged ({fact.source})"
    return ""


def compare(old: runner.RunResult, new: runner.RunResult) -> Comparison:
    """Every resource's operation, in the NEW run's registration order (dependencies first), then deletes."""
    old_by_urn = {r.urn: r for r in old.registrations}
    owner = {**_owners(old), **_owners(new)}
    providers = {r.urn: r for r in new.registrations if r.type.startswith("pulumi:providers:")}
    old_providers = {r.urn: r for r in old.registrations if r.type.startswith("pulumi:providers:")}
    computed: set[str] = set()
    delete_first: set[str] = set()
    claimed: set[str] = set()
    changes: list[Change] = []
    for reg in new.registrations:
        rule = rule_for(reg.type)
        kind = rule.kind if rule else "unknown"
        match = old_by_urn.get(reg.urn) or next((old_by_urn[a] for a in reg.aliases if a in old_by_urn and a not in claimed), None)
        if match:
            claimed.add(match.urn)
        # A registration with an import ID adopts an existing resource instead of creating one.
        change = Change(("import" if reg.import_id else "create") if match is None else "same", kind, match, reg)
        changes.append(change)
        if kind == "component" or match is None:
            if match is None and kind != "component":
                computed.add(reg.urn)
            continue
        change.inputs = _diff_custom(match, reg, rule, computed, owner)
        change.reasons = [f"{format_path(c.path)}: {c.forces}" for c in change.inputs if c.forces]
        if kind == "provider" and reg.type == K8S_PROVIDER:
            why = provider_replace(match.inputs, reg.inputs, {format_path(c.path) for c in change.inputs if isinstance(c.new, Unknown)})
            change.reasons += [why] if why else []
        by_provider = False
        old_prov, new_prov = match.provider.rsplit("::", 1)[0], reg.provider.rsplit("::", 1)[0]
        if old_prov != new_prov and new_prov in providers and old_prov in old_providers:
            unknown = {
                format_path(c.path)
                for c in _diff_custom(old_providers[old_prov], providers[new_prov], None, computed, owner)
                if isinstance(c.new, Unknown)
            }
            why = (
                provider_replace(old_providers[old_prov].inputs, providers[new_prov].inputs, unknown)
                if providers[new_prov].type == K8S_PROVIDER
                else None
            )
            if why:
                by_provider = True
                change.reasons.append(f"it moves to provider {_short(new_prov)}, whose {why} ({ENGINE_FACTS['provider-changed']})")
        elif new_prov and new_prov in computed:
            by_provider = True
            change.reasons.append(f"its provider {_short(new_prov)} is replaced ({ENGINE_FACTS['provider-changed']})")
        if change.reasons:
            change.op = "replace"
            computed.add(reg.urn)
            change.delete_first = _delete_first(change, rule, delete_first, by_provider)
            if change.delete_first:
                delete_first.add(reg.urn)
        elif change.inputs:
            change.op = "update"
    # The engine deletes in reverse dependency order: dependents first.
    for reg in reversed(old.registrations):
        if reg.urn not in claimed:
            rule = rule_for(reg.type)
            changes.append(Change("delete", rule.kind if rule else "unknown", reg, None))
    by_new = {c.new.urn: c for c in changes if c.new}
    by_old = {c.old.urn: c for c in changes if c.old}
    return Comparison(changes, by_new, by_old, owner)
