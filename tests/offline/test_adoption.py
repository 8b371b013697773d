"""Adoption: hand-made associations and add-ons become an import document whose entries are
exactly what the program registers (type, name, parent URN), so that after `pulumi import
--file` a `pulumi up` creates none of them."""

from __future__ import annotations

import json

import pytest
from eks_pod_identity.offline import adoption as adoption_module
from eks_pod_identity.offline import import_file
from eks_pod_identity.offline.harness import mocks, runner
from eks_pod_identity.offline.inputs import awsjson

from tests.helpers import AWS
from tests.helpers.adoption import IMPORTED, PROD_FILES, WORKSHOP, as_registrations, engine_urns, owned_world


def test_prod_import_entries_are_the_stacks_registrations(prod):
    document = adoption_module.import_document(prod)
    expected = runner.run_stack("prod", adopted=owned_world("prod", ["prod-blue", "prod-green"]))
    registered = {(r.type, r.name, r.parent) for r in expected.registrations if r.type in IMPORTED}
    assert len(registered) == 4, "two associations and two agent add-ons"
    assert as_registrations(document) == registered
    assert all(urn.startswith("urn:pulumi:prod::eks-pod-identity::eks-pod-identity:index:") for urn in document["nameTable"].values())


def test_prod_engine_urns_equal_the_programs(prod):
    """What `pulumi import` will store is exactly what `pulumi up` registers: no create."""
    by_key = {(r.type, r.name): r.urn for r in prod.result.registrations if r.type in IMPORTED}
    for new_stack in (False, True):
        assert engine_urns(adoption_module.import_document(prod, new_stack=new_stack), "prod") == by_key


def test_import_ids_follow_the_providers_formats(prod):
    ids = {e["name"]: e["id"] for e in adoption_module.import_document(prod)["resources"]}
    assert ids == {
        "prod-blue/default/aws-cli-sa": "prod-blue,a-7fk2m9qz3xw8ty1pb",
        "prod-green/default/aws-cli-sa": "prod-green,a-0d6vn4hs8re2kjq5c",
        "prod-blue-agent-addon": "prod-blue:eks-pod-identity-agent",
        "prod-green-agent-addon": "prod-green:eks-pod-identity-agent",
    }


def test_prod_prints_the_tag_command_for_each_hand_installed_agent(prod):
    assert prod.tag_commands == [
        (
            "aws eks tag-resource --resource-arn arn:aws:eks:us-east-1:111122223333:addon/prod-blue/eks-pod-identity-agent/"
            "52c7a9e1-0f3d-4b6a-8e21-9d4c7b3f1a06 --tags pulumi-project=eks-pod-identity,pulumi-stack=prod,managed-by=pulumi"
        ),
        (
            "aws eks tag-resource --resource-arn arn:aws:eks:us-east-1:111122223333:addon/prod-green/eks-pod-identity-agent/"
            "e8b14c2d-6a7f-4e90-b3d5-1c2f8a9e7d41 --tags pulumi-project=eks-pod-identity,pulumi-stack=prod,managed-by=pulumi"
        ),
    ]
    assert prod.unmanaged == [] and prod.to_create == []


def test_a_hand_made_role_is_reported_as_an_update_of_role_arn(prod):
    blue = [n for n in prod.attention if n.startswith("prod-blue/default/aws-cli-sa")]
    assert "EKS-PodIdentity-S3-ReadOnly-Role-101" in blue[0] and "updates roleArn in place" in blue[0]
    assert "roleArn: arn:aws:iam::111122223333:role/EKS-PodIdentity-S3-ReadOnly-Role-101" in blue[0]
    green = [n for n in prod.attention if n.startswith("prod-green/default/aws-cli-sa")]
    assert green == [
        (
            "prod-green/default/aws-cli-sa: only list output given (no role); add `aws eks "
            "describe-pod-identity-association` output to compare roles"
        )
    ]


def test_new_stack_declares_the_parent_components(prod):
    document = adoption_module.import_document(prod, new_stack=True)
    assert "nameTable" not in document
    components = [e for e in document["resources"] if e.get("component")]
    assert {(c["type"], c["logicalName"]) for c in components} == {
        ("eks-pod-identity:index:PodIdentityAgent", "prod-blue-agent"),
        ("eks-pod-identity:index:PodIdentityAgent", "prod-green-agent"),
        ("eks-pod-identity:index:PodIdentityAssociations", "s3-reader"),
    }
    assert all("id" not in c and "parent" not in c for c in components)


def test_state_export_decides_per_parent_and_skips_what_is_there(prod, tmp_path):
    agent = next(r for r in prod.result.registrations if r.name == "prod-blue-agent")
    blue = next(r for r in prod.result.registrations if r.name == "prod-blue/default/aws-cli-sa")
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"version": 3, "deployment": {"resources": [{"urn": agent.urn}, {"urn": blue.urn}]}}))
    document = adoption_module.import_document(prod, import_file.state_urns(str(state)))
    assert document["nameTable"] == {"PodIdentityAgent:prod-blue-agent": agent.urn}
    names = {e["name"] for e in document["resources"]}
    assert "prod-blue/default/aws-cli-sa" not in names, "already in the stack"
    assert {"PodIdentityAgent:prod-green-agent", "PodIdentityAssociations:s3-reader"} <= names
    assert engine_urns(document, "prod")[(adoption_module.ADDON, "prod-green-agent-addon")] == next(
        r.urn for r in prod.result.registrations if r.name == "prod-green-agent-addon"
    )


