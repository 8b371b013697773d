"""EKS Pod Identity for Pulumi: the components, and the pure helpers they are built from.

The public components are importable from here; each is loaded on first use, so a command
that needs none of them (`eks-pod-identity --help`) does not import the cloud SDKs.
"""

from __future__ import annotations

import importlib
from typing import Any

_PUBLIC = {
    "EksCluster": "cluster.cluster",
    "EksClusterArgs": "cluster.cluster",
    "Network": "cluster.network",
    "NetworkArgs": "cluster.network",
    "PodIdentityAgent": "addons.agent",
    "PodIdentityAgentArgs": "addons.agent",
    "EksAddon": "addons.addon",
    "EksAddonArgs": "addons.addon",
    "PodIdentityRole": "identity.role",
    "PodIdentityRoleArgs": "identity.role",
    "PodIdentityAssociations": "identity.association",
    "PodIdentityAssociationsArgs": "identity.association",
    "AssociationTarget": "identity.association",
    "CrossAccountRole": "identity.target_role",
    "CrossAccountRoleArgs": "identity.target_role",
    "SampleWorkload": "sample.workload",
    "SampleWorkloadArgs": "sample.workload",
}
__all__ = [  # noqa: RUF022 - grouped as _PUBLIC is
    "EksCluster",
    "EksClusterArgs",
    "Network",
    "NetworkArgs",
    "PodIdentityAgent",
    "PodIdentityAgentArgs",
    "EksAddon",
    "EksAddonArgs",
    "PodIdentityRole",
    "PodIdentityRoleArgs",
    "PodIdentityAssociations",
    "PodIdentityAssociationsArgs",
    "AssociationTarget",
    "CrossAccountRole",
    "CrossAccountRoleArgs",
    "SampleWorkload",
    "SampleWorkloadArgs",
]


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_PUBLIC[name]}"), name)
