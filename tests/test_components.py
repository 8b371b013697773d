"""Each component on its own, under mocks, as another program would use it."""

import json

import pulumi
import pytest
from eks_pod_identity.addons.agent import AGENT_ADDON, PodIdentityAgent, PodIdentityAgentArgs
from eks_pod_identity.addons.installed import InstalledAddon
from eks_pod_identity.cluster.cluster import NODE_POLICIES, EksCluster, EksClusterArgs
from eks_pod_identity.cluster.network import NetworkArgs
from eks_pod_identity.credentials import Credentials
from eks_pod_identity.identity.association import AssociationTarget, PodIdentityAssociations, PodIdentityAssociationsArgs
from eks_pod_identity.identity.role import PodIdentityRole, PodIdentityRoleArgs
from eks_pod_identity.identity.trust import TrustScope
from eks_pod_identity.offline.harness import mocks, runner
from eks_pod_identity.sample.workload import SampleWorkload, SampleWorkloadArgs

ROLE_ARN = "arn:aws:iam::123456789012:role/app"


def run(program, **kwargs):
    return runner.run({"aws:region": "eu-west-1"}, program=program, **kwargs)


# --- PodIdentityRole -------------------------------------------------------------------


def test_role_trust_policy_is_exactly_pods_eks_scoped_to_its_service_accounts():
    scopes = [TrustScope(("ns",), ("sa",))]
    result = run(lambda: {"arn": PodIdentityRole("app", PodIdentityRoleArgs(scopes=scopes)).arn})
    role = result.named("app-role")
    assert json.loads(role.inputs["assumeRolePolicy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EksPodIdentity",
                "Effect": "Allow",
                "Principal": {"Service": "pods.eks.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
                "Condition": {
                    "StringEquals": {
                        "aws:RequestTag/kubernetes-namespace": ["ns"],
                        "aws:RequestTag/kubernetes-service-account": ["sa"],
                    }
                },
            }
        ],
    }
    assert "name" not in role.inputs, "roles are auto-named unless a name is given"
    assert result.outputs["arn"].startswith("arn:aws:iam::123456789012:role/app-role-")


def test_role_scoped_to_cluster_arns_that_are_outputs():
    def program():
        arns = {"a": pulumi.Output.from_input("arn:aws:eks:eu-west-1:123456789012:cluster/a")}
        return {"arn": PodIdentityRole("app", PodIdentityRoleArgs(scopes=[TrustScope(clusters=("a",))], cluster_arns=arns)).arn}

    (statement,) = json.loads(run(program).named("app-role").inputs["assumeRolePolicy"])["Statement"]
    assert statement["Condition"] == {"StringEquals": {"aws:RequestTag/eks-cluster-arn": ["arn:aws:eks:eu-west-1:123456789012:cluster/a"]}}


def test_role_attachments_and_inline_policy_belong_to_the_role():
    statement = {"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": "arn:aws:dynamodb:eu-west-1:123456789012:table/t"}

    def program():
        PodIdentityRole(
            "app",
            PodIdentityRoleArgs(
                managed_policy_arns=["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "arn:aws:iam::123456789012:policy/team/x"],
                statements=[statement],
                name="explicit-name",
                path="/pods/",
                max_session_duration=7200,
                tags={"team": "a"},
            ),
        )

    result = run(program)
    role = result.named("fixed.explicit-name-role")
    assert role.inputs["name"] == "explicit-name" and role.inputs["path"] == "/pods/"
    assert role.delete_before_replace, "IAM refuses a second role of one name: replace it delete-first"
    assert role.inputs["maxSessionDuration"] == 7200 and role.inputs["tags"] == {"team": "a"}
    attachments = result.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert sorted(a.inputs["policyArn"] for a in attachments) == [
        "arn:aws:iam::123456789012:policy/team/x",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    ]
    assert {a.inputs["role"] for a in attachments} == {"explicit-name"}
    (inline,) = result.of_type("aws:iam/rolePolicy:RolePolicy")
    assert json.loads(inline.inputs["policy"]) == {"Version": "2012-10-17", "Statement": [statement]}
    component = result.named("app")
    assert all(r.parent == component.urn for r in [role, inline, *attachments])


def test_role_without_statements_has_no_inline_policy():
    result = run(lambda: PodIdentityRole("app", PodIdentityRoleArgs()) and None)
    assert result.of_type("aws:iam/rolePolicy:RolePolicy") == []
    assert [r.type for r in result.registrations] == ["eks-pod-identity:index:PodIdentityRole", "aws:iam/role:Role"]


# --- PodIdentityAssociations -----------------------------------------------------------


def test_one_role_bound_in_many_clusters():
    def program():
        targets = [
            AssociationTarget("blue", pulumi.Output.from_input("blue"), "default", "app"),
            AssociationTarget("green", pulumi.Output.from_input("green"), "default", "app"),
        ]
        return {"ids": PodIdentityAssociations("app", PodIdentityAssociationsArgs(role_arn=ROLE_ARN, targets=targets)).association_ids}

    result = run(program)
    associations = result.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert sorted(a.inputs["clusterName"] for a in associations) == ["blue", "green"]
    for a in associations:
        assert a.inputs["roleArn"] == ROLE_ARN
        assert a.inputs["namespace"] == "default" and a.inputs["serviceAccount"] == "app"
        assert "disableSessionTags" not in a.inputs and "policy" not in a.inputs and "targetRoleArn" not in a.inputs
    assert set(result.outputs["ids"]) == {"blue/default/app", "green/default/app"}


def test_association_options_pass_through():
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})

    def program():
        PodIdentityAssociations(
            "app",
            PodIdentityAssociationsArgs(
                role_arn=ROLE_ARN,
                targets=[AssociationTarget("c", "c", "ns", "sa")],
                target_role_arn="arn:aws:iam::210987654321:role/target",
                disable_session_tags=True,
                session_policy=policy,
            ),
        )

    (assoc,) = run(program).of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert assoc.inputs["targetRoleArn"] == "arn:aws:iam::210987654321:role/target"
    assert assoc.inputs["disableSessionTags"] is True and assoc.inputs["policy"] == policy


