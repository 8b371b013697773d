"""A whole pod identity as one component: the role, its permissions, its associations in any
number of existing clusters, and optionally a cross-account target role.

Its inputs are the keys of one `eks-pod-identity:identities[]` entry of a stack file (camelCase
in every language, snake_case in Python), so one vocabulary and one set of checks serves both:
the inputs are validated by the stack config's own models (`stack.load.parse`) and the stages
the program declares identities with (`stack.identity_stages`) build it. A bad input is refused
with the same one-line message a stack file gets, naming the input, before anything registers.

No `from __future__ import annotations` here: Pulumi's component provider reads these
annotations at run time to infer the package schema (pulumi/provider/experimental/analyzer.py,
Analyzer.analyze_type), and the docstrings under each key become the schema's descriptions.
"""

import re
from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

import pulumi

from ..arn import name_of
from ..stack.identity_stages import declare_identities
from ..stack.program import binding_role_arns
from ..stack.wiring import target_arn
from .inputs import camel, camel_keys, checked, deployment, refuse

TYPE = "eks-pod-identity:index:PodIdentity"


class PodIdentityTrustArgs(TypedDict):
    """How narrowly the role's trust policy admits pods (session-tag conditions)."""

    scope_to_service_accounts: NotRequired[bool]
    """Admit only the bound namespaces and service accounts (default: true, false when session tags are disabled)."""
    scope_to_clusters: NotRequired[bool]
    """Admit only the bound clusters (default: false)."""
    source_org_id: NotRequired[str]
    """Admit only pods of clusters in this AWS Organization ('o-...', or '${aws:ResourceOrgId}' for the caller's own)."""


class IrsaArgs(TypedDict):
    """IRSA trust the role keeps while its service accounts move to Pod Identity."""

    oidc_provider_arns: list[str]
    """The clusters' IAM OIDC provider ARNs whose service accounts may still assume the role through IRSA."""


class TargetRoleCreateArgs(TypedDict):
    """A target role created in another account, through a provider that assumes `deployRoleArn` there."""

    deploy_role_arn: str
    """A role in the target account that the deploying credentials may assume, to create the target role."""
    role_name: NotRequired[str]
    """The target role's name (default: the identity's name, 'target' and a digest of project, stack and name)."""
    path: NotRequired[str]
    """The target role's IAM path (default '/')."""
    managed_policy_arns: NotRequired[list[str]]
    """Managed policies attached to the target role."""
    statements: NotRequired[list[dict[str, Any]]]
    """Inline IAM statements of the target role (Effect, Action, Resource, Condition)."""


class TargetRoleArgs(TypedDict):
    """Cross-account role chaining: pods end up in `arn`, or in a role created in another account. Give exactly one."""

    arn: NotRequired[str]
    """An existing role in another account; it must trust this identity's role (plan and access print the trust it needs)."""
    create: NotRequired[TargetRoleCreateArgs]
    """A target role to create in another account."""


class PodIdentityArgs(TypedDict):
    """The inputs of a PodIdentity: the keys of an `identities[]` entry of a stack file (docs/configuration.md)."""

    clusters: list[str]
    """Existing EKS clusters (in the provider's region) to bind the role in: an association per namespace and service account."""
    namespace: NotRequired[str]
    """The namespace of the bound service accounts (or `namespaces`)."""
    namespaces: NotRequired[list[str]]
    """Several namespaces, each with every service account named."""
    service_account: NotRequired[str]
    """The bound service account (or `serviceAccounts`)."""
    service_accounts: NotRequired[list[str]]
    """Several service accounts, in every namespace named."""
    managed_policy_arns: NotRequired[list[str]]
    """Managed policies attached to the role (AWS managed, or customer managed of the deploying account)."""
    statements: NotRequired[list[dict[str, Any]]]
    """Inline IAM statements of the role (Effect, Action, Resource, Condition), checked against IAM's grammar and quotas."""
    well_known: NotRequired[dict[str, dict[str, Any]]]
    """Catalog entries with their parameters, e.g. {externalDns: {hostedZoneArns: [...]}}: a controller's policy (docs/catalog.md)."""
    abac: NotRequired[dict[str, dict[str, Any]]]
    """Session-tag (ABAC) templates by name with their parameters, e.g. {s3NamespacePrefix: {bucket: my-bucket}}."""
    session_policy: NotRequired[dict[str, Any]]
    """A session policy document on the associations: it only narrows what the role grants. Needs disableSessionTags."""
    disable_session_tags: NotRequired[bool]
    """Turn off the session tags EKS adds (needed for a session policy; trust is then not scoped to service accounts)."""
    role_arn: NotRequired[str]
    """An existing role to bind instead of creating one (it must trust pods.eks.amazonaws.com)."""
    role_name: NotRequired[str]
    """A fixed role name (default: a name Pulumi generates, so a replacement never clashes)."""
    role_name_prefix: NotRequired[str]
    """A prefix for the generated role name."""
    path: NotRequired[str]
    """The role's IAM path (default '/')."""
    permissions_boundary: NotRequired[str]
    """The ARN of a managed policy that bounds the role's permissions."""
    max_session_duration: NotRequired[int]
    """The role's maximum session duration in seconds (3600 to 43200)."""
    description: NotRequired[str]
    """The role's description."""
    tags: NotRequired[dict[str, str]]
    """Tags on the role and its policies (the program's own tags, such as pulumi-stack, cannot be set)."""
    trust: NotRequired[PodIdentityTrustArgs]
    """How narrowly the trust policy admits pods."""
    target_role: NotRequired[TargetRoleArgs]
    """Chain into a role in another account."""
    allow_admin: NotRequired[bool]
    """Allow permissions that amount to admin or a privilege-escalation path (refused otherwise)."""
    irsa: NotRequired[IrsaArgs]
    """Keep IRSA trust for these clusters while moving to Pod Identity."""
    shared: NotRequired[bool]
    """Create the role alone, bound in no cluster: it trusts the named namespaces and service accounts anywhere (bind it by roleArn)."""
    prove_associations: NotRequired[bool]
    """EksPodIdentity only: a probe Job per binding proves the association is in effect (output provenAssociationIds)."""
    environment: NotRequired[str]
    """Value of the 'environment' tag on every resource (empty for none)."""
    role_managed_policy_quota: NotRequired[int]
    """The account's quota of managed policies per role (10 unless AWS raised it, at most 20)."""
    role_trust_policy_quota: NotRequired[int]
    """The account's quota of trust policy characters (2048 unless AWS raised it, at most 4096)."""


