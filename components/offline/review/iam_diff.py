"""IAM documents compared the way a security reviewer reads them: per statement, what was added
and what was removed (actions, resources, principals, condition values).

Pure functions of parsed JSON documents, so they are tested without running the program.
Statements are matched by Sid where both documents have it once, otherwise by position
among the statements left over; an unmatched statement is added or removed as a whole.
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass, field
from typing import Any

from ...iam.grammar import as_list

IAM_DOCUMENT_KEYS = ("assumeRolePolicy", "policy")
"""The inputs of IAM resources (and of a pod identity association) that hold a policy document, as JSON."""
FIELDS = ("Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition")


def _principals(value: Any) -> set[str]:
    """`{"Service": "x", "AWS": ["a"]}` as {"Service:x", "AWS:a"}; "*" stays "*"."""
    if value is None:
        return set()
    if not isinstance(value, dict):
        return {str(v) for v in as_list(value)}
    return {f"{kind}:{v}" for kind, values in value.items() for v in as_list(values)}


def _conditions(value: Any) -> set[str]:
    """`{"StringEquals": {"k": ["a", "b"]}}` as {"StringEquals k=a", "StringEquals k=b"}."""
    out: set[str] = set()
    for operator, pairs in (value or {}).items():
        for key, values in (pairs or {}).items():
            out |= {f"{operator} {key}={json.dumps(v) if not isinstance(v, str) else v}" for v in as_list(values)}
    return out


def elements(statement: dict[str, Any]) -> dict[str, set[str]]:
    """The comparable parts of a statement, each as a set of strings."""
    out = {name: {str(v) for v in as_list(statement.get(name))} for name in ("Action", "NotAction", "Resource", "NotResource")}
    out["Principal"] = _principals(statement.get("Principal"))
    out["NotPrincipal"] = _principals(statement.get("NotPrincipal"))
    out["Condition"] = _conditions(statement.get("Condition"))
    return out


def statements(doc: Any) -> list[dict[str, Any]]:
    if not isinstance(doc, dict):
        return []
    return [s for s in as_list(doc.get("Statement")) if isinstance(s, dict)]


@dataclass
class StatementDiff:
    """One statement's changes; `status` is "added", "removed" or "changed"."""

    label: str
    status: str
    effect: tuple[str, str] | None = None
    added: dict[str, set[str]] = field(default_factory=dict)
    removed: dict[str, set[str]] = field(default_factory=dict)

    def lines(self) -> list[str]:
        head = {"added": "+ statement", "removed": "- statement", "changed": "~ statement"}[self.status]
        out = [f"{head} {self.label}"]
        if self.effect:
            out.append(f"    Effect: {self.effect[0]} -> {self.effect[1]}")
        for name in FIELDS:
            for value in sorted(self.removed.get(name, ())):
                out.append(f"    - {name}: {value}")
            for value in sorted(self.added.get(name, ())):
                out.append(f"    + {name}: {value}")
        return out


def _label(statement: dict[str, Any], index: int) -> str:
    sid = statement.get("Sid")
    return f"{sid!r} ({statement.get('Effect', '?')})" if sid else f"#{index + 1} ({statement.get('Effect', '?')})"


