"""Add-ons a cluster's config lists: created with their identity's association where missing,
left alone where someone else installed them, and kept at `pulumi destroy` on adopted clusters."""

from __future__ import annotations

import pytest
from eks_pod_identity.offline.harness import mocks, project
from eks_pod_identity.tokens import ADDON, ASSOCIATION

from tests.helpers import run_prod

EBS = {"name": "aws-ebs-csi-driver", "identity": "ebs", "serviceAccount": "ebs-csi-controller-sa"}
EBS_IDENTITY = {"name": "ebs", "wellKnown": {"ebsCsi": {}}}


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
    result = run_prod({"prod-blue": mocks.AdoptedCluster(addons=installed)}, clusters=clusters_with_ebs(), identities=identities_with_ebs())
    assert result.error is None
    assert [a for a in result.of_type(ADDON) if a.inputs["addonName"] == "aws-ebs-csi-driver"] == []
    standalone = [a for a in result.of_type(ASSOCIATION) if a.inputs["serviceAccount"] == "ebs-csi-controller-sa"]
    if bound:
        assert standalone == [], "the add-on's own association would make a second one fail (409)"
    else:
        (assoc,) = standalone
        assert assoc.inputs["namespace"] == "kube-system" and assoc.inputs["roleArn"] == result.outputs["roleArns"]["ebs"]


def test_an_add_on_missing_on_an_adopted_cluster_is_created_and_survives_destroy():
    result = run_prod(clusters=clusters_with_ebs(), identities=identities_with_ebs())
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
    result = run_prod(clusters=clusters, identities=identities_with_ebs())
    (addon,) = [a for a in result.of_type(ADDON) if a.inputs["addonName"] == "aws-ebs-csi-driver"]
    assert addon.inputs["namespaceConfig"] == {"namespace": "storage"}
    trust = result.named("ebs-role").inputs["assumeRolePolicy"]
    assert '"aws:RequestTag/kubernetes-namespace":["storage"]' in trust