def test_stack_name_sets_the_urns_and_the_owner_tag():
    adoption = adoption_module.adopt("prod", awsjson.read(PROD_FILES), "production")
    document = adoption_module.import_document(adoption)
    assert all(u.startswith("urn:pulumi:production::") for u in document["nameTable"].values())
    assert all("pulumi-stack=production" in c for c in adoption.tag_commands)
    assert len(document["resources"]) == 4, "the add-ons tagged for 'production' are the stack's own in that run"


def test_leave_addons_imports_associations_only():
    adoption = adoption_module.adopt("prod", awsjson.read(PROD_FILES), "prod", leave_addons=True)
    document = adoption_module.import_document(adoption)
    assert {e["type"] for e in document["resources"]} == {adoption_module.ASSOCIATION}
    assert adoption.tag_commands == []
    assert [u[0] for u in adoption.unmanaged] == ["add-on eks-pod-identity-agent"] * 2
    left = runner.run_stack("prod")  # the mocks' default: a hand-installed agent on every adopted cluster
    assert as_registrations(document) == {(r.type, r.name, r.parent) for r in left.registrations if r.type in IMPORTED}


def test_the_seeds_cluster_imports_agent_and_both_associations(workshop):
    """Seed 004 installed the agent and bound carts/carts to an existing role; seed 000 bound
    default/pod-identity. The stack binds the first to that role and creates a role for the second."""
    document = adoption_module.import_document(workshop)
    tags = {"pulumi-project": "eks-pod-identity", "pulumi-stack": "workshop", "managed-by": "pulumi"}
    world = {
        "eks-workshop": mocks.AdoptedCluster(
            addons={
                "eks-pod-identity-agent": mocks.MockAddon("v1.1.0-eksbuild.1", tags=tags),
                "aws-ebs-csi-driver": mocks.MockAddon("v1.38.1-eksbuild.2"),
            }
        )
    }
    expected = runner.run_stack("workshop", path=WORKSHOP, adopted=world, caller_account="123456789000")
    assert as_registrations(document) == {(r.type, r.name, r.parent) for r in expected.registrations if r.type in IMPORTED}
    assert {e["id"] for e in document["resources"]} == {
        "eks-workshop:eks-pod-identity-agent",
        "eks-workshop,a-abcdefghijklmnop1",
        "eks-workshop,a-kvbxt9pyavos3iwxy",
    }
    assert workshop.tag_commands == [
        (
            "aws eks tag-resource --resource-arn arn:aws:eks:us-west-2:123456789000:addon/eks-workshop/eks-pod-identity-agent/"
            "9ec6cfbd-8c9f-7ff4-fd26-640dda75bcea --tags pulumi-project=eks-pod-identity,pulumi-stack=workshop,managed-by=pulumi"
        )
    ]


def test_the_seeds_unknown_objects_stay_unmanaged(workshop):
    assert workshop.unmanaged == [
        ("add-on aws-ebs-csi-driver", "eks-workshop", "the stack does not declare it on eks-workshop"),
        (
            "association kube-system/ebs-csi-controller-sa (a-9m2xq7rdk4wvzb1nt)",
            "eks-workshop",
            "belongs to add-on aws-ebs-csi-driver (EKS-managed, goes with the add-on), which stays as it is",
        ),
        (
            "association monitoring/prometheus (a-3hq8w0ye6ptj5c2ma)",
            "eks-workshop",
            "no identity of the stack binds monitoring/prometheus on eks-workshop",
        ),
    ]


def test_the_seeds_notes_name_role_version_and_status(workshop):
    notes = "\n".join(workshop.attention)
    assert "eks-workshop/carts/carts" not in notes, "bound to the role the stack binds: nothing changes"
    assert "bound to arn:aws:iam::123456789000:role/pod-idenity-s3-example by hand" in notes
    assert "set `agentVersion: v1.1.0-eksbuild.1` to keep it" in notes
    assert "status CREATING when read" in notes, "seed 004 printed create-addon output, not a describe"


DEV_LISTING = {
    "associations": [
        {
            "clusterName": "pod-identity-dev",
            "namespace": "default",
            "serviceAccount": "aws-cli-sa",
            "associationArn": "arn:aws:eks:us-east-1:111122223333:podidentityassociation/pod-identity-dev/a-1111111111111111a",
            "associationId": "a-1111111111111111a",
        },
        {
            "clusterName": "elsewhere",
            "namespace": "default",
            "serviceAccount": "x",
            "associationArn": "arn:aws:eks:us-east-1:111122223333:podidentityassociation/elsewhere/a-2222222222222222b",
            "associationId": "a-2222222222222222b",
        },
    ]
}
"""An association on the cluster the dev stack creates (left by an interrupted `pulumi up`), and
one on a cluster the stack does not know."""


