"""eks-pod-identity adopt: hand-made associations and add-ons become an import document whose entries
are exactly what the program registers (type, name, parent URN), so that after
`pulumi import --file` a `pulumi up` creates none of them."""

from __future__ import annotations

import json

import pytest
from eks_pod_identity import cli
from eks_pod_identity.offline.commands import adopt
from eks_pod_identity.offline.harness import mocks, runner
from eks_pod_identity.offline.inputs import awsjson

from tests.helpers import AWS, ROOT, STACK_FILES

WORKSHOP = STACK_FILES / "Pulumi.workshop.yaml"
PROD_FILES = [
    AWS / f
    for f in (
        "prod-blue-list-associations.json",
        "prod-green-list-associations.json",
        "prod-blue-describe-agent.json",
        "prod-green-describe-agent.json",
        "prod-blue-describe-association.json",
    )
]
WORKSHOP_FILES = [
    AWS / f
    for f in (
        "seed004-create-addon.json",
        "seed004-create-association.json",
        "workshop-list-associations.json",
        "workshop-describe-pod-identity.json",
        "workshop-describe-ebs-csi.json",
    )
]
IMPORTED = (adopt.ASSOCIATION, adopt.ADDON)


def owned_world(stack: str, clusters: list[str]) -> dict[str, mocks.AdoptedCluster]:
    """The adopted clusters with their agent add-on tagged as `stack`'s: what the user has
    once the printed tag commands ran (the contract of components/addons/installed.py)."""
    tags = {"pulumi-project": "eks-pod-identity", "pulumi-stack": stack, "managed-by": "pulumi"}
    return {c: mocks.AdoptedCluster(addons={"eks-pod-identity-agent": mocks.MockAddon(mocks.AGENT_VERSION, tags=tags)}) for c in clusters}


def engine_urns(document: dict, stack: str) -> dict[tuple[str, str], str]:
    """The URN the engine gives each entry of an import document: its parent's type chain
    (from nameTable, or from a component entry of the document) plus its own type and name."""
    names = dict(document.get("nameTable", {}))
    entries = {e["name"]: e for e in document["resources"]}

    def urn(entry: dict) -> str:
        parent = entry.get("parent")
        chain = ""
        if parent:
            parent_urn = names[parent] if parent in names else urn(entries[parent])
            chain = parent_urn.split("::")[2] + "$"
        return f"urn:pulumi:{stack}::eks-pod-identity::{chain}{entry['type']}::{entry.get('logicalName', entry['name'])}"

    return {(e["type"], e["name"]): urn(e) for e in document["resources"] if not e.get("component")}


def as_registrations(document: dict) -> set[tuple[str, str, str]]:
    """(type, name, parent URN) of every imported resource, parents resolved through the name table."""
    names = document.get("nameTable", {})
    return {(e["type"], e["name"], names[e["parent"]]) for e in document["resources"] if not e.get("component")}


@pytest.fixture(scope="module")
def prod():
    return adopt.adopt("prod", awsjson.read(PROD_FILES), "prod")


def test_prod_import_entries_are_the_stacks_registrations(prod):
    document = adopt.import_document(prod)
    expected = runner.run_stack("prod", adopted=owned_world("prod", ["prod-blue", "prod-green"]))
    registered = {(r.type, r.name, r.parent) for r in expected.registrations if r.type in IMPORTED}
    assert len(registered) == 4, "two associations and two agent add-ons"
    assert as_registrations(document) == registered
    assert all(urn.startswith("urn:pulumi:prod::eks-pod-identity::eks-pod-identity:index:") for urn in document["nameTable"].values())


def test_prod_engine_urns_equal_the_programs(prod):
    """What `pulumi import` will store is exactly what `pulumi up` registers: no create."""
    by_key = {(r.type, r.name): r.urn for r in prod.result.registrations if r.type in IMPORTED}
    for new_stack in (False, True):
        assert engine_urns(adopt.import_document(prod, new_stack=new_stack), "prod") == by_key


def test_import_ids_follow_the_providers_formats(prod):
    ids = {e["name"]: e["id"] for e in adopt.import_document(prod)["resources"]}
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
    document = adopt.import_document(prod, new_stack=True)
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
    document = adopt.import_document(prod, adopt.state_urns(str(state)))
    assert document["nameTable"] == {"PodIdentityAgent:prod-blue-agent": agent.urn}
    names = {e["name"] for e in document["resources"]}
    assert "prod-blue/default/aws-cli-sa" not in names, "already in the stack"
    assert {"PodIdentityAgent:prod-green-agent", "PodIdentityAssociations:s3-reader"} <= names
    assert engine_urns(document, "prod")[(adopt.ADDON, "prod-green-agent-addon")] == next(
        r.urn for r in prod.result.registrations if r.name == "prod-green-agent-addon"
    )


