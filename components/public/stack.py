"""EKS Pod Identity end to end as one component: what a stack file of this project declares.

Clusters created in their own VPC or adopted by name, the agent add-on, other add-ons with their
own identities, the identities' roles and associations, cross-account target roles, and the
sample that proves a pod got its role: the stack program's stages (`program.build`), declared
under a component, for programs in any language. Its inputs are the stack file's keys; each
identity is a `PodIdentity`'s inputs, keyed by its name.

No `from __future__ import annotations`: the SDK reads these annotations at run time for the
schema (see `identity`).
"""

import re
from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

import pulumi

from ..stack.program import build
from .cluster import CLUSTER_NESTED, ClusterArgs
from .identity import STACK_KEYS, PodIdentityArgs, identity_entry
from .inputs import Renames, camel, camel_keys, checked, deployment, refuse, unknown_inputs

TYPE = "eks-pod-identity:index:EksPodIdentity"


class SampleArgs(TypedDict):
    """A workload that proves a pod receives its role: a Deployment ready only while it runs as the role, or a Job."""

    kind: NotRequired[str]
    """'deployment', 'job' or 'none' (default)."""
    identity: NotRequired[str]
    """The identity whose service account the sample runs as."""
    cluster: NotRequired[str]
    """Pick one of the identity's bindings: its cluster (default: the first binding's)."""
    namespace: NotRequired[str]
    """Pick one of the identity's bindings: its namespace."""
    service_account: NotRequired[str]
    """Pick one of the identity's bindings: its service account."""
    create_namespace: NotRequired[bool]
    """Create the namespace (restricted Pod Security Standard enforced)."""
    create_service_account: NotRequired[bool]
    """Manage the service account (default true); false leaves an existing one alone."""
    image: NotRequired[str]
    """The AWS CLI image of the sample (default awsCliImage)."""
    bucket_name: NotRequired[str]
    """Job only: the name of the bucket it writes to."""


class EksPodIdentityArgs(TypedDict):
    """The inputs of an EksPodIdentity: the keys of a stack file of this project (docs/configuration.md)."""

    clusters: list[ClusterArgs]
    """The clusters, created or adopted."""
    identities: NotRequired[dict[str, PodIdentityArgs]]
    """Pod identities by name, each bound in clusters of this component (its clusters input names them)."""
    sample: NotRequired[SampleArgs]
    """The sample workload that proves a pod got its role."""
    aws_cli_image: NotRequired[str]
    """The AWS CLI image of the sample and the probes, with a version tag of 2.15.0 or later."""
    environment: NotRequired[str]
    """Value of the 'environment' tag on every resource (empty for none)."""
    role_managed_policy_quota: NotRequired[int]
    """The account's quota of managed policies per role (10 unless AWS raised it, at most 20)."""
    role_trust_policy_quota: NotRequired[int]
    """The account's quota of trust policy characters (2048 unless AWS raised it, at most 4096)."""


def stack_config(args: Mapping[str, Any]) -> dict[str, Any]:
    """The stack file these inputs are: the same keys, in camelCase, identities as a list."""
    identities = args.get("identities") or {}
    raw: dict[str, Any] = {k: v for k, v in camel_keys(args, {"clusters": CLUSTER_NESTED, "sample": {}}).items() if k != "identities"}
    if isinstance(identities, Mapping):
        raw["identities"] = [identity_entry(name, i) if isinstance(i, Mapping) else i for name, i in identities.items()]
    else:
        raw["identities"] = identities  # the model refuses it, naming the key
    return raw


def identity_problems(args: Mapping[str, Any]) -> list[str]:
    """What the identities say wrong before the stack file is read: inputs a PodIdentity does not
    have, stack-level keys set on an identity (they would be ignored), and no `clusters` (a stack
    file's default, every cluster, is no input of PodIdentityArgs)."""
    identities = args.get("identities")
    if not isinstance(identities, Mapping):
        return []
    found = []
    for name, identity in identities.items():
        if not isinstance(identity, Mapping):
            continue
        found += unknown_inputs(identity, PodIdentityArgs, f"identities.{name}.")
        found += [
            f"identities.{name}.{camel(key)}: a setting of the whole EksPodIdentity; set it there" for key in STACK_KEYS if key in identity
        ]
        if "clusters" not in identity:
            found.append(f"identities.{name}.clusters: is required; name the clusters to bind in ([] for an identity only add-ons use)")
    return found


def input_names(identities: list[str]) -> Renames:
    """The stack file's keys -> these inputs: identities by their key, no project prefix."""

    def identity(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return f"identities.{identities[index]}" if index < len(identities) else match.group(0)

    return ((re.compile("eks-pod-identity:"), ""), (re.compile(r"identities\[(\d+)\]"), identity))


class EksPodIdentity(pulumi.ComponentResource):
    """EKS Pod Identity end to end: clusters (created in their own VPC, or adopted by name), the eks-pod-identity-agent
    add-on, add-ons with their own identities, roles trusting pods.eks.amazonaws.com, pod identity associations,
    cross-account target roles, and a sample workload that proves a pod got its role."""

    cluster_names: pulumi.Output[dict[str, str]]
    """Each cluster's name, by its key."""
    cluster_arns: pulumi.Output[dict[str, str]]
    """Each cluster's ARN."""
    kubeconfigs: pulumi.Output[dict[str, Any]]
    """Each cluster's kubeconfig (secret)."""
    role_arns: pulumi.Output[dict[str, str]]
    """The role each identity binds, by identity."""
    association_ids: pulumi.Output[dict[str, str]]
    """Association IDs by 'cluster/namespace/serviceAccount'."""
    binding_role_arns: pulumi.Output[dict[str, str]]
    """The role pods run as, by 'cluster/namespace/serviceAccount' (the target role when chaining)."""
    proven_association_ids: pulumi.Output[dict[str, str]]
    """The association IDs a probe Job proved in effect (the sample's, and proveAssociations identities')."""

    def __init__(self, name: str, args: EksPodIdentityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        subject = f"EksPodIdentity {name!r}"
        given = checked(subject, args, EksPodIdentityArgs)
        identities = given.get("identities")
        refuse(subject, identity_problems(given))
        cfg, d = deployment(
            subject, stack_config(given), input_names(list(identities) if isinstance(identities, Mapping) else []), self, opts
        )
        super().__init__(TYPE, name, None, opts)
        outputs = build(cfg, d)
        self.cluster_names = pulumi.Output.from_input(outputs["clusterNames"])
        self.cluster_arns = pulumi.Output.from_input(outputs["clusterArns"])
        self.kubeconfigs = outputs["kubeconfigs"]  # secret, as build() made it
        self.role_arns = pulumi.Output.from_input(outputs["roleArns"])
        self.association_ids = outputs["associationIds"]
        self.binding_role_arns = outputs["bindingRoleArns"]
        self.proven_association_ids = pulumi.Output.from_input(outputs.get("provenAssociationIds", {}))
        # The stack program's sample outputs name its own stack outputs (sampleKubeconfig, ...);
        # the proof is the probe's. Kubeconfigs are secret: they stay outputs of their own.
        self.register_outputs({key: value for key, value in outputs.items() if key != "kubeconfigs" and not key.startswith("sample")})
