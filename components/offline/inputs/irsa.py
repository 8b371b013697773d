"""IAM trust-policy edits for moving a role from IRSA to Pod Identity, as pure functions.

Kept apart from the command so each edit is tested on documents alone: adding the
`pods.eks.amazonaws.com` statement must never duplicate one (the command may run twice, or
after a partial move), and dropping IRSA must never drop a statement another cluster or
service account still needs.
"""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

from ...iam import documents, limits
from ...iam.grammar import as_list
from ...identity.trust import SID

TRUST_LIMIT = limits.TRUST_POLICY_SIZE
"""IAM's default trust policy size, in characters without whitespace (see iam/limits.py)."""


def _statements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in as_list(doc.get("Statement", [])) if isinstance(s, dict)]


def _set(value: Any) -> set[Any] | None:
    """The values of a string-or-list field as a set; None when one cannot be compared (a list in a list)."""
    try:
        return set(as_list(value))
    except TypeError:
        return None


def _within(some: Any, others: Any) -> bool:
    """Whether every value of `some` is among `others`; False when either holds values that are not plain."""
    mine, theirs = _set(some), _set(others)
    return mine is not None and theirs is not None and mine <= theirs


def covers(have: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """Whether the statement `have` already admits every request `wanted` admits.

    Only the plain shapes are judged: no condition at all, or `StringEquals` whose every key
    is also a key of `wanted` with no value outside `have`'s. Anything else (values that are
    not strings or lists of them included) is taken as not covering, and the wanted statement
    is added beside it (an extra Allow never narrows).
    """
    if have.get("Effect") != wanted.get("Effect") or have.get("Principal") != wanted.get("Principal"):
        return False
    if not _within(wanted.get("Action", []), have.get("Action", [])):
        return False
    if "Condition" not in have:
        return True
    condition = have["Condition"]
    if not isinstance(condition, dict) or set(condition) != {"StringEquals"} or not isinstance(condition["StringEquals"], dict):
        return False
    need = (wanted.get("Condition") or {}).get("StringEquals", {})
    return all(key in need and _within(need[key], values) for key, values in condition["StringEquals"].items())


def merge(trust: dict[str, Any], statements: list[dict[str, Any]]) -> tuple[dict[str, Any], bool]:
    """`trust` with `statements` in it, and whether that changed anything.

    A statement that an existing one already covers is not added, so merging twice changes
    nothing the second time; existing statements are never widened: a pods statement lists
    namespaces and service accounts that combine freely, and widening one would admit
    combinations nobody bound (the program's trust is exact for the same reason).
    """
    current = [dict(s) for s in _statements(trust)]
    added: list[Any] = []
    for statement in statements:
        if any(covers(s, statement) for s in [*current, *added]):
            continue
        sids = {s.get("Sid") for s in [*current, *added]}
        base = statement.get("Sid", SID)
        sid, n = base, 1
        while sid in sids:
            n += 1
            sid = f"{base}{n}"
        added.append({**statement, "Sid": sid})
    version = trust.get("Version", documents.VERSION)
    return {**trust, "Version": version, "Statement": [*current, *added]}, bool(added)


def _subs(s: dict[str, Any]) -> dict[str, list[str]]:
    """The `<issuer>:sub` values an OIDC statement allows, by issuer."""
    out: dict[str, list[str]] = {}
    condition = s.get("Condition")
    for values in condition.values() if isinstance(condition, dict) else []:
        for key, value in values.items() if isinstance(values, dict) else []:
            if key.endswith(":sub"):
                out.setdefault(key[: -len(":sub")], []).extend(map(str, as_list(value)))
    return out


def _is_oidc(s: dict[str, Any]) -> bool:
    principal = s.get("Principal")
    federated = principal.get("Federated", []) if isinstance(principal, dict) else []
    return any(":oidc-provider/" in str(p) for p in as_list(federated))


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
        provider = ", ".join(map(str, as_list(s["Principal"]["Federated"])))
        if host and host not in subs:
            why.append(f"{provider}: another cluster's OIDC provider")
        elif not subs:
            why.append(f"{provider}: no `:sub` condition, so any service account of that cluster may use it")
        elif not {v for vs in subs.values() for v in vs} <= migrated:
            others = sorted({v for vs in subs.values() for v in vs} - migrated)
            why.append(f"{provider}: also allows {', '.join(others)}")
        else:
            continue
        kept_statements.append(s)
    return {**trust, "Statement": kept_statements}, why


def compact(doc: dict[str, Any]) -> str:
    return json.dumps(doc, separators=(",", ":"))


def placeholder(variable: str) -> str:
    """A value known only later (an association's external ID), to be read into `variable`."""
    return f"@@{variable}@@"


PLACEHOLDER = re.compile(r"@@([A-Z][A-Z0-9_]*)@@")


def external_id_lookups(lookups: list[tuple[str, str, str, str]]) -> list[str]:
    """Shell lines that read each association's external ID, known only once `pulumi up` made it,
    into its variable: (cluster, namespace, service account, variable) each."""
    lines = []
    for cluster, namespace, service_account, variable in lookups:
        lines += [
            (
                f"ID=$(aws eks list-pod-identity-associations --cluster-name {cluster} --namespace {namespace} "
                f"--service-account {service_account} --query 'associations[0].associationId' --output text)"
            ),
            (
                f"{variable}=$(aws eks describe-pod-identity-association --cluster-name {cluster} --association-id "
                '"$ID" --query association.externalId --output text)'
            ),
        ]
    return lines


def update_command(role_name: str, doc: dict[str, Any]) -> str:
    """The shell command that makes `doc` the trust of `role_name`.

    Without placeholders, the document is one quoted argument. With them, it goes through a
    here-document in which each placeholder becomes its shell variable and every other `$`,
    backtick and backslash is escaped, so only those variables are expanded.
    """
    text, role = compact(doc), shlex.quote(role_name)
    if not PLACEHOLDER.search(text):
        return f"aws iam update-assume-role-policy --role-name {role} --policy-document {shlex.quote(text)}"
    body = PLACEHOLDER.sub(r"${\1}", text.replace("\\", "\\\\").replace("$", "\\$").replace("`", "\\`"))
    path = shlex.quote(f"{role_name}-trust.json")
    return f"cat > {path} <<EOF\n{body}\nEOF\naws iam update-assume-role-policy --role-name {role} --policy-document file://{path}"
