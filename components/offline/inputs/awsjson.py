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

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet")
"""Workloads `kubectl rollout restart` can restart."""

EXPECTED = (
    "aws eks list-pod-identity-associations / describe-pod-identity-association / describe-addon, "
    "aws iam get-role / list-roles, aws eks describe-cluster, kubectl get serviceaccounts (or deployments, "
    "statefulsets, daemonsets) -o json"
)


class InputError(Exception):
    """A file that is not what the command reads; the message names the file and the place."""


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
        return _json_stream(text, path)
    try:
        docs = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as error:
        raise InputError(f"{path}: neither JSON nor YAML ({str(error).splitlines()[0]})") from None
    return docs


def _json_stream(text: str, path: str | Path) -> list[Any]:
    """One or more JSON values one after another, as a loop of CLI calls writes them."""
    decoder, docs, pos = json.JSONDecoder(), list[Any](), 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return docs
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as error:
            raise InputError(f"{path}: not valid JSON at line {error.lineno} column {error.colno}: {error.msg}") from None
        docs.append(value)


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


def _where(path: str, where: str) -> str:
    return f"{path}: {where}" if where else f"{path}"


def _at(where: str, key: str) -> str:
    """The place of `key` inside the document part `where` (e.g. `document 2.association`)."""
    return f"{where}.{key}" if where else key


def _str(obj: dict[str, Any], key: str, path: str, where: str, required: bool = True) -> str:
    value = obj.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        found = "missing" if value is None else f"{type(value).__name__} {value!r}"
        raise InputError(f"{_where(path, where)}: {key!r} should be a non-empty string, found {found}")
    return value


