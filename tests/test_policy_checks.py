"""IAM grammar and the admin gate, with moto's IAM validator and AWS's managed policy list (as
moto ships them) as a second opinion."""

from __future__ import annotations

import json

import pytest
from eks_pod_identity import aws_data
from eks_pod_identity import stack as config
from eks_pod_identity.iam import admin, catalog, documents, grammar, limits
from eks_pod_identity.identity import trust
from hypothesis import given, settings
from hypothesis import strategies as st
from moto.iam.exceptions import MalformedPolicyDocument
from moto.iam.policy_validation import IAMPolicyDocumentValidator, IAMTrustPolicyDocumentValidator

from tests.test_catalog import PARAMS as CATALOG_PARAMS
from tests.test_config import BASE, with_change

OK = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}


def moto_accepts(doc: dict, validator=IAMPolicyDocumentValidator) -> bool:
    try:
        validator(json.dumps(doc)).validate()
    except MalformedPolicyDocument:
        return False
    return True


@pytest.mark.parametrize(
    "statement, expected",
    [
        ({**OK, "Action": []}, "Action is empty"),
        ({**OK, "Resource": []}, "Resource is empty"),
        ({**OK, "Resource": "arn:"}, "is not '*' nor an ARN"),
        ({**OK, "Resource": "arn:*"}, "is not '*' nor an ARN"),
        ({**OK, "Condition": {"StringEqualz": {"aws:PrincipalTag/x": "y"}}}, "'StringEqualz' is not one IAM knows"),
    ],
)
def test_grammar_refuses_what_iam_refuses_and_so_does_moto(statement, expected):
    assert expected in " ".join(grammar.statement_problems(statement))
    assert not moto_accepts(documents.document([statement]))


@pytest.mark.parametrize("operator", ["StringEquals", "ForAnyValue:StringLike", "ArnLikeIfExists", "Null", "ForAllValues:StringEquals"])
def test_every_iam_condition_operator_form_is_known(operator):
    assert grammar.statement_problems({**OK, "Condition": {operator: {"aws:PrincipalTag/x": "y"}}}) == []


def test_null_takes_no_if_exists():
    assert grammar.condition_operator_problem("NullIfExists")


def test_duplicate_sids_are_refused_by_both():
    doc = documents.document([{**OK, "Sid": "A"}, {**OK, "Sid": "A"}])
    assert "appears twice" in " ".join(grammar.document_problems(doc))
    assert not moto_accepts(doc)


services = st.sampled_from(["s3", "iam", "ec2", "sts", "*"])
actions = st.one_of(
    st.builds(lambda s, a: f"{s}:{a}", services, st.sampled_from(["Get*", "PutObject", "PassRole", "*"])), st.just("*"), st.text(max_size=6)
)
resources = st.one_of(
    st.sampled_from(
        ["*", "arn:aws:s3:::b/*", "arn:aws:iam::123456789012:role/r", "arn:", "arn:*", "arn:aws:*", "arn:*:s3:::b", "arn:aws:s3"]
    ),
    st.text(max_size=8),
)
statements = st.fixed_dictionaries(
    {"Effect": st.sampled_from(["Allow", "Deny", "allow"])},
    optional={
        "Action": st.one_of(actions, st.lists(actions, max_size=3)),
        "Resource": st.one_of(resources, st.lists(resources, max_size=3)),
        "Sid": st.sampled_from(["A", "B", "bad sid"]),
        "Condition": st.sampled_from([{"StringEquals": {"aws:PrincipalTag/t": "v"}}, {"Bogus": {"k": "v"}}, {}]),
    },
)


@settings(max_examples=300, deadline=None)
@given(st.lists(statements, min_size=1, max_size=3))
def test_what_the_grammar_accepts_moto_accepts(items):
    doc = documents.document(items)
    if grammar.document_problems(doc) == []:
        assert moto_accepts(doc), doc


