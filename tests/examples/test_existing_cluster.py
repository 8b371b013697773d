"""examples/existing_cluster: the components used by a program of one's own, on a cluster that
exists, run as its own program (its Pulumi.yaml names its project and so its config keys)."""

from __future__ import annotations

import json

from eks_pod_identity.offline.harness import mocks, project, runner
from eks_pod_identity.offline.harness.mocks import AdoptedCluster

from tests.helpers import EXAMPLE, EXAMPLE_PROJECT, ROOT


def run_example(**kwargs) -> runner.RunResult:
    """The example as its own program (its Pulumi.yaml names its project and so its config keys)."""
    config = {
        "aws:region": "us-east-1",
        f"{EXAMPLE_PROJECT}:clusterName": "shop",
        f"{EXAMPLE_PROJECT}:namespace": "checkout",
        f"{EXAMPLE_PROJECT}:serviceAccount": "payments",
    }
    project.use(project.Program(EXAMPLE.parent))
    try:
        return runner.run(config, stack="dev", **kwargs)
    finally:
        project.use(project.Program(ROOT))


def test_the_example_binds_a_role_on_the_existing_cluster():
    result = run_example()
    assert not result.of_type("eks:index:Cluster"), "the cluster is adopted, not created"
    assert not result.of_type("aws:eks/addon:Addon"), "the agent someone else installed is left alone"
    (role,) = result.of_type("aws:iam/role:Role")
    trust = json.loads(role.inputs["assumeRolePolicy"])
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    conditions = statement["Condition"]["StringEquals"]
    assert conditions["aws:RequestTag/kubernetes-namespace"] == ["checkout"]
    assert conditions["aws:RequestTag/kubernetes-service-account"] == ["payments"]
    assert conditions["aws:RequestTag/eks-cluster-arn"] == [f"arn:aws:eks:us-east-1:{mocks.ACCOUNT}:cluster/shop"]
    (attachment,) = result.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert attachment.inputs["policyArn"] == "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    (association,) = result.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert {k: association.inputs[k] for k in ("clusterName", "namespace", "serviceAccount")} == {
        "clusterName": "shop",
        "namespace": "checkout",
        "serviceAccount": "payments",
    }
    assert association.inputs["roleArn"] == result.outputs["roleArn"]
    assert set(result.outputs["associationIds"]) == {"shop/checkout/payments"}


def test_the_example_installs_the_agent_only_where_it_is_missing():
    result = run_example(adopted={"shop": AdoptedCluster(addons={})})
    (addon,) = result.of_type("aws:eks/addon:Addon")
    assert addon.inputs["addonName"] == "eks-pod-identity-agent" and addon.inputs["preserve"] is True
