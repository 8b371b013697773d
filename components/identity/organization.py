"""The AWS Organization the stack's account belongs to, read at run time for `trust.sourceOrgId`."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from ..cluster.existing import NOT_FOUND, LookupFailed, lookup


class OrganizationLookupError(LookupFailed):
    """The organization could not be read for another reason than the account being in none."""


def organization_id(opts: pulumi.InvokeOptions | None = None) -> str | None:
    """The organization ID of the caller's account, or None when it is in no organization.

    organizations:DescribeOrganization may be called from any account of an organization
    (botocore organizations model, DescribeOrganization). terraform-provider-aws turns
    AWSOrganizationsNotInUseException into a not-found error (internal/service/organizations,
    findOrganization), whose text is "couldn't find resource".
    """
    found = lookup(
        lambda: aws.organizations.get_organization(return_organization_only=True, opts=opts),
        lambda error: OrganizationLookupError(
            f"could not read the account's AWS Organization (organizations:DescribeOrganization): {error}. "
            "trust.sourceOrgId needs it to know the trust admits anyone: grant it, or remove sourceOrgId."
        ),
        (*NOT_FOUND, "AWSOrganizationsNotInUseException"),
    )
    return None if found is None else found.id
