"""The AWS Organization the stack's account belongs to, read at run time for `trust.sourceOrgId`."""

from __future__ import annotations

import pulumi_aws as aws

from ..cluster.existing import NOT_FOUND, ClusterLookupError


class OrganizationLookupError(ClusterLookupError):
    """The organization could not be read for another reason than the account being in none."""


def organization_id() -> str | None:
    """The organization ID of the caller's account, or None when it is in no organization.

    organizations:DescribeOrganization may be called from any account of an organization
    (botocore organizations model, DescribeOrganization). terraform-provider-aws turns
    AWSOrganizationsNotInUseException into a not-found error (internal/service/organizations,
    findOrganization), whose text is "couldn't find resource".
    """
    try:
        return aws.organizations.get_organization(return_organization_only=True).id
    except Exception as error:  # noqa: BLE001 - the invoke raises a plain Exception
        if any(marker in str(error) for marker in (*NOT_FOUND, "AWSOrganizationsNotInUseException")):
            return None
        raise OrganizationLookupError(
            f"could not read the account's AWS Organization (organizations:DescribeOrganization): {error}. "
            "trust.sourceOrgId needs it to know the trust admits anyone: grant it, or remove sourceOrgId."
        ) from None
