"""Kubernetes names a binding carries, and the namespaces every cluster has.

Namespaces are DNS-1123 labels and service accounts DNS-1123 subdomains (Kubernetes
apimachinery validation, `IsDNS1123Label` / `IsDNS1123Subdomain`); EKS refuses an association
for names Kubernetes would refuse.
"""

from __future__ import annotations

import re
from typing import Annotated

from .model import passing

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253
# Namespaces every cluster has; a stack must never create (and so delete) one.
SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")


def namespace_problem(value: str) -> str | None:
    """Why `value` is not a Kubernetes namespace name, or None when it is one."""
    if len(value) > DNS1123_LABEL_MAX:
        return f"is {len(value)} characters; a namespace is a DNS-1123 label of at most {DNS1123_LABEL_MAX}"
    if not DNS1123_LABEL.match(value):
        return "is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit"
    return None


def service_account_problem(value: str) -> str | None:
    """Why `value` is not a Kubernetes service account name, or None when it is one."""
    if len(value) > DNS1123_SUBDOMAIN_MAX:
        return f"is {len(value)} characters; a service account name is a DNS-1123 subdomain of at most {DNS1123_SUBDOMAIN_MAX}"
    if not DNS1123_SUBDOMAIN.match(value):
        return (
            "is not a DNS-1123 subdomain: use lowercase letters, digits, '-' and '.', each part starting and ending with a letter or digit"
        )
    return None


Namespace = Annotated[str, passing(namespace_problem)]
ServiceAccountName = Annotated[str, passing(service_account_problem)]
