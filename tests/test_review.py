"""The offline review (`eks-pod-identity review NEW --against OLD`): pairs of stack configs run
through the real program, compared, and judged; the operations, hazards and exit status are
asserted for each kind of change a pull request makes."""

from __future__ import annotations

import copy
import functools
import json

import pulumi
import pulumi_aws as aws
import pytest
import yaml
from eks_pod_identity import cli
from eks_pod_identity.offline import commands
from eks_pod_identity.offline.commands import review
from eks_pod_identity.offline.harness import runner
from eks_pod_identity.offline.review import compare as cmp
from eks_pod_identity.offline.review import hazards, paths, provider_rules, replacements, sides

from .conftest import ROOT, STACKS

ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
ROLE = "aws:iam/role:Role"
DEV = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())["config"]
KEY = "eks-pod-identity:"


@functools.cache
def _side(stack: str, overrides: str) -> sides.Side:
    return sides.side(stack, json.loads(overrides) or None)


def side(stack: str, overrides: dict | None = None) -> sides.Side:
    """A run of the program (cached: the tests reuse runs)."""
    return _side(stack, json.dumps(overrides or {}, sort_keys=True))


def dev(**changes) -> dict:
    """Overrides of the dev stack: `clusters`, `identities` or `sample` replaced by a copy."""
    return {f"{KEY}{k}": v for k, v in changes.items()}


def identities(**fields) -> list[dict]:
    ids = copy.deepcopy(DEV[f"{KEY}identities"])
    ids[0].update(fields)
    return ids


def clusters(**fields) -> list[dict]:
    cs = copy.deepcopy(DEV[f"{KEY}clusters"])
    cs[0].update(fields)
    return cs


def judge(old: sides.Side, new: sides.Side, accept: list[str] = (), stack: str = "dev") -> tuple[hazards.Review, int]:
    result = hazards.review(stack, old, new)
    return result, review.settle(result, list(accept))


def ops(result: hazards.Review) -> dict[str, set[tuple[str, str]]]:
    """op -> {(type, name)} for every resource that is not unchanged and not a local component."""
    out: dict[str, set[tuple[str, str]]] = {}
    for change in result.comparison.changes:
        if change.kind != "component" and change.op != "same":
            out.setdefault(change.op, set()).add((change.reg.type, change.reg.name))
    return out


def kinds(result: hazards.Review) -> list[str]:
    return sorted(h.kind for h in result.hazards)


def change_of(result: hazards.Review, type_: str, name: str) -> cmp.Change:
    (found,) = [c for c in result.comparison.changes if c.reg.type == type_ and c.reg.name == name]
    return found


# --- the changes the issue names ----------------------------------------------------------


def test_a_harmless_change_only_updates_and_exits_0():
    result, status = judge(side("dev"), side("dev", {f"{KEY}environment": "dev-2"}))
    assert set(ops(result)) == {"update"}
    assert all(c.path[:1] == ("tags",) for ch in result.comparison.changes for c in ch.inputs)
    assert result.hazards == [] and status == 0
    assert "exit 0" in review.render(result)


@pytest.mark.parametrize("how", ["removed", "create false"])
def test_deleting_a_created_cluster_is_one_hazard_that_names_what_goes_with_it(how):
    if how == "removed":
        new = side("dev", dev(clusters=[], identities=[], sample={"kind": "none"}))
    else:
        new = side("dev", dev(clusters=[{"name": "pod-identity-dev", "create": False}]))
    result, status = judge(side("dev"), new)
    deleted = ops(result)["delete"]
    assert ("eks:index:Cluster", "pod-identity-dev-eks") in deleted
    assert ("eks:index:ManagedNodeGroup", "pod-identity-dev-nodes") in deleted
    # What is inside the cluster folds into the cluster's hazard instead of one hazard each.
    assert kinds(result) == ["cluster-deleted"] and status == commands.HAZARDS
    hazard = result.hazards[0]
    assert hazard.id == "cluster-deleted:" + change_of(result, "eks:index:Cluster", "pod-identity-dev-eks").urn
    assert "Deployment" in " ".join(hazard.details)
    assert ("does not hand this one over" in hazard.message) == (how == "create false")


