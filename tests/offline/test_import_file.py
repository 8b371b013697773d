"""The import document names parents exactly as the program registers them: by URN when the
parent is in the stack, as an empty component the import creates when it is not."""

from __future__ import annotations

import json

import pytest
from eks_pod_identity.offline import import_file
from eks_pod_identity.offline.harness.monitor import Registration
from eks_pod_identity.offline.inputs.shapes import InputError

STACK = "urn:pulumi:dev::eks-pod-identity::pulumi:pulumi:Stack::eks-pod-identity-dev"
AGENT = "urn:pulumi:dev::eks-pod-identity::eks-pod-identity:index:PodIdentityAgent::blue-agent"
ADDON = "urn:pulumi:dev::eks-pod-identity::eks-pod-identity:index:PodIdentityAgent$aws:eks/addon:Addon::blue-agent-addon"


def registration(type_: str, name: str, urn: str, parent: str) -> Registration:
    return Registration(type_, name, urn, parent, custom=True, provider="", inputs={}, dependencies=[], property_dependencies={})


AGENT_REG = registration("eks-pod-identity:index:PodIdentityAgent", "blue-agent", AGENT, STACK)
ADDON_REG = registration("aws:eks/addon:Addon", "blue-agent-addon", ADDON, AGENT)


def test_a_parent_in_the_stack_is_named_by_its_urn():
    document = import_file.document([AGENT_REG, ADDON_REG], [(ADDON_REG, "blue:eks-pod-identity-agent")])
    assert document == {
        "nameTable": {"PodIdentityAgent:blue-agent": AGENT},
        "resources": [
            {
                "type": "aws:eks/addon:Addon",
                "name": "blue-agent-addon",
                "id": "blue:eks-pod-identity-agent",
                "parent": "PodIdentityAgent:blue-agent",
            }
        ],
    }


@pytest.mark.parametrize("existing,new_stack", [(set(), False), (None, True)])
def test_a_parent_not_in_the_stack_is_declared_as_an_empty_component(existing, new_stack):
    document = import_file.document([AGENT_REG, ADDON_REG], [(ADDON_REG, "blue:eks-pod-identity-agent")], existing, new_stack)
    assert "nameTable" not in document
    component, addon = document["resources"]
    assert component == {
        "type": "eks-pod-identity:index:PodIdentityAgent",
        "name": "PodIdentityAgent:blue-agent",
        "logicalName": "blue-agent",
        "component": True,
    }
    assert addon["parent"] == "PodIdentityAgent:blue-agent" and addon["id"] == "blue:eks-pod-identity-agent"


def test_what_the_state_holds_already_is_left_out():
    document = import_file.document([AGENT_REG, ADDON_REG], [(ADDON_REG, "x")], existing={AGENT, ADDON})
    assert document == {"resources": []}


def test_state_urns_reads_a_stack_export(tmp_path):
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"version": 3, "deployment": {"resources": [{"urn": AGENT}, {"urn": 7}, "junk"]}}))
    assert import_file.state_urns(str(path)) == {AGENT}
    path.write_text(json.dumps({"resources": []}))
    with pytest.raises(InputError, match="not `pulumi stack export` output"):
        import_file.state_urns(str(path))