def test_association_args_refuse_what_eks_refuses():
    with pytest.raises(ValueError, match="disable_session_tags"):
        PodIdentityAssociationsArgs(role_arn=ROLE_ARN, targets=[], session_policy="{}")
    target = AssociationTarget("c", "c", "ns", "sa")
    with pytest.raises(ValueError, match="duplicate"):
        PodIdentityAssociationsArgs(role_arn=ROLE_ARN, targets=[target, target])


# --- PodIdentityAgent ------------------------------------------------------------------


def test_agent_resolves_the_newest_version_for_the_cluster():
    result = run(lambda: PodIdentityAgent("a", PodIdentityAgentArgs(cluster_name="c", kubernetes_version="1.33")) and None)
    (addon,) = result.of_type("aws:eks/addon:Addon")
    assert addon.inputs["addonName"] == AGENT_ADDON == "eks-pod-identity-agent"
    assert addon.inputs["addonVersion"] == mocks.AGENT_VERSION
    assert addon.inputs["clusterName"] == "c"


def test_agent_pinned_version_skips_the_lookup(monkeypatch):
    calls = []
    original = mocks.Mocks.call
    monkeypatch.setattr(mocks.Mocks, "call", lambda self, args: calls.append(args.token) or original(self, args))
    result = run(lambda: PodIdentityAgent("a", PodIdentityAgentArgs("c", "1.33", version="v1.3.4-eksbuild.1")) and None)
    (addon,) = result.of_type("aws:eks/addon:Addon")
    assert addon.inputs["addonVersion"] == "v1.3.4-eksbuild.1"
    assert "aws:eks/getAddonVersion:getAddonVersion" not in calls


def test_an_unversioned_cluster_looks_up_its_agent_for_the_clusters_own_version(monkeypatch):
    """A component user may leave EksClusterArgs.version unset (EKS picks its default): the
    add-on lookup then asks for the version the cluster got, not for ""."""
    asked = []
    original = mocks.Mocks.call
    monkeypatch.setattr(
        mocks.Mocks,
        "call",
        lambda self, args: (
            (asked.append(args.args["kubernetesVersion"]) if args.token.endswith("getAddonVersion") else None) or original(self, args)
        ),
    )

    def program():
        cluster = EksCluster("dev", EksClusterArgs())
        PodIdentityAgent("a", PodIdentityAgentArgs(cluster_name=cluster.name, kubernetes_version=cluster.kubernetes_version))

    run(program)
    assert asked == [mocks.ADOPTED_VERSION], "the mock cluster's version when none is asked for"


def test_agent_not_installed_on_auto_mode():
    result = run(lambda: PodIdentityAgent("a", PodIdentityAgentArgs("c", "1.33", auto_mode=True)) and None)
    assert result.of_type("aws:eks/addon:Addon") == []


