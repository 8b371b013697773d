"""IAM trust-policy edits for moving a role from IRSA to Pod Identity, as pure functions.

Kept apart from the command so each edit is tested on documents alone: adding the
`pods.eks.amazonaws.com` statement must never duplicate one (the command may run twice, or
after a partial move), and dropping IRSA must never drop a statement another cluster or
service account still needs.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

from components import documents

TRUST_LIMIT = 2048
"""IAM's default trust policy size, in characters without whitespace (raisable to 4,096)."""


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _statements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in _as_list(doc.get("Statement", [])) if isinstance(s, dict)]


def _is_pods(s: dict[str, Any]) -> bool:
    principal = s.get("Principal") if isinstance(s.get("Principal"), dict) else {}
    actions = set(_as_list(s.get("Action", [])))
    return (s.get("Effect") == "Allow" and documents.POD_IDENTITY_PRINCIPAL in _as_list(principal.get("Service", []))
            and set(documents.POD_IDENTITY_ACTIONS) <= actions)


def merge(trust: dict[str, Any], statement: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """`trust` with `statement` in it, and whether that changed anything.

    Merging twice changes nothing the second time. A pods statement already there is widened
    (its namespace and service-account lists take the new values) rather than repeated; one
    with no condition already admits every pod, so nothing is added.
    """
    current = [dict(s) for s in _statements(trust)]
    wanted = statement.get("Condition", {}).get("StringEquals", {})
    if _is_pods(statement):
        for s in (s for s in current if _is_pods(s)):
            if "Condition" not in s:
                return {**trust, "Statement": current}, False
            have = s["Condition"]
            if set(have) == {"StringEquals"} and set(have["StringEquals"]) == set(wanted):
                union = {k: sorted(set(_as_list(have["StringEquals"][k])) | set(_as_list(v))) for k, v in wanted.items()}
                if all(sorted(set(_as_list(have["StringEquals"][k]))) == union[k] for k in union):
                    return {**trust, "Statement": current}, False
                s["Condition"] = {"StringEquals": union}
                return {**trust, "Statement": current}, True
    if any(s == statement or {**s, "Sid": None} == {**statement, "Sid": None} for s in current):
        return {**trust, "Statement": current}, False
    sids = {s.get("Sid") for s in current}
    sid, n = statement.get("Sid", "EksPodIdentity"), 1
    while sid in sids:
        n += 1
        sid = f"{statement.get('Sid', 'EksPodIdentity')}{n}"
    return {**trust, "Version": trust.get("Version", documents.VERSION), "Statement": [*current, {**statement, "Sid": sid}]}, True


def _subs(s: dict[str, Any]) -> dict[str, list[str]]:
    """The `<issuer>:sub` values an OIDC statement allows, by issuer."""
    out: dict[str, list[str]] = {}
    for values in (s.get("Condition") or {}).values():
        for key, value in (values.items() if isinstance(values, dict) else []):
            if key.endswith(":sub"):
                out.setdefault(key[: -len(":sub")], []).extend(map(str, _as_list(value)))
    return out


def _is_oidc(s: dict[str, Any]) -> bool:
    principal = s.get("Principal") if isinstance(s.get("Principal"), dict) else {}
    return any(":oidc-provider/" in str(p) for p in _as_list(principal.get("Federated", [])))


def without_irsa(trust: dict[str, Any], pairs: list[tuple[str, str]], issuer: str) -> tuple[dict[str, Any], list[str]]:
    """`trust` without the OIDC statements that served only the migrated pairs, and why the others stay.

    A statement stays when it allows a wildcard or a service account not migrated here, or
    (when the cluster's issuer is known) belongs to another cluster's OIDC provider.
    """
    migrated = {f"system:serviceaccount:{ns}:{sa}" for ns, sa in pairs}
    host = issuer.removeprefix("https://")
    kept_statements, why = [], []
    for s in _statements(trust):
        if not _is_oidc(s):
            kept_statements.append(s)
            continue
        subs = _subs(s)
        provider = ", ".join(map(str, _as_list(s["Principal"]["Federated"])))
        if host and host not in subs:
            why.append(f"{provider}: another cluster's OIDC provider")
        elif not subs:
            why.append(f"{provider}: no `:sub` condition, so any service account of that cluster may use it")
        elif not set(v for vs in subs.values() for v in vs) <= migrated:
            others = sorted(set(v for vs in subs.values() for v in vs) - migrated)
            why.append(f"{provider}: also allows {', '.join(others)}")
        else:
            continue
        kept_statements.append(s)
    return {**trust, "Statement": kept_statements}, why


def compact(doc: dict[str, Any]) -> str:
    return json.dumps(doc, separators=(",", ":"))


def update_command(role_name: str, doc: dict[str, Any]) -> str:
    return f"aws iam update-assume-role-policy --role-name {shlex.quote(role_name)} --policy-document {shlex.quote(compact(doc))}"
