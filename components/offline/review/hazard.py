"""One hazard of a stack-file change, and what the hazard finders share."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..harness import monitor, runner
from .compare import urns_in

CREDENTIALS = (
    "pods keep the old credentials until they expire or restart (the agent caches them for hours, "
    "see README Troubleshooting): restart them after `pulumi up`"
)


@dataclass
class Hazard:
    kind: str
    urn: str
    message: str
    details: list[str] = field(default_factory=list)
    accepted: bool = False

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.urn}"

    def lines(self) -> list[str]:
        return [self.message, *(f"  - {d}" for d in self.details)]


def refs(reg: monitor.Registration) -> set[str]:
    """Everything a registration waits for or reads from."""
    return {
        *reg.dependencies,
        *(u for us in reg.property_dependencies.values() for u in us),
        *urns_in(reg.inputs),
        *([reg.provider.rsplit("::", 1)[0]] if reg.provider else []),
    }


def inside(result: runner.RunResult, root: str, owner: dict[str, str]) -> set[str]:
    """URNs of `result` that depend, directly or not, on `root` (or a child the mocks made for it)."""
    found = {root}
    for reg in result.registrations:
        if any(owner.get(u, u) in found for u in refs(reg)):
            found.add(reg.urn)
    return found - {root}