def test_stack_name_sets_the_urns_and_the_owner_tag():
    adoption = adopt.adopt("prod", awsjson.read(PROD_FILES), "production")
    document = adopt.import_document(adoption)
    assert all(u.startswith("urn:pulumi:production::") for u in document["nameTable"].values())
    assert all("pulumi-stack=production" in c for c in adoption.tag_commands)
    assert len(document["resources"]) == 4, "the add-ons tagged for 'production' are the stack's own in that run"


def test_leave_addons_imports_associations_only():
    adoption = adopt.adopt("prod", awsjson.read(PROD_FILES), "prod", leave_addons=True)
    document = adopt.import_document(adoption)
    assert {e["type"] for e in document["resources"]} == {adopt.ASSOCIATION}
    assert adoption.tag_commands == []
    assert [u[0] for u in adoption.unmanaged] == ["add-on eks-pod-identity-agent"] * 2
    left = runner.run_stack("prod")  # the mocks' default: a hand-installed agent on every adopted cluster
    assert as_registrations(document) == {(r.type, r.name, r.parent) for r in left.registrations if r.type in IMPORTED}


@pytest.fixture(scope="module")
def workshop():
    return adopt.adopt("workshop", awsjson.read(WORKSHOP_FILES), "workshop", path=WORKSHOP)


def test_the_seeds_cluster_imports_agent_and_both_associations(workshop):
    """Seed 004 installed the agent and bound carts/carts to an existing role; seed 000 bound
    default/pod-identity. The stack binds the first to that role and creates a role for the second."""
    document = adopt.import_document(workshop)
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


