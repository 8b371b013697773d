"""Trust policies, as pure functions: who may assume a Pod Identity role or a target role.

A role's trust must admit exactly the pods bound to it. Conditions inside one statement are
AND-ed and the values of one condition key OR-ed, so a single statement listing namespaces
and service accounts admits every combination of them: bound at `team-a/app` and at
`kube-system/ebs-csi-controller-sa`, it would also admit `kube-system/app`. The bindings are
therefore grouped into statements whose combinations are all bound (`exact_scopes`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..arn import Arn
from ..iam.documents import (
    POD_IDENTITY_ACTIONS,
    POD_IDENTITY_PRINCIPAL,
    TAG_CLUSTER_ARN,
    TAG_NAMESPACE,
    TAG_SERVICE_ACCOUNT,
    Document,
    Statement,
    document,
)

SID = "EksPodIdentity"
# Organizations: an organization ID (Organization.Id pattern in botocore's organizations model),
# or the variable that makes a role trust only sessions from its own organization.
ORG_ID = re.compile(r"^o-[a-z0-9]{10,32}$")
RESOURCE_ORG_ID_VARIABLE = "${aws:ResourceOrgId}"


@dataclass(frozen=True)
class TrustScope:
    """One statement's conditions: every (cluster, namespace, service account) they combine
    to is a binding. An empty field puts no condition on that tag."""

    namespaces: tuple[str, ...] = ()
    service_accounts: tuple[str, ...] = ()
    clusters: tuple[str, ...] = ()


def exact_scopes(bindings: Iterable[tuple[str, str, str]], by_service_account: bool = True, by_cluster: bool = False) -> list[TrustScope]:
    """Group (cluster, namespace, service account) bindings into statements that admit them and
    nothing else, on the tags asked for.

    Pairs bound in the same clusters, then service accounts bound in the same namespaces,
    share a statement: each group is a full product, so it admits only bound combinations.
    A fan-out (namespaces x service accounts) stays one statement.
    """
    clusters_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for cluster, namespace, service_account in bindings:
        pair = (namespace, service_account) if by_service_account else ("", "")
        clusters_of[pair].add(cluster if by_cluster else "")
    namespaces_of: dict[tuple[frozenset[str], str], set[str]] = defaultdict(set)
    for (namespace, service_account), clusters in clusters_of.items():
        namespaces_of[(frozenset(clusters), service_account)].add(namespace)
    accounts_of: dict[tuple[frozenset[str], frozenset[str]], set[str]] = defaultdict(set)
    for (cluster_set, service_account), namespaces in namespaces_of.items():
        accounts_of[(cluster_set, frozenset(namespaces))].add(service_account)
    scopes = [
        TrustScope(tuple(sorted(ns - {""})), tuple(sorted(sas - {""})), tuple(sorted(clusters - {""})))
        for (clusters, ns), sas in accounts_of.items()
    ]
    return sorted(scopes, key=lambda s: (s.clusters, s.namespaces, s.service_accounts))


def irsa_statements(oidc_provider_arns: Sequence[str], pairs: Iterable[tuple[str, str]]) -> list[Statement]:
    """IRSA trust kept during a move to Pod Identity: each cluster's OIDC provider may still
    issue web identities for exactly the bound service accounts (`<issuer>:sub`), for STS
    (`<issuer>:aud`), as the EKS User Guide's IRSA trust policy does."""
    subjects = sorted({f"system:serviceaccount:{ns}:{sa}" for ns, sa in pairs})
    statements = []
    for i, arn in enumerate(sorted(set(oidc_provider_arns))):
        if ":oidc-provider/" not in arn:
            raise ValueError(f"{arn!r} is not an IAM OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/<issuer>)")
        issuer = arn.split(":oidc-provider/", 1)[1]
        statements.append(
            {
                "Sid": f"Irsa{i + 1}",
                "Effect": "Allow",
                "Principal": {"Federated": arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {f"{issuer}:sub": subjects, f"{issuer}:aud": "sts.amazonaws.com"}},
            }
        )
    return statements


def trust_policy(
    scopes: Sequence[TrustScope] = (),
    cluster_arns: Mapping[str, str] | None = None,
    source_org_id: str | None = None,
    extra: Sequence[Statement] = (),
) -> Document:
    """The trust policy of a Pod Identity role.

    Only `pods.eks.amazonaws.com` may call `sts:AssumeRole` and `sts:TagSession`. Each scope
    is one statement conditioned with `StringEquals` on the session tags EKS sends, so no
    association elsewhere can use the role; `cluster_arns` maps the scopes' cluster names to
    ARNs; `source_org_id` blocks use from outside the organisation. With no scope at all the
    statement is the unconditioned one AWS documents. `extra` statements follow (IRSA's).
    """
    arns = cluster_arns or {}
    statements = []
    for i, scope in enumerate(scopes or [TrustScope()]):
        equals: dict[str, str | list[str]] = {}
        for tag, values in (
            (TAG_NAMESPACE, scope.namespaces),
            (TAG_SERVICE_ACCOUNT, scope.service_accounts),
            (TAG_CLUSTER_ARN, tuple(arns[c] for c in scope.clusters)),
        ):
            if values:
                equals[f"aws:RequestTag/{tag}"] = sorted(set(values))
        if source_org_id:
            equals["aws:SourceOrgId"] = source_org_id
        statement: Statement = {
            "Sid": SID if len(scopes) < 2 else f"{SID}{i + 1}",
            "Effect": "Allow",
            "Principal": {"Service": POD_IDENTITY_PRINCIPAL},
            "Action": list(POD_IDENTITY_ACTIONS),
        }
        if equals:
            statement["Condition"] = {"StringEquals": equals}
        statements.append(statement)
    return document([*statements, *extra])


def target_trust_policy(source_role_arns: Sequence[str], external_ids: Sequence[str]) -> Document:
    """Trust policy of a cross-account target role, assumed by the association role(s).

    EKS chains from the association role into the target role and passes the association's
    `external_id` as `sts:ExternalId`, which "ensures that the target role can only be assumed
    by this association" (EKS API reference, PodIdentityAssociation.externalId): it is always
    required, and it pins cluster, namespace and service account on its own. The principal is
    the account root narrowed by `aws:PrincipalArn`, so the target role can be created before
    (or without) the source role existing, and no cycle forms.
    """
    if not external_ids:
        raise ValueError("a target role trusts its associations' external IDs; there are none")
    sources = [arn for arn in (Arn.parse(text) for text in source_role_arns) if arn]
    if not sources:
        raise ValueError(f"a target role trusts its source roles; none of {list(source_role_arns)} is an ARN")
    accounts = sorted({arn.account for arn in sources})
    partition = sources[0].partition
    return document(
        [
            {
                "Sid": "EksPodIdentityRoleChain",
                "Effect": "Allow",
                "Principal": {"AWS": [f"arn:{partition}:iam::{account}:root" for account in accounts]},
                "Action": list(POD_IDENTITY_ACTIONS),
                "Condition": {
                    "ArnEquals": {"aws:PrincipalArn": sorted(set(source_role_arns))},
                    "StringEquals": {"sts:ExternalId": sorted(set(external_ids))},
                },
            }
        ]
    )
