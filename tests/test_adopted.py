"""What a real account already has: adopted clusters with their own add-ons and objects, the
caller's account, other stacks' outputs. `pulumi up` must neither fail on them nor, at
`pulumi destroy`, remove what the stack does not own."""

from __future__ import annotations

import pulumi
import pytest
from eks_pod_identity import stack as config
from eks_pod_identity.addons import installed
from eks_pod_identity.arn import same_principal
from eks_pod_identity.offline.harness import mocks, monitor, project, runner

ADDON = "aws:eks/addon:Addon"
ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
OWNER = {"pulumi-project": "eks-pod-identity", "pulumi-stack": "prod", "managed-by": "pulumi"}
EBS = {"name": "aws-ebs-csi-driver", "identity": "ebs", "serviceAccount": "ebs-csi-controller-sa"}
EBS_IDENTITY = {"name": "ebs", "wellKnown": {"ebsCsi": {}}}


def prod(adopted: dict[str, mocks.AdoptedCluster] | None = None, account: str | None = None, **overrides) -> runner.RunResult:
    """Stack prod with `overrides`, deploying to `account` (else the one its ARNs name)."""
    return runner.run_stack(
        "prod",
        overrides={f"eks-pod-identity:{k}": v for k, v in overrides.items()},
        adopted=adopted,
        raise_errors=False,
        caller_account=account,
    )


def agents(result: runner.RunResult) -> dict[str, monitor.Registration]:
    return {a.inputs["clusterName"]: a for a in result.of_type(ADDON) if a.inputs["addonName"] == "eks-pod-identity-agent"}


def test_an_agent_someone_installed_is_left_alone_and_the_pod_still_waits_for_its_association():
    result = prod()  # the mocks' adopted clusters run a hand-installed agent
    assert result.error is None
    assert agents(result) == {}, "declaring it would fail: CreateAddon answers ResourceInUseException"
    assert result.outputs["agentVersions"] == {"prod-blue": mocks.AGENT_VERSION, "prod-green": mocks.AGENT_VERSION}
    (job,) = result.of_type("kubernetes:batch/v1:Job")
    (sleep,) = result.of_type("time:index/sleep:Sleep")
    assert sleep.urn in result.all_dependencies(job)


def test_a_missing_agent_is_installed_and_survives_destroy():
    result = prod({"prod-blue": mocks.AdoptedCluster(addons={})})
    (agent,) = agents(result).values()
    assert agent.inputs["clusterName"] == "prod-blue"
    assert not agent.retain_on_delete and agent.inputs["preserve"] is True
    (job,) = result.of_type("kubernetes:batch/v1:Job")
    assert agent.urn in result.all_dependencies(job)


def test_an_agent_this_stack_installed_earlier_stays_managed():
    owned = {"eks-pod-identity-agent": mocks.MockAddon(mocks.AGENT_VERSION, tags=OWNER)}
    result = prod({"prod-blue": mocks.AdoptedCluster(addons=owned), "prod-green": mocks.AdoptedCluster(addons=owned)})
    assert set(agents(result)) == {"prod-blue", "prod-green"}, "dropping it from the program would look like a delete"
    assert all(a.inputs["preserve"] is True and not a.retain_on_delete for a in agents(result).values())


def test_another_stacks_agent_is_not_this_stacks():
    theirs = {"eks-pod-identity-agent": mocks.MockAddon(mocks.AGENT_VERSION, tags={**OWNER, "pulumi-stack": "dev"})}
    assert agents(prod({"prod-blue": mocks.AdoptedCluster(addons=theirs)})) == {}


def clusters_with_ebs() -> list[dict]:
    return [{"name": "prod-blue", "create": False, "addons": [EBS]}, {"name": "prod-green", "create": False}]


def identities_with_ebs() -> list[dict]:
    return [*project.parsed_config("prod").model_dump(by_alias=True, exclude_unset=True)["identities"], EBS_IDENTITY]


@pytest.mark.parametrize("bound", [False, True])
def test_an_add_on_someone_installed_is_left_alone_and_its_service_account_still_bound(bound):
    installed = {
        "eks-pod-identity-agent": mocks.MockAddon(mocks.AGENT_VERSION),
        "aws-ebs-csi-driver": mocks.MockAddon(
            "v1.40.0-eksbuild.1", associations={"ebs-csi-controller-sa": "arn:aws:iam::123456789012:role/x"} if bound else {}
        ),
    }
    result = prod({"prod-blue": mocks.AdoptedCluster(addons=installed)}, clusters=clusters_with_ebs(), identities=identities_with_ebs())
    assert result.error is None
    assert [a for a in result.of_type(ADDON) if a.inputs["addonName"] == "aws-ebs-csi-driver"] == []
    standalone = [a for a in result.of_type(ASSOCIATION) if a.inputs["serviceAccount"] == "ebs-csi-controller-sa"]
    if bound:
        assert standalone == [], "the add-on's own association would make a second one fail (409)"
    else:
        (assoc,) = standalone
        assert assoc.inputs["namespace"] == "kube-system" and assoc.inputs["roleArn"] == result.outputs["roleArns"]["ebs"]