def _map(obj: dict[str, Any], key: str, path: str, where: str) -> dict[str, str]:
    value = obj.get(key) or {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise InputError(f"{_where(path, where)}: {key!r} should map strings to strings, found {value!r}")
    return dict(value)


def _dict(value: Any, path: str, where: str, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(f"{_where(path, where)}: {what} should be an object, found {type(value).__name__}")
    return value


def _list(value: Any, path: str, where: str, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise InputError(f"{_where(path, where)}: {what} should be a list, found {type(value).__name__}")
    return value


def _classify(doc: Any, path: str, where: str, out: Inputs) -> None:
    """Add what `doc` holds to `out`, or refuse it with the kinds that are read."""
    if isinstance(doc, list):
        for i, item in enumerate(doc):
            _classify(item, path, f"{where}[{i}]" if where else f"item {i}", out)
        return
    if not isinstance(doc, dict):
        raise InputError(f"{_where(path, where)}: found a {type(doc).__name__}, not an object; expected the output of {EXPECTED}")
    if "associations" in doc:
        if doc.get("nextToken"):
            out.notes.append(f"{path}: the list has a nextToken, so it is one page only; run the CLI without --max-items")
        for i, item in enumerate(_list(doc["associations"], path, where, "'associations'")):
            at = _at(where, f"associations[{i}]")
            out.associations.append(_association(_dict(item, path, at, "an association"), path, at, False))
    elif "association" in doc:
        out.associations.append(
            _association(_dict(doc["association"], path, where, "'association'"), path, _at(where, "association"), True)
        )
    elif "addon" in doc:
        out.addons.append(_addon(_dict(doc["addon"], path, where, "'addon'"), path, _at(where, "addon")))
    elif "addons" in doc:
        raise InputError(
            f"{_where(path, where)}: this is `aws eks list-addons` output (names only); save "
            "`aws eks describe-addon --cluster-name C --addon-name A` for each add-on instead"
        )
    elif "Role" in doc:
        out.roles.append(_role(_dict(doc["Role"], path, where, "'Role'"), path, _at(where, "Role")))
    elif "Roles" in doc or "RoleDetailList" in doc:
        key = "Roles" if "Roles" in doc else "RoleDetailList"
        if doc.get("IsTruncated"):
            out.notes.append(f"{path}: IsTruncated is true, so some roles are missing; run the CLI without --max-items")
        for i, item in enumerate(_list(doc[key], path, where, repr(key))):
            at = _at(where, f"{key}[{i}]")
            out.roles.append(_role(_dict(item, path, at, "a role"), path, at))
    elif "cluster" in doc and isinstance(doc["cluster"], dict):
        c, at = doc["cluster"], _at(where, "cluster")
        identity = _dict(c.get("identity") or {}, path, at, "'identity'")
        issuer = _dict(identity.get("oidc") or {}, path, _at(at, "identity"), "'oidc'").get("issuer") or ""
        arn = _str(c, "arn", path, at)
        if account_of(arn) is None:
            raise InputError(
                f"{_where(path, at)}: 'arn' should be a cluster ARN (arn:PARTITION:eks:REGION:ACCOUNT:cluster/NAME), found {arn!r}"
            )
        out.clusters.append(Cluster(_str(c, "name", path, at), arn, str(issuer), path))
    elif isinstance(doc.get("kind"), str) and isinstance(doc.get("items"), list):
        for i, item in enumerate(doc["items"]):
            item = _dict(item, path, _at(where, f"items[{i}]"), "an item")
            kind = item.get("kind") or doc["kind"].removesuffix("List")
            _kubernetes({**item, "kind": kind}, path, _at(where, f"items[{i}]"), out)
    elif isinstance(doc.get("kind"), str) and isinstance(doc.get("metadata"), dict):
        _kubernetes(doc, path, where, out)
    else:
        keys = ", ".join(sorted(map(str, doc))[:8]) or "none"
        raise InputError(f"{_where(path, where)}: not output this command reads (its keys: {keys}); expected the output of {EXPECTED}")


def _association(a: dict[str, Any], path: str, where: str, described: bool) -> Association:
    disable = a.get("disableSessionTags")
    if disable is not None and not isinstance(disable, bool):
        raise InputError(f"{path}: {where}: 'disableSessionTags' should be true or false, found {disable!r}")
    return Association(
        cluster=_str(a, "clusterName", path, where),
        namespace=_str(a, "namespace", path, where),
        service_account=_str(a, "serviceAccount", path, where),
        association_id=_str(a, "associationId", path, where),
        association_arn=_str(a, "associationArn", path, where, required=False),
        owner_arn=_str(a, "ownerArn", path, where, required=False),
        role_arn=_str(a, "roleArn", path, where) if described else None,
        target_role_arn=_str(a, "targetRoleArn", path, where, required=False) or None,
        disable_session_tags=disable,
        policy=_str(a, "policy", path, where, required=False) or None,
        described=described,
        source=path,
    )


def _addon(a: dict[str, Any], path: str, where: str) -> Addon:
    arns = _list(a.get("podIdentityAssociations") or [], path, where, "'podIdentityAssociations'")
    if not all(isinstance(x, str) for x in arns):
        raise InputError(f"{path}: {where}: 'podIdentityAssociations' should list association ARNs, found {arns!r}")
    namespace = (a.get("namespaceConfig") or {}).get("namespace") if isinstance(a.get("namespaceConfig"), dict) else None
    return Addon(
        cluster=_str(a, "clusterName", path, where),
        name=_str(a, "addonName", path, where),
        version=_str(a, "addonVersion", path, where),
        arn=_str(a, "addonArn", path, where),
        status=_str(a, "status", path, where, required=False),
        tags=_map(a, "tags", path, where),
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
    tags = _list(r.get("Tags") or [], path, where, "'Tags'")
    if not all(isinstance(t, dict) and isinstance(t.get("Key"), str) for t in tags):
        raise InputError(f"{path}: {where}: 'Tags' should be a list of {{Key, Value}}, found {tags!r}")
    if "AssumeRolePolicyDocument" not in r:
        raise InputError(f"{path}: {where}: role {r.get('RoleName')!r} has no AssumeRolePolicyDocument (its trust policy)")
    trust = policy_document(r["AssumeRolePolicyDocument"], path, f"{where}.AssumeRolePolicyDocument")
    _check_trust(trust, path, f"{where}.AssumeRolePolicyDocument")
    return Role(
        name=_str(r, "RoleName", path, where),
        arn=_str(r, "Arn", path, where),
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
    meta = _dict(obj.get("metadata"), path, where, "'metadata'")
    name = _str(meta, "name", path, _at(where, "metadata"))
    namespace = _str(meta, "namespace", path, _at(where, "metadata"), required=False) or "default"
    if kind == "ServiceAccount":
        out.service_accounts.append(
            ServiceAccount(namespace, name, _map(meta, "annotations", path, where), _map(meta, "labels", path, where), path)
        )
    elif kind in WORKLOAD_KINDS:
        spec = _dict(obj.get("spec") or {}, path, where, "'spec'")
        template = _dict(spec.get("template") or {}, path, _at(where, "spec"), "'template'")
        spec = _dict(template.get("spec") or {}, path, _at(where, "spec.template"), "'spec'")
        sa = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
        out.workloads.append(Workload(str(kind), namespace, name, str(sa), path))
    else:
        out.notes.append(
            f"{_where(path, where)}: {kind} {namespace}/{name} ignored (only ServiceAccounts and {', '.join(WORKLOAD_KINDS)} are read)"
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
