"""A mock engine monitor that records every RegisterResource request, and refuses what the
engine refuses (Pulumi's stock mock monitor accepts almost anything)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
from google.protobuf import json_format  # type: ignore[import-untyped]
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from .mocks import Mocks


@dataclass
class Registration:
    """One RegisterResource request as the engine would receive it."""

    type: str
    name: str
    urn: str
    parent: str
    custom: bool
    provider: str
    inputs: dict[str, Any]
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    aliases: list[str] = field(default_factory=list)
    """URNs this resource was known by before (resolved from the alias specs)."""
    delete_before_replace: bool = False
    retain_on_delete: bool = False
    import_id: str = ""
    custom_timeouts: dict[str, str] = field(default_factory=dict)
    replace_on_changes: list[str] = field(default_factory=list)
    ignore_changes: list[str] = field(default_factory=list)
    secret_inputs: list[str] = field(default_factory=list)
    """Inputs that hold a secret (anywhere inside): the engine encrypts them in the state."""


def holds_secret(value: Any) -> bool:
    """Whether a wire value is, or contains, a secret."""
    if isinstance(value, list):
        return any(holds_secret(v) for v in value)
    if not isinstance(value, dict):
        return False
    return value.get(rpc._special_sig_key) == rpc._special_secret_sig or any(holds_secret(v) for v in value.values())


def plain(value: Any) -> Any:
    """Wire values as plain data: secrets unwrapped, resource references as their URN.

    The stock mock monitor rehydrates resource references in its worker thread, which
    breaks for component references such as a pulumi-eks Cluster passed to a node group.
    """
    if isinstance(value, list):
        return [plain(v) for v in value]
    if not isinstance(value, dict):
        return value
    sig = value.get(rpc._special_sig_key)
    if sig == rpc._special_secret_sig:
        return plain(value.get("value"))
    if sig == rpc._special_resource_sig:
        return value.get("urn")
    if sig == rpc._special_output_value_sig:
        return plain(value.get("value"))
    return {k: plain(v) for k, v in value.items()}


class DuplicateUrnError(Exception):
    """What the engine answers to a second registration of one URN."""


class DuplicateAliasError(DuplicateUrnError):
    """What the engine answers when two resources claim one URN through aliases."""


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """A mock monitor that keeps every registration request, in order, and refuses what the
    engine refuses: a URN registered twice (Pulumi's stock mock monitor overwrites it), and
    one URN claimed twice through aliases. The engine refuses the latter when the state holds
    that URN (pkg/resource/deploy/step_generator.go getOldResource, errors 2008 and 2016); an
    upgraded stack may, so the monitor refuses it always."""

    def __init__(self, mocks: Mocks):
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self.urns: set[str] = set()
        self.aliased: dict[str, str] = {}
        """alias URN -> the URN of the resource that claimed it."""

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The URN the engine gives: the parent's whole type chain, except the root stack's
        (pulumi/pulumi sdk/go/common/resource/urn.go, NewURN). The stock mock keeps only the
        parent's last type and prefixes the stack's, so its URNs match no real state."""
        if parent:
            chain = parent.split("::")[2]
            if chain != "pulumi:pulumi:Stack":
                type_ = f"{chain}${type_}"
        return "::".join([f"urn:pulumi:{pulumi.get_stack()}", pulumi.get_project(), type_, name])

    def _alias_urns(self, request: Any) -> list[str]:
        urns = list(request.aliasURNs)
        for alias in request.aliases:
            spec = alias.spec
            if alias.urn:
                urns.append(alias.urn)
                continue
            parent = "" if spec.noParent else (spec.parentUrn or request.parent)
            urns.append(self.make_urn(parent, spec.type or request.type, spec.name or request.name))
        return urns

    def RegisterResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack":
            return resource_pb2.RegisterResourceResponse(urn=urn)
        if urn in self.urns:
            # pulumi/pulumi sdk/go/common/diag/errors.go, GetDuplicateResourceURNError (error 2001).
            raise DuplicateUrnError(f"Duplicate resource URN '{urn}'; try giving it a unique name")
        if urn in self.aliased:
            raise DuplicateAliasError(f"Duplicate resource URN '{urn}' conflicting with alias on resource with URN '{self.aliased[urn]}'")
        aliases = list(dict.fromkeys(a for a in self._alias_urns(request) if a != urn))
        for alias in aliases:
            claimed = self.aliased.get(alias) or (alias if alias in self.urns else None)
            if claimed:
                raise DuplicateAliasError(
                    f"Duplicate resource alias '{alias}' applied to resource with URN '{urn}' conflicting with resource "
                    f"with URN '{claimed}'"
                )
        self.urns.add(urn)
        self.aliased.update(dict.fromkeys(aliases, urn))
        _ensure_event_loop()  # type: ignore[no-untyped-call]
        wire = json_format.MessageToDict(request.object)
        inputs = plain(wire)
        args = pulumi_mocks.MockResourceArgs(
            typ=request.type,
            name=request.name,
            inputs=inputs,
            provider=request.provider,
            resource_id=request.importId,
            custom=request.custom or False,
        )
        id_, state = self.mocks.new_resource(args)
        self.resources[urn] = pulumi_mocks.MockMonitor.ResourceRegistration(urn, id_ or "", state)
        self.registrations.append(
            Registration(
                type=request.type,
                name=request.name,
                urn=urn,
                parent=request.parent,
                custom=bool(request.custom),
                provider=request.provider,
                inputs=inputs,
                dependencies=list(request.dependencies),
                property_dependencies={k: list(v.urns) for k, v in request.propertyDependencies.items()},
                aliases=aliases,
                delete_before_replace=bool(request.deleteBeforeReplace),
                retain_on_delete=bool(request.retainOnDelete),
                import_id=request.importId,
                custom_timeouts={
                    k: v
                    for k, v in (
                        ("create", request.customTimeouts.create),
                        ("update", request.customTimeouts.update),
                        ("delete", request.customTimeouts.delete),
                    )
                    if v
                },
                replace_on_changes=list(request.replaceOnChanges),
                ignore_changes=list(request.ignoreChanges),
                secret_inputs=sorted(k for k, v in wire.items() if holds_secret(v)),
            )
        )
        state_proto = _sync_await(rpc.serialize_properties(state, {}))
        return resource_pb2.RegisterResourceResponse(urn=urn, id=id_ or "", object=state_proto)