def test_renaming_a_cluster_deletes_it_and_moves_its_objects_to_the_new_one():
    result, status = judge(side("dev"), side("dev", dev(clusters=clusters(name="pod-identity-dev-2"))))
    assert ("eks:index:Cluster", "pod-identity-dev-2-eks") in ops(result)["create"]
    assert ("eks:index:Cluster", "pod-identity-dev-eks") in ops(result)["delete"]
    # The sample keeps its URNs but moves to the new cluster's provider: replaced, create-first.
    sa = change_of(result, "kubernetes:core/v1:ServiceAccount", "sample-sa")
    assert sa.op == "replace" and not sa.delete_first and "moves to provider pod-identity-dev-2-k8s" in sa.reasons[0]
    assert kinds(result) == ["cluster-deleted"] and status == commands.HAZARDS
    assert any("a rename is a new cluster" in d for d in result.hazards[0].details)


def test_setting_a_fixed_role_name_replaces_the_role_delete_first():
    result, status = judge(side("dev"), side("dev", dev(identities=identities(roleName="team-a-reader"))))
    role = change_of(result, ROLE, "fixed.team-a-reader-role")
    assert role.op == "replace" and role.renamed, "the alias links the fixed-name role to the auto-named one"
    assert [c.path for c in role.inputs if c.forces] == [("name",)]
    assert "role.go ResourceRole, name ForceNew" in role.inputs[0].forces
    assert role.delete_first == "the deleteBeforeReplace option is set"
    association = change_of(result, ASSOCIATION, "pod-identity-dev/default/aws-cli-sa")
    assert association.op == "update" and isinstance(association.inputs[0].new, cmp.Unknown)
    # The Deployment's spec is computed from the role: unknown, so only an update, unless the
    # selector under it turns out to change (the Kubernetes provider plans it that way).
    deployment = change_of(result, "kubernetes:apps/v1:Deployment", "sample-deployment")
    assert deployment.op == "update" and [c.may_force for c in deployment.inputs] == [["spec.selector"]]
    assert kinds(result) == ["role-replaced"] and status == commands.HAZARDS
    assert "delete-first" in result.hazards[0].message


def test_moving_a_binding_to_another_namespace_creates_the_new_association_and_deletes_the_old():
    sample = {**DEV[f"{KEY}sample"], "createNamespace": True}
    result, status = judge(side("dev"), side("dev", dev(identities=identities(namespace="team-b"), sample=sample)))
    assert (ASSOCIATION, "pod-identity-dev/team-b/aws-cli-sa") in ops(result)["create"]
    assert ("kubernetes:core/v1:Namespace", "sample-namespace") in ops(result)["create"], "the created cluster has no team-b"
    assert (ASSOCIATION, "pod-identity-dev/default/aws-cli-sa") in ops(result)["delete"]
    deployment = change_of(result, "kubernetes:apps/v1:Deployment", "sample-deployment")
    assert deployment.op == "replace" and not deployment.delete_first, "a new namespace: the provider replaces create-first"
    assert any(c.path == ("metadata", "namespace") and "diff.go metadataForceNewProperties" in c.forces for c in deployment.inputs)
    # The keys differ, so nothing waits for a 409; pods in the old namespace lose the role.
    assert kinds(result) == ["association-deleted"] and status == commands.HAZARDS
    assert result.hazards[0].details == ["a new binding is created at pod-identity-dev/team-b/aws-cli-sa"]
    assert "- Condition: StringEquals aws:RequestTag/kubernetes-namespace=default" in review.render(result)


def test_renaming_an_identity_updates_its_association_in_place():
    ids = identities(name="s3-reader-2")
    new = side("dev", dev(identities=ids, sample={**DEV[f"{KEY}sample"], "identity": "s3-reader-2"}))
    result, status = judge(side("dev"), new)
    association = change_of(result, ASSOCIATION, "pod-identity-dev/default/aws-cli-sa")
    assert association.op == "update" and [c.path for c in association.inputs] == [("roleArn",)]
    assert "unique-key-conflict" not in kinds(result), "the association keeps its URN: no second one, no 409"
    # The auto-named role is new; the old one goes while pods still hold its credentials.
    assert kinds(result) == ["role-replaced"] and status == commands.HAZARDS


