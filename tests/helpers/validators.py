"""The real validators, wrapped once: parliament for IAM permission policies, and the places
in a run where permission policies and Kubernetes objects are found."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from typing import Any

from eks_pod_identity.offline.harness.runner import RunResult

# Findings that are right to keep, each with its reason: (parliament issue, text in the
# finding's detail) -> why. This is the only place a finding is waived.
WAIVERS: dict[tuple[str, str], str] = {
    ("UNKNOWN_CONDITION_FOR_ACTION", "elasticloadbalancing:CreateAction"): (
        "elasticloadbalancing:CreateAction is the documented condition key for tag-on-create of load "
        "balancers and target groups, which the AWS Load Balancer Controller's own policy relies on; "
        "parliament's bundled IAM definitions predate it."
    ),
    # Actions and services AWS added after parliament 1.6.4's IAM data (catalog entries follow
    # their upstream policies, which grant them).
    ("UNKNOWN_ACTION", "elasticloadbalancing:ModifyIpPools"): (
        "ModifyIpPools (IPAM pools of Application Load Balancers, 2025) is in the AWS Load Balancer "
        "Controller's iam_policy.json since v2.13; parliament's IAM data predates it."
    ),
    ("UNKNOWN_ACTION", "ec2:CopyVolumes"): (
        "CopyVolumes (EBS volume copies, 2025) is in the EBS CSI driver's policies since v1.5x, for "
        "cloning volumes; parliament's IAM data predates it."
    ),
    ("UNKNOWN_PREFIX", "s3files"): (
        "Amazon S3 Files (2026) access points are managed by the EFS CSI driver since v3.4; parliament's "
        "IAM data has no s3files service, so its actions keep upstream's `*`."
    ),
    ("RESOURCE_STAR", "['arc-zonal-shift:GetManagedResource']"): (
        "Karpenter reads the zonal-shift status of its EKS cluster: GetManagedResource on `*` with "
        "arc-zonal-shift:ResourceIdentifier = the cluster ARN, as upstream writes it; parliament's IAM "
        "data knows only load balancers as zonal-shift resources, not EKS clusters."
    ),
    # Karpenter launches through three statements, each naming only some of the resources that
    # RunInstances / CreateFleet authorize (shared images, subnets, security groups; its own launch
    # templates; the new, cluster-tagged instances, volumes and interfaces), so that each resource
    # gets its own condition: IAM authorizes every resource of a request separately, and AWS's EC2
    # guide prescribes this split. parliament checks each statement alone and reports the types it
    # does not name; these are exactly those three statements' findings.
    (
        "RESOURCE_MISMATCH",
        (
            "[{'action': 'ec2:RunInstances', 'required_format': 'arn:*:ec2:*:*:instance/*'}, "
            "{'action': 'ec2:RunInstances', 'required_format': 'arn:*:ec2:*:*:network-interface/*'}, "
            "{'action': 'ec2:CreateFleet', 'required_format': 'arn:*:ec2:*:*:fleet/*'}, "
            "{'action': 'ec2:CreateFleet', 'required_format': 'arn:*:ec2:*:*:instance/*'}]"
        ),
    ): "Karpenter's launch from shared resources (images, snapshots, subnets, security groups, reservations, placement groups).",
    (
        "RESOURCE_MISMATCH",
        (
            "[{'action': 'ec2:RunInstances', 'required_format': 'arn:*:ec2:*::image/*'}, "
            "{'action': 'ec2:RunInstances', 'required_format': 'arn:*:ec2:*:*:instance/*'}, "
            "{'action': 'ec2:RunInstances', 'required_format': 'arn:*:ec2:*:*:network-interface/*'}, "
            "{'action': 'ec2:RunInstances', 'required_format': 'arn:*:ec2:*:*:security-group/*'}, "
            "{'action': 'ec2:RunInstances', 'required_format': 'arn:*:ec2:*:*:subnet/*'}, "
            "{'action': 'ec2:CreateFleet', 'required_format': 'arn:*:ec2:*:*:fleet/*'}, "
            "{'action': 'ec2:CreateFleet', 'required_format': 'arn:*:ec2:*:*:instance/*'}]"
        ),
    ): "Karpenter's launch from its own cluster's launch templates (aws:ResourceTag/kubernetes.io/cluster/<name> = owned).",
    (
        "RESOURCE_MISMATCH",
        (
            "[{'action': 'ec2:RunInstances', 'required_format': 'arn:*:ec2:*::image/*'}, "
            "{'action': 'ec2:RunInstances', 'required_format': 'arn:*:ec2:*:*:security-group/*'}, "
            "{'action': 'ec2:RunInstances', 'required_format': 'arn:*:ec2:*:*:subnet/*'}]"
        ),
    ): "Karpenter's launch of new resources carrying its cluster's tags (aws:RequestTag conditions).",
}

# IAM resolves policy variables such as ${aws:PrincipalTag/kubernetes-namespace} to plain
# strings at request time; parliament's ARN parser splits on the '/' and ':' inside them, so
# the documents are checked with each variable replaced by a string of the kind it yields.
POLICY_VARIABLE = re.compile(r"\$\{[^}]+\}")


def parliament_findings(policy: str | dict[str, Any]) -> list[tuple[str, Any]]:
    """Parliament's findings for one policy document (issue, detail)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # parliament opens its data files without closing them
        import parliament

        text = policy if isinstance(policy, str) else json.dumps(policy)
        analyzed = parliament.analyze_policy_string(POLICY_VARIABLE.sub("policy-variable", text))
    return [(f.issue, f.detail) for f in analyzed.findings]


def permission_policies(result: RunResult) -> Iterator[tuple[str, str]]:
    """(where, JSON) of every permission or session policy the run registered."""
    for reg in result.of_type("aws:iam/rolePolicy:RolePolicy"):
        yield f"RolePolicy {reg.name}", reg.inputs["policy"]
    for reg in result.of_type("aws:iam/policy:Policy"):
        yield f"Policy {reg.name}", reg.inputs["policy"]
    for reg in result.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation"):
        if reg.inputs.get("policy"):
            yield f"session policy {reg.name}", reg.inputs["policy"]


def unwaived(findings: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The findings no entry of WAIVERS covers."""
    return [f for f in findings if not any(f[0] == issue and text in str(f[1]) for issue, text in WAIVERS)]


def kubernetes_objects(result: RunResult) -> Iterator[tuple[str, dict[str, Any], str]]:
    """(name, manifest, cluster version) of every Kubernetes object the run registered."""
    providers = {r.urn: r for r in result.of_type("pulumi:providers:kubernetes")}
    for reg in result.registrations:
        if not reg.custom or not reg.type.startswith("kubernetes:"):
            continue
        provider = providers[reg.provider.rsplit("::", 1)[0]]
        cluster = provider.name.removesuffix("-k8s")
        manifest = {k: v for k, v in reg.inputs.items() if k in ("apiVersion", "kind", "metadata", "spec")}
        yield reg.name, manifest, result.outputs["clusterVersions"][cluster]
