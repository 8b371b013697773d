"""The stack configuration as a typed, validated model.

The program reads its structured config once, here, and refuses to start when anything is
wrong: every problem is collected and reported together with the key's path (for example
`identities[1].serviceAccount`), the bad value and the fix, before a single resource is
registered. Checks that need the whole config (references, duplicates, limits) run after
each key parsed on its own.
"""

from __future__ import annotations

import difflib
import typing
from collections import Counter
from collections.abc import Mapping
from typing import Annotated, Any, Literal

import pulumi
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from . import abac, catalog, documents, rules
from .model import (
    AddonVersion,
    BucketName,
    ClusterName,
    IamPath,
    Image,
    Model,
    Namespace,
    PolicyArn,
    RoleArn,
    RoleName,
    ServiceAccountName,
    Statements,
    matching,
)

PROJECT = "eks-pod-identity"
DEFAULT_AWS_CLI_IMAGE = "amazon/aws-cli:2.35.10"
DEFAULT_KUBERNETES_VERSION = "1.35"


class AddonConfig(Model):
    """An EKS add-on on a cluster, optionally with its own Pod Identity role."""

    name: Namespace
    version: AddonVersion | None = None
    identity: str | None = None
    service_account: ServiceAccountName | None = None
    namespace: Namespace = "kube-system"
    configuration_values: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> AddonConfig:
        if self.name == "eks-pod-identity-agent":
            raise ValueError("the agent is installed by installAgent/agentVersion, not listed under addons")
        if bool(self.identity) != bool(self.service_account):
            raise ValueError("an add-on identity needs both identity and serviceAccount (the add-on's own service account)")
        return self


class ClusterConfig(Model):
    """One EKS cluster: created with pulumi-eks, or an existing one adopted by name."""

    name: ClusterName
    create: bool = True
    version: str | None = None
    instance_type: str = "t3.medium"
    desired_capacity: int = Field(2, ge=0)
    min_size: int = Field(1, ge=0)
    max_size: int = Field(3, ge=1)
    authentication_mode: Literal["API", "API_AND_CONFIG_MAP"] = "API"
    auto_mode: bool = False
    install_agent: bool = True
    agent_version: AddonVersion | None = None
    node_types: list[Literal["linux", "windows", "fargate", "hybrid"]] = Field(default_factory=lambda: ["linux"])
    addons: list[AddonConfig] = Field(default_factory=list)

    @field_validator("version", mode="before")
    @classmethod
    def _version_is_text(cls, value: Any) -> Any:
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{value!r} must be a quoted string such as \"1.35\" (YAML reads 1.30 as the number 1.3)")
        return value

    @field_validator("version")
    @classmethod
    def _version(cls, value: str | None) -> str | None:
        if value is None:
            return value
        match = rules.KUBERNETES_VERSION.match(value)
        if not match:
            raise ValueError(f"{value!r} is not a Kubernetes minor version; quote it in YAML, e.g. \"1.35\"")
        if int(match.group(1)) < rules.MIN_POD_IDENTITY_MINOR:
            raise ValueError(f"{value!r} is too old: EKS Pod Identity needs Kubernetes 1.{rules.MIN_POD_IDENTITY_MINOR} or newer")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ClusterConfig:
        if self.create and not self.min_size <= self.desired_capacity <= self.max_size:
            raise ValueError(
                f"node counts must satisfy minSize <= desiredCapacity <= maxSize; got {self.min_size} <= "
                f"{self.desired_capacity} <= {self.max_size}"
            )
        if not self.auto_mode and not {"linux", "hybrid"} & set(self.node_types):
            raise ValueError(
                f"nodeTypes {self.node_types} has no Linux EC2 or hybrid nodes; Pod Identity does not work on "
                "Fargate or Windows, so add Linux nodes or use IRSA for this cluster"
            )
        if self.create and set(self.node_types) != {"linux"}:
            raise ValueError("nodeTypes describes an adopted cluster; a created cluster always gets Linux managed nodes")
        return self

    @property
    def kubernetes_version(self) -> str:
        return self.version or DEFAULT_KUBERNETES_VERSION


class TrustConfig(Model):
    """How narrowly the role's trust policy is scoped (session-tag conditions)."""

    scope_to_service_accounts: bool | None = None
    scope_to_clusters: bool = False
    source_org_id: str | None = None

    @field_validator("source_org_id")
    @classmethod
    def _org(cls, value: str | None) -> str | None:
        if value is not None and value != rules.RESOURCE_ORG_ID_VARIABLE and not rules.ORG_ID.match(value):
            raise ValueError(f"{value!r} is not an organization ID like 'o-a1b2c3d4e5' nor {rules.RESOURCE_ORG_ID_VARIABLE!r}")
        return value


