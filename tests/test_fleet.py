"""Fleet features: catalog, existing and shared roles, cross-account, session policies, ABAC,
fan-out and add-on identities — as pure documents and in the committed fleet stacks."""

from __future__ import annotations

import json

import pytest
from eks_pod_identity.credentials import Credentials
from eks_pod_identity.iam import abac, documents, grammar
from eks_pod_identity.identity.target_role import CrossAccountRole, CrossAccountRoleArgs
from eks_pod_identity.offline.harness import mocks, monitor, project, runner
from eks_pod_identity.stack import wiring

from tests import validators


def target_role(result: runner.RunResult) -> monitor.Registration:
    (role,) = result.under("analytics-reader-target", "aws:iam/role:Role")
    return role


def cfg_of(identity: str):
    return project.parsed_config("fleet").identity(identity)


def statements_of(doc: str | dict) -> list[dict]:
    return (json.loads(doc) if isinstance(doc, str) else doc)["Statement"]


# --- policy documents ----------------------------------------------------------------------


def test_large_policies_are_split_to_fit():
    statements = [
        {"Sid": f"S{i}", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": f"arn:aws:s3:::bucket-{i:04d}/*"} for i in range(200)
    ]
    docs = documents.split_documents(statements)
    assert len(docs) > 1 and sum(len(d["Statement"]) for d in docs) == 200
    assert all(len(documents.to_json(d)) <= documents.MANAGED_POLICY_MAX for d in docs)


# --- ABAC ------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(abac.TEMPLATES))
def test_abac_templates_key_on_the_namespace_session_tag_and_pass_parliament(key):
    raw = {
        "s3NamespacePrefix": {"bucketArns": ["arn:aws:s3:::shared"]},
        "secretsByNamespaceTag": {},
        "dynamodbNamespaceKeys": {"tableArns": ["arn:aws:dynamodb:us-west-2:123456789012:table/t"]},
    }[key]
    doc = documents.document(abac.TEMPLATES[key].build(abac.TEMPLATES[key].params.model_validate(raw), "aws"))
    assert "${aws:PrincipalTag/kubernetes-namespace}" in documents.to_json(doc)
    assert grammar.document_problems(doc) == []
    assert validators.unwaived(validators.parliament_findings(doc)) == []


def test_s3_prefix_per_cluster():
    params = abac.BucketsParams.model_validate({"bucketArns": ["arn:aws:s3:::shared"], "perCluster": True})
    objects = abac.s3_namespace_prefix(params, "aws")[0]
    assert objects["Resource"] == [
        "arn:aws:s3:::shared/cluster/${aws:PrincipalTag/eks-cluster-name}/namespace/${aws:PrincipalTag/kubernetes-namespace}/*"
    ]


def test_the_two_s3_layouts_never_overlap_on_one_bucket():
    """A flat-layout namespace named like a cluster must not reach that cluster's tenants."""

    def prefix(per_cluster: bool, cluster: str, namespace: str) -> str:
        params = abac.BucketsParams.model_validate({"bucketArns": ["arn:aws:s3:::shared"], "perCluster": per_cluster})
        (resource,) = abac.s3_namespace_prefix(params, "aws")[0]["Resource"]
        return (
            resource.replace("${aws:PrincipalTag/eks-cluster-name}", cluster)
            .replace("${aws:PrincipalTag/kubernetes-namespace}", namespace)
            .removesuffix("*")
        )

    for cluster in ("prod-blue", "cluster", "namespace"):
        for ns in ("prod-blue", "cluster", "namespace", "team-a"):
            flat, scoped = prefix(False, "x", cluster), prefix(True, cluster, ns)
            assert not scoped.startswith(flat) and not flat.startswith(scoped)


# --- cross-account target role (component) -----------------------------------------------------


def test_target_role_trusts_the_association_role_by_its_external_ids():
    def program():
        CrossAccountRole(
            "t",
            CrossAccountRoleArgs(
                name="t",
                deploy_role_arn="arn:aws:iam::444455556666:role/deployer",
                source_role_arns=["arn:aws:iam::123456789012:role/src"],
                region="us-west-2",
                external_ids=["id-1", "id-2"],
                statements=[documents.s3_put_object_statement("arn:aws:s3:::b")],
                credentials=Credentials(profile="team"),
            ),
        )

    result = runner.run({"aws:region": "us-west-2"}, program=program)
    (statement,) = json.loads(result.named("fixed.444455556666.t-role").inputs["assumeRolePolicy"])["Statement"]
    assert statement["Principal"] == {"AWS": ["arn:aws:iam::123456789012:root"]}
    assert statement["Action"] == ["sts:AssumeRole", "sts:TagSession"]
    assert statement["Condition"] == {
        "ArnEquals": {"aws:PrincipalArn": ["arn:aws:iam::123456789012:role/src"]},
        "StringEquals": {"sts:ExternalId": ["id-1", "id-2"]},
    }
    provider = result.named("fixed.444455556666.t-account")
    assert json.loads(provider.inputs["assumeRoles"])[0]["roleArn"] == "arn:aws:iam::444455556666:role/deployer"
    assert provider.inputs["profile"] == "team", "the second provider uses the stack's credentials too"
    role = result.named("fixed.444455556666.t-role")
    assert role.provider.startswith(provider.urn + "::") and role.inputs["name"] == "t"
    assert role.delete_before_replace, "a fixed name: IAM refuses a second role of that name"
    assert result.named("fixed.444455556666.t-inline").provider.startswith(provider.urn + "::")


# --- the committed fleet stacks --------------------------------------------------------------


@pytest.fixture(scope="module")
def fleet(stack_runs):
    return stack_runs["fleet"], project.parsed_config("fleet")


def test_fleet_size_and_counts(fleet):
    result, cfg = fleet
    assert len(cfg.clusters) >= 3 and len(cfg.identities) >= 5
    pod_roles = [r for r in result.of_type("aws:iam/role:Role") if "pods.eks.amazonaws.com" in r.inputs["assumeRolePolicy"]]
    assert len(pod_roles) == sum(1 for i in cfg.identities if i.creates_role) == 8
    associations = result.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert len(associations) == len(cfg.bindings()) == 19
    addon_bound = [a for a in result.of_type("aws:eks/addon:Addon") if a.inputs.get("podIdentityAssociations")]
    assert len(addon_bound) == len(cfg.addon_bindings()) == 2


def test_fleet_fan_out_binds_one_role_per_namespace_and_cluster(fleet):
    result, _ = fleet
    tenants = result.under("tenants", "aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert sorted((a.inputs["clusterName"], a.inputs["namespace"]) for a in tenants) == sorted(
        (c, n) for c in ("fleet-west", "fleet-east") for n in ("team-a", "team-b", "team-c")
    )
    assert {a.inputs["roleArn"] for a in tenants} == {result.outputs["roleArns"]["tenants"]}
    trust = statements_of(result.named("tenants-role").inputs["assumeRolePolicy"])[0]
    assert trust["Condition"]["StringEquals"]["aws:RequestTag/kubernetes-namespace"] == ["team-a", "team-b", "team-c"]


def test_fleet_abac_inline_policy_uses_the_namespace_tag(fleet):
    result, _ = fleet
    policy = result.named("tenants-inline").inputs["policy"]
    assert "arn:aws:s3:::fleet-shared-data/namespace/${aws:PrincipalTag/kubernetes-namespace}/*" in policy


def test_fleet_catalog_policies_are_managed_policies_on_the_role(fleet):
    result, _ = fleet
    policies = {r.name for r in result.of_type("aws:iam/policy:Policy")}
    assert {"external-dns-externalDns", "ebs-csi-ebsCsi"} <= policies
    # The load balancer controller's permissions exceed one managed policy: split in two.
    assert {"lb-controller-awsLoadBalancerController-1", "lb-controller-awsLoadBalancerController-2"} <= policies
    attached = {r.inputs["policyArn"] for r in result.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy" in attached
    lb_trust = statements_of(result.named("lb-controller-role").inputs["assumeRolePolicy"])[0]
    assert lb_trust["Condition"]["StringEquals"]["aws:RequestTag/eks-cluster-arn"] == sorted(
        f"arn:aws:eks:us-west-2:123456789012:cluster/{c}" for c in ("fleet-west", "fleet-east", "fleet-auto")
    )


def test_fleet_cross_account_chain_has_no_cycle(fleet):
    result, _ = fleet
    target = target_role(result)
    target_arn = result.outputs["targetRoleArns"]["analytics-reader"]
    assert target_arn == f"arn:aws:iam::444455556666:role/{wiring.target_role_name(cfg_of('analytics-reader'), 'fleet')}"
    assert target_arn.startswith("arn:aws:iam::444455556666:role/analytics-reader-target-")
    (assoc,) = result.under("analytics-reader", "aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert assoc.inputs["targetRoleArn"] == target_arn and assoc.inputs["disableSessionTags"] is True
    assert target.urn not in result.all_dependencies(assoc), "the association must not wait for the target role"
    assert assoc.urn in result.all_dependencies(target), "the target role trusts the association's external ID"
    trust = statements_of(target.inputs["assumeRolePolicy"])[0]
    assert trust["Condition"]["StringEquals"] == {"sts:ExternalId": [f"mock-{mocks._suffix(assoc.name, length=32)}"]}
    assert trust["Condition"]["ArnEquals"] == {"aws:PrincipalArn": [result.outputs["roleArns"]["analytics-reader"]]}
    inline = statements_of(result.named("analytics-reader-inline").inputs["policy"])
    assert inline == [documents.assume_target_statement(target_arn)]


def test_fleet_session_policy_goes_with_disabled_session_tags(fleet):
    result, cfg = fleet
    (assoc,) = result.under("secrets-reader", "aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert assoc.inputs["disableSessionTags"] is True
    assert json.loads(assoc.inputs["policy"]) == cfg.identity("secrets-reader").session_policy
    trust = statements_of(result.named("secrets-reader-role").inputs["assumeRolePolicy"])[0]
    assert "Condition" not in trust, "tag conditions would never match with session tags disabled"


def test_fleet_addon_identities_are_ordered_after_the_agent(fleet):
    result, _ = fleet
    agents = {
        a.inputs["clusterName"]: a for a in result.of_type("aws:eks/addon:Addon") if a.inputs["addonName"] == "eks-pod-identity-agent"
    }
    # Auto Mode has the agent built in; the adopted fleet-east already runs it (installed by hand).
    assert set(agents) == {"fleet-west"}
    for addon in result.of_type("aws:eks/addon:Addon"):
        if addon.inputs["addonName"] != "aws-ebs-csi-driver":
            continue
        assert addon.inputs["podIdentityAssociations"] == [
            {"roleArn": result.outputs["roleArns"]["ebs-csi"], "serviceAccount": "ebs-csi-controller-sa"}
        ]
        cluster = addon.inputs["clusterName"]
        assert cluster not in agents or agents[cluster].urn in result.all_dependencies(addon)
        assert addon.inputs.get("preserve") is (True if cluster == "fleet-east" else None), (
            "destroy leaves their software on the adopted cluster"
        )
        assert result.named("ebs-csi/ebsCsi").urn in result.all_dependencies(addon)
    trust = statements_of(result.named("ebs-csi-role").inputs["assumeRolePolicy"])[0]
    assert trust["Condition"]["StringEquals"] == {
        "aws:RequestTag/kubernetes-namespace": ["kube-system"],
        "aws:RequestTag/kubernetes-service-account": ["ebs-csi-controller-sa"],
    }


def test_fleet_binds_the_existing_role_as_given(fleet):
    result, _ = fleet
    (assoc,) = result.under("ci-runner", "aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert assoc.inputs["roleArn"] == "arn:aws:iam::123456789012:role/existing-ci-runner"
    assert not [r for r in result.under("ci-runner") if r.type.startswith("aws:iam/")]
    assert not [r for r in result.registrations if r.name == "ci-runner" and r.type.endswith(":PodIdentityRole")]


def test_identity_stack_exports_roles_and_cluster_stack_never_touches_them(stack_runs):
    identities, cluster = stack_runs["identities"], stack_runs["team-cluster"]
    assert identities.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation") == []
    assert not [r for r in cluster.registrations if r.type.startswith("aws:iam/")], "a cluster stack creates no IAM"
    (assoc,) = cluster.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert assoc.inputs["roleArn"] == identities.outputs["roleArns"]["s3-reader"]


def test_existing_role_arn_is_bound_without_creating_a_role():
    overrides = {
        "eks-pod-identity:identities": [
            {
                "name": "s3-reader",
                "namespace": "default",
                "serviceAccount": "aws-cli-sa",
                "roleArn": "arn:aws:iam::123456789012:role/existing",
            }
        ]
    }
    result = runner.run_stack("dev", overrides=overrides)
    pod_roles = [r for r in result.of_type("aws:iam/role:Role") if "pods.eks.amazonaws.com" in r.inputs["assumeRolePolicy"]]
    assert pod_roles == []
    (assoc,) = result.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert assoc.inputs["roleArn"] == "arn:aws:iam::123456789012:role/existing"


def test_cross_account_with_session_tags_still_requires_the_external_ids():
    identities = project.parsed_config("fleet").model_dump(by_alias=True, exclude_unset=True)["identities"]
    for ident in identities:
        if ident["name"] == "analytics-reader":
            ident["disableSessionTags"] = False
    result = runner.run_stack("fleet", overrides={"eks-pod-identity:identities": identities})
    trust = statements_of(target_role(result).inputs["assumeRolePolicy"])[0]
    (assoc,) = result.under("analytics-reader", "aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert trust["Condition"]["StringEquals"] == {"sts:ExternalId": [f"mock-{mocks._suffix(assoc.name, length=32)}"]}
    assert "disableSessionTags" not in assoc.inputs
    assert assoc.urn in result.all_dependencies(target_role(result))


def test_target_role_names_differ_between_stacks_and_fit_iam():
    ident = cfg_of("analytics-reader")
    assert wiring.target_role_name(ident, "dev") != wiring.target_role_name(ident, "prod")
    long = ident.model_copy(update={"name": "x" * 50})
    assert len(wiring.target_role_name(long, "s" * 100)) <= 64


def test_a_sample_on_a_cross_account_identity_waits_for_the_target_role_and_its_permissions():
    sample = {"kind": "deployment", "identity": "analytics-reader", "cluster": "fleet-west", "createNamespace": True}
    result = runner.run_stack("fleet", overrides={"eks-pod-identity:sample": sample})
    (deployment,) = result.of_type("kubernetes:apps/v1:Deployment")
    deps = result.all_dependencies(deployment)
    assert target_role(result).urn in deps
    assert result.under("analytics-reader-target", "aws:iam/rolePolicyAttachment:RolePolicyAttachment")[0].urn in deps