def match_statements(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[tuple[int | None, int | None]]:
    """Pairs of (old index, new index): by Sid where it is unique on both sides, then by position
    among statements without a unique Sid; a statement whose unique Sid the other side lacks is
    added or removed, not an edit of whatever sits at its position."""

    def unique_sids(items: list[dict[str, Any]]) -> dict[str, int]:
        sids = [s.get("Sid") for s in items]
        return {sid: i for i, sid in enumerate(sids) if sid and sids.count(sid) == 1}

    old_sids, new_sids = unique_sids(old), unique_sids(new)
    pairs: list[tuple[int | None, int | None]] = [(old_sids[sid], new_sids[sid]) for sid in old_sids if sid in new_sids]
    positional_old = [i for i in range(len(old)) if i not in old_sids.values()]
    positional_new = [j for j in range(len(new)) if j not in new_sids.values()]
    pairs += list(zip(positional_old, positional_new))
    paired_old = {i for i, _ in pairs}
    paired_new = {j for _, j in pairs}
    pairs += [(i, None) for i in range(len(old)) if i not in paired_old]
    pairs += [(None, j) for j in range(len(new)) if j not in paired_new]
    return sorted(pairs, key=lambda p: p[1] if p[1] is not None else len(new) + (p[0] or 0))


def diff_documents(old_doc: Any, new_doc: Any) -> list[StatementDiff]:
    """Statement-level changes from `old_doc` to `new_doc` (either may be None: no document)."""
    old, new = statements(old_doc), statements(new_doc)
    out: list[StatementDiff] = []
    for i, j in match_statements(old, new):
        if j is None:
            assert i is not None
            out.append(StatementDiff(_label(old[i], i), "removed", removed={k: v for k, v in elements(old[i]).items() if v}))
        elif i is None:
            out.append(StatementDiff(_label(new[j], j), "added", added={k: v for k, v in elements(new[j]).items() if v}))
        else:
            before, after = elements(old[i]), elements(new[j])
            added = {k: after[k] - before[k] for k in FIELDS if after[k] - before[k]}
            removed = {k: before[k] - after[k] for k in FIELDS if before[k] - after[k]}
            effects = (old[i].get("Effect", "Allow"), new[j].get("Effect", "Allow"))
            effect = effects if effects[0] != effects[1] else None
            if added or removed or effect:
                out.append(StatementDiff(_label(new[j], j), "changed", effect, added, removed))
    return out


def parse(text: Any) -> Any:
    """A JSON policy document from an input value, or None when it is not one."""
    if isinstance(text, dict):
        return text
    if isinstance(text, str) and text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except ValueError:
            return None
    return None


# --- what a role may do --------------------------------------------------------------------

Grant = tuple[str, str, frozenset[str]]
"""(action, resource, conditions) allowed by one statement."""


def grants(doc: Any) -> tuple[set[Grant], set[Grant]]:
    """(allowed, denied) action/resource pairs of a permission document, with their conditions.

    NotAction/NotResource statements are kept as `!`-prefixed patterns, compared literally.
    """
    allow: set[Grant] = set()
    deny: set[Grant] = set()
    for statement in statements(doc):
        parts = elements(statement)
        actions = parts["Action"] or {f"!{a}" for a in parts["NotAction"]}
        resources = parts["Resource"] or {f"!{r}" for r in parts["NotResource"]} or {"*"}
        target = deny if statement.get("Effect") == "Deny" else allow
        target |= {(a, r, frozenset(parts["Condition"])) for a in actions for r in resources}
    return allow, deny


def _covers(pattern: str, value: str) -> bool:
    if pattern.startswith("!") or value.startswith("!"):
        return pattern == value
    return fnmatch.fnmatchcase(value.lower(), pattern.lower())


def covered(grant: Grant, allowed: set[Grant]) -> bool:
    """True when some allowed grant permits at least what `grant` did (same or fewer conditions)."""
    action, resource, conditions = grant
    return any(_covers(a, action) and _covers(r, resource) and c <= conditions for a, r, c in allowed)


def lost(old_allow: set[Grant], new_allow: set[Grant], new_deny: set[Grant], old_deny: set[Grant]) -> list[Grant]:
    """Grants the old documents allowed that the new ones no longer allow, or now deny."""
    added_deny = new_deny - old_deny
    return sorted(g for g in old_allow if not covered(g, new_allow) or any(_covers(a, g[0]) and _covers(r, g[1]) for a, r, _ in added_deny))


# --- trust scope --------------------------------------------------------------------------

POD_PRINCIPAL = "Service:pods.eks.amazonaws.com"
SCOPE_KEYS = {
    "namespace": "aws:RequestTag/kubernetes-namespace",
    "serviceAccount": "aws:RequestTag/kubernetes-service-account",
    "cluster": "aws:RequestTag/eks-cluster-arn",
}


def admits(trust: Any, namespace: str, service_account: str, cluster: str | None = None) -> bool:
    """Whether a Pod Identity session for (namespace, service account[, cluster name]) may assume
    a role with this trust policy, judged on the session-tag conditions only."""
    for statement in statements(trust):
        if statement.get("Effect") != "Allow" or POD_PRINCIPAL not in elements(statement)["Principal"]:
            continue
        values = {"namespace": namespace, "serviceAccount": service_account, "cluster": cluster}
        ok = True
        for operator, pairs in (statement.get("Condition") or {}).items():
            for key, allowed in (pairs or {}).items():
                field_ = next((f for f, k in SCOPE_KEYS.items() if k.lower() == key.lower()), None)
                if field_ is None:
                    continue
                value = values[field_]
                if value is None:
                    continue
                patterns = [str(a) for a in as_list(allowed)]
                if field_ == "cluster":
                    ok &= any(
                        p.endswith(f":cluster/{value}") or fnmatch.fnmatchcase(f"cluster/{value}", p.split(":")[-1]) for p in patterns
                    )
                elif operator.startswith("StringLike"):
                    ok &= any(fnmatch.fnmatchcase(value, p) for p in patterns)
                else:
                    ok &= value in patterns
        if ok:
            return True
    return False


def narrowed(old_trust: Any, new_trust: Any) -> list[str]:
    """How the trust of Pod Identity sessions narrowed: an Allow statement removed, a condition
    value removed, a condition key added, or a principal or action removed. Empty when nothing
    narrowed (values added to an existing condition widen it)."""
    old, new = statements(old_trust), statements(new_trust)
    out: list[str] = []
    for i, j in match_statements(old, new):
        if i is None or old[i].get("Effect") == "Deny":
            continue
        if j is None:
            out.append(f"statement {_label(old[i], i)} removed")
            continue
        before, after = elements(old[i]), elements(new[j])
        old_keys = {c.split("=", 1)[0] for c in before["Condition"]}
        new_keys = {c.split("=", 1)[0] for c in after["Condition"]}
        # A value removed from a condition that remains narrows it; a condition removed whole widens.
        out += [f"condition value removed: {c}" for c in sorted(before["Condition"] - after["Condition"]) if c.split("=", 1)[0] in new_keys]
        out += [f"condition added: {c}" for c in sorted(after["Condition"]) if c.split("=", 1)[0] not in old_keys]
        out += [f"{name} removed: {v}" for name in ("Principal", "Action") for v in sorted(before[name] - after[name])]
        if new[j].get("Effect", "Allow") != old[i].get("Effect", "Allow"):
            out.append(f"Effect {old[i].get('Effect', 'Allow')} -> {new[j].get('Effect', 'Allow')}")
    return out
