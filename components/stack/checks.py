"""The checks that span config sections: references, duplicates, limits, the sample's fit.

Each section parsed on its own first (`load.parse`); these run on what parsed, in order, and
all before anything registers. A problem is (key path, value, why and the fix).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from .. import aws_data, kubernetes
from ..arn import Arn
from ..iam import catalog
from ..identity.association import MAX_ASSOCIATIONS_PER_CLUSTER
from . import quotas
from .config import Binding, StackConfig

Problem = tuple[str, Any, str]


def problems(cfg: StackConfig, region: str | None = None, with_quotas: bool = True) -> list[Problem]:
    """Every problem that spans keys. `region` is the stack's `aws:region` when known: it fixes
    the partition every ARN must be in, and the length of the ARNs the trust policies name.
    The quotas are measured only on a config without other problems (`with_quotas`)."""
    found = [*region_problems(cfg, region), *duplicate_clusters(cfg)]
    fan_out = fan_out_problems(cfg)
    if fan_out:
        # Too many to build (2,000 x 2,000 bindings would take gigabytes): stop here.
        return [*found, *fan_out]
    for check in (identity_references, addon_references, duplicate_bindings, sample_problems, catalog_problems, role_name_problems):
        found += check(cfg)
    if with_quotas and not found:
        found += quotas.problems(cfg, region)
    return found


def strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a config dump, with its key path (`identities[0].roleArn`)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from strings(v, f"{path}[{i}]")


def arns(cfg: StackConfig) -> Iterator[tuple[str, Arn]]:
    """Every ARN the config holds, with its key path."""
    for path, value in strings(cfg.model_dump(by_alias=True, exclude_none=True)):
        arn = Arn.parse(value)
        if arn is not None:
            yield path, arn


def region_problems(cfg: StackConfig, region: str | None) -> list[Problem]:
    """`aws:region` must be one where EKS runs; zones and ARNs must be of its partition."""
    if region is None:
        return []
    found = aws_data.region_problem(region)
    if found:
        return [("aws:region", region, found)]
    partition = aws_data.partition_of_region(region)
    zones = [
        (f"clusters[{i}].network.availabilityZoneNames[{j}]", zone, f"is not a zone of aws:region {region!r} ({region}a, {region}b, ...)")
        for i, c in enumerate(cfg.clusters)
        for j, zone in enumerate(c.network.availability_zone_names)
        if not (zone.startswith(region) and len(zone) == len(region) + 1 and zone[-1].isalpha())
    ]
    return zones + [
        (path, str(arn), f"is in partition {arn.partition!r}, but aws:region {region!r} is in {partition!r}")
        for path, arn in arns(cfg)
        if arn.partition != partition
    ]


def duplicate_clusters(cfg: StackConfig) -> list[Problem]:
    names = [c.name for c in cfg.clusters]
    return [
        (f"clusters[{i}].name", name, "names a cluster twice; each cluster appears once")
        for i, name in enumerate(names)
        if name in names[:i]
    ]


def fan_out_problems(cfg: StackConfig) -> list[Problem]:
    """Associations per cluster, counted before any binding is built."""
    per_cluster: Counter[str] = Counter(b.cluster for b in cfg.addon_bindings())
    for ident in cfg.identities:
        for cluster in cfg.clusters_of(ident):
            per_cluster[cluster] += len(ident.all_namespaces) * len(ident.all_service_accounts)
    return [
        ("clusters", cluster, f"gets {count} associations; EKS allows {MAX_ASSOCIATIONS_PER_CLUSTER} per cluster")
        for cluster, count in per_cluster.items()
        if count > MAX_ASSOCIATIONS_PER_CLUSTER
    ]


def identity_references(cfg: StackConfig) -> list[Problem]:
    """Unique identity names, known clusters, and a binding (or export) for every identity."""
    found: list[Problem] = []
    cluster_names = [c.name for c in cfg.clusters]
    identity_names = [ident.name for ident in cfg.identities]
    addon_identities = {b.identity for b in cfg.addon_bindings()}
    for i, ident in enumerate(cfg.identities):
        if ident.name in identity_names[:i]:
            found.append((f"identities[{i}].name", ident.name, "names an identity twice; identity names are unique"))
        for j, cluster in enumerate(ident.clusters or []):
            if cluster not in cluster_names:
                found.append((f"identities[{i}].clusters[{j}]", cluster, f"is not a cluster of this stack; known: {cluster_names}"))
        if not ident.shared and ident.name not in addon_identities and (not cfg.clusters_of(ident) or not ident.all_namespaces):
            found.append(
                (
                    f"identities[{i}]",
                    ident.name,
                    (
                        "is bound to no cluster: give namespace, serviceAccount and clusters "
                        "(or shared: true to export the role for other stacks)"
                    ),
                )
            )
        if ident.shared and not ident.all_namespaces:
            found.append((f"identities[{i}]", ident.name, "a shared role needs namespace and serviceAccount for its trust scope"))
    return found


def addon_references(cfg: StackConfig) -> list[Problem]:
    """Add-ons listed once per cluster, naming identities of this stack that do not chain."""
    found: list[Problem] = []
    identity_names = [ident.name for ident in cfg.identities]
    for ci, c in enumerate(cfg.clusters):
        names = [a.name for a in c.addons]
        for ai, addon in enumerate(c.addons):
            path = f"clusters[{ci}].addons[{ai}]"
            if addon.name in names[:ai]:
                found.append((f"{path}.name", addon.name, "is listed twice on this cluster"))
            if addon.identity and addon.identity not in identity_names:
                found.append((f"{path}.identity", addon.identity, f"is not an identity of this stack; known: {identity_names}"))
            elif addon.identity and cfg.identity(addon.identity).target_role:
                found.append((f"{path}.identity", addon.identity, "add-on associations cannot chain into a target role"))
    return found


def duplicate_bindings(cfg: StackConfig) -> list[Problem]:
    """One association per (cluster, namespace, service account): EKS refuses a second (409)."""
    found: list[Problem] = []
    cluster_names = [c.name for c in cfg.clusters]
    index = {ident.name: i for i, ident in reversed(list(enumerate(cfg.identities)))}
    seen: dict[tuple[str, str, str], Binding] = {}
    for b in [*cfg.bindings(), *cfg.addon_bindings()]:
        if b.key in seen:
            where = f"identities[{index[b.identity]}]" if b.identity in index else f"clusters[{cluster_names.index(b.cluster)}].addons"
            why = f"is listed twice in {b.by}" if seen[b.key] == b else f"is bound by both {seen[b.key].by} and {b.by}"
            found.append(
                (
                    where,
                    f"{b.cluster}/{b.namespace}/{b.service_account}",
                    why
                    + (
                        "; EKS allows one association per service account per cluster (the second fails with 409 after "
                        "the rest was created)"
                    ),
                )
            )
        seen.setdefault(b.key, b)
    return found


def catalog_problems(cfg: StackConfig) -> list[Problem]:
    """Catalog entries that cannot be built for where the identity is bound (e.g. an entry
    scoped to clusters, on a shared identity that binds in none), or whose statement alone
    outgrows a managed policy (built as the quota count builds them: the longest partition)."""
    found: list[Problem] = []
    for i, ident in enumerate(cfg.identities):
        for key, params in ident.well_known_entries:
            try:
                catalog.policy_documents(key, params, quotas.LONGEST_PARTITION, cfg.clusters_of(ident))
            except ValueError as error:
                found.append((f"identities[{i}].wellKnown.{key}", ident.name, str(error).removeprefix(f"wellKnown.{key} ")))
    return found


def role_name_problems(cfg: StackConfig) -> list[Problem]:
    """Fixed role names this stack would give twice in one account. IAM role names are unique
    per account regardless of case, and two resources of one name are one URN too."""
    found: list[Problem] = []
    seen: dict[tuple[str, str], str] = {}
    for i, ident in enumerate(cfg.identities):
        fixed = [(f"identities[{i}].roleName", "", ident.role_name)] if ident.role_name else []
        create = ident.target_role.create if ident.target_role else None
        if create and create.role_name:
            fixed.append((f"identities[{i}].targetRole.create.roleName", create.account, create.role_name))
        for path, account, name in fixed:
            key = (account, name.lower())
            if key in seen:
                found.append(
                    (
                        path,
                        name,
                        (
                            f"names the same IAM role as {seen[key]} (role names are unique per account, "
                            "whatever their case): choose another"
                        ),
                    )
                )
            seen.setdefault(key, path)
    return found


def sample_problems(cfg: StackConfig) -> list[Problem]:
    """The sample must name a binding of this stack it can run as, on a cluster that can run it."""
    s = cfg.sample
    if s.kind == "none":
        return []
    names = [i.name for i in cfg.identities]
    if s.identity not in names:
        return [("sample.identity", s.identity, f"is not an identity of this stack; known: {names}")]
    if s.cluster is not None and s.cluster not in [c.name for c in cfg.clusters]:
        return [("sample.cluster", s.cluster, "is not a cluster of this stack")]
    binding = cfg.sample_binding()
    if binding is None:
        return [
            (
                "sample",
                f"{s.cluster or '*'}/{s.namespace or '*'}/{s.service_account or '*'}",
                f"matches no binding of identity {s.identity!r}; pick a cluster, namespace and service account it binds",
            )
        ]
    return _sample_objects(cfg, binding) or _sample_runs(cfg, binding)


def _sample_objects(cfg: StackConfig, binding: Binding) -> list[Problem]:
    """What the sample would create, and so delete on destroy: never what every cluster has."""
    s = cfg.sample
    if s.create_namespace and binding.namespace in kubernetes.SYSTEM_NAMESPACES:
        return [
            (
                "sample.createNamespace",
                True,
                (
                    f"would create namespace {binding.namespace!r}, which every cluster has and no "
                    "stack may own (destroy would delete it): set createNamespace: false"
                ),
            )
        ]
    if s.create_service_account and binding.service_account == "default":
        return [
            (
                "sample.serviceAccount",
                "default",
                (
                    "exists in every namespace and no stack may own it: bind another service "
                    "account, or set createServiceAccount: false to run the sample as 'default'"
                ),
            )
        ]
    return []


def _sample_runs(cfg: StackConfig, binding: Binding) -> list[Problem]:
    """Where the sample runs must be able to run it, with the role it writes with."""
    s = cfg.sample
    ident = cfg.identity(binding.identity)
    if s.kind == "job" and not ident.creates_role:
        return [("sample.identity", s.identity, "kind: job adds a policy to the role, so the identity must create its role")]
    if s.kind == "job" and ident.target_role:
        return [
            ("sample.identity", s.identity, "kind: job writes to a bucket of this account; its identity must not chain into a target role")
        ]
    cluster = next((c for c in cfg.clusters if c.name == binding.cluster), None)
    if cluster is not None and cluster.create and not cluster.auto_mode and cluster.desired_capacity == 0:
        i = cfg.clusters.index(cluster)
        return [(f"clusters[{i}].desiredCapacity", 0, "the sample runs a pod there and nothing would run it: give at least 1 node")]
    if cluster is not None and cluster.create and not s.create_namespace and binding.namespace not in kubernetes.SYSTEM_NAMESPACES:
        return [
            (
                "sample.createNamespace",
                False,
                (
                    f"the sample runs in namespace {binding.namespace!r} of cluster {cluster.name!r}, "
                    "which the stack creates with only its system namespaces: set createNamespace: true"
                ),
            )
        ]
    return []