def test_objects_of_created_or_unknown_clusters_stay_unmanaged(tmp_path):
    listing = {
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
    (tmp_path / "list.json").write_text(json.dumps(listing))
    adoption = adopt.adopt("dev", awsjson.read([tmp_path / "list.json"]), "dev")
    assert adoption.imports == []
    assert [w for _, _, w in adoption.unmanaged] == [
        "this stack creates cluster pod-identity-dev, so it cannot hold objects yet: is this the right stack?",
        "cluster elsewhere is not in this stack",
    ]


def test_an_addon_owned_by_another_stack_is_not_taken(tmp_path):
    addon = json.loads((AWS / "prod-blue-describe-agent.json").read_text())
    addon["addon"]["tags"] = {"pulumi-project": "eks-pod-identity", "pulumi-stack": "staging", "managed-by": "pulumi"}
    (tmp_path / "agent.json").write_text(json.dumps(addon))
    adoption = adopt.adopt("prod", awsjson.read([tmp_path / "agent.json"]), "prod")
    assert adoption.imports == [] and adoption.tag_commands == []
    assert "tagged as stack 'staging'" in adoption.unmanaged[0][2]


def test_what_the_files_do_not_show_is_listed_for_creation():
    adoption = adopt.adopt("prod", awsjson.read([AWS / "prod-blue-list-associations.json"]), "prod")
    assert sorted(r.name for r in adoption.to_create) == [
        "prod-blue-agent-addon",
        "prod-green-agent-addon",
        "prod-green/default/aws-cli-sa",
    ]


def test_cli_writes_the_document_and_prints_the_steps(tmp_path, capsys):
    out = tmp_path / "import.json"
    assert cli.main(["adopt", "prod", *[a for f in PROD_FILES for a in ("--from", str(f))], "--out", str(out)]) == 0
    document = json.loads(out.read_text())
    assert set(document) == {"nameTable", "resources"} and len(document["resources"]) == 4
    text = capsys.readouterr().out
    assert f"pulumi import --stack prod --file {out} --protect=false --generate-code=false" in text
    assert text.index("aws eks tag-resource") < text.index("pulumi import"), "tag before importing"


BAD_INPUTS = {
    "malformed-truncated.json": "not valid JSON at line 6 column 1",
    "unknown-caller-identity.json": "not output this command reads (its keys: Account, Arn, UserId)",
    "list-addons.json": "this is `aws eks list-addons` output (names only)",
    "association-missing-id.json": "associations[0]: 'associationId' should be a non-empty string, found missing",
    "irsa-roles.json": "IAM roles and Kubernetes objects are read by `eks-pod-identity migrate-irsa`",
    "does-not-exist.json": "cannot read it",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_inputs_exit_1_with_a_message_naming_the_file(name, tmp_path, capsys):
    path = AWS / name
    assert cli.main(["adopt", "prod", "--from", str(path), "--out", str(tmp_path / "x.json")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}") and BAD_INPUTS[name] in err
    assert not (tmp_path / "x.json").exists()


@pytest.mark.parametrize("stack_name", ["a/b/", "org/project/", "/", "", "a/b/c/d", "prod stack", "prod\n"])
def test_a_stack_name_that_is_not_one_exits_1(stack_name, tmp_path, capsys):
    out = tmp_path / "x.json"
    assert cli.main(["adopt", "prod", "--from", str(PROD_FILES[0]), "--out", str(out), "--stack-name", stack_name]) == 1
    assert capsys.readouterr().err.startswith(f"error: --stack-name {stack_name!r} is not a Pulumi stack name")
    assert not out.exists()


def test_an_unknown_stack_and_a_bad_state_file(tmp_path, capsys):
    assert cli.main(["adopt", "nope", "--from", str(PROD_FILES[0]), "--out", str(tmp_path / "x.json")]) == 1
    bad = tmp_path / "state.json"
    bad.write_text('{"version": 3}')
    assert cli.main(["adopt", "prod", "--from", str(PROD_FILES[0]), "--out", str(tmp_path / "x.json"), "--state", str(bad)]) == 1
    assert "not `pulumi stack export` output" in capsys.readouterr().err


def test_two_ids_for_one_service_account_import_only_the_first(tmp_path):
    listing = json.loads((AWS / "prod-blue-list-associations.json").read_text())
    stale = {**listing["associations"][0], "associationId": "a-0000000000000000z"}
    (tmp_path / "list.json").write_text(json.dumps({"associations": [*listing["associations"], stale]}))
    adoption = adopt.adopt("prod", awsjson.read([tmp_path / "list.json"]), "prod")
    assert [i for _, i, _ in adoption.imports] == ["prod-blue,a-7fk2m9qz3xw8ty1pb"]
    assert "the files disagree" in adoption.unmanaged[0][2]


def test_a_stack_file_that_is_not_yaml_exits_1(tmp_path, capsys):
    bad = tmp_path / "Pulumi.bad.yaml"
    bad.write_text("config: [unclosed\n")
    assert cli.main(["adopt", str(bad), "--from", str(PROD_FILES[0]), "--out", str(tmp_path / "x.json")]) == 1
    assert capsys.readouterr().err.startswith("error: ")


def test_objects_of_two_accounts_are_refused(tmp_path, capsys):
    other = (AWS / "prod-green-describe-agent.json").read_text().replace("111122223333", "210987654321")
    (tmp_path / "green.json").write_text(other)
    assert (
        cli.main(["adopt", "prod", "--from", str(PROD_FILES[0]), "--from", str(tmp_path / "green.json"), "--out", str(tmp_path / "x.json")])
        == 1
    )
    assert "objects of accounts 111122223333, 210987654321" in capsys.readouterr().err


def test_the_readmes_adopt_example_is_what_the_command_prints(tmp_path, capsys, monkeypatch):
    """README, "Adopting what exists": each line of its (abridged) example is in the output of
    the command it shows."""
    readme = (ROOT / "README.md").read_text()
    example = readme.split("### Adopting what exists", 1)[1].split("```", 2)[1]
    monkeypatch.chdir(ROOT)  # the README names the files from the repository's root
    args = [str(WORKSHOP.relative_to(ROOT)), "--new-stack", "--out", str(tmp_path / "import.json")]
    assert cli.main(["adopt", *args, *[a for f in WORKSHOP_FILES for a in ("--from", str(f.relative_to(ROOT)))]]) == 0
    printed = capsys.readouterr().out.replace(str(tmp_path / "import.json"), "import.json")
    lines = [line for line in example.strip().splitlines() if "…" not in line and not line.startswith(("$", " "))]
    assert len(lines) >= 6
    assert [line for line in lines if line not in printed] == []


def test_the_adoption_tool_runs_referenced_stacks_in_the_adopted_account():
    from eks_pod_identity.offline.commands import adopt

    assert adopt.run_stack("team-cluster", None, "team-cluster", {}, "210987654321").error is None
