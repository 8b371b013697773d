"""The Pod Identity agent add-on: resolved to the newest version for the cluster, left alone where
someone else installed it, and never uninstalled from a cluster the stack does not own."""

from __future__ import annotations

import pytest
from eks_pod_identity.addons.agent import AGENT_ADDON, PodIdentityAgent, PodIdentityAgentArgs
from eks_pod_identity.addons.installed import InstalledAddon
from eks_pod_identity.cluster.cluster import EksCluster, EksClusterArgs
from eks_pod_identity.offline.harness import mocks

from tests.helpers import agents, probes, run_component, run_prod, workload_jobs


def test_agent_resolves_the_newest_version_for_the_cluster():
    result = run_component(lambda: PodIdentityAgent("a", PodIdentityAgentArgs(cluster_name="c", kubernetes_version="1.33")) and None)
    (addon,) = result.of_type("aws:eks/addon:Addon")
    assert addon.inputs["addonName"] == AGENT_ADDON == "eks-pod-identity-agent"
    assert addon.inputs["addonVersion"] == mocks.AGENT_VERSION
    assert addon.inputs["clusterName"] == "c"


def test_agent_pinned_version_skips_the_lookup(monkeypatch):
    calls = []
    original = mocks.Mocks.call
    monkeypatch.setattr(mocks.Mocks, "call", lambda self, args: calls.append(args.token) or original(self, args))
    result = run_component(lambda: PodIdentityAgent("a", PodIdentityAgentArgs("c", "1.33", version="v1.3.4-eksbuild.1")) and None)
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

    run_component(program)
    assert asked == [mocks.ADOPTED_VERSION], "the mock cluster's version when none is asked for"


def test_agent_not_installed_on_auto_mode():
    result = run_component(lambda: PodIdentityAgent("a", PodIdentityAgentArgs("c", "1.33", auto_mode=True)) and None)
    assert result.of_type("aws:eks/addon:Addon") == []


def installed(owned: bool) -> InstalledAddon:
    return InstalledAddon(AGENT_ADDON, "v1.3.4-eksbuild.1", owned=owned)


def test_agent_installed_by_someone_else_on_an_adopted_cluster_is_left_alone():
    result = run_component(
        lambda: {"v": PodIdentityAgent("a", PodIdentityAgentArgs("c", "1.33", adopted=True, installed=installed(False))).version}
    )
    assert result.of_type("aws:eks/addon:Addon") == [], "CreateAddon on an installed add-on fails (ResourceInUseException)"
    assert result.outputs["v"] == "v1.3.4-eksbuild.1"


@pytest.mark.parametrize("found", [None, "owned"])
def test_agent_on_an_adopted_cluster_survives_destroy(found):
    args = PodIdentityAgentArgs("c", "1.33", adopted=True, installed=installed(True) if found else None)
    (addon,) = run_component(lambda: PodIdentityAgent("a", args) and None).of_type("aws:eks/addon:Addon")
    assert addon.inputs["preserve"] is True, "pulumi destroy must not uninstall the agent from a cluster the stack does not own"
    assert not addon.retain_on_delete, "retained, the add-on outlived the stack, and the next pulumi up met it (409)"


def test_agent_on_a_created_cluster_goes_with_the_cluster():
    (addon,) = run_component(lambda: PodIdentityAgent("a", PodIdentityAgentArgs("c", "1.33")) and None).of_type("aws:eks/addon:Addon")
    assert not addon.retain_on_delete and "preserve" not in addon.inputs


# --- in a stack, on the adopted clusters of a real account ----------------------------------


def test_an_agent_someone_installed_is_left_alone_and_the_pod_still_waits_for_its_association():
    result = run_prod()  # the mocks' adopted clusters run a hand-installed agent
    assert result.error is None
    assert agents(result) == {}, "declaring it would fail: CreateAddon answers ResourceInUseException"
    assert result.outputs["agentVersions"] == {"prod-blue": mocks.AGENT_VERSION, "prod-green": mocks.AGENT_VERSION}
    (job,) = workload_jobs(result)
    (probe,) = probes(result)
    assert probe.urn in result.all_dependencies(job), "the Job waits for the proof of its association"


def test_a_missing_agent_is_installed_and_survives_destroy():
    result = run_prod({"prod-blue": mocks.AdoptedCluster(addons={})})
    (agent,) = agents(result).values()
    assert agent.inputs["clusterName"] == "prod-blue"
    assert not agent.retain_on_delete and agent.inputs["preserve"] is True
    (job,) = workload_jobs(result)
    assert agent.urn in result.all_dependencies(job)


def test_an_agent_pin_on_an_agent_someone_else_installed_is_a_warning(caplog):
    """The pin cannot apply (the stack does not manage that add-on); saying so only at info
    level left users believing it did."""
    clusters = [{"name": "prod-blue", "create": False, "agentVersion": "v1.3.4-eksbuild.1"}]
    with caplog.at_level("INFO"):
        result = run_prod(clusters=clusters, identities=[], sample={"kind": "none"})
    assert result.error is None and agents(result) == {}
    (warning,) = [r for r in caplog.records if r.levelname == "WARNING" and "agentVersion" in r.getMessage()]
    assert "agentVersion v1.3.4-eksbuild.1 applies only to an add-on the stack manages" in warning.getMessage()
