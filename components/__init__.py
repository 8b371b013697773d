"""EKS Pod Identity for Pulumi: the public components, and the pure helpers they are built from.

`eks_pod_identity` exports exactly the public components, the ones the component package
serves to other languages (`provider.PUBLIC_COMPONENTS`); the building blocks they and the
stack program use stay importable from their modules (`eks_pod_identity.identity.role`, ...).
Each is loaded on first use, so a command that needs none of them (`eks-pod-identity --help`)
does not import the cloud SDKs.
"""

from __future__ import annotations

import importlib
from typing import Any

_PUBLIC = {"EksPodIdentity": "public.stack", "Cluster": "public.cluster", "PodIdentity": "public.identity", "Addon": "public.addon"}
__all__ = list(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_PUBLIC[name]}"), name)