def installed(owned: bool) -> InstalledAddon:
    return InstalledAddon(AGENT_ADDON, "v1.3.4-eksbuild.1", owned=owned)


def test_agent_installed_by_someone_else_on_an_adopted_cluster_is_left_alone():
    result = run(lambda: {"v": PodIdentityAgent("a", PodIdentityAgentArgs("c", "1.33", adopted=True, installed=installed(False))).version})
    assert result.of_type("aws:eks/addon:Addon") == [], "CreateAddon on an installed add-on fails (ResourceInUseException)"
    assert result.outputs["v"] == "v1.3.4-eksbuild.1"


@pytest.mark.parametrize("found", [None, "owned"])
def test_agent_on_an_adopted_cluster_survives_destroy(found):
    args = PodIdentityAgentArgs("c", "1.33", adopted=True, installed=installed(True) if found else None)
    (addon,) = run(lambda: PodIdentityAgent("a", args) and None).of_type("aws:eks/addon:Addon")
    assert addon.inputs["preserve"] is True, "pulumi destroy must not uninstall the agent from a cluster the stack does not own"
    assert not addon.retain_on_delete, "retained, the add-on outlived the stack, and the next pulumi up met it (409)"


def test_agent_on_a_created_cluster_goes_with_the_cluster():
    (addon,) = run(lambda: PodIdentityAgent("a", PodIdentityAgentArgs("c", "1.33")) and None).of_type("aws:eks/addon:Addon")
    assert not addon.retain_on_delete and "preserve" not in addon.inputs


# --- EksCluster ------------------------------------------------------------------------


def test_created_cluster_gets_its_network_private_nodes_and_a_stable_provider():
    def program():
        c = EksCluster("dev", EksClusterArgs(version="1.34", instance_type="m5.large", desired_capacity=3, min_size=2, max_size=4))
        return {"name": c.name, "arn": c.arn, "static": c.static_arn, "version": c.version}

    result = run(program)
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
    result = run(lambda: {"kubeconfig": EksCluster("dev", args).kubeconfig})
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
    result = run(lambda: EksCluster("auto", EksClusterArgs(version="1.34", auto_mode=True)) and None)
    (cluster,) = result.of_type("eks:index:Cluster")
    assert cluster.inputs["autoMode"]["enabled"] is True
    assert result.of_type("eks:index:ManagedNodeGroup") == [] and result.of_type("aws:iam/role:Role") == []


def test_adopted_cluster_is_read_not_created():
    def program():
        c = EksCluster("existing", EksClusterArgs(create=False))
        return {"arn": c.arn, "version": c.version, "auto": c.auto_mode, "kubeconfig": c.kubeconfig}

    result = run(program, adopted={"existing": mocks.AdoptedCluster(version="1.32", auto_mode=True)})
    assert [r.type for r in result.registrations] == ["eks-pod-identity:index:EksCluster", "pulumi:providers:kubernetes"]
    assert result.outputs["arn"] == "arn:aws:eks:eu-west-1:123456789012:cluster/existing"
    assert result.outputs["version"] == "1.32" and result.outputs["auto"] is True
    kubeconfig = json.loads(result.outputs["kubeconfig"])
    exec_ = kubeconfig["users"][0]["user"]["exec"]
    assert exec_["command"] == "aws"
    assert exec_["args"] == ["eks", "get-token", "--cluster-name", "existing", "--region", "eu-west-1", "--output", "json"]
    assert kubeconfig["clusters"][0]["cluster"]["server"].startswith("https://")


def test_an_adopted_cluster_that_does_not_exist_is_a_clear_error():
    result = run(
        lambda: EksCluster("typo", EksClusterArgs(create=False)) and None,
        adopted={"typo": mocks.AdoptedCluster(missing=True)},
        raise_errors=False,
    )
    assert isinstance(result.error, pulumi.RunError), "no traceback"
    assert "cluster 'typo' is adopted (create: false), and EKS has no cluster of that name" in str(result.error)
    assert result.of_type("pulumi:providers:kubernetes") == []


# --- SampleWorkload --------------------------------------------------------------------


def _workload(kind, adopted=None, **extra):
    def program():
        c = EksCluster("c", EksClusterArgs(create=False))
        gate = PodIdentityRole("gate", PodIdentityRoleArgs())
        (assoc,) = PodIdentityAssociations(
            "gate", PodIdentityAssociationsArgs(role_arn=gate.arn, targets=[AssociationTarget("c", c.name, "team-a", "app")])
        ).associations.values()
        w = SampleWorkload(
            "sample",
            SampleWorkloadArgs(
                kind=kind,
                namespace="team-a",
                service_account="app",
                image="amazon/aws-cli:2.35.10",
                provider=c.provider,
                association=assoc,
                expected_role_name=gate.role_name,
                depends_on=[gate.role],
                role_name=gate.role_name,
                region="eu-west-1",
                **extra,
            ),
        )
        return {"verify": w.verify_command}

    return run(program, adopted=adopted, raise_errors=False)


