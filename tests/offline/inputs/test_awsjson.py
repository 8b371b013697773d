"""The readers of AWS CLI and kubectl output: the fixtures have the shapes botocore and
Kubernetes define, every such shape is read, and anything else ends as an InputError that
names the file (never another exception)."""

from __future__ import annotations

import datetime
import gzip
import json
from pathlib import Path
from typing import Any

import botocore
import kubernetes_validate
import pytest
from eks_pod_identity.offline.inputs import awsjson
from eks_pod_identity.offline.inputs.shapes import InputError
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import AWS

BOTOCORE_DATA = Path(botocore.__file__).parent / "data"
# The output shape of each CLI command whose output is a fixture, by the key it prints first.
SHAPES = {
    "associations": ("eks", "ListPodIdentityAssociationsResponse"),
    "association": ("eks", "DescribePodIdentityAssociationResponse"),
    "addon": ("eks", "DescribeAddonResponse"),
    "cluster": ("eks", "DescribeClusterResponse"),
    "Role": ("iam", "GetRoleResponse"),
    "Roles": ("iam", "ListRolesResponse"),
    "addons": ("eks", "ListAddonsResponse"),
}
# Documents the AWS CLI prints decoded (botocore's IAM handler) where the API sends a string.
POLICY_SHAPES = {"policyDocumentType"}
NOT_CLI_OUTPUT = {"malformed-truncated.json", "unknown-caller-identity.json", "association-missing-id.json", "irsa-role-url-encoded.json"}


def model(service: str) -> dict[str, Any]:
    folder = max((BOTOCORE_DATA / service).iterdir())
    return json.loads(gzip.open(folder / "service-2.json.gz").read())["shapes"]


def shape_problems(value: Any, shape_name: str, shapes: dict[str, Any], where: str = "") -> list[str]:
    """Where `value` differs from botocore's shape, as the CLI prints it (timestamps as ISO text)."""
    shape = shapes[shape_name]
    kind = shape["type"]
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{where}: not an object"]
        problems = [f"{where}.{k}: not in {shape_name}" for k in value if k not in shape["members"]]
        problems += [f"{where}.{k}: required" for k in shape.get("required", []) if k not in value]
        for k, member in shape["members"].items():
            if k in value:
                problems += shape_problems(value[k], member["shape"], shapes, f"{where}.{k}")
        return problems
    if kind == "list":
        if not isinstance(value, list):
            return [f"{where}: not a list"]
        return [p for i, v in enumerate(value) for p in shape_problems(v, shape["member"]["shape"], shapes, f"{where}[{i}]")]
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{where}: not a map"]
        return [p for k, v in value.items() for p in shape_problems(v, shape["value"]["shape"], shapes, f"{where}.{k}")]
    if kind == "string":
        if shape_name in POLICY_SHAPES and isinstance(value, dict):
            return []
        if not isinstance(value, str):
            return [f"{where}: not a string"]
        return [f"{where}: {value!r} not in {shape['enum']}"] if "enum" in shape and value not in shape["enum"] else []
    if kind == "timestamp":
        try:
            datetime.datetime.fromisoformat(value)
        except (AttributeError, ValueError):
            return [f"{where}: not an ISO timestamp"]
        return []
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{where}: not a boolean"]
    if kind in ("integer", "long"):
        return [] if isinstance(value, int) and not isinstance(value, bool) else [f"{where}: not an integer"]
    return []


def cli_fixtures() -> list[tuple[str, int, dict[str, Any]]]:
    found = []
    for path in sorted(AWS.glob("*.json")):
        if path.name in NOT_CLI_OUTPUT:
            continue
        for i, doc in enumerate(awsjson.documents(path)):
            if isinstance(doc, dict) and doc.get("kind") != "List":
                found.append((path.name, i, doc))
    return found


@pytest.mark.parametrize("name,index,doc", cli_fixtures(), ids=lambda v: str(v)[:40] if isinstance(v, str) else None)
def test_aws_fixtures_have_botocores_output_shapes(name, index, doc):
    (key,) = [k for k in doc if k in SHAPES]
    service, shape = SHAPES[key]
    assert shape_problems(doc, shape, model(service)) == []


def test_the_shape_check_can_fail():
    bad = {"association": {"clusterName": "c", "namespace": 3, "serviceAccount": "s", "roleArn": "r", "nope": 1}}
    assert shape_problems(bad, "DescribePodIdentityAssociationResponse", model("eks")) == [
        ".association.nope: not in PodIdentityAssociation",
        ".association.namespace: not a string",
    ]


@pytest.mark.parametrize("name", ["irsa-service-accounts.json", "irsa-workloads.json"])
def test_kubernetes_fixtures_are_valid_objects(name):
    items = awsjson.documents(AWS / name)[0]["items"]
    assert items
    for item in items:
        kubernetes_validate.validate(item, "1.29", strict=True)


