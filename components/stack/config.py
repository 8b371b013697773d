"""The whole stack config: its sections, and the bindings they declare.

Each section is validated on its own (`clusters`, `identities`, `sample`); what spans sections
is checked in `checks` (before anything registers) and `accounts` (at run time, once the
caller's account is known).
"""

from __future__ import annotations

from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field

from ..iam import limits
from ..iam.fields import TagValue
from ..identity.trust import TrustScope, exact_scopes
from ..model import Model
from ..sample.rules import Image
from .clusters import ClusterConfig
from .identities import IdentityConfig
from .sample import SampleConfig
from .tags import PROJECT, base_tags

__all__ = ["DEFAULT_AWS_CLI_IMAGE", "PROJECT", "Binding", "StackConfig", "base_tags"]

DEFAULT_AWS_CLI_IMAGE = "amazon/aws-cli:2.35.10"


class Binding(BaseModel):
    """One pod identity association: (cluster, namespace, service account) -> identity."""

    model_config = ConfigDict(frozen=True)
    identity: str
    cluster: str
    namespace: str
    service_account: str
    addon: str | None = None
    """Set when the association belongs to an EKS add-on (created through the add-on)."""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.cluster, self.namespace, self.service_account)

    @property
    def by(self) -> str:
        """Who makes the binding, in words: an identity, or an add-on for its identity."""
        return f"add-on {self.addon!r} (identity {self.identity!r})" if self.addon else f"identity {self.identity!r}"


class StackConfig(Model):
    """The whole stack's configuration, validated together."""

    clusters: list[ClusterConfig]
    identities: list[IdentityConfig] = Field(default_factory=list)
    sample: SampleConfig = Field(default_factory=SampleConfig)
    aws_cli_image: Image = DEFAULT_AWS_CLI_IMAGE
    environment: TagValue = ""
    role_managed_policy_quota: int = Field(
        limits.MANAGED_POLICIES_PER_ROLE, ge=limits.MANAGED_POLICIES_PER_ROLE, le=limits.MANAGED_POLICIES_PER_ROLE_MAX
    )
    """The account's "Managed policies attached to an IAM role" quota (10 unless raised)."""
    role_trust_policy_quota: int = Field(limits.TRUST_POLICY_SIZE, ge=limits.TRUST_POLICY_SIZE, le=limits.TRUST_POLICY_SIZE_MAX)
    """The account's "Role trust policy length" quota (2,048 unless raised)."""

    def identity(self, name: str) -> IdentityConfig:
        return next(i for i in self.identities if i.name == name)

    def clusters_of(self, identity: IdentityConfig) -> list[str]:
        if identity.shared:
            return []
        names = identity.clusters if identity.clusters is not None else [c.name for c in self.clusters]
        return list(dict.fromkeys(names))

    def addon_bindings(self) -> list[Binding]:
        """Associations owned by add-ons (`clusters[].addons[].identity`)."""
        return [
            Binding(identity=a.identity, cluster=c.name, namespace=a.role_namespace, service_account=a.service_account, addon=a.name)
            for c in self.clusters
            for a in c.addons
            if a.identity and a.service_account
        ]

    def trust_bindings(self, identity: IdentityConfig) -> list[tuple[str, str, str]]:
        """The (cluster, namespace, service account) triples the identity's role must admit:
        its bindings and its add-ons'; for a shared role, every pair it names (in no cluster)."""
        if identity.shared:
            return [("", ns, sa) for ns in identity.all_namespaces for sa in identity.all_service_accounts]
        return self._bindings_by_identity.get(identity.name, [])

    @cached_property
    def _bindings_by_identity(self) -> dict[str, list[tuple[str, str, str]]]:
        by_identity: dict[str, list[tuple[str, str, str]]] = {}
        for b in [*self.bindings(), *self.addon_bindings()]:
            by_identity.setdefault(b.identity, []).append(b.key)
        return by_identity

    def trust_scopes(self, identity: IdentityConfig) -> list[TrustScope]:
        """The role's trust statements: exactly its bindings, on the tags the identity scopes by."""
        return exact_scopes(self.trust_bindings(identity), identity.scoped_to_service_accounts, identity.trust.scope_to_clusters)

    def bindings(self) -> list[Binding]:
        """Every association the stack declares: the fan-out of each identity (built once)."""
        return list(self._bindings)

    @cached_property
    def _bindings(self) -> list[Binding]:
        return [
            Binding(identity=ident.name, cluster=cluster, namespace=ns, service_account=sa)
            for ident in self.identities
            for cluster in self.clusters_of(ident)
            for ns in ident.all_namespaces
            for sa in ident.all_service_accounts
        ]

    def sample_binding(self) -> Binding | None:
        """The binding whose service account the sample workload runs as."""
        if self.sample.kind == "none" or not self.sample.identity:
            return None
        s = self.sample
        for b in self.bindings():
            if (
                b.identity == s.identity
                and (s.cluster is None or b.cluster == s.cluster)
                and (s.namespace is None or b.namespace == s.namespace)
                and (s.service_account is None or b.service_account == s.service_account)
            ):
                return b
        return None
