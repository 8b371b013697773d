"""Read what the AWS CLI and kubectl print, in whatever files the user saved it to.

The offline commands never call AWS: the user runs the read-only CLI commands and hands
over the output. Each file's kind is told from its shape (botocore's output shapes for EKS
and IAM, the Kubernetes `v1 List`), because people concatenate outputs or save one object
per file, and a wrong file must be named with what was expected rather than fail later
with a KeyError. Several JSON documents one after another in a file (a shell loop around
`describe-*`), a JSON array of them, and YAML (`-o yaml`, `--output yaml`) are all read.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ...arn import account_of
from .shapes import InputError, as_array, as_object, inside, json_stream, place, string, string_map

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet")
"""Workloads `kubectl rollout restart` can restart."""

EXPECTED = (
    "aws eks list-pod-identity-associations / describe-pod-identity-association / describe-addon, "
    "aws iam get-role / list-roles, aws eks describe-cluster, kubectl get serviceaccounts (or deployments, "
    "statefulsets, daemonsets) -o json"
)


@dataclass(frozen=True)
class Association:
    """A pod identity association as EKS reports it (list output lacks the role)."""

    cluster: str
    namespace: str
    service_account: str
    association_id: str
    association_arn: str = ""
    owner_arn: str = ""
    """Set when an EKS add-on created it: it belongs to the add-on, not to anyone's IaC."""
    role_arn: str | None = None
    target_role_arn: str | None = None
    disable_session_tags: bool | None = None
    policy: str | None = None
    described: bool = False
    """True when read from describe/create output, which carries the role and options."""
    source: str = ""

    @property
    def key(self) -> str:
        return f"{self.cluster}/{self.namespace}/{self.service_account}"


@dataclass(frozen=True)
class Addon:
    """An installed EKS add-on (describe-addon / create-addon output)."""

    cluster: str
    name: str
    version: str
    arn: str
    status: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    association_arns: tuple[str, ...] = ()
    namespace: str | None = None
    source: str = ""


@dataclass(frozen=True)
class Role:
    """An IAM role (get-role / list-roles output); `trust` is its decoded trust policy."""

    name: str
    arn: str
    trust: dict[str, Any]
    tags: dict[str, str] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True)
class ServiceAccount:
    namespace: str
    name: str
    annotations: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True)
class Workload:
    kind: str
    namespace: str
    name: str
    service_account: str
    """`default` when the pod template names none: that is what Kubernetes runs it as."""
    source: str = ""


@dataclass(frozen=True)
class Cluster:
    """describe-cluster output: the account and the OIDC issuer IRSA trusts."""

    name: str
    arn: str
    oidc_issuer: str = ""
    source: str = ""


