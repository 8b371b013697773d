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

ACCOUNT = "123456789012"
PARTITION = "aws"
AGENT_VERSION = "v1.3.10-eksbuild.2"
OTHER_ADDON_VERSION = "v1.0.0-eksbuild.1"
ADOPTED_VERSION = "1.35"

# pulumi's wire marker for a resource reference (sdk/python/lib/pulumi/runtime/rpc.py).
_SPECIAL_SIG = "4dabf18193072939515e22adb298388d"
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"


def _suffix(*parts: str, length: int = 7) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


@dataclass
class AdoptedCluster:
    """What `aws.eks.get_cluster` reports for an existing cluster under mocks."""

    version: str = ADOPTED_VERSION
    auto_mode: bool = False


@dataclass
class Mocks(pulumi.runtime.Mocks):
    """Answers resource registrations and invokes as AWS and Kubernetes would, minus the waiting."""

    region: str = "us-east-1"
    adopted: dict[str, AdoptedCluster] = field(default_factory=dict)
    stack_outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Outputs of the stacks a StackReference may name, by stack name."""
    monitor: pulumi_mocks.MockMonitor | None = None

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        token, a = args.token, args.args
        if token == "aws:index/getPartition:getPartition":
            return {"id": PARTITION, "partition": PARTITION, "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws"}
        if token == "aws:index/getRegion:getRegion":
            return {"id": self.region, "name": self.region, "region": self.region, "endpoint": f"ec2.{self.region}.amazonaws.com"}
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"id": ACCOUNT, "accountId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:user/MOCK", "userId": "MOCK"}
        if token == "aws:eks/getAddonVersion:getAddonVersion":
            version = AGENT_VERSION if a["addonName"] == "eks-pod-identity-agent" else OTHER_ADDON_VERSION
            return {"id": a["addonName"], "addonName": a["addonName"], "kubernetesVersion": a["kubernetesVersion"], "version": version}
        if token == "aws:eks/getCluster:getCluster":
            return self._cluster_lookup(a["name"])
        raise NotImplementedError(f"the mocks do not answer invoke {token}")

    def _cluster_lookup(self, name: str) -> dict[str, Any]:
        known = self.adopted.get(name, AdoptedCluster())
        return {
            "id": name,
            "name": name,
            "arn": f"arn:aws:eks:{self.region}:{ACCOUNT}:cluster/{name}",
            "version": known.version,
            "endpoint": f"https://MOCK{_suffix(name).upper()}.gr7.{self.region}.eks.amazonaws.com",
            "certificateAuthorities": [{"data": base64.b64encode(b"MOCK CA").decode()}],
            "computeConfigs": [{"enabled": known.auto_mode, "nodePools": [], "nodeRoleArn": ""}],
            "status": "ACTIVE",
        }

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        typ, name, inputs = args.typ, args.name, dict(args.inputs)
        if typ == "aws:iam/role:Role":
            role = inputs.get("name") or f"{inputs.get('namePrefix') or name + '-'}{_suffix(name)}"
            path = inputs.get("path") or "/"
            account = self._account(args.provider)
            return role, {**inputs, "name": role, "arn": f"arn:aws:iam::{account}:role{path}{role}", "uniqueId": "AROAMOCK"}
        if typ == "aws:iam/policy:Policy":
            policy = inputs.get("name") or f"{name}-{_suffix(name)}"
            arn = f"arn:aws:iam::{self._account(args.provider)}:policy{inputs.get('path') or '/'}{policy}"
            return arn, {**inputs, "name": policy, "arn": arn, "policyId": "ANPAMOCK"}
        if typ == "pulumi:pulumi:StackReference":
            stack = inputs.get("name") or args.resource_id
            if stack not in self.stack_outputs:
                raise KeyError(f"the mocks know no outputs for stack {stack!r}; pass stack_outputs")
            return stack, {"name": stack, "outputs": self.stack_outputs[stack], "secretOutputNames": []}
        if typ == "aws:eks/podIdentityAssociation:PodIdentityAssociation":
            assoc = f"a-mock{_suffix(name, length=13)}"
            arn = f"arn:aws:eks:{self.region}:{ACCOUNT}:podidentityassociation/{inputs.get('clusterName')}/{assoc}"
            return assoc, {**inputs, "associationId": assoc, "associationArn": arn, "externalId": f"mock-{_suffix(name, length=32)}"}
        if typ == "aws:eks/addon:Addon":
            arn = f"arn:aws:eks:{self.region}:{ACCOUNT}:addon/{inputs.get('clusterName')}/{inputs.get('addonName')}/MOCK"
            return f"{inputs.get('clusterName')}:{inputs.get('addonName')}", {**inputs, "arn": arn}
        if typ == "aws:s3/bucket:Bucket":
            bucket = inputs.get("bucket") or f"{name}-mock{_suffix(name)}".lower()
            return bucket, {**inputs, "bucket": bucket, "arn": f"arn:aws:s3:::{bucket}"}
        if typ == "eks:index:Cluster":
            return f"{name}-id", {**inputs, **self._eks_outputs(name, inputs)}
        if typ.startswith("kubernetes:") and not typ.startswith("kubernetes:index"):
            metadata = dict(inputs.get("metadata") or {})
            metadata.setdefault("name", f"{name}-mock{_suffix(name, length=8)}")
            return f"{metadata.get('namespace', '')}/{metadata['name']}", {**inputs, "metadata": metadata}
        return f"{name}-id", inputs

    def _account(self, provider: str) -> str:
        """The account a resource lands in: a provider that assumes a role works in that role's account."""
        if provider and self.monitor is not None:
            registered = self.monitor.resources.get(provider.rsplit("::", 1)[0])
            roles = registered.state.get("assumeRoles") if registered else None
            # Provider inputs travel as JSON strings.
            roles = json.loads(roles) if isinstance(roles, str) else roles
            if roles and roles[0].get("roleArn"):
                return roles[0]["roleArn"].split(":")[4]
        return ACCOUNT

    def _eks_outputs(self, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        """pulumi-eks is one opaque remote component under mocks: supply what the program reads.

        `eksCluster` is a resource reference, so a matching `aws:eks/cluster:Cluster` is
        registered with the monitor for the SDK to rehydrate.
        """
        cluster_name = inputs.get("name") or name
        state = {
            "name": cluster_name,
            "arn": f"arn:aws:eks:{self.region}:{ACCOUNT}:cluster/{cluster_name}",
            "version": inputs.get("version") or ADOPTED_VERSION,
        }
        urn = f"urn:pulumi:{pulumi.get_stack()}::{pulumi.get_project()}::eks:index:Cluster$aws:eks/cluster:Cluster::{name}-eksCluster"
        assert self.monitor is not None, "Mocks.monitor must be set to mock pulumi-eks clusters"
        self.monitor.resources[urn] = pulumi_mocks.MockMonitor.ResourceRegistration(urn, cluster_name, state)
        kubeconfig = {"apiVersion": "v1", "kind": "Config", "clusters": [{"name": cluster_name, "cluster": {"server": "https://MOCK"}}]}
        return {
            "eksCluster": {_SPECIAL_SIG: _RESOURCE_SIG, "urn": urn, "id": cluster_name},
            "kubeconfigJson": json.dumps(kubeconfig),
        }