def dev_listing(tmp_path) -> awsjson.Inputs:
    (tmp_path / "list.json").write_text(json.dumps(DEV_LISTING))
    return awsjson.read([tmp_path / "list.json"])


def test_objects_of_a_created_cluster_are_imported_next_to_it(tmp_path):
    """After the first `pulumi up` a cluster the stack creates holds associations; one outside the
    state (an interrupted run) makes the next `pulumi up` fail with 409 unless it is imported."""
    adoption = adoption_module.adopt("dev", dev_listing(tmp_path), "dev")
    ((reg, import_id, _),) = adoption.imports
    assert (reg.name, import_id) == ("pod-identity-dev/default/aws-cli-sa", "pod-identity-dev,a-1111111111111111a")
    assert [w for _, _, w in adoption.unmanaged] == ["cluster elsewhere is not in this stack"]
    assert any("this stack creates it" in n and "pass --state" in n for n in adoption.attention)
    assert adoption.tag_commands == [], "a created cluster's add-ons are the stack's by its state, not by tags"


@pytest.mark.parametrize("in_state", [False, True])
def test_a_created_cluster_must_be_in_the_state_to_take_its_objects(tmp_path, in_state):
    cluster = "urn:pulumi:dev::eks-pod-identity::eks-pod-identity:index:EksCluster$eks:index:Cluster::pod-identity-dev-eks"
    existing = {cluster} if in_state else set()
    adoption = adoption_module.adopt("dev", dev_listing(tmp_path), "dev", existing=existing)
    assert len(adoption.imports) == int(in_state)
    if not in_state:
        assert "its state (--state) does not hold it" in adoption.unmanaged[0][2]


def test_a_new_stack_cannot_take_the_objects_of_a_cluster_it_would_create(tmp_path):
    adoption = adoption_module.adopt("dev", dev_listing(tmp_path), "dev", new_stack=True)
    assert adoption.imports == []
    assert "a new stack does not hold it: `pulumi up` would create it again" in adoption.unmanaged[0][2]
    assert "create: false" in adoption.unmanaged[0][2]


def test_an_addon_owned_by_another_stack_is_not_taken(tmp_path):
    addon = json.loads((AWS / "prod-blue-describe-agent.json").read_text())
    addon["addon"]["tags"] = {"pulumi-project": "eks-pod-identity", "pulumi-stack": "staging", "managed-by": "pulumi"}
    (tmp_path / "agent.json").write_text(json.dumps(addon))
    adoption = adoption_module.adopt("prod", awsjson.read([tmp_path / "agent.json"]), "prod")
    assert adoption.imports == [] and adoption.tag_commands == []
    assert "tagged as stack 'staging'" in adoption.unmanaged[0][2]


def test_what_the_files_do_not_show_is_listed_for_creation():
    adoption = adoption_module.adopt("prod", awsjson.read([AWS / "prod-blue-list-associations.json"]), "prod")
    assert sorted(r.name for r in adoption.to_create) == [
        "prod-blue-agent-addon",
        "prod-green-agent-addon",
        "prod-green/default/aws-cli-sa",
    ]


def test_two_ids_for_one_service_account_import_only_the_first(tmp_path):
    listing = json.loads((AWS / "prod-blue-list-associations.json").read_text())
    stale = {**listing["associations"][0], "associationId": "a-0000000000000000z"}
    (tmp_path / "list.json").write_text(json.dumps({"associations": [*listing["associations"], stale]}))
    adoption = adoption_module.adopt("prod", awsjson.read([tmp_path / "list.json"]), "prod")
    assert [i for _, i, _ in adoption.imports] == ["prod-blue,a-7fk2m9qz3xw8ty1pb"]
    assert "the files disagree" in adoption.unmanaged[0][2]


def test_the_adoption_tool_runs_referenced_stacks_in_the_adopted_account():
    assert adoption_module.run_stack("team-cluster", None, "team-cluster", {}, "210987654321").error is None


def test_a_stack_of_another_account_runs_in_the_account_it_names(tmp_path):
    """adopt ran every stack in the mocks' account: a stack binding a role of its own account
    was refused as another account's (plan, check and access took the stack's account)."""
    path = tmp_path / "Pulumi.acct.yaml"
    identity = {"name": "app", "namespace": "a", "serviceAccount": "app", "roleArn": "arn:aws:iam::111111111111:role/existing"}
    path.write_text(
        json.dumps(
            {
                "config": {
                    "aws:region": "eu-west-1",
                    "eks-pod-identity:clusters": [{"name": "c", "create": False}],
                    "eks-pod-identity:identities": [identity],
                    "eks-pod-identity:sample": {"kind": "none"},
                }
            }
        ),
        encoding="utf-8",
    )
    result = adoption_module.run_stack(str(path), path, "acct", {})
    (association,) = result.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert association.inputs["roleArn"] == identity["roleArn"]
    assert association.urn.startswith("urn:pulumi:acct::")