# --- the admin gate ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Allow", "Action": "*:*", "Resource": "arn:aws:*"},
        {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:*:*:*:*"},
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::secret/*"},
    ],
)
def test_admin_cannot_be_spelled_around(statement):
    """The pack's gate sees every spelling; the config refuses each, as admin or, for a wildcard
    service segment (`arn:aws:*`), as IAM's grammar refuses it."""
    assert admin.grants_admin(statement)
    data = with_change("identities[0].statements", [statement])
    with pytest.raises(config.ConfigError, match="allowAdmin|wildcard in its service segment"):
        config.parse(data)
    if not grammar.statement_problems(statement):
        config.parse(with_change("identities[0].allowAdmin", True, data))


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Deny", "Action": "*", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b"},
        {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::*"},
    ],
)
def test_narrower_grants_are_not_admin(statement):
    assert not admin.grants_admin(statement)


@pytest.mark.parametrize(
    "statements, method",
    [
        ([{"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"}], "CreateEC2WithExistingIP"),
        ([{"Effect": "Allow", "Action": "iam:Put*", "Resource": "arn:aws:iam::123456789012:role/*"}], "PutRolePolicy"),
        ([{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}], "CreateAccessKey"),
        (
            [{"Effect": "Allow", "Action": "lambda:UpdateFunctionCode", "Resource": "arn:aws:lambda:*:*:function:*"}],
            "EditExistingLambdaFunctionWithRole",
        ),
    ],
)
def test_privilege_escalation_paths_are_admin(statements, method):
    assert method in admin.escalations(statements)
    with pytest.raises(config.ConfigError, match="privilege escalation"):
        config.parse(with_change("identities[0].statements", statements))


@pytest.mark.parametrize(
    "resource, escalates",
    [
        ("arn:aws:s3:::*", False),
        ("arn:aws:ec2:*:*:instance/*", False),
        ("arn:aws:iam::123456789012:role/*", True),
        ("arn:aws:*:*:*:*", True),
    ],
)
def test_escalation_needs_unrestricted_resources_of_the_actions_own_service(resource, escalates):
    statements = [{"Effect": "Allow", "Action": "iam:*", "Resource": resource}]
    assert ("PutRolePolicy" in admin.escalations(statements)) is escalates


@pytest.mark.parametrize("name", ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "AdministratorAccess-Amplify"])
def test_admin_aws_managed_policies_are_refused_unless_allow_admin(name):
    arn = f"arn:aws:iam::aws:policy/{name}"
    data = with_change("identities[0].managedPolicyArns", [arn])
    with pytest.raises(config.ConfigError, match=f"{arn} is admin .*allowAdmin: true"):
        config.parse(data)
    config.parse(with_change("identities[0].allowAdmin", True, data))


def test_an_aws_managed_policy_is_admin_exactly_when_its_document_is():
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    for name, policy in json.loads(aws_managed_policies_data).items():
        document = policy["Document"] if isinstance(policy["Document"], dict) else json.loads(policy["Document"])
        is_admin = bool(admin.admin_problems(grammar.as_list(document["Statement"])))
        assert admin.is_admin_policy_arn(f"arn:aws:iam::aws:policy{policy['Path']}{name}") is is_admin, name


def test_passing_one_named_role_is_not_escalation():
    statements = [
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/nodes"},
        {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"},
    ]
    assert admin.escalations(statements) == []


def test_the_target_roles_own_permissions_pass_the_gate_too():
    target = {
        "create": {
            "deployRoleArn": "arn:aws:iam::444455556666:role/d",
            "managedPolicyArns": ["arn:aws:iam::aws:policy/AdministratorAccess"],
        }
    }
    data = with_change("identities[0].targetRole", target, with_change("sample", {"kind": "none"}))
    with pytest.raises(config.ConfigError, match="targetRole.create: arn:aws:iam::aws:policy/AdministratorAccess is admin"):
        config.parse(data)


@pytest.mark.parametrize("partition", ["aws", "aws-cn", "aws-us-gov"])
def test_no_catalog_document_is_admin_or_an_escalation(partition):
    for key, raw in CATALOG_PARAMS.items():
        params = catalog.CATALOG[key].params.model_validate(raw)
        for doc in catalog.policy_documents(key, params, partition, ["west", "east"]):
            assert admin.admin_problems(doc["Statement"]) == [], key


def test_no_document_a_committed_stack_sends_is_admin_or_an_escalation(stack_runs):
    for stack, result in stack_runs.items():
        for reg in [*result.of_type("aws:iam/rolePolicy:RolePolicy"), *result.of_type("aws:iam/policy:Policy")]:
            assert admin.admin_problems(json.loads(reg.inputs["policy"])["Statement"]) == [], (stack, reg.name)


# --- AWS managed policies, and trust documents, against moto ----------------------------------


def test_every_aws_managed_policy_the_program_attaches_exists_at_its_path(stack_runs):
    attached = set()
    for result in stack_runs.values():
        for reg in result.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment"):
            arn = reg.inputs.get("policyArn")
            if isinstance(arn, str) and ":iam::aws:policy/" in arn:
                attached.add(arn)
    for entry in catalog.CATALOG.values():
        attached.update(f"arn:aws:iam::aws:policy/{p}" for p in (*entry.managed_policies, *entry.managed_alternatives))
    assert len(attached) > 10
    paths = limits.managed_policy_paths()
    for arn in attached:
        path, _, name = arn.split(":policy", 1)[1].rpartition("/")
        assert paths.get(name) == f"{path}/", arn


def test_a_managed_policy_typo_or_wrong_path_is_refused_with_the_right_arn():
    typo = with_change("identities[0].managedPolicyArns", ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAcess"])
    with pytest.raises(config.ConfigError, match="did you mean arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"):
        config.parse(typo)
    no_path = with_change("identities[0].managedPolicyArns", ["arn:aws:iam::aws:policy/AmazonEBSCSIDriverPolicy"])
    with pytest.raises(config.ConfigError, match="policy/service-role/AmazonEBSCSIDriverPolicy"):
        config.parse(no_path)
    config.parse(with_change("identities[0].managedPolicyArns", ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]))


def test_the_managed_policy_list_is_awss_as_moto_ships_it():
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    shipped = {name: p["Path"] for name, p in json.loads(aws_managed_policies_data).items()}
    assert limits.managed_policy_paths() == shipped, "refresh with `python -m tools.refresh_aws_data`"


@settings(max_examples=100, deadline=None)
@given(
    st.sets(
        st.tuples(st.sampled_from(["a", "b"]), st.sampled_from(["n1", "n2", "kube-system"]), st.sampled_from(["x", "y"])),
        min_size=1,
        max_size=8,
    ),
    st.booleans(),
)
def test_trust_policies_pass_moto_trust_validator(bindings, by_cluster):
    arns = {"a": "arn:aws:eks:us-east-1:123456789012:cluster/a", "b": "arn:aws:eks:us-east-1:123456789012:cluster/b"}
    doc = trust.trust_policy(trust.exact_scopes(bindings, True, by_cluster), arns)
    assert moto_accepts(doc, IAMTrustPolicyDocumentValidator)


def test_base_config_is_valid():
    config.parse(BASE)


def test_the_committed_aws_data_is_what_the_installed_botocore_and_moto_give():
    """components/data/*.json are generated (limits, regions, managed policies and which of them
    are admin): a new botocore or moto, or a change to the admin check, must be refreshed."""
    from tools import refresh_aws_data

    # The data, not the "source" label: the label names the botocore or moto version it was read
    # from, and an install the lock does not fix (pip install of the package, a user's own pins)
    # may hold a later release with the same data.
    for name, text in refresh_aws_data.rendered().items():
        assert refresh_aws_data.same_data((aws_data.DATA / name).read_text(), text), f"{name}: run python -m tools.refresh_aws_data"