def test_an_add_on_missing_on_an_adopted_cluster_is_created_and_survives_destroy():
    result = prod(clusters=clusters_with_ebs(), identities=identities_with_ebs())
    (addon,) = [a for a in result.of_type(ADDON) if a.inputs["addonName"] == "aws-ebs-csi-driver"]
    assert not addon.retain_on_delete and addon.inputs["preserve"] is True
    assert addon.inputs["podIdentityAssociations"] == [
        {"roleArn": result.outputs["roleArns"]["ebs"], "serviceAccount": "ebs-csi-controller-sa"}
    ]


def test_an_add_on_namespace_reaches_the_add_on_and_the_trust():
    clusters = [
        {"name": "prod-blue", "create": False, "addons": [{**EBS, "namespace": "storage"}]},
        {"name": "prod-green", "create": False},
    ]
    result = prod(clusters=clusters, identities=identities_with_ebs())
    (addon,) = [a for a in result.of_type(ADDON) if a.inputs["addonName"] == "aws-ebs-csi-driver"]
    assert addon.inputs["namespaceConfig"] == {"namespace": "storage"}
    trust = result.named("ebs-role").inputs["assumeRolePolicy"]
    assert '"aws:RequestTag/kubernetes-namespace":["storage"]' in trust


def test_an_add_on_lookup_refused_is_a_clear_error(monkeypatch):
    def denied(self, args):
        if args.token == "aws:eks/getAddon:getAddon":
            return {}, [("clusterName", "AccessDeniedException: not authorized to perform: eks:DescribeAddon")]
        return original(self, args)

    original = mocks.Mocks.call
    monkeypatch.setattr(mocks.Mocks, "call", denied)
    result = prod()
    assert isinstance(result.error, installed.AddonLookupError) and isinstance(result.error, pulumi.RunError)
    assert "grant eks:DescribeAddon" in str(result.error)


def test_objects_every_cluster_has_are_never_created():
    overrides = {
        "identities": [
            {
                "name": "s3-reader",
                "namespace": "default",
                "serviceAccount": "default",
                "managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
            }
        ],
        "sample": {"kind": "job", "identity": "s3-reader", "cluster": "prod-blue", "createServiceAccount": False},
    }
    result = prod(**overrides)
    assert result.error is None and result.of_type("kubernetes:core/v1:ServiceAccount") == []


def test_the_seeds_service_account_already_on_the_cluster_needs_create_service_account_false():
    seeded = {"prod-blue": mocks.AdoptedCluster(objects={("ServiceAccount", "default", "aws-cli-sa")})}
    failed = prod(seeded)
    assert isinstance(failed.error, mocks.AlreadyExists), "pulumi-kubernetes >= 4.29 refuses an object that exists"
    sample = {"kind": "job", "identity": "s3-reader", "cluster": "prod-blue", "createServiceAccount": False}
    assert prod(seeded, sample=sample).error is None


# --- the caller's account --------------------------------------------------------------------


def test_a_role_of_another_account_is_refused_before_anything_registers():
    identities = [
        {"name": "s3-reader", "namespace": "default", "serviceAccount": "aws-cli-sa", "roleArn": "arn:aws:iam::999988887777:role/elsewhere"}
    ]
    result = prod(identities=identities, sample={"kind": "none"}, account=mocks.ACCOUNT)
    assert isinstance(result.error, config.ConfigError) and result.registrations == []
    assert "identities[0].roleArn" in str(result.error) and "targetRole" in str(result.error)


@pytest.mark.parametrize("stack", ["dev", "prod", "identities", "team-cluster"])
def test_committed_stacks_deploy_into_a_real_account(stack):
    """team-cluster reads the identities stack, which must then run in the same account."""
    assert runner.run_stack(stack, caller_account="999988887777", raise_errors=False).error is None


def test_the_adoption_tool_runs_referenced_stacks_in_the_adopted_account():
    from eks_pod_identity.offline.commands import adopt

    assert adopt.run_stack("team-cluster", None, "team-cluster", {}, "210987654321").error is None


CI_ROLE = "arn:aws:iam::123456789012:role/deploy/ci"
CI_SESSION = "arn:aws:sts::123456789012:assumed-role/ci/1700000000000"


def dev_with_admins(admins: list[str], cluster: mocks.AdoptedCluster) -> runner.RunResult:
    clusters = [{**project.raw_config(project.stack_config("dev"))["clusters"][0], "adminPrincipalArns": admins}]
    return runner.run_stack(
        "dev",
        overrides={"eks-pod-identity:clusters": clusters},
        adopted={"pod-identity-dev": cluster},
        caller_arn=CI_SESSION,
        raise_errors=False,
    )