def test_deployment_sample_uses_the_cluster_provider_and_waits_for_propagation():
    result = _workload("deployment", create_namespace=True, propagation_seconds=45)
    provider = result.of_type("pulumi:providers:kubernetes")[0]
    gate = result.named("gate-role")
    for kind in ("kubernetes:core/v1:Namespace", "kubernetes:core/v1:ServiceAccount", "kubernetes:apps/v1:Deployment"):
        (obj,) = result.of_type(kind)
        assert obj.provider.startswith(provider.urn), f"{kind} must use the cluster's provider"
    (deployment,) = result.of_type("kubernetes:apps/v1:Deployment")
    (sleep,) = result.of_type("time:index/sleep:Sleep")
    (assoc,) = result.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert sleep.inputs["createDuration"] == "45s" and assoc.urn in result.all_dependencies(sleep)
    assert sleep.inputs["triggers"]["associationId"].startswith("a-mock"), "a replaced association waits again"
    assert sleep.inputs["triggers"]["roleArn"] == assoc.inputs["roleArn"], "so does a role changed in place"
    deps = result.all_dependencies(deployment)
    assert {gate.urn, sleep.urn, result.of_type("kubernetes:core/v1:ServiceAccount")[0].urn} <= deps
    assert result.of_type("kubernetes:core/v1:Namespace")[0].urn in result.all_dependencies(
        result.of_type("kubernetes:core/v1:ServiceAccount")[0]
    )
    assert deployment.custom_timeouts == {"create": "7m", "update": "7m"}
    env = {e["name"]: e.get("value") for e in deployment.inputs["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["EXPECTED_ROLE_NAME"].startswith("gate-role-")
    assert result.outputs["verify"].startswith("kubectl exec -n team-a deploy/sample-deployment-")
    assert result.of_type("aws:s3/bucket:Bucket") == []


def test_an_existing_service_account_is_used_not_created():
    result = _workload(
        "deployment", create_service_account=False, adopted={"c": mocks.AdoptedCluster(objects={("ServiceAccount", "team-a", "app")})}
    )
    assert result.error is None
    assert result.of_type("kubernetes:core/v1:ServiceAccount") == []


def test_creating_an_object_the_cluster_has_fails_as_the_api_server_would():
    result = _workload("deployment", adopted={"c": mocks.AdoptedCluster(objects={("ServiceAccount", "team-a", "app")})})
    assert isinstance(result.error, mocks.AlreadyExists) and 'ServiceAccount "app" already exists' in str(result.error)


def test_job_sample_owns_a_force_destroyable_bucket_and_a_put_only_policy():
    result = _workload("job", bucket_name="my-proof-bucket")
    (bucket,) = result.of_type("aws:s3/bucket:Bucket")
    assert bucket.inputs["forceDestroy"] is True and bucket.inputs["bucket"] == "my-proof-bucket"
    (block,) = result.of_type("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert all(block.inputs[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    (policy,) = result.of_type("aws:iam/rolePolicy:RolePolicy")
    assert json.loads(policy.inputs["policy"])["Statement"] == [
        {"Sid": "PutSampleObjects", "Effect": "Allow", "Action": ["s3:PutObject"], "Resource": "arn:aws:s3:::my-proof-bucket/*"}
    ]
    assert policy.inputs["role"].startswith("gate-role-"), "the policy goes on the identity's (auto-named) role"
    (job,) = result.of_type("kubernetes:batch/v1:Job")
    (sleep,) = result.of_type("time:index/sleep:Sleep")
    assert {policy.urn, sleep.urn} <= result.all_dependencies(job)
    assert job.custom_timeouts["create"] == "12m", "the Job's 600 s deadline decides, not Pulumi's 10-minute await"
    assert job.inputs["metadata"]["annotations"] == {"pulumi.com/replaceUnready": "true"}
    env = {e["name"]: e.get("value") for e in job.inputs["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["BUCKET"] == "my-proof-bucket" and env["EXPECTED_ROLE_NAME"] == policy.inputs["role"]
    assert result.outputs["verify"].startswith("kubectl logs -n team-a job/")
