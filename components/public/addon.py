"""An EKS add-on with its own pod identity, as one component, on an existing cluster.

Its inputs are a `clusters[].addons[]` entry of a stack file with the permissions of the
identity it names; it is built by the stack program's own stages on a stack of that cluster
(adopted, its agent left as it is), that add-on and that identity (bound through the add-on,
not by an association of its own). No `from __future__ import annotations` (see `identity`).
"""

import re
from typing import Any, NotRequired, TypedDict

import pulumi

from ..stack.program import build
from .inputs import camel, camel_keys, checked, deployment, refuse

TYPE = "eks-pod-identity:index:Addon"


class AddonArgs(TypedDict):
    """An EKS add-on on an existing cluster, optionally with a role of its own for its service account."""

    cluster_name: str
    """The existing EKS cluster (in the provider's region); it needs the eks-pod-identity-agent add-on."""
    addon_name: str
    """The add-on's name, e.g. aws-ebs-csi-driver."""
    version: NotRequired[str]
    """Pin the add-on's version (default: the newest for the cluster's Kubernetes version)."""
    namespace: NotRequired[str]
    """Install the add-on into this namespace (default: its own)."""
    configuration_values: NotRequired[dict[str, Any]]
    """The add-on's configuration values."""
    service_account: NotRequired[str]
    """The add-on's own service account: it gets a role with the permissions below, through the add-on."""
    managed_policy_arns: NotRequired[list[str]]
    """Managed policies of the add-on's role, e.g. arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy."""
    statements: NotRequired[list[dict[str, Any]]]
    """Inline IAM statements of the add-on's role."""
    well_known: NotRequired[dict[str, dict[str, Any]]]
    """Catalog entries of the add-on's role with their parameters, e.g. {ebsCsi: {}} (docs/catalog.md)."""
    permissions_boundary: NotRequired[str]
    """The ARN of a managed policy that bounds the add-on role's permissions."""
    role_name: NotRequired[str]
    """A fixed name for the add-on's role (default: a name Pulumi generates)."""
    tags: NotRequired[dict[str, str]]
    """Tags on the add-on's role and its policies."""


ROLE_KEYS = ("managed_policy_arns", "statements", "well_known", "permissions_boundary", "role_name", "tags")
"""The inputs that shape the add-on's role (an identity of the equivalent stack file)."""
ADDON_KEYS = ("addon_name", "version", "namespace", "configuration_values", "service_account")


def stack_config(name: str, args: dict[str, Any]) -> dict[str, Any]:
    """The stack file of the cluster, adopted, holding this add-on, and the add-on's identity."""
    addon = camel_keys({("name" if k == "addon_name" else k): v for k, v in args.items() if k in ADDON_KEYS}, {})
    identities = []
    if "service_account" in args:
        addon["identity"] = name
        identities.append({"name": name, "clusters": [], **camel_keys({k: v for k, v in args.items() if k in ROLE_KEYS}, {})})
    cluster = {"name": args.get("cluster_name"), "create": False, "installAgent": False, "addons": [addon]}
    return {"clusters": [cluster], "identities": identities, "sample": {"kind": "none"}}


INPUT_NAMES = tuple(
    (re.compile(re.escape(key)), replacement)
    for key, replacement in (
        ("eks-pod-identity:clusters[0].addons[0].name", "addonName"),
        ("eks-pod-identity:clusters[0].addons[0].", ""),
        ("eks-pod-identity:clusters[0].name", "clusterName"),
        ("eks-pod-identity:identities[0].name", "name (the resource name)"),
        ("eks-pod-identity:identities[0].", ""),
        ("eks-pod-identity:", ""),
    )
)
"""The equivalent stack file's keys -> this component's inputs."""


class Addon(pulumi.ComponentResource):
    """An EKS add-on on an existing cluster with its own pod identity: a role trusting pods.eks.amazonaws.com, scoped to
    the add-on's service account, with its permissions, bound through the add-on (EKS creates the association: CreateAddon
    podIdentityAssociations)."""

    addon_version: pulumi.Output[str]
    """The add-on's version."""
    role_arn: pulumi.Output[str] | None
    """The add-on's role, when it has a service account."""

    def __init__(self, name: str, args: AddonArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        subject = f"Addon {name!r}"
        given = checked(subject, args, AddonArgs)
        shaping = sorted(k for k in ROLE_KEYS if k in given)
        if shaping and "service_account" not in given:
            refuse(
                subject, [f"{', '.join(camel(k) for k in shaping)}: shape the add-on's role, which needs serviceAccount (the add-on's own)"]
            )
        cfg, d = deployment(subject, stack_config(name, given), INPUT_NAMES, self, opts, kubeconfigs=False)
        super().__init__(TYPE, name, None, opts)
        outputs = build(cfg, d)
        cluster, addon = cfg.clusters[0].name, cfg.clusters[0].addons[0].name
        # An add-on someone else installed is left as it is (EksAddon): it reports the version running.
        installed = d.installed.get((cluster, addon))
        version = outputs["addonVersions"].get(f"{cluster}/{addon}")
        self.addon_version = pulumi.Output.from_input(version if version is not None else installed.version if installed else "")
        self.role_arn = outputs["roleArns"].get(name)
        self.register_outputs({"addonVersion": self.addon_version, "roleArn": self.role_arn})