STACK_KEYS = ("environment", "role_managed_policy_quota", "role_trust_policy_quota")
"""Inputs that are stack-level keys of a stack file; the rest are the identity's."""
NESTED: dict[str, dict[str, Any]] = {"trust": {}, "irsa": {}, "target_role": {"create": {}}}
"""Inputs whose keys are typed (and so snake_case in Python); the other objects are passed as written."""
INPUT_NAMES = (
    (re.compile(r"eks-pod-identity:identities\[0\]\.name\b"), "name (the resource name)"),
    (re.compile(r"eks-pod-identity:identities\[0\]\."), ""),
    (re.compile(r"eks-pod-identity:identities\[0\]"), "inputs"),
    (re.compile(r"eks-pod-identity:clusters\[(\d+)\]\.name\b"), r"clusters[\1]"),
    (re.compile(r"eks-pod-identity:"), ""),
)
"""A stack file's config keys -> this component's inputs."""
PROOF_NEEDS_KUBERNETES = (
    "a probe Job needs the cluster's Kubernetes API, which PodIdentity does not reach; declare the identity in an "
    "EksPodIdentity (its clusters have it), or remove the key"
)


def identity_entry(name: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """The `identities[]` entry of a stack file that these inputs are (the stack-level keys aside)."""
    return {**camel_keys({k: v for k, v in args.items() if k not in STACK_KEYS}, NESTED), "name": name}


def stack_config(name: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """The stack file this component is equivalent to: its clusters adopted, the identity, no sample."""
    identity = identity_entry(name, args)
    clusters = identity.get("clusters")
    adopted = list(dict.fromkeys(clusters)) if isinstance(clusters, list) and all(isinstance(c, str) for c in clusters) else []
    return {
        "clusters": [{"name": c, "create": False, "installAgent": False} for c in adopted],
        "identities": [identity],
        "sample": {"kind": "none"},
        **{camel(k): args[k] for k in STACK_KEYS if k in args},
    }


class PodIdentity(pulumi.ComponentResource):
    """A pod identity: an IAM role trusting pods.eks.amazonaws.com with its permissions (managed policies, statements,
    catalog entries, session policy, boundary), bound to service accounts in one or many existing EKS clusters by pod
    identity associations, optionally chaining to a role in another account."""

    role_arn: pulumi.Output[str]
    """The ARN of the role the associations bind."""
    role_name: pulumi.Output[str]
    """The role's name."""
    association_ids: pulumi.Output[dict[str, str]]
    """Association IDs by 'cluster/namespace/serviceAccount'."""
    binding_role_arns: pulumi.Output[dict[str, str]]
    """The role pods run as, by 'cluster/namespace/serviceAccount' (the target role when chaining)."""
    target_role_arn: pulumi.Output[str] | None
    """The cross-account target role's ARN, when the identity chains into one."""

    def __init__(self, name: str, args: PodIdentityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        # Everything that can be wrong is found before the component registers: the inputs
        # (parse), then what only the account reveals (read: the clusters, the account's ARNs).
        subject = f"PodIdentity {name!r}"
        given = checked(subject, args, PodIdentityArgs)
        early = []
        if given.get("clusters") in (None, []) and not given.get("shared"):
            early.append("clusters: is required; list the existing EKS clusters to bind the role in (or shared: true: the role alone)")
        if given.get("prove_associations"):
            early.append(f"proveAssociations = True: {PROOF_NEEDS_KUBERNETES}")
        refuse(subject, early)
        cfg, d = deployment(subject, stack_config(name, given), INPUT_NAMES, self, opts, kubeconfigs=False)
        super().__init__(TYPE, name, None, opts)
        ids = declare_identities(
            d, {c: found.name for c, found in d.found.items() if found}, {c: found.arn for c, found in d.found.items() if found}
        )
        self.role_arn = ids.role_arns[name]
        role = ids.roles.get(name)
        self.role_name = role.role_name if role else self.role_arn.apply(name_of)
        associations = ids.associations.get(name)  # none for a shared role
        self.association_ids = associations.association_ids if associations else pulumi.Output.from_input({})
        self.binding_role_arns = binding_role_arns(cfg, ids.role_arns)
        chained = target_arn(cfg.identities[0])
        self.target_role_arn = pulumi.Output.from_input(chained) if chained else None
        self.register_outputs(
            {
                "roleArn": self.role_arn,
                "roleName": self.role_name,
                "associationIds": self.association_ids,
                "bindingRoleArns": self.binding_role_arns,
                "targetRoleArn": self.target_role_arn,
            }
        )
