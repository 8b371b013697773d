"""The `pulumi import --file` document: which resources to import, under which parents.

The engine gives an imported resource the URN its type, name and parent chain make, so the
document names each parent exactly as the program registers it; then `pulumi up` finds the
imported resource where it declares it and creates nothing.
"""

from __future__ import annotations

from typing import Any

from .harness import monitor
from .inputs import awsjson
from .inputs.shapes import InputError

STACK_TYPE = "pulumi:pulumi:Stack"


def _is_root(urn: str) -> bool:
    return urn.split("::")[2] == STACK_TYPE if urn else True


def _key(reg: monitor.Registration) -> str:
    """A name-table key for a parent: unique (its type is part of it) and never a resource name."""
    return f"{reg.type.rsplit(':', 1)[-1]}:{reg.name}"


def document(
    registrations: list[monitor.Registration],
    imports: list[tuple[monitor.Registration, str]],
    existing: set[str] | None = None,
    new_stack: bool = False,
) -> dict[str, Any]:
    """The `pulumi import --file` document.

    Parents named in `nameTable` by URN must already be in the stack: the engine refuses an
    unknown parent. A parent that is not (every parent with `new_stack`, or those absent
    from `existing`, the URNs of a `pulumi stack export`) is declared in the document as an
    empty component instead (`component: true`), which `pulumi import` creates and the next
    `pulumi up` fills in. Resources already in `existing` are left out. `imports` pairs each
    registration to import with the provider's import ID; `registrations` are the whole run's,
    where the parents are found.
    """
    by_urn = {r.urn: r for r in registrations}
    name_table: dict[str, str] = {}
    components: dict[str, dict[str, Any]] = {}

    def parent_key(urn: str) -> str | None:
        if _is_root(urn):
            return None
        parent = by_urn[urn]
        key = _key(parent)
        known = existing is not None and urn in existing
        if not new_stack and (existing is None or known):
            name_table[key] = urn
        elif key not in components:
            entry = {"type": parent.type, "name": key, "logicalName": parent.name, "component": True}
            grand = parent_key(parent.parent)
            components[key] = {**entry, **({"parent": grand} if grand else {})}
        return key

    resources = []
    for reg, import_id in imports:
        if existing is not None and reg.urn in existing:
            continue
        entry = {"type": reg.type, "name": reg.name, "id": import_id}
        key = parent_key(reg.parent)
        resources.append({**entry, **({"parent": key} if key else {})})
    document: dict[str, Any] = {"resources": [*components.values(), *resources]}
    if name_table:
        document = {"nameTable": name_table, **document}
    return document


def state_urns(path: str) -> set[str]:
    """URNs in a `pulumi stack export` file."""
    docs = awsjson.documents(path)
    deployment = docs[0].get("deployment") if len(docs) == 1 and isinstance(docs[0], dict) else None
    resources = deployment.get("resources") if isinstance(deployment, dict) else None
    if not isinstance(resources, list):
        raise InputError(f"{path}: not `pulumi stack export` output (no deployment.resources)")
    return {r["urn"] for r in resources if isinstance(r, dict) and isinstance(r.get("urn"), str)}
