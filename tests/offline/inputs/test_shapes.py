"""Checked access names the file and the place of what is wrong, and reads concatenated JSON."""

from __future__ import annotations

import pytest
from eks_pod_identity.offline.inputs import shapes


def test_a_loop_of_cli_calls_is_read_as_its_documents():
    assert shapes.json_stream('{"a": 1}\n{"b": [2]}\n  [3]\n', "f.json") == [{"a": 1}, {"b": [2]}, [3]]
    with pytest.raises(shapes.InputError, match=r"^f.json: not valid JSON at line 2 column 1"):
        shapes.json_stream('{"a": 1}\n}', "f.json")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: shapes.string({}, "roleArn", "f.json", "document 2.association"),
            "f.json: document 2.association: 'roleArn' should be a non-empty string, found missing",
        ),
        (lambda: shapes.string({"roleArn": 3}, "roleArn", "f.json", ""), "f.json: 'roleArn' should be a non-empty string, found int 3"),
        (
            lambda: shapes.string_map({"tags": {"a": 1}}, "tags", "f.json", "addon"),
            "f.json: addon: 'tags' should map strings to strings, found {'a': 1}",
        ),
        (lambda: shapes.as_object([], "f.json", "x", "'addon'"), "f.json: x: 'addon' should be an object, found list"),
        (lambda: shapes.as_array({}, "f.json", "", "'Roles'"), "f.json: 'Roles' should be a list, found dict"),
    ],
)
def test_each_failure_names_the_file_the_place_and_what_was_found(call, message):
    with pytest.raises(shapes.InputError) as caught:
        call()
    assert str(caught.value) == message


def test_an_optional_string_may_be_absent_and_places_nest():
    assert shapes.string({}, "namespace", "f.json", "", required=False) == ""
    assert shapes.inside("document 2", "association") == "document 2.association" and shapes.inside("", "cluster") == "cluster"
