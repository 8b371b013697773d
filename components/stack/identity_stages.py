"""Stages 4 to 6 of the program: the roles, their associations, the cross-account target roles.

The program (`program.build`) and the `PodIdentity` component (`public/identity.py`)
declare identities with these same functions, so a component in a TypeScript, YAML or Python
program registers what a stack file with the same identity does. Clusters enter by name and
ARN only: an association needs the cluster's name, a trust scope its ARN.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi

from .. import migrations
from ..iam import documents
from ..identity.association import AssociationTarget, PodIdentityAssociations, PodIdentityAssociationsArgs
from ..identity.role import PodIdentityRole
from ..identity.target_role import CrossAccountRole
from .deployment import Deployment
from .wiring import role_args, shared_role_arns, target_arn, target_role


@dataclass
class Identities:
    """What the identity stages declared."""

    roles: dict[str, PodIdentityRole]
    """The roles the stack creates, by identity."""
    role_arns: dict[str, pulumi.Output[str]]
    """The role every identity binds (created, given, or exported by another stack)."""
    associations: dict[str, PodIdentityAssociations]
    """The associations of every identity bound here, by identity."""
    targets: dict[str, CrossAccountRole]
    """Cross-account target roles the stack creates, by identity."""


def declare_roles(
    d: Deployment, cluster_arns: Mapping[str, pulumi.Input[str]]
) -> tuple[dict[str, PodIdentityRole], dict[str, pulumi.Output[str]]]:
    """Stage 4: the roles this stack creates, and the ARN every identity binds."""
    args = {i.name: role_args(d.cfg, i, cluster_arns, d.partition.partition, d.tags) for i in d.cfg.identities if i.creates_role}
    d.renames.roles(migrations.RoleNames(name, a.name, tuple(a.managed_policy_arns), tuple(a.policy_documents)) for name, a in args.items())
    roles = {name: PodIdentityRole(name, a, opts=d.opts) for name, a in args.items()}
    role_arns: dict[str, pulumi.Output[str]] = {
        **{name: role.arn for name, role in roles.items()},
        **{i.name: pulumi.Output.from_input(i.role_arn) for i in d.cfg.identities if i.role_arn},
        **shared_role_arns(d.cfg, d.account),
    }
    return roles, role_arns


def declare_associations(
    d: Deployment, cluster_names: Mapping[str, pulumi.Input[str]], role_arns: dict[str, pulumi.Output[str]]
) -> dict[str, PodIdentityAssociations]:
    """Stage 5: every binding of every identity bound in this stack."""
    targets: dict[str, list[AssociationTarget]] = {}
    for b in d.cfg.bindings():
        targets.setdefault(b.identity, []).append(AssociationTarget(b.cluster, cluster_names[b.cluster], b.namespace, b.service_account))
    found = {}
    for ident in d.cfg.identities:  # a loop: one stack frame fewer under every association (see association.py)
        if not ident.shared:
            args = PodIdentityAssociationsArgs(
                role_arn=role_arns[ident.name],
                targets=targets.get(ident.name, []),
                target_role_arn=target_arn(ident),
                disable_session_tags=ident.disable_session_tags,
                session_policy=documents.to_json(ident.session_policy) if ident.session_policy else None,
                tags=d.tags,
            )
            found[ident.name] = PodIdentityAssociations(ident.name, args, opts=d.opts)
    return found


def declare_identities(
    d: Deployment, cluster_names: Mapping[str, pulumi.Input[str]], cluster_arns: Mapping[str, pulumi.Input[str]]
) -> Identities:
    """Stages 4 to 6; stage 6: cross-account target roles, trusting the associations' external IDs."""
    roles, role_arns = declare_roles(d, cluster_arns)
    associations = declare_associations(d, cluster_names, role_arns)
    targets = {
        ident.name: target_role(d.cfg, ident, role_arns[ident.name], associations[ident.name], d.region, d.credentials, d.tags, d.opts)
        for ident in d.cfg.identities
        if ident.target_role and ident.target_role.create
    }
    return Identities(roles, role_arns, associations, targets)