@dataclass
class Inputs:
    associations: list[Association] = field(default_factory=list)
    addons: list[Addon] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    service_accounts: list[ServiceAccount] = field(default_factory=list)
    workloads: list[Workload] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What was read but could not be used, or may be incomplete (said, never silent)."""


def documents(path: str | Path) -> list[Any]:
    """The JSON or YAML documents in `path`, in order."""
    try:
        text = Path(path).read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read it ({error})") from None
    stripped = text.lstrip()
    if not stripped:
        raise InputError(f"{path}: the file is empty; expected the output of {EXPECTED}")
    if stripped[0] in "{[":
        return json_stream(text, path)
    try:
        docs = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as error:
        raise InputError(f"{path}: neither JSON nor YAML ({str(error).splitlines()[0]})") from None
    return docs


def read(paths: Iterable[str | Path]) -> Inputs:
    """Everything in `paths`, each object classified by its shape; duplicates merged."""
    out = Inputs()
    for path in paths:
        for i, doc in enumerate(documents(path)):
            _classify(doc, str(path), f"document {i + 1}" if i else "", out)
    out.associations = _merge_associations(out.associations)
    # The last output read for an add-on wins: a describe saved after create-addon is newer.
    out.addons = list({(a.cluster, a.name): a for a in out.addons}.values())
    return out


def _classify(doc: Any, path: str, where: str, out: Inputs) -> None:
    """Add what `doc` holds to `out`, or refuse it with the kinds that are read."""
    if isinstance(doc, list):
        for i, item in enumerate(doc):
            _classify(item, path, f"{where}[{i}]" if where else f"item {i}", out)
        return
    if not isinstance(doc, dict):
        raise InputError(f"{place(path, where)}: found a {type(doc).__name__}, not an object; expected the output of {EXPECTED}")
    if "associations" in doc:
        if doc.get("nextToken"):
            out.notes.append(f"{path}: the list has a nextToken, so it is one page only; run the CLI without --max-items")
        for i, item in enumerate(as_array(doc["associations"], path, where, "'associations'")):
            at = inside(where, f"associations[{i}]")
            out.associations.append(_association(as_object(item, path, at, "an association"), path, at, False))
    elif "association" in doc:
        out.associations.append(
            _association(as_object(doc["association"], path, where, "'association'"), path, inside(where, "association"), True)
        )
    elif "addon" in doc:
        out.addons.append(_addon(as_object(doc["addon"], path, where, "'addon'"), path, inside(where, "addon")))
    elif "addons" in doc:
        raise InputError(
            f"{place(path, where)}: this is `aws eks list-addons` output (names only); save "
            "`aws eks describe-addon --cluster-name C --addon-name A` for each add-on instead"
        )
    elif "Role" in doc:
        out.roles.append(_role(as_object(doc["Role"], path, where, "'Role'"), path, inside(where, "Role")))
    elif "Roles" in doc or "RoleDetailList" in doc:
        key = "Roles" if "Roles" in doc else "RoleDetailList"
        if doc.get("IsTruncated"):
            out.notes.append(f"{path}: IsTruncated is true, so some roles are missing; run the CLI without --max-items")
        for i, item in enumerate(as_array(doc[key], path, where, repr(key))):
            at = inside(where, f"{key}[{i}]")
            out.roles.append(_role(as_object(item, path, at, "a role"), path, at))
    elif "cluster" in doc and isinstance(doc["cluster"], dict):
        c, at = doc["cluster"], inside(where, "cluster")
        identity = as_object(c.get("identity") or {}, path, at, "'identity'")
        issuer = as_object(identity.get("oidc") or {}, path, inside(at, "identity"), "'oidc'").get("issuer") or ""
        arn = string(c, "arn", path, at)
        if account_of(arn) is None:
            raise InputError(
                f"{place(path, at)}: 'arn' should be a cluster ARN (arn:PARTITION:eks:REGION:ACCOUNT:cluster/NAME), found {arn!r}"
            )
        out.clusters.append(Cluster(string(c, "name", path, at), arn, str(issuer), path))
    elif isinstance(doc.get("kind"), str) and isinstance(doc.get("items"), list):
        for i, item in enumerate(doc["items"]):
            item = as_object(item, path, inside(where, f"items[{i}]"), "an item")
            kind = item.get("kind") or doc["kind"].removesuffix("List")
            _kubernetes({**item, "kind": kind}, path, inside(where, f"items[{i}]"), out)
    elif isinstance(doc.get("kind"), str) and isinstance(doc.get("metadata"), dict):
        _kubernetes(doc, path, where, out)
    else:
        keys = ", ".join(sorted(map(str, doc))[:8]) or "none"
        raise InputError(f"{place(path, where)}: not output this command reads (its keys: {keys}); expected the output of {EXPECTED}")


def _association(a: dict[str, Any], path: str, where: str, described: bool) -> Association:
    disable = a.get("disableSessionTags")
    if disable is not None and not isinstance(disable, bool):
        raise InputError(f"{path}: {where}: 'disableSessionTags' should be true or false, found {disable!r}")
    return Association(
        cluster=string(a, "clusterName", path, where),
        namespace=string(a, "namespace", path, where),
        service_account=string(a, "serviceAccount", path, where),
        association_id=string(a, "associationId", path, where),
        association_arn=string(a, "associationArn", path, where, required=False),
        owner_arn=string(a, "ownerArn", path, where, required=False),
        role_arn=string(a, "roleArn", path, where) if described else None,
        target_role_arn=string(a, "targetRoleArn", path, where, required=False) or None,
        disable_session_tags=disable,
        policy=string(a, "policy", path, where, required=False) or None,
        described=described,
        source=path,
    )


def _addon(a: dict[str, Any], path: str, where: str) -> Addon:
    arns = as_array(a.get("podIdentityAssociations") or [], path, where, "'podIdentityAssociations'")
    if not all(isinstance(x, str) for x in arns):
        raise InputError(f"{path}: {where}: 'podIdentityAssociations' should list association ARNs, found {arns!r}")
    namespace = (a.get("namespaceConfig") or {}).get("namespace") if isinstance(a.get("namespaceConfig"), dict) else None
    return Addon(
        cluster=string(a, "clusterName", path, where),
        name=string(a, "addonName", path, where),
        version=string(a, "addonVersion", path, where),
        arn=string(a, "addonArn", path, where),
        status=string(a, "status", path, where, required=False),
        tags=string_map(a, "tags", path, where),
        association_arns=tuple(arns),
        namespace=namespace,
        source=path,
    )


def policy_document(value: Any, path: str, where: str) -> dict[str, Any]:
    """A policy document as the CLI prints it (an object) or as the API sends it (URL-encoded JSON)."""
    if isinstance(value, str):
        text = urllib.parse.unquote(value) if value.lstrip().startswith("%") else value
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            try:
                value = json.loads(urllib.parse.unquote(text))
            except json.JSONDecodeError:
                raise InputError(f"{path}: {where}: not a JSON policy document (raw or URL-encoded)") from None
    if not isinstance(value, dict) or "Statement" not in value:
        raise InputError(f"{path}: {where}: not a policy document (no 'Statement')")
    return value


def _role(r: dict[str, Any], path: str, where: str) -> Role:
    tags = as_array(r.get("Tags") or [], path, where, "'Tags'")
    if not all(isinstance(t, dict) and isinstance(t.get("Key"), str) for t in tags):
        raise InputError(f"{path}: {where}: 'Tags' should be a list of {{Key, Value}}, found {tags!r}")
    if "AssumeRolePolicyDocument" not in r:
        raise InputError(f"{path}: {where}: role {r.get('RoleName')!r} has no AssumeRolePolicyDocument (its trust policy)")
    trust = policy_document(r["AssumeRolePolicyDocument"], path, f"{where}.AssumeRolePolicyDocument")
    _check_trust(trust, path, f"{where}.AssumeRolePolicyDocument")
    return Role(
        name=string(r, "RoleName", path, where),
        arn=string(r, "Arn", path, where),
        trust=trust,
        tags={t["Key"]: str(t.get("Value", "")) for t in tags},
        source=path,
    )


def _strings(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def _check_trust(trust: dict[str, Any], path: str, where: str) -> None:
    """Refuse what IAM never returns in the parts of a trust policy the commands read: an
    action that is not a string, an OIDC provider that is not an ARN with an account."""
    statements = trust["Statement"] if isinstance(trust["Statement"], list) else [trust["Statement"]]
    for i, s in enumerate(statements):
        if not isinstance(s, dict):
            continue
        at = f"{where}.Statement[{i}]"
        for key in ("Action", "NotAction"):
            if key in s and not _strings(s[key]):
                raise InputError(f"{path}: {at}: {key!r} should be a string or a list of strings, found {s[key]!r}")
        federated = s["Principal"].get("Federated", []) if isinstance(s.get("Principal"), dict) else []
        for arn in federated if isinstance(federated, list) else [federated]:
            if ":oidc-provider/" in str(arn) and account_of(arn) is None:
                raise InputError(
                    f"{path}: {at}: 'Federated' should be an OIDC provider ARN "
                    f"(arn:PARTITION:iam::ACCOUNT:oidc-provider/HOST), found {arn!r}"
                )


def _kubernetes(obj: dict[str, Any], path: str, where: str, out: Inputs) -> None:
    kind = obj.get("kind")
    meta = as_object(obj.get("metadata"), path, where, "'metadata'")
    name = string(meta, "name", path, inside(where, "metadata"))
    namespace = string(meta, "namespace", path, inside(where, "metadata"), required=False) or "default"
    if kind == "ServiceAccount":
        out.service_accounts.append(
            ServiceAccount(namespace, name, string_map(meta, "annotations", path, where), string_map(meta, "labels", path, where), path)
        )
    elif kind in WORKLOAD_KINDS:
        spec = as_object(obj.get("spec") or {}, path, where, "'spec'")
        template = as_object(spec.get("template") or {}, path, inside(where, "spec"), "'template'")
        spec = as_object(template.get("spec") or {}, path, inside(where, "spec.template"), "'spec'")
        sa = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
        out.workloads.append(Workload(str(kind), namespace, name, str(sa), path))
    else:
        out.notes.append(
            f"{place(path, where)}: {kind} {namespace}/{name} ignored (only ServiceAccounts and {', '.join(WORKLOAD_KINDS)} are read)"
        )


def _merge_associations(found: list[Association]) -> list[Association]:
    """One entry per association: describe output (with the role) wins over a list entry."""
    merged: dict[tuple[str, str], Association] = {}
    for a in found:
        key = (a.cluster, a.association_id)
        if key not in merged or (a.described and not merged[key].described):
            merged[key] = a
    return list(merged.values())


def only(found: Inputs, allowed: set[str], flag: str, paths: list[str]) -> None:
    """Refuse files given for `flag` that hold other kinds than `allowed`, or none of them."""
    kinds: dict[str, list[Any]] = {
        "associations": found.associations,
        "addons": found.addons,
        "roles": found.roles,
        "service accounts": found.service_accounts,
        "workloads": found.workloads,
        "clusters": found.clusters,
    }
    for kind, items in kinds.items():
        if items and kind not in allowed:
            raise InputError(f"{getattr(items[0], 'source', paths[0])}: holds {kind}, but {flag} reads {', '.join(sorted(allowed))}")
    if not any(kinds[k] for k in allowed):
        raise InputError(f"{', '.join(paths)}: no {' nor '.join(sorted(allowed))} found for {flag}")
