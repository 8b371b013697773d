"""What add-ons an adopted cluster already runs, read before anything is declared: an add-on is
the stack's own only when it carries the stack's owner tags."""

from __future__ import annotations

import pulumi
from eks_pod_identity.addons import installed
from eks_pod_identity.offline.harness import mocks

from tests.helpers import agents, run_prod

OWNER = {"pulumi-project": "eks-pod-identity", "pulumi-stack": "prod", "managed-by": "pulumi"}


def test_an_agent_this_stack_installed_earlier_stays_managed():
    owned = {"eks-pod-identity-agent": mocks.MockAddon(mocks.AGENT_VERSION, tags=OWNER)}
    result = run_prod({"prod-blue": mocks.AdoptedCluster(addons=owned), "prod-green": mocks.AdoptedCluster(addons=owned)})
    assert set(agents(result)) == {"prod-blue", "prod-green"}, "dropping it from the program would look like a delete"
    assert all(a.inputs["preserve"] is True and not a.retain_on_delete for a in agents(result).values())


def test_another_stacks_agent_is_not_this_stacks():
    theirs = {"eks-pod-identity-agent": mocks.MockAddon(mocks.AGENT_VERSION, tags={**OWNER, "pulumi-stack": "dev"})}
    assert agents(run_prod({"prod-blue": mocks.AdoptedCluster(addons=theirs)})) == {}


def test_an_add_on_lookup_refused_is_a_clear_error(monkeypatch):
    def denied(self, args):
        if args.token == "aws:eks/getAddon:getAddon":
            return {}, [("clusterName", "AccessDeniedException: not authorized to perform: eks:DescribeAddon")]
        return original(self, args)

    original = mocks.Mocks.call
    monkeypatch.setattr(mocks.Mocks, "call", denied)
    result = run_prod()
    assert isinstance(result.error, installed.AddonLookupError) and isinstance(result.error, pulumi.RunError)
    assert "grant eks:DescribeAddon" in str(result.error)
