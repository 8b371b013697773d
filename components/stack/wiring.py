"""How identities become roles: role arguments, roles from other stacks, cross-account targets.

Pure wiring between the validated config and the IAM components; `program.build` calls it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

import pulumi

from ..arn import Arn, partition_of
from ..credentials import Credentials
from ..iam import catalog, documents
from ..iam.grammar import ROLE_ARN, ROLE_NAME_MAX
from ..identity.association import PodIdentityAssociations
from ..identity.role import PodIdentityRoleArgs
from ..identity.target_role import CrossAccountRole, CrossAccountRoleArgs, target_role_arn
from .config import PROJECT, StackConfig
from .identities import IdentityConfig


def target_arn(ident: IdentityConfig) -> str | None:
    """The ARN pods of this identity end up as, when it chains into another account."""
    target = ident.target_role
    if target is None:
        return None
    if target.arn:
        return target.arn
    create = target.create
    assert create is not None
    return target_role_arn(partition_of(create.deploy_role_arn), create.account, create.path, target_role_name(ident, pulumi.get_stack()))


def target_role_name(ident: IdentityConfig, stack: str) -> str:
    """The target role's name, fixed in advance (the association needs its ARN before it exists).

    Unless given, it carries a digest of project, stack and identity: two stacks chaining an
    identity of the same name into one account then never ask IAM for one name twice.
    """
    create = ident.target_role.create if ident.target_role else None
    if create and create.role_name:
        return create.role_name
    digest = hashlib.sha256(f"{PROJECT}/{stack}/{ident.name}".encode()).hexdigest()[:8]
    suffix = f"-target-{digest}"
    return ident.name[: ROLE_NAME_MAX - len(suffix)] + suffix


def role_args(
    cfg: StackConfig, ident: IdentityConfig, cluster_arns: Mapping[str, pulumi.Input[str]], partition: str, tags: dict[str, str]
) -> PodIdentityRoleArgs:
    scopes = cfg.trust_scopes(ident)
    bound = cfg.clusters_of(ident)
    statements = ident.inline_statements(partition, target_arn(ident))
    policy_documents: dict[str, documents.Document] = {}
    managed = list(ident.managed_policy_arns)
    for key, params in ident.well_known_entries:
        docs = catalog.policy_documents(key, params, partition, bound)
        policy_documents.update({key if len(docs) == 1 else f"{key}-{i + 1}": d for i, d in enumerate(docs)})
        managed += catalog.managed_policy_arns(key, partition, params)
    return PodIdentityRoleArgs(
        scopes=scopes,
        irsa_oidc_provider_arns=ident.irsa.oidc_provider_arns if ident.irsa else (),
        irsa_pairs=sorted({(ns, sa) for _, ns, sa in cfg.trust_bindings(ident)}),
        cluster_arns=pulumi.Output.all(**{c: cluster_arns[c] for s in scopes for c in s.clusters}),
        source_org_id=ident.trust.source_org_id,
        managed_policy_arns=managed,
        statements=statements,
        policy_documents=policy_documents,
        name=ident.role_name,
        name_prefix=ident.role_name_prefix,
        path=ident.path,
        permissions_boundary=ident.permissions_boundary,
        max_session_duration=ident.max_session_duration,
        description=ident.description,
        tags={**tags, **ident.tags},
    )


TRUST_SCOPES_OUTPUT = "roleTrustScopes"


def trust_scopes_output(cfg: StackConfig) -> dict[str, list[list[str]] | None]:
    """What each created role's trust admits, for the stacks that bind it (`roleFromStack`):
    [namespace, service account] pairs, or None when the trust does not scope them."""
    return {
        ident.name: sorted([ns, sa] for _, ns, sa in cfg.trust_bindings(ident)) if ident.scoped_to_service_accounts else None
        for ident in cfg.identities
        if ident.creates_role
    }


def shared_role_arns(cfg: StackConfig, account: str) -> dict[str, pulumi.Output[str]]:
    """Role ARNs exported by other stacks (one StackReference per stack).

    A key the other stack does not export is an error that says which, not a KeyError; a
    binding the exported role's trust does not admit is refused before its association is
    made, where EKS would accept it and every pod would be denied at AssumeRole.
    """
    refs: dict[str, pulumi.StackReference] = {}
    arns = {}
    for ident in cfg.identities:
        ref = ident.role_from_stack
        if ref is None:
            continue
        if ref.stack not in refs:
            refs[ref.stack] = pulumi.StackReference(ref.stack)
        key = ref.key or ident.name
        wanted = sorted({(ns, sa) for _, ns, sa in cfg.trust_bindings(ident)})
        exported = pulumi.Output.all(refs[ref.stack].require_output(ref.output), refs[ref.stack].get_output(TRUST_SCOPES_OUTPUT))
        arns[ident.name] = exported.apply(_checked(ref.stack, ref.output, key, ident.name, account, wanted))
    return arns


def _checked(stack: str, output: str, key: str, identity: str, account: str, wanted: list[tuple[str, str]]) -> Callable[[list[Any]], str]:
    """The check of what another stack exports, for one identity (applied to [roleArns, scopes])."""
    return lambda v: _in_scope(_exported(v[0], stack, output, key, identity, account), v[1], key, identity, wanted, stack)


def _in_scope(arn: str, scopes: Any, key: str, identity: str, wanted: list[tuple[str, str]], stack: str) -> str:
    admitted = (scopes or {}).get(key) if isinstance(scopes, dict) else None
    if admitted is None:
        return arn  # unscoped, or an identity stack from before scopes were exported
    if not isinstance(admitted, list) or not all(isinstance(p, list) and len(p) == 2 for p in admitted):
        raise pulumi.RunError(
            f"identity {identity!r}: stack {stack!r} exports {admitted!r} as the trust scope of role {key!r} in "
            f"{TRUST_SCOPES_OUTPUT}, which is not a list of [namespace, serviceAccount] pairs; check what that stack exports"
        )
    outside = [f"{ns}/{sa}" for ns, sa in wanted if [ns, sa] not in admitted]
    if outside:
        raise pulumi.RunError(
            f"identity {identity!r}: the role {key!r} of stack {stack!r} trusts only "
            f"{', '.join(f'{ns}/{sa}' for ns, sa in admitted)}, so pods at {', '.join(outside)} would be denied: add them to "
            "the shared identity's namespaces/serviceAccounts there, or bind what it trusts"
        )
    return arn


def _exported(exported: Any, stack: str, output: str, key: str, identity: str, account: str) -> str:
    if not isinstance(exported, dict) or not isinstance(exported.get(key), str):
        known = sorted(exported) if isinstance(exported, dict) else []
        raise pulumi.RunError(
            f"identity {identity!r}: stack {stack!r} exports no role {key!r} in its output {output!r} (it has {known}); "
            "set roleFromStack.key to one of them, or deploy the identity stack first"
        )
    arn: str = exported[key]
    if not ROLE_ARN.match(arn):
        raise pulumi.RunError(
            f"identity {identity!r}: stack {stack!r} exports {arn!r} as role {key!r} in its output {output!r}, which is not "
            "an IAM role ARN; check what that stack exports there (roleFromStack.output)"
        )
    owner = Arn.parse(arn)
    if owner is None or owner.account != account:
        raise pulumi.RunError(
            f"identity {identity!r}: the role {arn} that stack {stack!r} exports is in another account than this stack's "
            f"({account}); an association binds a role of the cluster's own account"
        )
    return arn


def target_role(
    cfg: StackConfig,
    ident: IdentityConfig,
    role_arn: pulumi.Output[str],
    associations: PodIdentityAssociations,
    region: pulumi.Input[str],
    credentials: Credentials,
    tags: dict[str, str],
    opts: pulumi.ResourceOptions | None = None,
) -> CrossAccountRole:
    """The cross-account target role. It always requires the associations' external IDs as
    `sts:ExternalId` ("prevents the confused deputy problem", EKS API reference,
    PodIdentityAssociation.externalId), and with session tags also the bound namespaces
    and service accounts."""
    create = ident.target_role.create if ident.target_role else None
    assert create is not None
    external_ids = pulumi.Output.all(*(a.external_id for a in associations.associations.values()))
    return CrossAccountRole(
        f"{ident.name}-target",
        CrossAccountRoleArgs(
            name=target_role_name(ident, pulumi.get_stack()),
            deploy_role_arn=create.deploy_role_arn,
            credentials=credentials,
            source_role_arns=pulumi.Output.all(role_arn),
            region=region,
            external_ids=external_ids,
            path=create.path,
            managed_policy_arns=create.managed_policy_arns,
            statements=create.statements,
            tags=tags,
        ),
        opts=opts,
    )
