"""Pulumi mocks that stand in for AWS and Kubernetes, with recognisable placeholder values.

Every value only AWS could know (account, ARNs, IDs) is made up here. They keep AWS's
formats, so documents built from them are valid IAM, and carry `MOCK` / account
123456789012 so nobody mistakes them for real ones.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks

from ...arn import account_of
from ...kubernetes import SYSTEM_NAMESPACES

ACCOUNT = "123456789012"
ORGANIZATION = "o-mock0000001"
"""The placeholder Organization ID (a valid pattern: o- and 10 to 32 of [a-z0-9])."""
PARTITION = "aws"
AGENT_VERSION = "v1.3.10-eksbuild.2"
OTHER_ADDON_VERSION = "v1.0.0-eksbuild.1"
ADOPTED_VERSION = "1.35"
MOCK_CA = base64.b64encode(b"MOCK CA").decode()

# pulumi's wire marker for a resource reference (sdk/python/lib/pulumi/runtime/rpc.py).
_SPECIAL_SIG = "4dabf18193072939515e22adb298388d"
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"


def _suffix(*parts: str, length: int = 7) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


@dataclass
class MockAddon:
    """An add-on already installed on an existing cluster."""

    version: str
    tags: dict[str, str] = field(default_factory=dict)
    """Empty: installed by hand (the seeds' `aws eks create-addon`); a stack's tags: created by it."""
    associations: dict[str, str] = field(default_factory=dict)
    """The add-on's own Pod Identity associations: service account -> role ARN."""


def hand_installed_agent() -> dict[str, MockAddon]:
    return {"eks-pod-identity-agent": MockAddon(AGENT_VERSION)}


@dataclass
class AdoptedCluster:
    """What an existing cluster has under mocks: its version, its add-ons, its objects.

    By default it already runs the agent add-on, installed by hand, as most clusters that
    followed the seeds do: a stack that adopts it must neither fail on it nor remove it.
    """

    version: str = ADOPTED_VERSION
    auto_mode: bool = False
    addons: dict[str, MockAddon] = field(default_factory=hand_installed_agent)
    objects: set[tuple[str, str, str]] = field(default_factory=set)
    """Kubernetes objects it holds besides the system ones: (kind, namespace, name)."""
    missing: bool = False
    """No such cluster (a typo, another region): `get_cluster` fails as EKS would."""
    access_entries: dict[str, dict[str, str]] = field(default_factory=dict)
    """Access entries it has: principal ARN -> tags (an entry EKS made for the creator has none)."""


def system_objects() -> set[tuple[str, str, str]]:
    """What every cluster has before anyone deploys to it: its system namespaces, each with its
    `default` service account (Kubernetes creates one in every namespace)."""
    return {("Namespace", "", ns) for ns in SYSTEM_NAMESPACES} | {("ServiceAccount", ns, "default") for ns in SYSTEM_NAMESPACES}


class AlreadyExists(Exception):
    """pulumi-kubernetes >= 4.29 creates client-side: an existing object is an error
    (provider/pkg/await/await.go Creation) unless the provider upserts."""


@dataclass
class Mocks(pulumi.runtime.Mocks):
    """Answers resource registrations and invokes as AWS and Kubernetes would, minus the waiting."""

    region: str = "us-east-1"
    caller_account: str = ACCOUNT
    """The account `pulumi up` runs in (`get_caller_identity`), where its resources land."""
    caller_arn: str = ""
    """Who runs `pulumi up` (`get_caller_identity`'s arn); by default a user MOCK of caller_account."""
    adopted: dict[str, AdoptedCluster] = field(default_factory=dict)
    stack_outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Outputs of the stacks a StackReference may name, by stack name."""
    monitor: pulumi_mocks.MockMonitor | None = None
    objects: dict[str, set[tuple[str, str, str]]] = field(default_factory=dict)
    """Kubernetes objects on each cluster (by name), the run's creations included."""
    organization: str | None = ORGANIZATION
    """The caller's AWS Organization ID; None: the account is in none."""

    def call(self, args: pulumi.runtime.MockCallArgs) -> Any:
        token, a = args.token, args.args
        if token == "aws:index/getPartition:getPartition":
            return {"id": PARTITION, "partition": PARTITION, "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws"}
        if token == "aws:index/getRegion:getRegion":
            return {"id": self.region, "name": self.region, "region": self.region, "endpoint": f"ec2.{self.region}.amazonaws.com"}
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            account = self.caller_account
            return {"id": account, "accountId": account, "arn": self.caller_arn or f"arn:aws:iam::{account}:user/MOCK", "userId": "MOCK"}
        if token == "aws:eks/getAddonVersion:getAddonVersion":
            version = AGENT_VERSION if a["addonName"] == "eks-pod-identity-agent" else OTHER_ADDON_VERSION
            return {"id": a["addonName"], "addonName": a["addonName"], "kubernetesVersion": a["kubernetesVersion"], "version": version}
        if token == "aws:eks/getCluster:getCluster":
            if self.adopted.get(a["name"], AdoptedCluster()).missing:
                # What the provider reports for DescribeCluster's 404 (see components/cluster/existing.py NOT_FOUND).
                return {}, [("name", f"reading EKS Cluster ({a['name']}): couldn't find resource")]
            return self._cluster_lookup(a["name"])
        if token == "aws:organizations/getOrganization:getOrganization":
            if self.organization is None:
                return {}, [("id", "reading Organizations Organization: couldn't find resource")]
            return {"id": self.organization, "arn": f"arn:aws:organizations::{self.caller_account}:organization/{self.organization}"}
        if token == "aws:eks/getAccessEntry:getAccessEntry":
            tags = self.adopted.get(a["clusterName"], AdoptedCluster()).access_entries.get(a["principalArn"])
            if tags is None:
                return {}, [("principalArn", f"reading EKS Access Entry ({a['clusterName']}:{a['principalArn']}): couldn't find resource")]
            return {
                "id": f"{a['clusterName']}:{a['principalArn']}",
                "clusterName": a["clusterName"],
                "principalArn": a["principalArn"],
                "tags": tags,
                "tagsAll": tags,
                "type": "STANDARD",
                "kubernetesGroups": [],
                "userName": a["principalArn"],
                "accessEntryArn": "",
                "createdAt": "",
                "modifiedAt": "",
            }
        if token == "aws:eks/getAddon:getAddon":
            return self._addon_lookup(a["clusterName"], a["addonName"])
        raise NotImplementedError(f"the mocks do not answer invoke {token}")

    def _addon_lookup(self, cluster: str, addon: str) -> Any:
        found = self.adopted.get(cluster, AdoptedCluster()).addons.get(addon)
        if found is None:
            # What the provider reports for DescribeAddon's 404 (see components/cluster/existing.py NOT_FOUND).
            return {}, [("addonName", f"reading EKS Add-On ({cluster}:{addon}): couldn't find resource")]
        return {
            "id": f"{cluster}:{addon}",
            "addonName": addon,
            "clusterName": cluster,
            "addonVersion": found.version,
            "arn": f"arn:aws:eks:{self.region}:{self.caller_account}:addon/{cluster}/{addon}/MOCK",
            "tags": found.tags,
            "podIdentityAssociations": [{"serviceAccount": sa, "roleArn": arn} for sa, arn in found.associations.items()],
            "configurationValues": "",
        }

    def _cluster_lookup(self, name: str) -> dict[str, Any]:
        known = self.adopted.get(name, AdoptedCluster())
        return {
            "id": name,
            "name": name,
            "arn": f"arn:aws:eks:{self.region}:{self.caller_account}:cluster/{name}",
            "version": known.version,
            "endpoint": self._endpoint(name),
            "certificateAuthorities": [{"data": MOCK_CA}],
            "computeConfigs": [{"enabled": known.auto_mode, "nodePools": [], "nodeRoleArn": ""}],
            "status": "ACTIVE",
        }

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        typ, name, inputs = args.typ, args.name, dict(args.inputs)
        if typ == "aws:iam/role:Role":
            role = inputs.get("name") or f"{inputs.get('namePrefix') or name + '-'}{_suffix(name)}"
            path = inputs.get("path") or "/"
            account = self._account(args.provider or "")
            return role, {**inputs, "name": role, "arn": f"arn:aws:iam::{account}:role{path}{role}", "uniqueId": "AROAMOCK"}
        if typ == "aws:iam/policy:Policy":
            policy = inputs.get("name") or f"{name}-{_suffix(name)}"
            arn = f"arn:aws:iam::{self._account(args.provider or '')}:policy{inputs.get('path') or '/'}{policy}"
            return arn, {**inputs, "name": policy, "arn": arn, "policyId": "ANPAMOCK"}
        if typ == "pulumi:pulumi:StackReference":
            stack = inputs.get("name") or args.resource_id
            if stack not in self.stack_outputs:
                raise KeyError(f"the mocks know no outputs for stack {stack!r}; pass stack_outputs")
            return stack, {"name": stack, "outputs": self.stack_outputs[stack], "secretOutputNames": []}
        if typ == "aws:eks/podIdentityAssociation:PodIdentityAssociation":
            assoc = f"a-mock{_suffix(name, length=13)}"
            arn = f"arn:aws:eks:{self.region}:{self.caller_account}:podidentityassociation/{inputs.get('clusterName')}/{assoc}"
            return assoc, {**inputs, "associationId": assoc, "associationArn": arn, "externalId": f"mock-{_suffix(name, length=32)}"}
        if typ == "aws:eks/addon:Addon":
            arn = f"arn:aws:eks:{self.region}:{self.caller_account}:addon/{inputs.get('clusterName')}/{inputs.get('addonName')}/MOCK"
            return f"{inputs.get('clusterName')}:{inputs.get('addonName')}", {**inputs, "arn": arn}
        if typ == "aws:s3/bucket:Bucket":
            bucket = inputs.get("bucket") or f"{name}-mock{_suffix(name)}".lower()
            return bucket, {**inputs, "bucket": bucket, "arn": f"arn:aws:s3:::{bucket}"}
        if typ == "awsx:ec2:Vpc":
            # Outputs only: `natGateways` is an input object but an output list of resources.
            return f"{name}-id", self._vpc_outputs(name, inputs)
        if typ == "eks:index:Cluster":
            return f"{name}-id", {**inputs, **self._eks_outputs(name, inputs)}
        if typ.startswith("kubernetes:") and not typ.startswith("kubernetes:index"):
            metadata = dict(inputs.get("metadata") or {})
            metadata.setdefault("name", f"{name}-mock{_suffix(name, length=8)}")
            kind = typ.rsplit(":", 1)[-1]
            # A Patch is a server-side apply: it creates the object or applies to the one there
            # (pulumi-kubernetes provider/pkg/await/await.go Creation, ApplyPatchType for patches).
            upsert = kind.endswith("Patch")
            self._create_object(args.provider or "", kind.removesuffix("Patch"), metadata.get("namespace", ""), metadata["name"], upsert)
            return f"{metadata.get('namespace', '')}/{metadata['name']}", {**inputs, "metadata": metadata}
        return f"{name}-id", inputs

    def _create_object(self, provider: str, kind: str, namespace: str, name: str, upsert: bool = False) -> None:
        """Create an object on the provider's cluster, refused when it exists, as the API server would."""
        registered = self.monitor.resources.get(provider.rsplit("::", 1)[0]) if self.monitor else None
        cluster = (registered.state.get("clusterIdentifier") if registered else None) or provider
        if cluster not in self.objects:
            self.objects[cluster] = system_objects() | self.adopted.get(cluster, AdoptedCluster()).objects
        key = (kind, namespace if kind != "Namespace" else "", name)
        if key in self.objects[cluster] and not upsert:
            where = f"{namespace}/{name}" if namespace else name
            raise AlreadyExists(
                f'resource "{where}" was not successfully created by the Kubernetes API server: {kind} "{name}" already '
                f"exists on cluster {cluster}"
            )
        self.objects[cluster].add(key)
        if kind == "Namespace":
            self.objects[cluster].add(("ServiceAccount", name, "default"))

    def _endpoint(self, cluster: str) -> str:
        return f"https://MOCK{_suffix(cluster).upper()}.gr7.{self.region}.eks.amazonaws.com"

    def _account(self, provider: str) -> str:
        """The account a resource lands in: a provider that assumes a role works in that role's account."""
        if provider and self.monitor is not None:
            registered = self.monitor.resources.get(provider.rsplit("::", 1)[0])
            roles = registered.state.get("assumeRoles") if registered else None
            # Provider inputs travel as JSON strings.
            roles = json.loads(roles) if isinstance(roles, str) else roles
            if roles and roles[-1].get("roleArn"):  # a chain ends in the account it works in
                return account_of(roles[-1]["roleArn"]) or self.caller_account
        return self.caller_account

    def _vpc_outputs(self, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        """pulumi-awsx's Vpc is a remote component too: one subnet of each kind per zone."""
        zones = len(inputs.get("availabilityZoneNames") or []) or int(inputs.get("numberOfAvailabilityZones") or 3)

        def subnet(kind: str, i: int) -> str:
            return f"subnet-mock{_suffix(name, kind, str(i), length=8)}"

        return {
            "vpcId": f"vpc-mock{_suffix(name, length=8)}",
            "privateSubnetIds": [subnet("private", i) for i in range(zones)],
            "publicSubnetIds": [subnet("public", i) for i in range(zones)],
            "isolatedSubnetIds": [],
        }

    def _eks_outputs(self, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        """pulumi-eks is one opaque remote component under mocks: supply what the program reads.

        `eksCluster` is a resource reference, so a matching `aws:eks/cluster:Cluster` is
        registered with the monitor for the SDK to rehydrate.
        """
        cluster_name = inputs.get("name") or name
        state = {
            "name": cluster_name,
            "arn": f"arn:aws:eks:{self.region}:{self.caller_account}:cluster/{cluster_name}",
            "version": inputs.get("version") or ADOPTED_VERSION,
            "endpoint": self._endpoint(cluster_name),
            "certificateAuthority": {"data": MOCK_CA},
        }
        urn = f"urn:pulumi:{pulumi.get_stack()}::{pulumi.get_project()}::eks:index:Cluster$aws:eks/cluster:Cluster::{name}-eksCluster"
        assert self.monitor is not None, "Mocks.monitor must be set to mock pulumi-eks clusters"
        self.monitor.resources[urn] = pulumi_mocks.MockMonitor.ResourceRegistration(urn, cluster_name, state)
        kubeconfig = {"apiVersion": "v1", "kind": "Config", "clusters": [{"name": cluster_name, "cluster": {"server": "https://MOCK"}}]}
        return {
            "eksCluster": {_SPECIAL_SIG: _RESOURCE_SIG, "urn": urn, "id": cluster_name},
            "kubeconfigJson": json.dumps(kubeconfig),
        }
