"""What the test modules share: the repository's paths, the committed stacks, and the small
runs of the program several modules make. Fixtures live in tests/conftest.py.

The rest of this package, by theme: `validators` and `k8s_checks` (the real validators,
wrapped once), `iam` (IAM evaluated as IAM would, and moto's validators), `catalog` (every
catalog entry's parameters), `config_cases` (a valid stack config and the bad-case tables'
tests), `review` (the two sides of an offline review).
"""

from __future__ import annotations

import ast
import functools
import json
from pathlib import Path

from eks_pod_identity.offline.harness import mocks, monitor, project, runner

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
AWS = FIXTURES / "aws"
"""AWS CLI and kubectl output, as the offline commands read it."""
STACK_FILES = FIXTURES / "stacks"
"""Stack files of the tests' own (not committed stacks of the program)."""
UPSTREAM = ROOT / "tests" / "upstream"
"""Each catalog entry's upstream action sets (the drift test's record)."""
EXAMPLE = ROOT / "examples" / "existing_cluster" / "__main__.py"
EXAMPLE_PROJECT = "pod-identity-existing-cluster"

STACKS = project.committed_stack_names(ROOT)
"""The committed stacks: those whose files git tracks (a stack file of one's own beside
Pulumi.yaml is not run here; `make check-stacks` checks it), so it can never break `make test`."""


READER = [
    {
        "name": "reader",
        "namespace": "team-a",
        "serviceAccounts": ["app", "worker"],
        "managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
    }
]
"""An identity binding two service accounts, for runs of `run_dev` that rename or move it."""


def run_component(program, **kwargs) -> runner.RunResult:
    """A program declaring components directly, as another program would use them."""
    return runner.run({"aws:region": "eu-west-1"}, program=program, **kwargs)


def adopted(*clusters: str) -> list[dict]:
    """Cluster configs for clusters the stack adopts."""
    return [{"name": c, "create": False} for c in clusters]


def run_dev(clusters: list[dict], identities: list[dict]) -> runner.RunResult:
    """The dev stack with these clusters and identities, and no sample."""
    config = project.stack_config(
        "dev",
        overrides={
            "eks-pod-identity:clusters": clusters,
            "eks-pod-identity:identities": identities,
            "eks-pod-identity:sample": {"kind": "none"},
        },
    )
    return runner.run(config, stack="dev")


def run_prod(adopted: dict[str, mocks.AdoptedCluster] | None = None, account: str | None = None, **overrides) -> runner.RunResult:
    """Stack prod with `overrides`, deploying to `account` (else the one its ARNs name)."""
    return runner.run_stack(
        "prod",
        overrides={f"eks-pod-identity:{k}": v for k, v in overrides.items()},
        adopted=adopted,
        raise_errors=False,
        caller_account=account,
    )


def agents(result: runner.RunResult) -> dict[str, monitor.Registration]:
    """The agent add-ons a run declares, by cluster."""
    return {a.inputs["clusterName"]: a for a in result.of_type("aws:eks/addon:Addon") if a.inputs["addonName"] == "eks-pod-identity-agent"}


def cfg_of(identity: str):
    """An identity of the committed fleet stack, parsed."""
    return project.parsed_config("fleet").identity(identity)


def statements_of(doc: str | dict) -> list[dict]:
    return (json.loads(doc) if isinstance(doc, str) else doc)["Statement"]


def target_role(result: runner.RunResult) -> monitor.Registration:
    """The fleet stack's cross-account target role."""
    (role,) = result.under("analytics-reader-target", "aws:iam/role:Role")
    return role


def own_copy_of_team_cluster(folder: Path, referenced: str = "shared-ids") -> Path:
    """The README's suggestion, followed: a new cluster stack copied from team-cluster."""
    text = (ROOT / "Pulumi.team-cluster.yaml").read_text()
    path = folder / "Pulumi.mine.yaml"
    path.write_text(text.replace("organization/eks-pod-identity/identities", f"organization/eks-pod-identity/{referenced}"))
    return path


PROBE_APP = "pod-identity-probe"


def probes(result: runner.RunResult) -> list[monitor.Registration]:
    """The association probe Jobs (identity/probe.py), told from other Jobs by their app label."""
    return [j for j in result.of_type("kubernetes:batch/v1:Job") if j.inputs["metadata"]["labels"]["app.kubernetes.io/name"] == PROBE_APP]


def workload_jobs(result: runner.RunResult) -> list[monitor.Registration]:
    """The Jobs that are not probes: the sample Job."""
    return [j for j in result.of_type("kubernetes:batch/v1:Job") if j not in probes(result)]


@functools.cache
def parse_source(path: Path) -> ast.Module:
    """A module's syntax tree, parsed once. CPython 3.11's ast.parse can fail with "AST constructor
    recursion depth mismatch" while another thread formats a traceback (which parses source lines
    for its carets; python/cpython gh-106905), as Pulumi's threads do after a failed run: the
    modules that parse sources parse them at import, before any run, and parse again if it struck."""
    text = path.read_text()
    try:
        return ast.parse(text)
    except SystemError:  # pragma: no cover - the CPython race above
        return ast.parse(text)


def bound_role(role: str) -> tuple:
    """On an adopted cluster `c`: a role named `role` bound to team-a/app, as a program of its
    own declares it; (cluster, role, association)."""
    from eks_pod_identity.cluster.cluster import EksCluster, EksClusterArgs
    from eks_pod_identity.identity.association import AssociationTarget, PodIdentityAssociations, PodIdentityAssociationsArgs
    from eks_pod_identity.identity.role import PodIdentityRole, PodIdentityRoleArgs

    cluster = EksCluster("c", EksClusterArgs(create=False))
    pod_role = PodIdentityRole(role, PodIdentityRoleArgs())
    targets = [AssociationTarget("c", cluster.name, "team-a", "app")]
    (association,) = PodIdentityAssociations(
        role, PodIdentityAssociationsArgs(role_arn=pod_role.arn, targets=targets)
    ).associations.values()
    return cluster, pod_role, association
