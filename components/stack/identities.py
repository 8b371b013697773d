"""Config of `eks-pod-identity:identities`: roles for pods and where they are bound."""

from __future__ import annotations

import re
from collections import Counter
from typing import Annotated, Any

from pydantic import Field, create_model, field_validator, model_validator

from .. import aws_data, names
from ..arn import Arn, name_of
from ..iam import abac, admin, catalog, documents, grammar, limits
from ..iam.fields import Description, IamPath, PolicyArn, PolicyArns, RoleArn, RoleName, Statements, TagKey, TagValue
from ..identity.trust import ORG_ID, RESOURCE_ORG_ID_VARIABLE
from ..kubernetes import Namespace, ServiceAccountName, namespace_problem
from ..model import Model, matching
from .tags import PROGRAM_TAGS

# Pulumi stack references: "stack", "project/stack" or "organization/project/stack".
STACK_NAME = re.compile(r"^([A-Za-z0-9_.-]+/){0,2}[A-Za-z0-9_.-]+$")
# An identity names its role resource "<identity>-role"; Pulumi appends "-" and 7 characters.
IDENTITY_NAME_MAX = grammar.ROLE_NAME_MAX - len(names.role("")) - 1 - names.AUTONAME_RANDOM


class TrustConfig(Model):
    """How narrowly the role's trust policy is scoped (session-tag conditions)."""

    scope_to_service_accounts: bool | None = None
    scope_to_clusters: bool = False
    source_org_id: str | None = None

    @field_validator("source_org_id")
    @classmethod
    def _org(cls, value: str | None) -> str | None:
        if value is not None and value != RESOURCE_ORG_ID_VARIABLE and not ORG_ID.match(value):
            raise ValueError(f"{value!r} is not an organization ID like 'o-a1b2c3d4e5' nor {RESOURCE_ORG_ID_VARIABLE!r}")
        return value


WellKnownConfig: type[Model] = create_model(  # type: ignore[call-overload]  # fields built from the catalog
    "WellKnownConfig", __base__=Model, **{key: (entry.params | None, None) for key, entry in catalog.CATALOG.items()}
)
"""`identities[].wellKnown`: one optional block per catalog entry."""

AbacConfig: type[Model] = create_model(  # type: ignore[call-overload]  # fields built from the templates
    "AbacConfig", __base__=Model, **{key: (t.params | None, None) for key, t in abac.TEMPLATES.items()}
)
"""`identities[].abac`: one optional block per session-tag template."""


class IrsaConfig(Model):
    """IRSA trust the role keeps while its service accounts move to Pod Identity."""

    oidc_provider_arns: list[
        Annotated[
            str,
            matching(
                grammar.OIDC_PROVIDER_ARN,
                "an EKS OIDC provider ARN like "
                "'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE'",
            ),
        ]
    ] = Field(min_length=1)


class StackRoleConfig(Model):
    """A role exported by another stack of this project (the shared identity stack)."""

    stack: str
    output: str = "roleArns"
    key: str | None = None

    @field_validator("stack")
    @classmethod
    def _stack(cls, value: str) -> str:
        if not STACK_NAME.match(value):
            raise ValueError(f"{value!r} is not a stack name like 'organization/eks-pod-identity/identities'")
        return value


class TargetRoleCreate(Model):
    """A target role the program creates in another account, through a provider that assumes `deployRoleArn`."""

    deploy_role_arn: Annotated[str, matching(grammar.ROLE_ARN, "an IAM role ARN in the target account")]
    role_name: RoleName | None = None
    path: IamPath = "/"
    managed_policy_arns: PolicyArns = Field(default_factory=list)
    statements: Statements = Field(default_factory=list)

    @property
    def account(self) -> str:
        arn = Arn.parse(self.deploy_role_arn)
        assert arn is not None, "validated as a role ARN"
        return arn.account


class TargetRoleConfig(Model):
    """Cross-account role chaining: pods end up in `arn`, or in a role created in another account."""

    arn: RoleArn | None = None
    create: TargetRoleCreate | None = None

    @model_validator(mode="after")
    def _one(self) -> TargetRoleConfig:
        if (self.arn is None) == (self.create is None):
            raise ValueError("give exactly one of arn (an existing target role) or create")
        return self