def test_every_fixture_kind_is_read():
    found = awsjson.read(sorted(p for p in AWS.glob("*.json") if p.name not in NOT_CLI_OUTPUT | {"list-addons.json"}))
    assert len(found.associations) == 6, "9 entries, 3 of them both listed and described"
    assert len(found.addons) == 4
    assert len(found.roles) == 5 + 5 + 1, "get-role (5 in one file), list-roles (the same 5), the cross-account role"
    assert len(found.service_accounts) == 14 and len(found.workloads) == 9 and len(found.clusters) == 1


def test_a_url_encoded_trust_is_the_same_document():
    decoded = awsjson.read([AWS / "irsa-roles.json"]).roles
    raw = awsjson.read([AWS / "irsa-role-url-encoded.json"]).roles[0]
    assert raw.trust == next(r for r in decoded if r.name == "carts-dynamo").trust


def test_describe_output_wins_over_the_list_entry():
    found = awsjson.read([AWS / "workshop-list-associations.json", AWS / "workshop-describe-pod-identity.json"])
    merged = [a for a in found.associations if a.association_id == "a-kvbxt9pyavos3iwxy"]
    assert len(merged) == 1 and merged[0].role_arn == "arn:aws:iam::123456789000:role/pod-idenity-s3-example"


def test_several_documents_per_file_an_array_and_yaml(tmp_path):
    one = (AWS / "prod-blue-describe-agent.json").read_text()
    two = (AWS / "prod-green-describe-agent.json").read_text()
    (tmp_path / "stream.json").write_text(one + two)
    (tmp_path / "array.json").write_text(f"[{one},{two}]")
    import yaml

    (tmp_path / "out.yaml").write_text(yaml.safe_dump_all([json.loads(one), json.loads(two)]))
    for name in ("stream.json", "array.json", "out.yaml"):
        assert [a.cluster for a in awsjson.read([tmp_path / name]).addons] == ["prod-blue", "prod-green"]


def test_a_paginated_list_is_noted(tmp_path):
    listing = json.loads((AWS / "prod-blue-list-associations.json").read_text())
    (tmp_path / "page.json").write_text(json.dumps({**listing, "nextToken": "eyJ0b2tlbiI6MX0="}))
    assert "one page only" in awsjson.read([tmp_path / "page.json"]).notes[0]


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "the file is empty"),
        ("key: [unclosed", "neither JSON nor YAML"),
        ("42", "found a int, not an object"),
        (
            '{"association": {"clusterName": "c", "namespace": "n", "serviceAccount": "s", "associationId": "a"}}',
            "association: 'roleArn' should be a non-empty string",
        ),
        (
            '{"addon": {"addonName": "a", "clusterName": "c", "addonVersion": "v", "addonArn": "x", "tags": {"k": 1}}}',
            "'tags' should map strings to strings",
        ),
        (
            '{"Role": {"RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r", "AssumeRolePolicyDocument": "%7Bnope"}}',
            "not a JSON policy document",
        ),
        (
            '{"kind": "List", "items": [{"kind": "ServiceAccount", "metadata": {"namespace": "x"}}]}',
            "items[0].metadata: 'name' should be a non-empty string",
        ),
    ],
)
def test_bad_documents_name_the_file_and_the_place(text, message, tmp_path):
    path = tmp_path / "in.json"
    path.write_text(text)
    with pytest.raises(InputError) as error:
        awsjson.read([path])
    assert str(error.value).startswith(str(path)) and message in str(error.value)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "associations",
                    "association",
                    "addon",
                    "Role",
                    "Roles",
                    "kind",
                    "items",
                    "metadata",
                    "clusterName",
                    "namespace",
                    "serviceAccount",
                    "associationId",
                    "roleArn",
                    "name",
                    "cluster",
                    "addonName",
                    "addonVersion",
                    "addonArn",
                    "tags",
                    "RoleName",
                    "Arn",
                    "AssumeRolePolicyDocument",
                ]
            )
            | st.text(max_size=5),
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_any_json_is_read_or_refused_with_an_input_error(value):
    out = awsjson.Inputs()
    try:
        awsjson._classify(value, "f.json", "", out)
    except InputError as error:
        assert str(error).startswith("f.json")


ASSOCIATION = st.fixed_dictionaries(
    {
        "clusterName": st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True),
        "namespace": st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True),
        "serviceAccount": st.from_regex(r"[a-z][a-z0-9.-]{0,20}", fullmatch=True),
        "associationId": st.from_regex(r"a-[a-z0-9]{17}", fullmatch=True),
    },
    optional={"ownerArn": st.just("arn:aws:eks:us-east-1:111122223333:addon/c/x/uuid")},
)


@settings(max_examples=100, deadline=None)
@given(st.lists(ASSOCIATION, max_size=6, unique_by=lambda a: (a["clusterName"], a["associationId"])))
def test_a_listing_reads_back_every_association(items):
    out = awsjson.Inputs()
    awsjson._classify({"associations": items}, "f.json", "", out)
    assert [(a.cluster, a.namespace, a.service_account, a.association_id, a.owner_arn) for a in out.associations] == [
        (i["clusterName"], i["namespace"], i["serviceAccount"], i["associationId"], i.get("ownerArn", "")) for i in items
    ]
