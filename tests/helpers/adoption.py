"""What the adoption tests share: the AWS CLI output of the prod and workshop clusters, and how
the engine names what an import document declares."""

from __future__ import annotations

from eks_pod_identity.offline.harness import mocks
from eks_pod_identity.tokens import ADDON, ASSOCIATION

from . import AWS, STACK_FILES

WORKSHOP = STACK_FILES / "Pulumi.workshop.yaml"
PROD_FILES = [
    AWS / f
    for f in (
        "prod-blue-list-associations.json",
        "prod-green-list-associations.json",
        "prod-blue-describe-agent.json",
        "prod-green-describe-agent.json",
        "prod-blue-describe-association.json",
    )
]
WORKSHOP_FILES = [
    AWS / f
    for f in (
        "seed004-create-addon.json",
        "seed004-create-association.json",
        "workshop-list-associations.json",
        "workshop-describe-pod-identity.json",
        "workshop-describe-ebs-csi.json",
    )
]
IMPORTED = (ASSOCIATION, ADDON)


def owned_world(stack: str, clusters: list[str]) -> dict[str, mocks.AdoptedCluster]:
    """The adopted clusters with their agent add-on tagged as `stack`'s: what the user has
    once the printed tag commands ran (the contract of components/addons/installed.py)."""
    tags = {"pulumi-project": "eks-pod-identity", "pulumi-stack": stack, "managed-by": "pulumi"}
    return {c: mocks.AdoptedCluster(addons={"eks-pod-identity-agent": mocks.MockAddon(mocks.AGENT_VERSION, tags=tags)}) for c in clusters}


def engine_urns(document: dict, stack: str) -> dict[tuple[str, str], str]:
    """The URN the engine gives each entry of an import document: its parent's type chain
    (from nameTable, or from a component entry of the document) plus its own type and name."""
    names = dict(document.get("nameTable", {}))
    entries = {e["name"]: e for e in document["resources"]}

    def urn(entry: dict) -> str:
        parent = entry.get("parent")
        chain = ""
        if parent:
            parent_urn = names[parent] if parent in names else urn(entries[parent])
            chain = parent_urn.split("::")[2] + "$"
        return f"urn:pulumi:{stack}::eks-pod-identity::{chain}{entry['type']}::{entry.get('logicalName', entry['name'])}"

    return {(e["type"], e["name"]): urn(e) for e in document["resources"] if not e.get("component")}


def as_registrations(document: dict) -> set[tuple[str, str, str]]:
    """(type, name, parent URN) of every imported resource, parents resolved through the name table."""
    names = document.get("nameTable", {})
    return {(e["type"], e["name"], names[e["parent"]]) for e in document["resources"] if not e.get("component")}