def test_the_creator_listed_as_admin_is_refused_before_the_cluster_is_created():
    """EKS already gives the creator an access entry; a second one fails with 409 after the
    cluster (15 minutes) exists."""
    result = dev_with_admins([CI_ROLE, "arn:aws:iam::123456789012:user/alice"], mocks.AdoptedCluster(missing=True))
    assert isinstance(result.error, config.ConfigError) and result.registrations == []
    assert f"clusters[0].adminPrincipalArns[0] = '{CI_ROLE}'" in str(result.error)
    assert CI_SESSION in str(result.error) and "Leave it out" in str(result.error) and "alice" not in str(result.error)


def test_the_creator_listed_as_admin_is_kept_once_the_cluster_exists():
    """Someone else created it (or this stack did, without the entry): the entry is what gives
    the CI role access, and must stay."""
    result = dev_with_admins([CI_ROLE], mocks.AdoptedCluster())
    assert result.error is None
    (cluster,) = result.of_type("eks:index:Cluster")
    assert [e["principalArn"] for e in cluster.inputs["accessEntries"].values()] == [CI_ROLE]


@pytest.mark.parametrize(
    "arn, caller, same",
    [
        ("arn:aws:iam::123456789012:role/deploy/ci", "arn:aws:sts::123456789012:assumed-role/ci/s", True),
        ("arn:aws:iam::123456789012:role/ci", "arn:aws:sts::123456789012:assumed-role/ci/s", True),
        ("arn:aws:iam::123456789012:role/CI", "arn:aws:sts::123456789012:assumed-role/ci/s", True),
        ("arn:aws:iam::123456789012:role/ci", "arn:aws:sts::210987654321:assumed-role/ci/s", False),
        ("arn:aws:iam::123456789012:role/ci-2", "arn:aws:sts::123456789012:assumed-role/ci/s", False),
        ("arn:aws:iam::123456789012:user/ci", "arn:aws:sts::123456789012:assumed-role/ci/s", False),
        ("arn:aws:iam::123456789012:user/ops/alice", "arn:aws:iam::123456789012:user/ops/alice", True),
        ("arn:aws:iam::123456789012:user/alice", "arn:aws:iam::123456789012:user/ops/alice", False),
    ],
)
def test_same_principal(arn, caller, same):

    assert same_principal(arn, caller) is same


@pytest.mark.parametrize(
    "key, value, path",
    [
        ("managedPolicyArns", ["arn:aws:iam::888888888888:policy/reader"], "identities[0].managedPolicyArns[0]"),
        ("permissionsBoundary", "arn:aws:iam::888888888888:policy/boundary", "identities[0].permissionsBoundary"),
    ],
)
def test_a_customer_managed_policy_of_another_account_is_refused(key, value, path):
    identities = [{"name": "s3-reader", "namespace": "default", "serviceAccount": "aws-cli-sa", key: value}]
    result = prod(identities=identities, sample={"kind": "none"}, account=mocks.ACCOUNT)
    assert isinstance(result.error, config.ConfigError) and result.registrations == []
    assert f"{path} = " in str(result.error) and "policy of account 888888888888" in str(result.error)
    own = (
        value.replace("888888888888", "123456789012")
        if isinstance(value, str)
        else [v.replace("888888888888", "123456789012") for v in value]
    )
    assert prod(identities=[{**identities[0], key: own}], sample={"kind": "none"}).error is None


def test_a_target_roles_policies_must_be_of_the_target_account():
    create = {"deployRoleArn": "arn:aws:iam::210987654321:role/deploy", "managedPolicyArns": ["arn:aws:iam::123456789012:policy/reader"]}
    identities = [{"name": "s3-reader", "namespace": "default", "serviceAccount": "aws-cli-sa", "targetRole": {"create": create}}]
    result = prod(identities=identities, sample={"kind": "none"})
    assert isinstance(result.error, config.ConfigError)
    assert "identities[0].targetRole.create.managedPolicyArns[0]" in str(result.error) and "is in 210987654321" in str(result.error)


def test_the_fleet_example_refuses_to_deploy_its_placeholders():
    result = runner.run_stack("fleet", caller_account="999988887777", raise_errors=False)
    assert isinstance(result.error, config.ConfigError) and result.registrations == []
    assert "a placeholder of AWS's documentation" in str(result.error)


def test_a_role_another_stack_does_not_export_is_a_clear_error():
    outputs = {"organization/eks-pod-identity/identities": {"roleArns": {"other": "arn:aws:iam::123456789012:role/o"}}}
    result = runner.run_stack("team-cluster", stack_outputs=outputs, raise_errors=False)
    assert isinstance(result.error, pulumi.RunError) and not isinstance(result.error, KeyError)
    assert "exports no role 's3-reader'" in str(result.error) and "['other']" in str(result.error)


