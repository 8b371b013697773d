"""Names and certificates: ExternalDNS and cert-manager on Route 53, and the AWS Private CA
issuer for cert-manager."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from pydantic import Field, model_validator

from ...model import Model
from ..documents import Statement
from ..fields import HostedZoneArn
from .base import CertificateAuthorityArn, ManagedChoice, Upstream, WellKnown, stmt

PCA_MANAGED = ("AWSPrivateCAConnectorForKubernetesPolicy",)


class HostedZoneParams(Model):
    hosted_zone_arns: list[HostedZoneArn] = Field(min_length=1)


def external_dns(params: HostedZoneParams, partition: str, _: Sequence[str]) -> list[Statement]:
    """docs/tutorials/aws.md with the zones given. Listing records and zone tags is limited to the
    managed zones too: run ExternalDNS with matching zone filters (--zone-id-filter / --domain-filter)."""
    return [
        stmt(
            "ManageRecords",
            ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:ListTagsForResources"],
            params.hosted_zone_arns,
        ),
        stmt("FindZones", ["route53:ListHostedZones"]),
    ]


def cert_manager(params: HostedZoneParams, partition: str, _: Sequence[str]) -> list[Statement]:
    """The Route 53 DNS-01 policy: record changes limited to TXT records (the challenge), in the
    zones given."""
    return [
        stmt("ChangeStatus", ["route53:GetChange"], f"arn:{partition}:route53:::change/*"),
        stmt(
            "ChallengeRecords",
            ["route53:ChangeResourceRecordSets"],
            params.hosted_zone_arns,
            {"ForAllValues:StringEquals": {"route53:ChangeResourceRecordSetsRecordTypes": ["TXT"]}},
        ),
        stmt("ListRecords", ["route53:ListResourceRecordSets"], params.hosted_zone_arns),
        stmt("FindZones", ["route53:ListHostedZonesByName"]),
    ]


class PrivateCaParams(ManagedChoice):
    certificate_authority_arns: list[CertificateAuthorityArn] = Field(default_factory=list)
    MANAGED: ClassVar[tuple[str, ...]] = PCA_MANAGED

    @model_validator(mode="after")
    def _scoped(self) -> PrivateCaParams:
        if not self.certificate_authority_arns and not self.aws_managed_policies:
            raise ValueError("give certificateAuthorityArns (the CAs the issuer may use), or awsManagedPolicies")
        return self


def private_ca_issuer(params: PrivateCaParams, partition: str, _: Sequence[str]) -> list[Statement]:
    """The README's minimal policy, on the certificate authorities given."""
    if params.aws_managed_policies:
        return []
    return [
        stmt(
            "IssueCertificates",
            ["acm-pca:DescribeCertificateAuthority", "acm-pca:GetCertificate", "acm-pca:IssueCertificate"],
            params.certificate_authority_arns,
        )
    ]


ENTRIES = [
    WellKnown(
        "externalDns",
        "ExternalDNS",
        HostedZoneParams,
        external_dns,
        (Upstream("kubernetes-sigs/external-dns", "docs/tutorials/aws.md", "v0.22.0"),),
        "external-dns/external-dns",
    ),
    WellKnown(
        "certManager",
        "cert-manager (Route 53 DNS-01)",
        HostedZoneParams,
        cert_manager,
        (Upstream("cert-manager/website", "content/docs/configuration/acme/dns01/route53.md", "776e5dba56510fc9de84206b806b568447077f25"),),
        "cert-manager/cert-manager",
    ),
    WellKnown(
        "privateCaIssuer",
        "AWS Private CA issuer for cert-manager",
        PrivateCaParams,
        private_ca_issuer,
        (Upstream("cert-manager/aws-privateca-issuer", "README.md", "v1.9.0"),),
        "cert-manager/aws-privateca-issuer",
        managed_alternatives=PCA_MANAGED,
    ),
]