def test_renaming_an_identity_with_a_fixed_role_name_only_updates_the_description():
    before = side("dev", dev(identities=identities(roleName="team-a-reader")))
    ids = identities(roleName="team-a-reader", name="s3-reader-2")
    after = side("dev", dev(identities=ids, sample={**DEV[f"{KEY}sample"], "identity": "s3-reader-2"}))
    result, status = judge(before, after)
    assert ops(result) == {"update": {(ROLE, "fixed.team-a-reader-role")}} and status == 0
    assert [c.path for c in change_of(result, ROLE, "fixed.team-a-reader-role").inputs] == [("description",)]


def test_removing_a_managed_policy_from_a_bound_role_is_a_permission_hazard():
    result, status = judge(side("dev"), side("dev", dev(identities=identities(managedPolicyArns=[]))))
    assert ops(result) == {"delete": {("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "s3-reader/aws/AmazonS3ReadOnlyAccess")}}
    assert kinds(result) == ["permissions-removed"] and status == commands.HAZARDS
    assert result.hazards[0].details == ["detached: arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
    assert "pod-identity-dev/default/aws-cli-sa" in result.hazards[0].message
    assert "- detach 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' from role" in review.render(result)


def test_narrowing_inline_statements_of_a_bound_role_lists_what_is_no_longer_allowed():
    wide = [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": ["arn:aws:s3:::b/*"]}]
    narrow = [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::b/*"]}]
    result, _ = judge(side("dev", dev(identities=identities(statements=wide))), side("dev", dev(identities=identities(statements=narrow))))
    (hazard,) = result.hazards
    assert hazard.kind == "permissions-removed" and hazard.details == ["no longer allowed: s3:PutObject on arn:aws:s3:::b/*"]
    text = review.render(result)
    assert "- Action: s3:PutObject" in text and "Action: s3:GetObject" not in text
    # Widening is no hazard.
    assert (
        judge(side("dev", dev(identities=identities(statements=narrow))), side("dev", dev(identities=identities(statements=wide))))[
            0
        ].hazards
        == []
    )


def test_accepting_every_hazard_exits_0_and_a_stale_acceptance_is_reported():
    result, status = judge(
        side("dev"),
        side("dev", dev(identities=identities(managedPolicyArns=[]))),
        accept=["permissions-removed:*s3-reader-role", "cluster-deleted:*"],
    )
    assert status == 0 and result.hazards[0].accepted and result.unused_accepts == ["cluster-deleted:*"]
    text = review.render(result)
    assert "ACCEPTED  permissions-removed:" in text and "matches no hazard" in text and "every hazard was accepted" in text


# --- shared roles, clusters, the agent ----------------------------------------------------


def test_narrowing_a_shared_roles_trust_names_the_cluster_stack_it_cuts_off():
    ids = yaml.safe_load((ROOT / "Pulumi.identities.yaml").read_text())["config"][f"{KEY}identities"]
    ids = copy.deepcopy(ids)
    ids[0]["namespace"] = "other"
    result, status = judge(side("identities"), side("identities", {f"{KEY}identities": ids}), stack="identities")
    (hazard,) = result.hazards
    assert hazard.kind == "trust-narrowed" and status == commands.HAZARDS
    assert "committed stack no longer admitted: team-cluster: team-cluster/default/aws-cli-sa" in hazard.details


@pytest.mark.parametrize(
    "old_version, new_version, kind",
    [("1.35", "1.33", "cluster-version-downgrade"), ("1.33", "1.35", "cluster-version-skip"), ("1.34", "1.35", None)],
)
def test_cluster_versions_move_one_minor_version_up_at_a_time(old_version, new_version, kind):
    result, status = judge(
        side("dev", dev(clusters=clusters(version=old_version))), side("dev", dev(clusters=clusters(version=new_version)))
    )
    assert change_of(result, "eks:index:Cluster", "pod-identity-dev-eks").op == "update"
    assert kinds(result) == ([kind] if kind else []) and status == (commands.HAZARDS if kind else 0)


def test_a_new_instance_type_replaces_the_node_group():
    result, _ = judge(side("dev"), side("dev", dev(clusters=clusters(instanceType="t3.large"))))
    group = change_of(result, "eks:index:ManagedNodeGroup", "pod-identity-dev-nodes")
    assert group.op == "replace" and "node_group.go ResourceNodeGroup, instance_types ForceNew" in group.inputs[0].forces
    assert kinds(result) == ["nodegroup-replaced"]


def test_a_new_vpc_cidr_replaces_the_vpc_and_node_group_and_the_cluster_cannot_follow():
    result, status = judge(side("dev"), side("dev", dev(clusters=clusters(network={"cidr": "10.1.0.0/16"}))))
    vpc = change_of(result, "awsx:ec2:Vpc", "pod-identity-dev-network-vpc")
    assert vpc.op == "replace" and "vpc_.go ResourceVPC, cidr_block ForceNew" in vpc.inputs[0].forces
    cluster = change_of(result, "eks:index:Cluster", "pod-identity-dev-eks")
    assert cluster.op == "update" and {c.path for c in cluster.inputs} == {("vpcId",), ("privateSubnetIds",), ("publicSubnetIds",)}
    assert kinds(result) == ["change-refused", "nodegroup-replaced", "vpc-replaced"] and status == commands.HAZARDS


def test_turning_off_installagent_deletes_the_agent_pulumi_installed():
    result, _ = judge(side("dev"), side("dev", dev(clusters=clusters(installAgent=False))))
    assert ops(result)["delete"] == {("aws:eks/addon:Addon", "pod-identity-dev-agent-addon")}
    assert kinds(result) == ["agent-removed"] and "pod-identity-dev" in result.hazards[0].message


def test_a_job_template_change_replaces_the_auto_named_job_create_first_without_hazard():
    result, status = judge(side("prod"), side("prod", {f"{KEY}awsCliImage": "amazon/aws-cli:2.36.0"}), stack="prod")
    job = change_of(result, "kubernetes:batch/v1:Job", "sample-job")
    assert job.op == "replace" and not job.delete_first
    assert "diff.go job" in job.inputs[0].forces
    assert result.hazards == [] and status == 0


# --- unique keys, on small programs -------------------------------------------------------


def run_program(body) -> sides.Side:
    return sides.Side("program", runner.run({"aws:region": "us-east-1"}, stack="dev", program=body), None)


def role(name: str, fixed: str | None, **opts) -> None:
    aws.iam.Role(name, name=fixed, assume_role_policy="{}", opts=pulumi.ResourceOptions(**opts))


def test_a_fixed_name_under_a_new_urn_fails_to_create_and_an_alias_prevents_it():
    old = run_program(lambda: role("a", "fixed"))
    result, status = judge(old, run_program(lambda: role("b", "fixed")))
    assert kinds(result) == ["unique-key-conflict"] and status == commands.HAZARDS
    assert "EntityAlreadyExists" in " ".join(result.hazards[0].details)
    aliased, _ = judge(old, run_program(lambda: role("b", "fixed", aliases=[pulumi.Alias(name="a")])))
    assert aliased.hazards == [] and ops(aliased) == {}
    # IAM names ignore case.
    assert kinds(judge(old, run_program(lambda: role("b", "FIXED")))[0]) == ["unique-key-conflict"]


def test_a_replacement_that_keeps_a_fixed_name_is_deleted_first_by_the_provider():
    def moved():
        aws.iam.Role("a", name="fixed", path="/x/", assume_role_policy="{}")

    result, _ = judge(run_program(lambda: role("a", "fixed")), run_program(moved))
    change = change_of(result, ROLE, "a")
    # The bridge asks for delete-first for an explicit, unchanged autonamed name.
    assert change.op == "replace" and "set explicitly and unchanged" in change.delete_first and result.hazards == []


def test_a_create_first_replacement_that_keeps_its_key_conflicts_with_itself():
    def addon(**extra):
        def body():
            aws.eks.Addon("agent", cluster_name="c", addon_name="eks-pod-identity-agent", **extra)

        return body

    result, _ = judge(run_program(addon()), run_program(addon(namespace_config=aws.eks.AddonNamespaceConfigArgs(namespace="x"))))
    assert change_of(result, "aws:eks/addon:Addon", "agent").op == "replace"
    (hazard,) = result.hazards
    assert hazard.kind == "unique-key-conflict" and "created (create-first)" in hazard.message


def test_a_retained_resource_leaves_the_stack_but_keeps_its_key():
    def addon(name, **opts):
        def body():
            aws.eks.Addon(name, cluster_name="c", addon_name="vpc-cni", opts=pulumi.ResourceOptions(**opts))

        return body

    old = run_program(addon("a", retain_on_delete=True))
    dropped, status = judge(old, run_program(lambda: None))
    assert dropped.hazards == [] and status == 0
    assert "[retainOnDelete: leaves the stack, stays in the cloud]" in review.render(dropped)
    (hazard,) = judge(old, run_program(addon("b")))[0].hazards
    assert hazard.kind == "unique-key-conflict" and "never deletes it" in hazard.message


def test_two_new_resources_with_one_key_conflict():
    def twice():
        for name in ("a", "b"):
            aws.eks.Addon(name, cluster_name="c", addon_name="vpc-cni")

    (hazard,) = judge(run_program(lambda: None), run_program(twice))[0].hazards
    assert hazard.kind == "unique-key-conflict" and "both claim one add-on of that name per cluster" in hazard.message


def test_an_import_adopts_instead_of_creating_and_meets_no_key():
    def imported():
        aws.iam.Role("b", name="fixed", assume_role_policy="{}", opts=pulumi.ResourceOptions(import_="fixed"))

    result, status = judge(run_program(lambda: None), run_program(imported))
    assert ops(result) == {"import": {(ROLE, "b")}} and status == 0
    assert "1 to import" in review.render(result)


def test_renaming_an_attachment_without_an_alias_detaches_the_policy_at_the_end():
    def attach(name):
        def body():
            aws.iam.RolePolicyAttachment(name, role="r", policy_arn="arn:aws:iam::aws:policy/ReadOnlyAccess")

        return body

    result, _ = judge(run_program(attach("one")), run_program(attach("two")))
    assert kinds(result) == ["lost-after-update"]


def test_two_providers_into_the_same_account_share_iam_names():
    def body(suffix):
        def program():
            provider = aws.Provider(
                f"p{suffix}", region="us-east-1", assume_roles=[aws.ProviderAssumeRoleArgs(role_arn="arn:aws:iam::210987654321:role/d")]
            )
            aws.iam.Role(f"r{suffix}", name="fixed", assume_role_policy="{}", opts=pulumi.ResourceOptions(provider=provider))

        return program

    assert kinds(judge(run_program(body("1")), run_program(body("2")))[0]) == ["unique-key-conflict"]


# --- the Kubernetes provider's replacement rule -------------------------------------------

KUBECONFIG = {
    "clusters": [{"name": "a", "cluster": {"server": "https://a"}}],
    "contexts": [{"name": "a", "context": {"cluster": "a"}}],
    "current-context": "a",
}
OTHER = {**KUBECONFIG, "clusters": [{"name": "a", "cluster": {"server": "https://b"}}]}


@pytest.mark.parametrize(
    "old, new, computed, replaced",
    [
        ({"kubeconfig": json.dumps(KUBECONFIG)}, {"kubeconfig": json.dumps(KUBECONFIG), "namespace": "x"}, set(), False),
        ({"kubeconfig": json.dumps(KUBECONFIG)}, {"kubeconfig": json.dumps(OTHER)}, set(), True),
        ({"kubeconfig": "x"}, {"kubeconfig": "y"}, {"kubeconfig"}, True),
        ({"kubeconfig": "x", "clusterIdentifier": "c"}, {"kubeconfig": "y", "clusterIdentifier": "c"}, {"kubeconfig"}, False),
        ({"kubeconfig": "x", "clusterIdentifier": "c"}, {"kubeconfig": "x", "clusterIdentifier": "d"}, set(), True),
        ({"kubeconfig": json.dumps(KUBECONFIG)}, {"kubeconfig": json.dumps(OTHER), "clusterIdentifier": "c"}, set(), True),
    ],
)
def test_kubernetes_provider_replacement_follows_diffconfig(old, new, computed, replaced):
    assert (cmp.provider_replace(old, new, computed) is not None) == replaced


# --- the table ------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_every_registered_type_has_replacement_facts(stack, stack_runs):
    missing = sorted({r.type for r in stack_runs[stack].registrations if replacements.rule_for(r.type) is None})
    assert missing == [], f"add {missing} to offline/review/provider_rules.py RULES, with sources"


def test_every_fact_has_a_source_and_a_parseable_path():
    for rule in provider_rules.RULES.values():
        for fact in (*rule.force_new, *rule.explicit_name_delete_first):
            assert fact.source and paths.parse_path(fact.path)
        if rule.unique_key:
            assert rule.unique_key.source and all(paths.parse_path(p) for p in rule.unique_key.paths)
        assert rule.kind != "remote" or rule.inner


def test_a_type_without_facts_is_reported_rather_than_trusted():
    def body(suffix):
        def program():
            pulumi.CustomResource("x:index:Thing", "t", {"size": suffix})

        return program

    result, _ = judge(run_program(body("1")), run_program(body("2")))
    assert change_of(result, "x:index:Thing", "t").kind == "unknown"
    assert "no replacement facts for x:index:Thing" in review.render(result)


# --- the command ------------------------------------------------------------------------------


def write(tmp_path, name: str, config: dict) -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"config": config}))
    return str(path)


def test_the_command_exits_3_on_a_hazard_and_0_once_it_is_accepted(tmp_path, capsys):
    old = write(tmp_path, "base.yaml", DEV)
    new = write(tmp_path, "Pulumi.dev.yaml", {**DEV, f"{KEY}identities": identities(managedPolicyArns=[])})
    assert cli.main(["review", new, "--against", old]) == commands.HAZARDS
    out = capsys.readouterr().out
    (hazard_id,) = [line.split()[1] for line in out.splitlines() if line.startswith("HAZARD  ")]
    accept_file = tmp_path / "accepted.txt"
    accept_file.write_text(f"# reviewed in PR 12\n{hazard_id}\n")
    assert cli.main(["review", new, "--against", old, "--accept-file", str(accept_file)]) == 0
    assert cli.main(["review", new, "--against", old, "--accept", hazard_id]) == 0
    assert "123456789012" not in capsys.readouterr().out


def test_an_empty_old_file_is_a_new_stack(tmp_path, capsys):
    (tmp_path / "empty.yaml").write_text("")
    assert cli.main(["review", "dev", "--against", str(tmp_path / "empty.yaml")]) == 0
    assert "0 to delete" in capsys.readouterr().out


@pytest.mark.parametrize("content", ["", "config: null\n"])
def test_an_empty_new_file_is_checked_like_plan_file_and_refused(tmp_path, capsys, content):
    """Only the OLD side may be empty (a stack never deployed); an empty NEW side is a stack file
    with no config, which `eks-pod-identity plan FILE` refuses: so does the review."""
    new = tmp_path / "Pulumi.dev.yaml"
    new.write_text(content)
    assert cli.main(["plan", str(new)]) == 1
    alone = capsys.readouterr().err
    assert cli.main(["review", str(new), "--against", "dev"]) == commands.BAD_INPUT
    out = capsys.readouterr()
    assert "empty: a new stack" not in out.out and out.err.startswith(f"error: {new}: ")
    said = "the stack file is empty" if not content else "eks-pod-identity:clusters: is required"
    assert said in alone and said in out.err


@pytest.mark.parametrize(
    "content, message",
    [
        ({"config": {**DEV, f"{KEY}identities": [{"name": "Bad_Name"}]}}, "problem"),
        ("config: [unclosed", "cannot read"),
        (["a list"], "not a stack file"),
    ],
)
def test_bad_input_exits_1_with_the_message_and_no_traceback(tmp_path, capsys, content, message):
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(content if isinstance(content, str) else yaml.safe_dump(content))
    assert cli.main(["review", "dev", "--against", str(path)]) == commands.BAD_INPUT
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_unknown_stacks_and_accept_without_against_are_usage_errors(capsys):
    assert cli.main(["review", "dev", "--against", "nope"]) == commands.BAD_INPUT
    assert "no Pulumi.nope.yaml" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        cli.main(["review", "dev", "--accept", "x"])
    assert exit_.value.code == 2


def test_the_readmes_review_example_is_what_the_review_prints():
    """README, "Reviewing a change": each line of its (abridged) example is in the output."""
    readme = (ROOT / "README.md").read_text()
    example = readme.split("### Reviewing a change", 1)[1].split("```", 2)[1]
    sample = {**DEV[f"{KEY}sample"], "createNamespace": True}
    result, status = judge(side("dev"), side("dev", dev(identities=identities(namespace="team-b"), sample=sample)))
    printed = review.render(result)
    lines = [line for line in example.strip().splitlines() if line.strip() and "…" not in line]
    assert len(lines) > 10 and status == commands.HAZARDS
    assert [line for line in lines if line not in printed] == []
