"""Every name an earlier release gave a resource, kept as an alias: one place for renames.

0.1.0 joined names with `-` (`<identity>-<cluster>-<namespace>-<serviceAccount>`), which two
resources could share; 0.2.0 names resources by their AWS key (see `names`). A renamed
resource without an alias would be created anew and the old one deleted: an association or
add-on created twice fails with 409, a role of a fixed name with EntityAlreadyExists, and an
attachment deleted after its replacement detaches the policy the new one needs. So the stack
program (`stack.program`) computes every former name here and hands the components one
transformation that adds the aliases; the components and their public Args know none of it.
"""

from __future__ import annotations

import copy
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

import pulumi

from . import names
from .arn import name_of
from .tokens import ADDON, ADDON_COMPONENT, ASSOCIATION, ATTACHMENT, AWS_PROVIDER, INLINE, POLICY, ROLE

K = TypeVar("K", bound=Hashable)


def legacy_association(identity: str, cluster: str, namespace: str, service_account: str) -> str:
    """The name releases before 0.2 gave an association."""
    return f"{identity}-{cluster}-{namespace}-{service_account}"


def legacy_addon(cluster: str, addon_name: str) -> str:
    return f"{cluster}-{addon_name}"


def legacy_attachment(owner: str, policy_arn: str) -> str:
    return f"{owner}-{name_of(policy_arn)}"


def first_claims(former: Mapping[K, str]) -> dict[K, str]:
    """Key -> former name, each former name kept only for the first key (in declaration order,
    the order earlier releases registered in) that derives it.

    Joined with `-`, several resources of an earlier release could derive one name (`team` +
    `a-Reader` and `team-a` + `Reader`). The engine refused the second registration of that URN
    (error 2001), so a stack holds at most the first, which may have been created before the
    refusal; and two aliases claiming one URN are refused too (pkg/resource/deploy/
    step_generator.go getOldResource, errors 2008 and 2016).
    """
    kept: dict[K, str] = {}
    claimed: set[str] = set()
    for key, old in former.items():
        if old not in claimed:
            claimed.add(old)
            kept[key] = old
    return kept


@dataclass(frozen=True)
class RoleNames:
    """What a role component of the stack is called and attaches, for its former names."""

    component: str
    fixed_name: str | None
    managed_policy_arns: tuple[str, ...]
    policy_documents: tuple[str, ...]
    """Short names of the customer managed policies it creates."""


@dataclass
class Renames:
    """(resource type, current name) -> the names earlier releases gave it (same parent)."""

    former: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def add(self, type_: str, name: str, old: str | None) -> None:
        if old and old != name:
            self.former.setdefault((type_, name), []).append(old)

    def roles(self, roles: Iterable[RoleNames]) -> None:
        """Pod Identity roles: 0.1.0 named a fixed-name role's resources after its identity,
        and its attachments `<identity>-<policy name>`, the first of a shared name keeping it."""
        roles = list(roles)
        claims = first_claims(
            {(r.component, arn): legacy_attachment(r.component, arn) for r in roles for arn in dict.fromkeys(r.managed_policy_arns)}
        )
        for r in roles:
            key = names.role_key(r.component, r.fixed_name)
            legacy = r.component if key != r.component else None
            if legacy:
                self.add(ROLE, names.role(key), names.role(legacy))
                self.add(INLINE, names.inline_policy(key), names.inline_policy(legacy))
            for arn in dict.fromkeys(r.managed_policy_arns):
                self.add(ATTACHMENT, names.attachment(key, arn), claims.get((r.component, arn)))
            for short in r.policy_documents:
                if legacy:
                    self.add(POLICY, names.managed_policy(key, short), names.managed_policy(legacy, short))
                self.add(ATTACHMENT, names.managed_policy_attachment(key, short), f"{r.component}-{short}-attachment")

    def target_role(self, component: str, account: str, name: str, managed_policy_arns: Iterable[str]) -> None:
        """A cross-account target role: 0.1.0 named its provider, role, inline policy and
        attachments after its component."""
        key = names.target_role_key(account, name)
        self.add(AWS_PROVIDER, names.account_provider(key), names.account_provider(component))
        self.add(ROLE, names.role(key), names.role(component))
        self.add(INLINE, names.inline_policy(key), names.inline_policy(component))
        kept = first_claims({arn: legacy_attachment(component, arn) for arn in dict.fromkeys(managed_policy_arns)})
        for arn, old in kept.items():
            self.add(ATTACHMENT, names.attachment(key, arn), old)

    def associations(self, bindings: Iterable[tuple[str, str, str, str]]) -> None:
        """Associations by (identity, cluster, namespace, service account), in declaration order."""
        kept = first_claims({names.association(c, ns, sa): legacy_association(i, c, ns, sa) for i, c, ns, sa in bindings})
        for name, old in kept.items():
            self.add(ASSOCIATION, name, old)

    def addons(self, addons: Iterable[tuple[str, str]]) -> None:
        """Add-on components and their add-ons, by (cluster, add-on name)."""
        kept = first_claims({names.addon(c, a): legacy_addon(c, a) for c, a in addons})
        for name, old in kept.items():
            self.add(ADDON_COMPONENT, name, old)
            self.add(ADDON, f"{name}-addon", f"{old}-addon")

    def transformation(self) -> pulumi.ResourceTransformation:
        """Adds each resource's former names as aliases; given to every top-level component,
        whose children inherit it (the SDK applies a parent's transformations to its children).

        An alias is given as the URN the engine would derive for `Alias(name=old)` (same parent,
        same type: pulumi/pulumi sdk/go/common/resource/urn.go NewURN), computed here from the
        parent chain this transformation saw registered: the SDK resolves an `Alias` object
        through several Outputs per resource, which cost a fleet of a thousand associations
        about half of the program's time (bench/fleet_bench.py). A resource whose parent this
        transformation did not see gets the `Alias` object."""
        chains: dict[int, str] = {}

        def apply(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
            parent = args.opts.parent
            known = parent is None or id(parent) in chains
            if known:  # a chain under a parent not seen would lack that parent's types
                chains[id(args.resource)] = f"{chains[id(parent)]}${args.type_}" if parent is not None else args.type_
            former = self.former.get((args.type_, args.name))
            if not former:
                return None
            if not known:
                aliases: list[pulumi.Input[str | pulumi.Alias]] = [pulumi.Alias(name=old) for old in former]
            else:
                prefix = f"urn:pulumi:{pulumi.get_stack()}::{pulumi.get_project()}::{chains[id(args.resource)]}::"
                aliases = [f"{prefix}{old}" for old in former]
            options = copy.copy(args.opts)  # a shallow copy: the caller's options may serve other resources
            options.aliases = [*(args.opts.aliases or []), *aliases]
            return pulumi.ResourceTransformationResult(args.props, options)

        return apply
