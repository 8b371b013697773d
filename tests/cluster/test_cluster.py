"""EksCluster on its own, under mocks, as another program would use it: created with its network,
private nodes and a stable provider, or adopted (read, not created)."""

from __future__ import annotations

import json

import pulumi
import pytest
from eks_pod_identity.cluster.cluster import NODE_POLICIES, EksCluster, EksClusterArgs
from eks_pod_identity.cluster.network import NetworkArgs
from eks_pod_identity.credentials import Credentials
from eks_pod_identity.offline.harness import mocks

from tests.helpers import run_component


def test_created_cluster_gets_its_network_private_nodes_and_a_stable_provider():
    def program():
        c = EksCluster("dev", EksClusterArgs(version="1.34", instance_type="m5.large", desired_capacity=3, min_size=2, max_size=4))
        return {"name": c.name, "arn": c.arn, "static": c.static_arn, "version": c.version}

    result = run_component(program)
    (vpc,) = result.of_type("awsx:ec2:Vpc")
    assert vpc.inputs["natGateways"] == {"strategy": "Single"} and vpc.inputs["numberOfAvailabilityZones"] == 2
    specs = {spec["type"]: spec["tags"] for spec in vpc.inputs["subnetSpecs"]}
    assert specs == {"Private": {"kubernetes.io/role/internal-elb": "1"}, "Public": {"kubernetes.io/role/elb": "1"}}
    (cluster,) = result.of_type("eks:index:Cluster")
    assert cluster.inputs["name"] == "dev" and cluster.inputs["version"] == "1.34"
    assert cluster.inputs["authenticationMode"] == "API" and cluster.inputs["skipDefaultNodeGroup"] is True
    assert cluster.inputs["vpcId"].startswith("vpc-mock"), "never the account's default VPC"
    assert len(cluster.inputs["privateSubnetIds"]) == 2 and len(cluster.inputs["publicSubnetIds"]) == 2
    assert cluster.inputs["endpointPublicAccess"] is True and cluster.inputs["endpointPrivateAccess"] is True
    (nodes,) = result.of_type("eks:index:ManagedNodeGroup")
    assert nodes.inputs["subnetIds"] == cluster.inputs["privateSubnetIds"], "nodes belong in the private subnets"
    assert nodes.inputs["instanceTypes"] == ["m5.large"]
    assert nodes.inputs["scalingConfig"] == {"desiredSize": 3, "minSize": 2, "maxSize": 4}
    assert nodes.inputs["cluster"] == cluster.urn
    node_role = result.named("dev-node-role")
    assert json.loads(node_role.inputs["assumeRolePolicy"])["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    policies = {a.inputs["policyArn"] for a in result.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert policies == {f"arn:aws:iam::aws:policy/{p}" for p in NODE_POLICIES}
    (provider,) = result.of_type("pulumi:providers:kubernetes")
    assert provider.inputs["clusterIdentifier"] == "dev", "an unknown kubeconfig must not replace every object"
    assert provider.inputs["upsertExistingObjects"] == "false"
    assert cluster.urn in result.all_dependencies(provider)
    assert result.outputs == {
        "name": "dev",
        "arn": "arn:aws:eks:eu-west-1:123456789012:cluster/dev",
        "static": "arn:aws:eks:eu-west-1:123456789012:cluster/dev",
        "version": "1.34",
    }
    component = result.named("dev")
    assert all(component in result.ancestors(r) for r in result.registrations if r is not component)


def test_created_cluster_in_an_existing_vpc_with_admins_and_a_profile():
    network = NetworkArgs(vpc_id="vpc-0123456789abcdef0", private_subnet_ids=["subnet-aaaaaaaa", "subnet-bbbbbbbb"])
    admin = "arn:aws:iam::123456789012:role/ci"
    args = EksClusterArgs(
        network=network, admin_principal_arns=[admin], credentials=Credentials(profile="team"), endpoint_public_access=False
    )
    result = run_component(lambda: {"kubeconfig": EksCluster("dev", args).kubeconfig})
    assert result.of_type("awsx:ec2:Vpc") == []
    (cluster,) = result.of_type("eks:index:Cluster")
    assert cluster.inputs["vpcId"] == "vpc-0123456789abcdef0" and cluster.inputs["publicSubnetIds"] == []
    assert cluster.inputs["endpointPublicAccess"] is False
    (entry,) = cluster.inputs["accessEntries"].values()
    assert entry["principalArn"] == admin
    assert entry["accessPolicies"]["cluster-admin"] == {
        "policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
        "accessScope": {"type": "cluster"},
    }
    assert cluster.inputs["providerCredentialOpts"] == {"profileName": "team"}
    args_ = json.loads(result.outputs["kubeconfig"])["users"][0]["user"]["exec"]["args"]
    assert args_[-2:] == ["--profile", "team"], "objects are managed with the stack's own credentials"


def test_created_auto_mode_cluster_has_no_node_group():
    result = run_component(lambda: EksCluster("auto", EksClusterArgs(version="1.34", auto_mode=True)) and None)
    (cluster,) = result.of_type("eks:index:Cluster")
    assert cluster.inputs["autoMode"]["enabled"] is True
    assert result.of_type("eks:index:ManagedNodeGroup") == [] and result.of_type("aws:iam/role:Role") == []


def test_adopted_cluster_is_read_not_created():
    def program():
        c = EksCluster("existing", EksClusterArgs(create=False))
        return {"arn": c.arn, "version": c.version, "auto": c.auto_mode, "kubeconfig": c.kubeconfig}

    result = run_component(program, adopted={"existing": mocks.AdoptedCluster(version="1.32", auto_mode=True)})
    assert [r.type for r in result.registrations] == ["eks-pod-identity:index:EksCluster", "pulumi:providers:kubernetes"]
    assert result.outputs["arn"] == "arn:aws:eks:eu-west-1:123456789012:cluster/existing"
    assert result.outputs["version"] == "1.32" and result.outputs["auto"] is True
    kubeconfig = json.loads(result.outputs["kubeconfig"])
    exec_ = kubeconfig["users"][0]["user"]["exec"]
    assert exec_["command"] == "aws"
    assert exec_["args"] == ["eks", "get-token", "--cluster-name", "existing", "--region", "eu-west-1", "--output", "json"]
    assert kubeconfig["clusters"][0]["cluster"]["server"].startswith("https://")


def test_an_adopted_cluster_that_does_not_exist_is_a_clear_error():
    result = run_component(
        lambda: EksCluster("typo", EksClusterArgs(create=False)) and None,
        adopted={"typo": mocks.AdoptedCluster(missing=True)},
        raise_errors=False,
    )
    assert isinstance(result.error, pulumi.RunError), "no traceback"
    assert "cluster 'typo' is adopted (create: false), and EKS has no cluster of that name" in str(result.error)
    assert result.of_type("pulumi:providers:kubernetes") == []


def test_the_node_group_leaves_its_size_to_the_autoscaler(stack_runs):
    """Without ignoreScalingChanges every `pulumi up` set the desired size back, and a smaller one
    terminated nodes the Cluster Autoscaler (bound in the fleet stack) had added."""
    groups = [r for run in stack_runs.values() for r in run.of_type("eks:index:ManagedNodeGroup")]
    assert groups and all(g.inputs["ignoreScalingChanges"] is True for g in groups)
    assert all(g.inputs["scalingConfig"]["desiredSize"] >= 1 for g in groups), "still sized at creation"


def test_admin_access_entries_carry_the_stacks_tags():
    """So that a later run tells its own entries from the one EKS gave the cluster's creator."""
    from eks_pod_identity.cluster.cluster import admin_entries

    (entry,) = admin_entries(["arn:aws:iam::123456789012:role/ci"], {"pulumi-stack": "dev"}).values()
    assert entry.tags == {"pulumi-stack": "dev"}


def test_an_unknown_authentication_mode_is_refused_when_the_arguments_are_made():
    with pytest.raises(ValueError, match="authentication_mode 'api' is none of"):
        EksClusterArgs(authentication_mode="api")
