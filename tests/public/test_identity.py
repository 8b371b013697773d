"""PodIdentity: a whole pod identity as one component, registering what the stack program
registers for the same identity, and refusing bad input by name before anything registers."""

from __future__ import annotations

import typing

import pytest
from eks_pod_identity.errors import ConfigError
from eks_pod_identity.offline.harness import mocks
from eks_pod_identity.public.identity import (
    INPUT_NAMES,
    NESTED,
    PROOF_NEEDS_KUBERNETES,
    STACK_KEYS,
    PodIdentityArgs,
    camel,
    stack_config,
)
from eks_pod_identity.public.inputs import renamed
from eks_pod_identity.stack.config import StackConfig
from eks_pod_identity.stack.identities import IdentityConfig, IrsaConfig, TargetRoleConfig, TargetRoleCreate, TrustConfig
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.package import aliases, aws_resources, equivalent_program, run_pod_identity

S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
CASES = {
    "two clusters": {"clusters": ["prod-a", "prod-b"], "namespace": "team-a", "service_account": "app", "managed_policy_arns": [S3_READ]},
    "catalog and statements": {
        "clusters": ["prod-a"],
        "namespace": "kube-system",
        "service_account": "external-dns",
        "well_known": {"externalDns": {"hostedZoneArns": ["arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ"]}},
        "statements": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::logs/*"]}],
        "trust": {"scope_to_clusters": True},
        "tags": {"team": "dns"},
        "environment": "prod",
    },
    "session policy": {
        "clusters": ["prod-a"],
        "namespaces": ["a", "b"],
        "service_accounts": ["app"],
        "managed_policy_arns": [S3_READ],
        "disable_session_tags": True,
        "session_policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]},
    },
    "created target role": {
        "clusters": ["prod-a"],
        "namespace": "team-a",
        "service_account": "app",
        "target_role": {"create": {"deploy_role_arn": "arn:aws:iam::444455556666:role/deploy", "managed_policy_arns": [S3_READ]}},
    },
    "shared role": {"shared": True, "namespace": "team-a", "service_accounts": ["app", "worker"], "managed_policy_arns": [S3_READ]},
    "existing role": {
        "clusters": ["prod-a"],
        "namespace": "team-a",
        "service_account": "app",
        "role_arn": "arn:aws:iam::123456789012:role/app",
    },
}


run = run_pod_identity


@pytest.mark.parametrize("case", CASES)
def test_registers_what_the_program_registers_for_the_same_identity(case):
    component = run("app", CASES[case])
    program = equivalent_program("app", CASES[case])
    assert aws_resources(component) == aws_resources(program)
    assert aws_resources(component), "the case registers AWS resources"


def test_children_hang_under_the_component_and_outputs_resolve():
    result = run("app", CASES["two clusters"])
    top = next(r for r in result.registrations if r.type == "eks-pod-identity:index:PodIdentity")
    role = result.of_type("aws:iam/role:Role")[0]
    associations = result.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert top.urn in [a.urn for a in result.ancestors(role)]
    assert all(top.urn in [a.urn for a in result.ancestors(x)] for x in associations)
    assert {a.inputs["clusterName"] for a in associations} == {"prod-a", "prod-b"}
    outputs = result.outputs["outputs"]
    assert set(outputs["associationIds"]) == {"prod-a/team-a/app", "prod-b/team-a/app"}
    assert set(outputs["bindings"].values()) == {outputs["roleArn"]}
    assert outputs["roleArn"].endswith(outputs["roleName"])


def test_a_shared_role_is_created_alone_and_binds_nowhere():
    result = run("app", CASES["shared role"])
    assert len(result.of_type("aws:iam/role:Role")) == 1
    assert result.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation") == []
    assert result.outputs["outputs"]["associationIds"] == {} and result.outputs["outputs"]["bindings"] == {}


def test_an_existing_role_is_bound_not_created():
    result = run("app", CASES["existing role"])
    assert result.of_type("aws:iam/role:Role") == []
    assert result.outputs["outputs"]["roleName"] == "app"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        ({"clusters": ["prod-a"], "namespace": "Team_A", "service_account": "app"}, "namespace = 'Team_A': is not a DNS-1123 label"),
        ({"clusters": ["bad name"], "namespace": "a", "service_account": "app"}, "clusters[0] = 'bad name': is not an EKS cluster name"),
        (
            {"clusters": ["prod-a"], "namespace": "a", "service_account": "app", "trust": {"scope_to_cluster": True}},
            "trust.scopeToCluster: unknown key; did you mean 'scopeToClusters'?",
        ),
        (
            {"clusters": ["prod-a"], "namespace": "a", "service_account": "app", "managed_policy_arns": ["policy/AmazonS3ReadOnly"]},
            "managedPolicyArns[0] = 'policy/AmazonS3ReadOnly': is not an IAM policy ARN",
        ),
        ({"clusters": ["prod-a"], "namespace": "a", "service_account": "app", "tags": {"pulumi-stack": "x"}}, "tags"),
        ({"namespace": "a", "service_account": "app"}, "clusters"),
    ],
)
def test_bad_input_is_refused_by_its_input_name_before_anything_registers(args, line):
    result = run("app", args, raise_errors=False)
    assert isinstance(result.error, ConfigError)
    assert str(result.error).startswith("PodIdentity 'app' has ")
    assert any(p.startswith(line) for p in result.error.problems), result.error.problems
    assert not any("eks-pod-identity:" in p or "identities[0]" in p for p in result.error.problems)
    assert result.registrations == []


def test_a_cluster_that_does_not_exist_is_refused_before_anything_registers():
    result = run("app", CASES["two clusters"], adopted={"prod-b": mocks.AdoptedCluster(missing=True)}, raise_errors=False)
    assert isinstance(result.error, ConfigError)
    assert any(p.startswith("clusters[1] = 'prod-b'") for p in result.error.problems), result.error.problems
    assert result.registrations == []


def test_proof_is_refused_with_the_component_that_has_it():
    args = {"clusters": ["prod-a"], "namespace": "a", "service_account": "app", "prove_associations": True}
    result = run("app", args, raise_errors=False)
    assert result.error.problems == [f"proveAssociations = True: {PROOF_NEEDS_KUBERNETES}"]
    assert result.registrations == []


@pytest.mark.parametrize(
    ("extra", "line"),
    [
        ({"name": "other"}, "name: unknown input"),
        ({"role_from_stack": {"stack": "identities"}}, "role_from_stack: unknown input"),
        ({"namspace": "a"}, "namspace: unknown input; did you mean 'namespace'?"),
        ({"serviceAccounts": ["a"]}, "serviceAccounts: unknown input; did you mean 'service_accounts'?"),
    ],
)
def test_a_key_that_is_no_input_is_refused_not_read_as_a_stack_file_key(extra, line):
    result = run("app", {"clusters": ["prod-a"], "namespace": "a", "service_account": "app"} | extra, raise_errors=False)
    assert isinstance(result.error, ConfigError)
    assert any(p.startswith(line) for p in result.error.problems), result.error.problems
    assert result.registrations == []


def test_none_is_not_given_and_inputs_must_be_an_object():
    args = {"clusters": ["prod-a"], "namespace": "a", "service_account": "app", "role_name": None, "tags": None}
    assert aws_resources(run("app", args)) == aws_resources(run("app", {k: v for k, v in args.items() if v is not None}))
    result = run("app", None, raise_errors=False)
    assert result.error.problems == ["inputs = None: must be an object of keys (PodIdentityArgs)"]
    assert result.registrations == []


def test_the_resource_name_is_the_identity_name():
    result = run("x" * 60, {"clusters": ["prod-a"], "namespace": "a", "service_account": "app"}, raise_errors=False)
    assert any(p.startswith("name (the resource name) = ") for p in result.error.problems), result.error.problems


def test_the_inputs_are_the_keys_of_a_stack_files_identity():
    """The TypedDicts follow the config models: a key added to one and not the other fails here."""
    hints = typing.get_type_hints(PodIdentityArgs)
    identity = {camel(k) for k in hints if k not in STACK_KEYS}
    # name is the resource's name (EksPodIdentity: the key); roleFromStack reads this project's
    # identity stack, which a program of its own has not.
    assert identity == aliases(IdentityConfig) - {"name", "roleFromStack"}
    assert {camel(k) for k in STACK_KEYS} <= aliases(StackConfig)
    nested = {"trust": TrustConfig, "target_role": TargetRoleConfig, "irsa": IrsaConfig}
    for key, model in nested.items():
        assert {camel(k) for k in typing.get_type_hints(hints[key])} == aliases(model)
    create = typing.get_type_hints(typing.get_type_hints(hints["target_role"])["create"])
    assert {camel(k) for k in create} == aliases(TargetRoleCreate)
    assert set(NESTED) == {k for k, v in hints.items() if typing.is_typeddict(v)}


def test_input_problems_speak_of_inputs():
    lines = renamed(
        [
            "eks-pod-identity:identities[0].namespace = 'A': bad",
            "eks-pod-identity:identities[0]: give namespace or namespaces",
            "eks-pod-identity:clusters[2].name = 'x y': bad",
            "eks-pod-identity:roleManagedPolicyQuota = 30: too high",
        ],
        INPUT_NAMES,
    )
    assert lines == [
        "namespace = 'A': bad",
        "inputs: give namespace or namespaces",
        "clusters[2] = 'x y': bad",
        "roleManagedPolicyQuota = 30: too high",
    ]


KEYS = st.sampled_from(
    ["clusters", "namespace", "service_account", "managed_policy_arns", "tags", "trust", "role_arn", "max_session_duration", "stray"]
)
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=12),
    st.lists(st.text(max_size=12), max_size=3),
    st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=2),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_any_input_is_built_or_refused_as_a_config_error_with_nothing_registered(args):
    result = run("app", args, raise_errors=False)
    if result.error is not None:
        assert isinstance(result.error, ConfigError), repr(result.error)
        assert result.registrations == []
    else:
        assert aws_resources(result) == aws_resources(equivalent_program("app", args))


def test_stack_config_adopts_each_cluster_once_and_leaves_free_form_values_as_written():
    cfg = stack_config(
        "app", {"clusters": ["a", "a", "b"], "well_known": {"externalDns": {"hostedZoneArns": []}}, "trust": {"scope_to_clusters": True}}
    )
    assert cfg["clusters"] == [{"name": c, "create": False, "installAgent": False} for c in ("a", "b")]
    assert cfg["identities"][0]["wellKnown"] == {"externalDns": {"hostedZoneArns": []}}
    assert cfg["identities"][0]["trust"] == {"scopeToClusters": True}
