"""The review's comparison: value diffs (properties checked on generated inputs), the Kubernetes
provider's replacement rule, and the operation each resource gets."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
import pytest
from eks_pod_identity.offline.commands import review
from eks_pod_identity.offline.review import compare as cmp
from eks_pod_identity.offline.review.compare import diff_values
from eks_pod_identity.tokens import ROLE
from hypothesis import given, settings

from tests.helpers.review import DEV, KEY, change_of, judge, ops, role, run_program, side, values


@settings(max_examples=100, deadline=None)
@given(values, values)
def test_a_diff_is_empty_exactly_when_values_are_equal_and_swapping_swaps_it(a, b):
    def without_nulls(value):
        # Pulumi does not tell a null input from a missing one; neither does the diff.
        if isinstance(value, dict):
            return {k: without_nulls(v) for k, v in value.items() if v is not None}
        return [without_nulls(v) for v in value] if isinstance(value, list) else value

    forward, backward = diff_values(a, b), diff_values(b, a)
    assert (forward == []) == (without_nulls(a) == without_nulls(b))
    assert sorted(map(repr, forward)) == sorted(repr((p, y, x)) for p, x, y in backward)


@settings(max_examples=100, deadline=None)
@given(values, values)
def test_every_diff_path_leads_to_the_values_it_reports(a, b):
    def at(value, path):
        for part in path:
            if isinstance(value, dict):
                value = value.get(part)
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                return None
        return value

    for path, old, new in diff_values(a, b):
        assert at(a, path) == old and at(b, path) == new and old != new


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


# --- the operations, on small programs ----------------------------------------------------


def test_a_replacement_that_keeps_a_fixed_name_is_deleted_first_by_the_provider():
    def moved():
        aws.iam.Role("a", name="fixed", path="/x/", assume_role_policy="{}")

    result, _ = judge(run_program(lambda: role("a", "fixed")), run_program(moved))
    change = change_of(result, ROLE, "a")
    # The bridge asks for delete-first for an explicit, unchanged autonamed name.
    assert change.op == "replace" and "set explicitly and unchanged" in change.delete_first and result.hazards == []


def test_an_import_adopts_instead_of_creating_and_meets_no_key():
    def imported():
        aws.iam.Role("b", name="fixed", assume_role_policy="{}", opts=pulumi.ResourceOptions(import_="fixed"))

    result, status = judge(run_program(lambda: None), run_program(imported))
    assert ops(result) == {"import": {(ROLE, "b")}} and status == 0
    assert "1 to import" in review.render(result)


def test_a_type_without_facts_is_reported_rather_than_trusted():
    def body(suffix):
        def program():
            pulumi.CustomResource("x:index:Thing", "t", {"size": suffix})

        return program

    result, _ = judge(run_program(body("1")), run_program(body("2")))
    assert change_of(result, "x:index:Thing", "t").kind == "unknown"
    assert "no replacement facts for x:index:Thing" in review.render(result)


def test_a_new_desired_capacity_is_no_change_once_the_autoscaler_owns_it():
    """ignoreScalingChanges: pulumi-eks ignores scalingConfig.desiredSize after creation."""
    old = side("dev")
    clusters = [{**DEV[f"{KEY}clusters"][0], "desiredCapacity": 3}]
    new = side("dev", {f"{KEY}clusters": clusters})
    group = change_of(judge(old, new)[0], "eks:index:ManagedNodeGroup", "pod-identity-dev-nodes")
    assert group.op == "same" and group.inputs == []
