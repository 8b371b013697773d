"""The whole stack config, and the checks that span its keys (references, duplicates, limits)."""

from __future__ import annotations

from collections import Counter
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .. import catalog, limits, rules
from ..model import Image, Model, TagValue
from ..trust import TrustScope, exact_scopes
from . import quotas as quota_checks
from .clusters import ClusterConfig
from .identities import IdentityConfig
from .sample import SampleConfig

PROJECT = "eks-pod-identity"
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


class StackConfig(Model):
    """The whole stack's configuration, validated together."""

    clusters: list[ClusterConfig]
    identities: list[IdentityConfig] = Field(default_factory=list)
    sample: SampleConfig = Field(default_factory=SampleConfig)
    aws_cli_image: Image = DEFAULT_AWS_CLI_IMAGE
    environment: TagValue = ""
    role_managed_policy_quota: int = Field(limits.MANAGED_POLICIES_PER_ROLE, ge=limits.MANAGED_POLICIES_PER_ROLE,
                                           le=limits.MANAGED_POLICIES_PER_ROLE_MAX)
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

    def account_problems(self, account: str) -> list[tuple[str, Any, str]]:
        """Problems only the caller's account reveals, checked at run time before anything registers.

        EKS binds a role only when the caller may pass it (iam:PassRole, EKS User Guide
        pod-id-association), which holds for roles of the cluster's own account: another
        account's role is reached by chaining (`targetRole`). And a config still holding the
        example accounts of AWS's documentation is an example, never deployed as it stands.
        """
        problems: list[tuple[str, Any, str]] = []
        for i, ident in enumerate(self.identities):
            if ident.role_arn and ident.role_arn.split(":")[4] != account:
                problems.append((
                    f"identities[{i}].roleArn", ident.role_arn,
                    (f"is a role of account {ident.role_arn.split(':')[4]}, but this stack deploys to {account}: an association "
                    "binds a role of the cluster's own account; reach the other account with targetRole: {arn: ...}"),
                ))
        problems += self._policy_account_problems(account)
        if account not in rules.PLACEHOLDER_ACCOUNTS:
            for path, value in _strings(self.model_dump(by_alias=True, exclude_none=True)):
                parts = value.split(":")
                if value.startswith("arn:") and len(parts) > 4 and parts[4] in rules.PLACEHOLDER_ACCOUNTS:
                    problems.append((path, value, f"names account {parts[4]}, a placeholder of AWS's documentation: replace it with yours"))
        return problems

    def _policy_account_problems(self, account: str) -> list[tuple[str, Any, str]]:
        """Customer managed policies of another account than the role's: IAM attaches (and
        bounds with) only policies of the role's own account or AWS's, so the attachment would
        fail with NoSuchEntity after the role was created."""
        problems: list[tuple[str, Any, str]] = []
        for i, ident in enumerate(self.identities):
            create = ident.target_role.create if ident.target_role else None
            owned = [(f"identities[{i}].managedPolicyArns[{j}]", arn, account) for j, arn in enumerate(ident.managed_policy_arns)]
            if ident.permissions_boundary:
                owned.append((f"identities[{i}].permissionsBoundary", ident.permissions_boundary, account))
            if create:
                owned += [(f"identities[{i}].targetRole.create.managedPolicyArns[{j}]", arn, create.account)
                          for j, arn in enumerate(create.managed_policy_arns)]
            for path, arn, owner in owned:
                policy_account = arn.split(":")[4]
                if policy_account not in ("aws", owner):
                    problems.append((path, arn, (
                        f"is a policy of account {policy_account}, but the role it goes on is in {owner}: IAM attaches only "
                        "AWS managed policies and the role's own account's; create the policy there"
                    )))
        return problems

    def creator_entries(self, caller_arn: str) -> dict[str, list[tuple[str, str]]]:
        """Created clusters whose `adminPrincipalArns` name the caller: cluster -> [(key, arn)].

        pulumi-eks always sets bootstrapClusterCreatorAdminPermissions (cluster.ts 739), so
        EKS gives whoever creates the cluster an admin access entry of its own; a second entry
        for the same principal then fails with 409 after the cluster exists. It matters only
        while the cluster does not exist: the program asks EKS before refusing.
        """
        found: dict[str, list[tuple[str, str]]] = {}
        for i, c in enumerate(self.clusters):
            for j, arn in enumerate(c.admin_principal_arns if c.create else []):
                if rules.same_principal(arn, caller_arn):
                    found.setdefault(c.name, []).append((f"clusters[{i}].adminPrincipalArns[{j}]", arn))
        return found

    def cross_problems(self, region: str | None = None, quotas: bool = True) -> list[tuple[str, Any, str]]:
        """Problems that span keys: references, duplicates, per-cluster limits and IAM quotas.

        `region` is the stack's `aws:region` when known: it fixes the partition every ARN must
        be in, and the length of the ARNs the trust policies will name.
        """
        problems: list[tuple[str, Any, str]] = self._region_problems(region)
        cluster_names = [c.name for c in self.clusters]
        for i, name in enumerate(cluster_names):
            if name in cluster_names[:i]:
                problems.append((f"clusters[{i}].name", name, "names a cluster twice; each cluster appears once"))
        identity_names = [ident.name for ident in self.identities]
        addon_bindings = self.addon_bindings()
        fan_out = self._fan_out_problems()
        if fan_out:
            # Too many to build (2,000 x 2,000 bindings would take gigabytes): stop here.
            return [*problems, *fan_out]
        all_bindings = [*self.bindings(), *addon_bindings]
        for i, name in enumerate(identity_names):
            if name in identity_names[:i]:
                problems.append((f"identities[{i}].name", name, "names an identity twice; identity names are unique"))
        for i, ident in enumerate(self.identities):
            for j, cluster in enumerate(ident.clusters or []):
                if cluster not in cluster_names:
                    problems.append(
                        (f"identities[{i}].clusters[{j}]", cluster, f"is not a cluster of this stack; known: {cluster_names}")
                    )
            used_by_addon = any(b.identity == ident.name for b in addon_bindings)
            if not ident.shared and not used_by_addon and (not self.clusters_of(ident) or not ident.all_namespaces):
                problems.append(
                    (f"identities[{i}]", ident.name, ("is bound to no cluster: give namespace, serviceAccount and clusters "
                     "(or shared: true to export the role for other stacks)"))
                )
            if ident.shared and not ident.all_namespaces:
                problems.append((f"identities[{i}]", ident.name, "a shared role needs namespace and serviceAccount for its trust scope"))
        for ci, c in enumerate(self.clusters):
            names = [a.name for a in c.addons]
            for ai, addon in enumerate(c.addons):
                path = f"clusters[{ci}].addons[{ai}]"
                if addon.name in names[:ai]:
                    problems.append((f"{path}.name", addon.name, "is listed twice on this cluster"))
                if addon.identity and addon.identity not in identity_names:
                    problems.append((f"{path}.identity", addon.identity, f"is not an identity of this stack; known: {identity_names}"))
                elif addon.identity and self.identity(addon.identity).target_role:
                    problems.append((f"{path}.identity", addon.identity, "add-on associations cannot chain into a target role"))
        seen: dict[tuple[str, str, str], Binding] = {}
        index = {name: i for i, name in reversed(list(enumerate(identity_names)))}
        for b in all_bindings:
            if b.key in seen:
                problems.append(
                    (
                        f"identities[{index[b.identity]}]" if b.identity in index else f"clusters[{cluster_names.index(b.cluster)}].addons",
                        f"{b.cluster}/{b.namespace}/{b.service_account}",
                        (f"is listed twice in {_by(b)}" if seen[b.key] == b else f"is bound by both {_by(seen[b.key])} and {_by(b)}")
                        + "; EKS allows one association per service account per cluster (the second fails with 409 after "
                        "the rest was created)",
                    )
                )
            seen.setdefault(b.key, b)
        problems += self._sample_problems()
        problems += self._catalog_problems()
        problems += self._role_name_problems()
        if quotas and not problems:
            problems += quota_checks.problems(self, region)
        return problems

    def _role_name_problems(self) -> list[tuple[str, Any, str]]:
        """Fixed role names this stack would give twice in one account. IAM role names are unique
        per account regardless of case, and two resources of one name are one URN too."""
        found: list[tuple[str, Any, str]] = []
        seen: dict[tuple[str, str], str] = {}
        for i, ident in enumerate(self.identities):
            names = []
            if ident.role_name:
                names.append((f"identities[{i}].roleName", "", ident.role_name))
            create = ident.target_role.create if ident.target_role else None
            if create and create.role_name:
                names.append((f"identities[{i}].targetRole.create.roleName", create.account, create.role_name))
            for path, account, name in names:
                key = (account, name.lower())
                if key in seen:
                    found.append((path, name, (f"names the same IAM role as {seen[key]} (role names are unique per account, "
                                              "whatever their case): choose another")))
                seen.setdefault(key, path)
        return found

    def _catalog_problems(self) -> list[tuple[str, Any, str]]:
        """Catalog entries that cannot be built for where the identity is bound (e.g. an entry
        scoped to clusters, on a shared identity that binds in none), or whose statement alone
        outgrows a managed policy (built as the quota count builds them: the longest partition)."""
        found: list[tuple[str, Any, str]] = []
        for i, ident in enumerate(self.identities):
            for key, params in ident.well_known_entries:
                try:
                    catalog.policy_documents(key, params, "aws-us-gov", self.clusters_of(ident))
                except ValueError as error:
                    found.append((f"identities[{i}].wellKnown.{key}", ident.name, str(error).removeprefix(f"wellKnown.{key} ")))
        return found

    def _fan_out_problems(self) -> list[tuple[str, Any, str]]:
        """Associations per cluster, counted before any binding is built."""
        per_cluster: Counter[str] = Counter(
            b.cluster for b in self.addon_bindings()
        )
        for ident in self.identities:
            for cluster in self.clusters_of(ident):
                per_cluster[cluster] += len(ident.all_namespaces) * len(ident.all_service_accounts)
        return [
            ("clusters", cluster, f"gets {count} associations; EKS allows {rules.MAX_ASSOCIATIONS_PER_CLUSTER} per cluster")
            for cluster, count in per_cluster.items()
            if count > rules.MAX_ASSOCIATIONS_PER_CLUSTER
        ]

    def _region_problems(self, region: str | None) -> list[tuple[str, Any, str]]:
        if region is None:
            return []
        found = limits.region_problem(region)
        if found:
            return [("aws:region", region, found)]
        partition = limits.partition_of_region(region)
        zones = [
            (f"clusters[{i}].network.availabilityZoneNames[{j}]", zone, f"is not a zone of aws:region {region!r} ({region}a, {region}b, ...)")
            for i, c in enumerate(self.clusters)
            for j, zone in enumerate(c.network.availability_zone_names)
            if not (zone.startswith(region) and len(zone) == len(region) + 1 and zone[-1].isalpha())
        ]
        return zones + [
            (path, value, f"is in partition {value.split(':')[1]!r}, but aws:region {region!r} is in {partition!r}")
            for path, value in _strings(self.model_dump(by_alias=True, exclude_none=True))
            if value.startswith("arn:") and value.count(":") >= 5 and value.split(":")[1] != partition
        ]

    def _sample_problems(self) -> list[tuple[str, Any, str]]:
        s = self.sample
        if s.kind == "none":
            return []
        names = [i.name for i in self.identities]
        if s.identity not in names:
            return [("sample.identity", s.identity, f"is not an identity of this stack; known: {names}")]
        if s.cluster is not None and s.cluster not in [c.name for c in self.clusters]:
            return [("sample.cluster", s.cluster, "is not a cluster of this stack")]
        if self.sample_binding() is None:
            return [
                (
                    "sample",
                    f"{s.cluster or '*'}/{s.namespace or '*'}/{s.service_account or '*'}",
                    f"matches no binding of identity {s.identity!r}; pick a cluster, namespace and service account it binds",
                )
            ]
        binding = self.sample_binding()
        assert binding is not None
        if s.create_namespace and binding.namespace in rules.SYSTEM_NAMESPACES:
            return [(
                "sample.createNamespace", True,
                (f"would create namespace {binding.namespace!r}, which every cluster has and no stack may own (destroy would "
                "delete it): set createNamespace: false"),
            )]
        if s.create_service_account and binding.service_account == "default":
            return [(
                "sample.serviceAccount", "default",
                ("exists in every namespace and no stack may own it: bind another service account, or set "
                "createServiceAccount: false to run the sample as 'default'"),
            )]
        if s.kind == "job" and not self.identity(s.identity).creates_role:
            return [("sample.identity", s.identity, "kind: job adds a policy to the role, so the identity must create its role")]
        if s.kind == "job" and self.identity(s.identity).target_role:
            return [("sample.identity", s.identity, "kind: job writes to a bucket of this account; its identity must not chain into a target role")]
        cluster = next((c for c in self.clusters if c.name == binding.cluster), None)
        if cluster is not None and cluster.create and not cluster.auto_mode and cluster.desired_capacity == 0:
            i = self.clusters.index(cluster)
            return [(f"clusters[{i}].desiredCapacity", 0, "the sample runs a pod there and nothing would run it: give at least 1 node")]
        if cluster is not None and cluster.create and not s.create_namespace and binding.namespace not in rules.SYSTEM_NAMESPACES:
            return [(
                "sample.createNamespace", False,
                (f"the sample runs in namespace {binding.namespace!r} of cluster {cluster.name!r}, which the stack creates "
                "with only its system namespaces: set createNamespace: true"),
            )]
        return []


def _strings(value: Any, path: str = "") -> list[tuple[str, str]]:
    """Every string in a config dump, with its key path (`identities[0].roleArn`)."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _strings(v, f"{path}.{k}" if path else k)]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _strings(v, f"{path}[{i}]")]
    return []


def _by(binding: Binding) -> str:
    """Who makes a binding, in words: an identity, or an add-on for its identity."""
    return f"add-on {binding.addon!r} (identity {binding.identity!r})" if binding.addon else f"identity {binding.identity!r}"
