"""Mutated stack files, run through the whole program as `pulumi up` would.

Every config either is refused before anything registers (a ConfigError, printed without a
traceback) or deploys, and a deployed one keeps the invariants: trust admits exactly the
bound pods, IAM's size quotas hold, nothing is admin without `allowAdmin`, no URN twice.

The suite runs a few dozen fixed examples; the campaign runs as many as you ask:

    FUZZ_EXAMPLES=2000 FUZZ_SEED=random make fuzz
"""

from __future__ import annotations

import copy
import datetime
import json
import os
from typing import Any

from eks_pod_identity import stack as config
from eks_pod_identity.iam import admin, documents, limits
from eks_pod_identity.offline.harness import mocks, project, runner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.catalog import PARAMS as CATALOG_PARAMS
from tests.helpers.iam import admits

STACKS = ["dev", "prod", "fleet", "identities"]
REGION = {stack: project.stack_config(stack)["aws:region"] for stack in STACKS}
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
CAMPAIGN = os.environ.get("FUZZ_SEED") == "random"
ODD_VALUES = [
    "",
    " ",
    "default",
    "kube-system",
    "Team-A",
    "a" * 70,
    "🚀",
    "1.99",
    "1.30",
    "t3.medum",
    "m5.large",
    0,
    -1,
    1,
    3.5,
    True,
    None,
    [],
    {},
    ["x"],
    {"name": "x"},
    datetime.date(2024, 1, 1),
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "arn:aws:iam::123456789012:role/r",
    "arn:aws-cn:s3:::b",
    "*",
    "aws:reserved",
    "none",
    "job",
    "deployment",
    {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
    "arn:aws:iam::aws:policy/IAMFullAccess",
    "arn:aws:iam::aws:policy/PowerUserAccess",
    "arn:aws:iam::888888888888:policy/b",
    "eu-west-1a",
    ["us-east-1a", "eu-west-1b"],
    False,
]
# An oracle independent of policy_checks: AWS managed policies that are admin by any reading
# (everything, everything but IAM, or IAM itself); no identity without allowAdmin gets one.
ADMIN_MANAGED = {"AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "AdministratorAccess-Amplify"}


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path into a config value (dict keys and list indexes)."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            found += paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += paths(v, (*prefix, i))
    return found


def mutate(data: dict, path: tuple, how: str, new: Any) -> None:
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if how == "set":
        parent[last] = new
    elif how == "delete":
        del parent[last]
    elif how == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    elif how == "snake" and isinstance(last, str) and isinstance(parent, dict):
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in last)
        parent[snake] = parent.pop(last)
    elif how == "extra" and isinstance(parent, dict):
        parent["unexpectedKey"] = new


@st.composite
def mutated_stacks(draw: Any) -> tuple[str, dict[str, str]]:
    stack = draw(st.sampled_from(STACKS))
    structured = {
        k.split(":", 1)[1]: json.loads(v) for k, v in project.stack_config(stack).items() if k.split(":", 1)[1] in config.STRUCTURED_KEYS
    }
    identities = structured.get("identities")
    if isinstance(identities, list) and identities and draw(st.booleans()):
        # A catalog entry with valid parameters on some identity: entries differ in what they
        # need (clusters, ARNs), which only the whole config decides.
        key = draw(st.sampled_from(sorted(CATALOG_PARAMS)))
        identities[draw(st.integers(0, len(identities) - 1))]["wellKnown"] = {key: copy.deepcopy(CATALOG_PARAMS[key])}
    for _ in range(draw(st.integers(0, 3))):  # 0: the stack as committed, or with a catalog entry only
        candidates = paths(structured)
        if not candidates:
            break
        path = draw(st.sampled_from(candidates))
        mutate(
            structured,
            path,
            draw(st.sampled_from(["set", "set", "delete", "duplicate", "snake", "extra"])),
            copy.deepcopy(draw(st.sampled_from(ODD_VALUES))),
        )
    overrides = {f"eks-pod-identity:{k}": v for k, v in structured.items()}
    return stack, project.stack_config(stack, overrides=overrides)


def check_invariants(cfg: config.StackConfig, result: runner.RunResult) -> None:
    """What every deployed config keeps, read off the registered documents."""
    role_names = {name: arn.rsplit("/", 1)[-1] for name, arn in result.outputs["roleArns"].items()}
    inline: dict[str, int] = {}
    for policy in result.of_type("aws:iam/rolePolicy:RolePolicy"):
        doc = json.loads(policy.inputs["policy"])
        inline[policy.inputs["role"]] = inline.get(policy.inputs["role"], 0) + documents.size(doc)
    for ident in cfg.identities:
        if not ident.creates_role:
            continue
        (role,) = [r for r in result.of_type("aws:iam/role:Role") if result.by_urn(r.parent).name == ident.name]
        trust = json.loads(role.inputs["assumeRolePolicy"])
        assert documents.size(trust) <= cfg.role_trust_policy_quota
        bindings = cfg.trust_bindings(ident)
        arns = {c: f"arn:aws:eks:{REGION[result.urn_stack]}:{mocks.ACCOUNT}:cluster/{c}" for c in {c.name for c in cfg.clusters} | {""}}
        if ident.scoped_to_service_accounts and not ident.trust.source_org_id:
            pairs = {(ns, sa) for _, ns, sa in bindings}
            for cluster, ns, sa in bindings:
                assert admits(trust, cluster, ns, sa, arns), (ident.name, cluster, ns, sa)
            for ns, sa in {(ns, sa) for ns, _ in pairs for _, sa in pairs} - pairs:
                assert not any(admits(trust, c, ns, sa, arns) for c in arns), (ident.name, ns, sa)
        assert inline.get(role_names[ident.name], 0) <= limits.INLINE_POLICIES_SIZE
        if not ident.allow_admin:
            for attachment in result.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment"):
                if attachment.inputs["role"] == role_names[ident.name]:
                    assert attachment.inputs["policyArn"].rsplit("/", 1)[-1] not in ADMIN_MANAGED, ident.name
            for policy in result.of_type("aws:iam/rolePolicy:RolePolicy"):
                if policy.inputs["role"] == role_names[ident.name]:
                    assert admin.admin_problems(json.loads(policy.inputs["policy"])["Statement"]) == [], ident.name
    for policy in result.of_type("aws:iam/policy:Policy"):
        assert documents.size(json.loads(policy.inputs["policy"])) <= limits.MANAGED_POLICY_SIZE
    for assoc in result.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation"):
        if assoc.inputs.get("policy"):
            assert documents.size(json.loads(assoc.inputs["policy"])) <= limits.SESSION_POLICY_SIZE


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not CAMPAIGN,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated_stacks())
def test_a_mutated_stack_is_refused_cleanly_or_deploys_keeping_the_invariants(case):
    stack, config_map = case
    try:
        cfg = config.parse(*config.from_config_map(config_map))
    except config.ConfigError:
        cfg = None
    result = runner.run(config_map, stack=stack, raise_errors=False)
    if cfg is None:
        assert isinstance(result.error, config.ConfigError) and result.registrations == [], "refused before anything registers"
        return
    assert result.error is None, f"an accepted config failed at deploy: {type(result.error).__name__}: {result.error}"
    result.urn_stack = stack
    check_invariants(cfg, result)