def test_a_binding_outside_the_scope_a_shared_role_exports_is_refused_before_anything_binds():
    outputs = {
        "organization/eks-pod-identity/identities": {
            "roleArns": {"s3-reader": "arn:aws:iam::123456789012:role/o"},
            "roleTrustScopes": {"s3-reader": [["default", "other"]]},
        }
    }
    result = runner.run_stack("team-cluster", stack_outputs=outputs, raise_errors=False)
    assert isinstance(result.error, pulumi.RunError)
    assert "trusts only default/other, so pods at default/aws-cli-sa would be denied" in str(result.error)
    assert result.of_type(ASSOCIATION) == []
    objects = [r.type for r in result.registrations if r.type.startswith("kubernetes:") and not r.type.startswith("kubernetes:index")]
    assert objects == [], "the sample's objects wait for the association, so none is created"
    inside = {**outputs["organization/eks-pod-identity/identities"], "roleTrustScopes": {"s3-reader": [["default", "aws-cli-sa"]]}}
    assert runner.run_stack("team-cluster", stack_outputs={"organization/eks-pod-identity/identities": inside}).error is None


def test_a_role_another_stack_exports_from_another_account_is_refused():
    outputs = {"organization/eks-pod-identity/identities": {"roleArns": {"s3-reader": "arn:aws:iam::999988887777:role/o"}}}
    result = runner.run_stack("team-cluster", stack_outputs=outputs, raise_errors=False)
    assert isinstance(result.error, pulumi.RunError) and "another account" in str(result.error)
    assert result.of_type(ASSOCIATION) == []
    objects = [r.type for r in result.registrations if r.type.startswith("kubernetes:") and not r.type.startswith("kubernetes:index")]
    assert objects == [], "the sample's objects wait for the association, so none is created"


def test_an_agent_pin_on_an_agent_someone_else_installed_is_a_warning(caplog):
    """The pin cannot apply (the stack does not manage that add-on); saying so only at info
    level left users believing it did."""
    clusters = [{"name": "prod-blue", "create": False, "agentVersion": "v1.3.4-eksbuild.1"}]
    with caplog.at_level("INFO"):
        result = prod(clusters=clusters, identities=[], sample={"kind": "none"})
    assert result.error is None and agents(result) == {}
    (warning,) = [r for r in caplog.records if r.levelname == "WARNING" and "agentVersion" in r.getMessage()]
    assert "agentVersion v1.3.4-eksbuild.1 applies only to an add-on the stack manages" in warning.getMessage()


def test_a_value_another_stack_exports_that_is_no_role_arn_is_a_clear_error():
    outputs = {"organization/eks-pod-identity/identities": {"roleArns": {"s3-reader": "not-an-arn"}}}
    result = runner.run_stack("team-cluster", stack_outputs=outputs, raise_errors=False)
    assert isinstance(result.error, pulumi.RunError), "not an IndexError traceback"
    assert "exports 'not-an-arn' as role 's3-reader'" in str(result.error) and "not an IAM role ARN" in str(result.error)


def test_a_malformed_trust_scope_another_stack_exports_is_a_clear_error():
    outputs = {
        "organization/eks-pod-identity/identities": {
            "roleArns": {"s3-reader": "arn:aws:iam::123456789012:role/o"},
            "roleTrustScopes": {"s3-reader": "oops"},
        }
    }
    result = runner.run_stack("team-cluster", stack_outputs=outputs, raise_errors=False)
    assert isinstance(result.error, pulumi.RunError), "not a TypeError traceback"
    assert "exports 'oops' as the trust scope of role 's3-reader'" in str(result.error)


def test_a_missing_adopted_cluster_is_refused_before_anything_registers():
    """Read once up front: a typo in the second cluster's name no longer leaves the first one's
    resources registered (and, in a real `pulumi up`, created) before the error."""
    result = prod(adopted={"prod-green": mocks.AdoptedCluster(missing=True)})
    assert isinstance(result.error, config.ConfigError) and result.registrations == []
    assert "clusters[1].name = 'prod-green': is adopted (create: false), and EKS has no cluster" in str(result.error)


def test_each_adopted_cluster_and_the_stacks_account_are_read_once(monkeypatch):
    calls: list[str] = []
    original = mocks.Mocks.call
    monkeypatch.setattr(mocks.Mocks, "call", lambda self, args: calls.append(args.token) or original(self, args))
    assert runner.run_stack("fleet").error is None  # one created cluster, one adopted
    counts = {t.rsplit(":", 1)[-1]: calls.count(t) for t in set(calls)}
    assert counts["getCluster"] == 1 and counts["getCallerIdentity"] == counts["getPartition"] == counts["getRegion"] == 1