WellKnownConfig = create_model(
    "WellKnownConfig", __base__=Model, **{key: (typing.Optional[entry.params], None) for key, entry in catalog.CATALOG.items()}
)
"""`identities[].wellKnown`: one optional block per catalog entry."""

AbacConfig = create_model(
    "AbacConfig", __base__=Model, **{key: (typing.Optional[t.params], None) for key, t in abac.TEMPLATES.items()}
)
"""`identities[].abac`: one optional block per session-tag template."""


class StackRoleConfig(Model):
    """A role exported by another stack of this project (the shared identity stack)."""

    stack: str
    output: str = "roleArns"
    key: str | None = None

    @field_validator("stack")
    @classmethod
    def _stack(cls, value: str) -> str:
        if not rules.STACK_NAME.match(value):
            raise ValueError(f"{value!r} is not a stack name like 'organization/eks-pod-identity/identities'")
        return value


class TargetRoleCreate(Model):
    """A target role the program creates in another account, through a provider that assumes `deployRoleArn`."""

    deploy_role_arn: Annotated[str, matching(rules.ROLE_ARN, "an IAM role ARN in the target account")]
    role_name: RoleName | None = None
    path: IamPath = "/"
    managed_policy_arns: list[PolicyArn] = Field(default_factory=list)
    statements: Statements = Field(default_factory=list)

    @property
    def account(self) -> str:
        return self.deploy_role_arn.split(":")[4]


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
    managed_policy_arns: list[PolicyArn] = Field(default_factory=list)
    statements: Statements = Field(default_factory=list)
    role_name: RoleName | None = None
    role_name_prefix: str | None = None
    path: IamPath = "/"
    permissions_boundary: PolicyArn | None = None
    max_session_duration: int = Field(rules.MIN_SESSION_DURATION, ge=rules.MIN_SESSION_DURATION, le=rules.MAX_SESSION_DURATION)
    description: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    trust: TrustConfig = Field(default_factory=TrustConfig)
    disable_session_tags: bool = False
    session_policy: dict[str, Any] | None = None
    role_arn: RoleArn | None = None
    role_from_stack: StackRoleConfig | None = None
    shared: bool = False
    well_known: WellKnownConfig = Field(default_factory=WellKnownConfig)  # type: ignore[valid-type]
    abac: AbacConfig = Field(default_factory=AbacConfig)  # type: ignore[valid-type]
    target_role: TargetRoleConfig | None = None
    allow_admin: bool = False

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if len(value) > rules.IDENTITY_NAME_MAX:
            raise ValueError(
                f"{value!r} is {len(value)} characters; at most {rules.IDENTITY_NAME_MAX} keep the auto-generated role name "
                f"within IAM's {rules.ROLE_NAME_MAX}"
            )
        found = rules.namespace_problem(value)
        if found:
            raise ValueError(f"{value!r} {found}")
        return value

    @field_validator("managed_policy_arns")
    @classmethod
    def _policy_arns(cls, values: list[str]) -> list[str]:
        if len(values) > rules.MAX_MANAGED_POLICIES_PER_ROLE:
            raise ValueError(f"{len(values)} policies; IAM attaches at most {rules.MAX_MANAGED_POLICIES_PER_ROLE} to a role")
        names = Counter(arn.rsplit("/", 1)[-1] for arn in values)
        repeated = sorted(name for name, count in names.items() if count > 1)
        if repeated:
            raise ValueError(f"policy names {repeated} appear more than once; list each policy once")
        return values

    @field_validator("role_name_prefix")
    @classmethod
    def _role_name_prefix(cls, value: str | None) -> str | None:
        if value is not None and (len(value) > rules.ROLE_NAME_PREFIX_MAX or not rules.ROLE_NAME.match(value)):
            raise ValueError(
                f"{value!r} is not a role name prefix: at most {rules.ROLE_NAME_PREFIX_MAX} of letters, digits and +=,.@_- "
                "(a 26-character suffix is added)"
            )
        return value

    @field_validator("session_policy")
    @classmethod
    def _session_policy(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is None:
            return value
        problems = documents.document_problems(value)
        if problems:
            raise ValueError("is not an IAM policy document: " + "; ".join(problems))
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
        if self.abac_templates and self.disable_session_tags:
            problems.append("abac templates match session tags, which disableSessionTags turns off; drop one of them")
        if self.target_role and not self.creates_role:
            problems.append("targetRole needs a role this stack creates, to grant it sts:AssumeRole on the target")
        attachments = len(self.managed_policy_arns) + sum(
            catalog.policy_count(k, p, self.clusters or []) for k, p in self.well_known_entries
        )
        if attachments > rules.MAX_MANAGED_POLICIES_PER_ROLE:
            problems.append(
                f"{attachments} managed policies (managedPolicyArns plus wellKnown) exceed IAM's {rules.MAX_MANAGED_POLICIES_PER_ROLE} per role"
            )
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
            admin = [arn for arn in self.managed_policy_arns if documents.is_admin_policy_arn(arn)]
            admin += [f"statements[{i}]" for i, s in enumerate(self.statements) if documents.grants_admin(s)]
            if admin:
                problems.append(f"{admin} grant every action on every resource; narrow them, or set allowAdmin: true")
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
        return {
            "managedPolicyArns": self.managed_policy_arns,
            "statements": self.statements,
            "roleName": self.role_name,
            "roleNamePrefix": self.role_name_prefix,
            "permissionsBoundary": self.permissions_boundary,
            "wellKnown": self.well_known_entries,
            "abac": self.abac_templates,
        }

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


class SampleConfig(Model):
    """The sample workload that proves a pod receives its role."""

    kind: Literal["deployment", "job", "none"] = "none"
    identity: str | None = None
    cluster: str | None = None
    namespace: str | None = None
    service_account: str | None = None
    create_namespace: bool = False
    image: Image | None = None
    bucket_name: BucketName | None = None

    @model_validator(mode="after")
    def _consistent(self) -> SampleConfig:
        if self.kind != "none" and not self.identity:
            raise ValueError(f"kind {self.kind!r} needs identity: the name of an identity of this stack")
        if self.bucket_name and self.kind != "job":
            raise ValueError("bucketName is used only by kind: job")
        return self


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
    environment: str = ""

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
            Binding(identity=a.identity, cluster=c.name, namespace=a.namespace, service_account=a.service_account, addon=a.name)
            for c in self.clusters
            for a in c.addons
            if a.identity and a.service_account
        ]

    def trust_scope(self, identity: IdentityConfig) -> tuple[list[str], list[str]]:
        """Namespaces and service accounts the identity's role may serve: its own and its add-ons'."""
        uses = [b for b in self.addon_bindings() if b.identity == identity.name]
        namespaces = [*identity.all_namespaces, *(b.namespace for b in uses)]
        service_accounts = [*identity.all_service_accounts, *(b.service_account for b in uses)]
        return list(dict.fromkeys(namespaces)), list(dict.fromkeys(service_accounts))

    def bindings(self) -> list[Binding]:
        """Every association the stack declares: the fan-out of each identity."""
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

    def cross_problems(self) -> list[tuple[str, Any, str]]:
        """Problems that span keys: references, duplicates and per-cluster limits."""
        problems: list[tuple[str, Any, str]] = []
        cluster_names = [c.name for c in self.clusters]
        for i, name in enumerate(cluster_names):
            if name in cluster_names[:i]:
                problems.append((f"clusters[{i}].name", name, "names a cluster twice; each cluster appears once"))
        identity_names = [ident.name for ident in self.identities]
        addon_bindings = self.addon_bindings()
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
            if not ident.shared and not used_by_addon and (ident.clusters == [] or not ident.all_namespaces):
                problems.append(
                    (f"identities[{i}]", ident.name, "is bound to no cluster: give namespace, serviceAccount and clusters "
                     "(or shared: true to export the role for other stacks)")
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
        seen: dict[tuple[str, str, str], str] = {}
        for b in all_bindings:
            if b.key in seen:
                problems.append(
                    (
                        f"identities[{identity_names.index(b.identity)}]",
                        f"{b.cluster}/{b.namespace}/{b.service_account}",
                        f"is bound by both {seen[b.key]!r} and {b.identity!r}; EKS allows one association per service account "
                        "per cluster (the second fails with 409 after the rest was created)",
                    )
                )
            seen.setdefault(b.key, b.identity)
        per_cluster = Counter(b.cluster for b in all_bindings)
        for cluster, count in per_cluster.items():
            if count > rules.MAX_ASSOCIATIONS_PER_CLUSTER:
                problems.append(
                    ("clusters", cluster, f"gets {count} associations; EKS allows {rules.MAX_ASSOCIATIONS_PER_CLUSTER} per cluster")
                )
        problems += self._sample_problems()
        return problems

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
        if s.kind == "job" and not self.identity(s.identity).creates_role:
            return [("sample.identity", s.identity, "kind: job adds a policy to the role, so the identity must create its role")]
        if s.kind == "job" and self.identity(s.identity).target_role:
            return [("sample.identity", s.identity, "kind: job writes to a bucket of this account; its identity must not chain into a target role")]
        return []


class ConfigError(pulumi.RunError):
    """Raised with every config problem at once; RunError makes Pulumi print it without a traceback."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"stack config has {len(problems)} problem(s); nothing was created:\n{lines}")


_SECTIONS: dict[str, Any] = {
    "clusters": TypeAdapter(list[ClusterConfig]),
    "identities": TypeAdapter(list[IdentityConfig]),
    "sample": TypeAdapter(SampleConfig),
}
_SCALARS = {"awsCliImage", "environment"}
STRUCTURED_KEYS = frozenset(_SECTIONS)
"""Keys whose values are objects or lists (JSON on the wire), not declared in Pulumi.yaml."""


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _field_names(section: str, loc: tuple[Any, ...]) -> list[str]:
    """Known keys at the place an unknown key was found, for 'did you mean'."""
    model: Any = {"clusters": ClusterConfig, "identities": IdentityConfig, "sample": SampleConfig}[section]
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        for field in model.model_fields.values():
            if field.alias != part:
                continue
            for candidate in (field.annotation, *typing.get_args(field.annotation)):
                if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                    model = candidate
    return [f.alias or n for n, f in model.model_fields.items()]


def _describe(section: str, err: Mapping[str, Any]) -> str:
    loc = (section, *err["loc"])
    # Pydantic appends the validator kind to the location of model-level errors.
    loc = tuple(p for p in loc if p not in ("function-after", "function-before"))
    key = f"{PROJECT}:{_path(loc)}"
    kind = err["type"]
    if kind == "missing":
        return f"{key}: is required; add it"
    if kind == "extra_forbidden":
        known = _field_names(section, err["loc"])
        guess = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"did you mean {guess[0]!r}?" if guess else f"known keys: {', '.join(sorted(known))}"
        return f"{key}: unknown key; {hint}"
    message = err["msg"].removeprefix("Value error, ")
    value = err.get("input")
    if isinstance(value, (dict, list)):
        return f"{key}: {message}"
    # Validators name the value themselves so that they read well alone; say it once.
    message = message.removeprefix(f"{value!r} ")
    shown = f" = {value!r}"
    return f"{key}{shown}: {message}"


def parse(raw: Mapping[str, Any]) -> StackConfig:
    """Validate raw config values (keys without the project prefix) into a StackConfig.

    Raises ConfigError listing every problem found.
    """
    problems: list[str] = []
    unknown = sorted(set(raw) - set(_SECTIONS) - _SCALARS)
    for key in unknown:
        guess = difflib.get_close_matches(key, [*_SECTIONS, *_SCALARS], n=1)
        problems.append(f"{PROJECT}:{key}: unknown key" + (f"; did you mean {PROJECT}:{guess[0]}?" if guess else ""))
    parsed: dict[str, Any] = {}
    for section, adapter in _SECTIONS.items():
        if section not in raw:
            if section == "clusters":
                problems.append(f"{PROJECT}:clusters: is required; list at least one cluster (see README, Configuration)")
            continue
        try:
            parsed[section] = adapter.validate_python(raw[section])
        except ValidationError as exc:
            problems += [_describe(section, e) for e in exc.errors()]
    for key in _SCALARS & set(raw):
        parsed[key] = raw[key]
    if problems:
        raise ConfigError(problems)
    try:
        config = StackConfig.model_validate(parsed)
    except ValidationError as exc:
        raise ConfigError([_describe(str(e["loc"][0]), {**e, "loc": e["loc"][1:]}) for e in exc.errors()]) from None
    cross = config.cross_problems()
    if cross:
        raise ConfigError([f"{PROJECT}:{path} = {value!r}: {why}" for path, value, why in cross])
    return config


def raw_from_pulumi() -> dict[str, Any]:
    """The project's config keys as the CLI passed them, objects decoded from JSON."""
    config = pulumi.Config(PROJECT)
    raw: dict[str, Any] = {}
    # The SDK has no public way to list keys; the runtime's map is needed to spot typos in
    # top-level key names, which would otherwise be ignored silently.
    all_keys = pulumi.runtime.config.CONFIG.get()
    for full_key in all_keys:
        namespace, _, key = full_key.partition(":")
        if namespace != PROJECT:
            continue
        raw[key] = config.get_object(key) if key in STRUCTURED_KEYS else config.get(key)
    return raw


def load() -> StackConfig:
    """Read and validate this stack's config; raises ConfigError before anything is created."""
    return parse(raw_from_pulumi())