class IdentityConfig(Model):
    """An IAM role for pods and where it is bound: (cluster, namespace, service account) triples."""

    name: str
    namespace: Namespace | None = None
    namespaces: list[Namespace] = Field(default_factory=list)
    service_account: ServiceAccountName | None = None
    service_accounts: list[ServiceAccountName] = Field(default_factory=list)
    clusters: list[str] | None = None
    managed_policy_arns: PolicyArns = Field(default_factory=list)
    statements: Statements = Field(default_factory=list)
    role_name: RoleName | None = None
    role_name_prefix: str | None = None
    path: IamPath = "/"
    permissions_boundary: PolicyArn | None = None
    max_session_duration: int = Field(grammar.MIN_SESSION_DURATION, ge=grammar.MIN_SESSION_DURATION, le=grammar.MAX_SESSION_DURATION)
    description: Description | None = None
    tags: dict[TagKey, TagValue] = Field(default_factory=dict)
    trust: TrustConfig = Field(default_factory=TrustConfig)
    disable_session_tags: bool = False
    session_policy: dict[str, Any] | None = None
    role_arn: RoleArn | None = None
    role_from_stack: StackRoleConfig | None = None
    shared: bool = False
    well_known: WellKnownConfig = Field(default_factory=WellKnownConfig)
    abac: AbacConfig = Field(default_factory=AbacConfig)
    target_role: TargetRoleConfig | None = None
    allow_admin: bool = False
    irsa: IrsaConfig | None = None
    prove_associations: bool = False
    """A probe Job per binding proves the association is in effect (identity/probe.py); the
    stack output `provenAssociationIds` resolves after it, for workloads to wait on."""

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if len(value) > IDENTITY_NAME_MAX:
            raise ValueError(
                f"{value!r} is {len(value)} characters; at most {IDENTITY_NAME_MAX} keep the auto-generated role name "
                f"within IAM's {grammar.ROLE_NAME_MAX}"
            )
        found = namespace_problem(value)
        if found:
            raise ValueError(f"{value!r} {found}")
        return value

    @field_validator("managed_policy_arns")
    @classmethod
    def _policy_arns(cls, values: list[str]) -> list[str]:
        counts = Counter(name_of(arn) for arn in values)
        repeated = sorted(name for name, count in counts.items() if count > 1)
        if repeated:
            raise ValueError(f"policy names {repeated} appear more than once; list each policy once")
        return values

    @field_validator("tags")
    @classmethod
    def _tags(cls, tags: dict[str, str]) -> dict[str, str]:
        own = sorted(key for key in tags if key.lower() in PROGRAM_TAGS)
        if own:
            raise ValueError(
                f"{own} are the program's own tags, the ones that trace every resource to its stack (and mark the "
                "add-ons it owns): remove them (the environment tag comes from eks-pod-identity:environment)"
            )
        return tags

    @field_validator("role_name_prefix")
    @classmethod
    def _role_name_prefix(cls, value: str | None) -> str | None:
        if value is not None and (len(value) > grammar.ROLE_NAME_PREFIX_MAX or aws_data.problem("iam.roleName", value, "")):
            raise ValueError(
                f"{value!r} is not a role name prefix: at most {grammar.ROLE_NAME_PREFIX_MAX} of letters, digits and +=,.@_- "
                f"(a {grammar.UNIQUE_ID_SUFFIX}-character suffix is added)"
            )
        return value

    @field_validator("session_policy")
    @classmethod
    def _session_policy(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is None:
            return value
        problems = grammar.document_problems(value)
        if problems:
            raise ValueError("is not an IAM policy document: " + "; ".join(problems))
        if documents.size(value) > limits.SESSION_POLICY_SIZE:
            raise ValueError(
                f"is {documents.size(value)} characters; a session policy holds at most {limits.SESSION_POLICY_SIZE} "
                "(IAM and STS quotas): narrow it"
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> IdentityConfig:
        problems = []
        if self.role_arn and self.role_from_stack:
            problems.append("give either roleArn or roleFromStack, not both")
        if not self.creates_role:
            key = "roleArn" if self.role_arn else "roleFromStack"
            own = [k for k, v in self._role_settings().items() if v]
            if own:
                problems.append(f"{key} binds an existing role, so {own} cannot apply; remove them or remove {key}")
        if self.shared and not self.creates_role:
            problems.append("shared: true exports a role this stack creates; it cannot also use roleArn/roleFromStack")
        if self.shared and self.clusters:
            problems.append("a shared identity binds nowhere in this stack (cluster stacks bind it); remove clusters")
        if self.shared and self.prove_associations:
            problems.append("a shared identity binds nowhere in this stack: set proveAssociations in the cluster stacks that bind it")
        if self.shared and self.target_role:
            problems.append(
                "a shared role is bound by cluster stacks, whose associations would have to name the target role and whose "
                "external IDs its trust needs: chaining is not supported for shared roles; remove targetRole"
            )
        if self.shared and self.trust.scope_to_clusters:
            problems.append(
                "a shared role is bound in other stacks' clusters, which this stack cannot name: scopeToClusters would trust "
                "none of them; remove it (trust.sourceOrgId limits the role to your organization)"
            )
        if self.abac_templates and self.disable_session_tags:
            problems.append("abac templates match session tags, which disableSessionTags turns off; drop one of them")
        if self.target_role and not self.creates_role:
            problems.append("targetRole needs a role this stack creates, to grant it sts:AssumeRole on the target")
        if self.session_policy is not None and not self.disable_session_tags:
            problems.append("EKS accepts a sessionPolicy only with disableSessionTags: true; set it")
        if self.namespace and self.namespaces:
            problems.append("give either namespace or namespaces, not both")
        if self.service_account and self.service_accounts:
            problems.append("give either serviceAccount or serviceAccounts, not both")
        if self.role_name and self.role_name_prefix:
            problems.append("give either roleName or roleNamePrefix, not both")
        if bool(self.all_namespaces) != bool(self.all_service_accounts):
            problems.append("a binding needs both a namespace and a service account")
        if not self.allow_admin:
            granted = admin.admin_problems(self.statements, self.managed_policy_arns)
            create = self.target_role.create if self.target_role else None
            if create:
                granted += [f"targetRole.create: {p}" for p in admin.admin_problems(create.statements, create.managed_policy_arns)]
            if granted:
                problems.append(f"admin permissions: {'; '.join(granted)}; narrow them, or set allowAdmin: true")
        duplicates = grammar.duplicate_sids(self.inline_statements("aws", "arn:aws:iam::123456789012:role/target"))
        if duplicates:
            problems.append(
                f"Sids {duplicates} appear twice in the role's inline policy (statements plus the abac and targetRole "
                "statements the program adds); IAM needs them unique: rename yours"
            )
        tags_trust = self.trust.scope_to_service_accounts or self.trust.scope_to_clusters
        if self.disable_session_tags and tags_trust:
            problems.append(
                "trust conditions on session tags (trust.scopeToServiceAccounts / trust.scopeToClusters) never match "
                "when disableSessionTags is true; drop one of them"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _role_settings(self) -> dict[str, Any]:
        """Settings that shape a role this program creates (meaningless for an existing role)."""
        given = self.model_fields_set
        return {
            "managedPolicyArns": self.managed_policy_arns,
            "statements": self.statements,
            "roleName": self.role_name,
            "roleNamePrefix": self.role_name_prefix,
            "permissionsBoundary": self.permissions_boundary,
            "wellKnown": self.well_known_entries,
            "abac": self.abac_templates,
            "irsa": self.irsa,
            **{
                key: True
                for key, field in (
                    ("path", "path"),
                    ("description", "description"),
                    ("tags", "tags"),
                    ("maxSessionDuration", "max_session_duration"),
                    ("trust", "trust"),
                    ("allowAdmin", "allow_admin"),
                )
                if field in given
            },
        }

    def inline_statements(self, partition: str, target_arn: str | None) -> list[dict[str, Any]]:
        """The role's inline policy: the identity's statements, its ABAC templates', and the
        grant to chain into its target role (`target_arn`, when it has one)."""
        statements = [*self.statements, *abac.statements_for(self.abac_templates, partition)]
        if self.target_role and target_arn:
            statements.append(documents.assume_target_statement(target_arn))
        return statements

    @property
    def well_known_entries(self) -> list[tuple[str, Model]]:
        """The catalog entries this identity asks for, with their parameters."""
        return [(key, getattr(self.well_known, key)) for key in catalog.CATALOG if getattr(self.well_known, key) is not None]

    @property
    def abac_templates(self) -> list[tuple[str, Model]]:
        return [(key, getattr(self.abac, key)) for key in abac.TEMPLATES if getattr(self.abac, key) is not None]

    @property
    def all_namespaces(self) -> list[str]:
        return [self.namespace] if self.namespace else list(self.namespaces)

    @property
    def all_service_accounts(self) -> list[str]:
        return [self.service_account] if self.service_account else list(self.service_accounts)

    @property
    def scoped_to_service_accounts(self) -> bool:
        """Scoping is on by default, and off by default when session tags are disabled."""
        explicit = self.trust.scope_to_service_accounts
        return (not self.disable_session_tags) if explicit is None else explicit

    @property
    def creates_role(self) -> bool:
        return self.role_arn is None and self.role_from_stack is None
