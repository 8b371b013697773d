"""The kinds of facts a review decides with: what forces a replacement, what key the cloud
keeps unique, and the engine's own rules, each with its source (see `provider_rules` for the
providers' facts, `replacements` for how they are applied)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TF514 = "TF514"
K8S = "pulumi-kubernetes@v4.32.0"
ENGINE = "pulumi@v3.259.0 pkg/resource/deploy"
BRIDGE = "pulumi-terraform-bridge@v3.136.0"
EKSPKG = "pulumi-eks@v4.3.0 nodejs/eks"
BOTO = "botocore 1.44.8 API model"


@dataclass(frozen=True)
class Fact:
    """One input path (camelCase, as registered) and the source that makes it force a replacement."""

    path: str
    source: str


@dataclass(frozen=True)
class UniqueKey:
    """Inputs the cloud keeps unique (per provider, i.e. per account/region or cluster).

    `collision` says what happens when a second resource with the key is created before the
    first is deleted: "create-fails" (409 and the like) or "lost-on-delete" (the create is an
    idempotent put, and deleting the old resource afterwards removes what the new one needs).
    """

    paths: tuple[str, ...]
    collision: Literal["create-fails", "lost-on-delete"]
    what: str
    source: str
    case_insensitive: bool = False
    scope: Literal["account", "region", "global", "cluster"] = "region"
    """Where the key is unique: IAM names per account, EKS objects per account and region,
    bucket names everywhere, Kubernetes objects per cluster."""


@dataclass(frozen=True)
class Rule:
    """Replacement facts of one resource type.

    kind: "custom" (a cloud resource), "remote" (a multi-language component, one opaque
    registration under mocks whose inputs drive the cloud resources inside it: `force_new`
    then names the inputs that replace `inner`), "component" (local component: counted only),
    "provider" (a provider resource: decided by review.provider_replace).
    """

    type: str
    kind: Literal["custom", "remote", "component", "provider"]
    force_new: tuple[Fact, ...] = ()
    unique_key: UniqueKey | None = None
    explicit_name_delete_first: tuple[Fact, ...] = ()
    """Autonamed inputs: given explicitly and unchanged, the provider itself asks for delete-first."""
    refused: tuple[Fact, ...] = ()
    """Inputs the cloud refuses to change in place although the provider plans an update: `pulumi up` fails."""
    inner: str = ""
    notes: tuple[str, ...] = ()
    ignored_when: tuple[tuple[str, Fact], ...] = ()
    """(flag input, fact): with the flag input true, the remote component ignores changes to the
    fact's path once its resource exists (ignoreChanges inside it), so a change there is none."""
    in_place_when: tuple[tuple[str, Fact], ...] = ()
    """(input, fact): with that input set and the same on both sides, a change of the fact's path
    (a force-new path otherwise) updates in place; the fact says why."""


# --- the engine ---------------------------------------------------------------------------

ENGINE_FACTS: dict[str, str] = {
    "create-before-delete": f"{ENGINE}/step_generator.go stepGenerator.continueStepsFromDiff (deleteBeforeReplace): "
    "a replacement creates the new resource first unless the provider or the deleteBeforeReplace option asks for "
    "delete-first (the option wins)",
    "deletes-last": f"{ENGINE}/deployment_executor.go deploymentExecutor.performPostSteps (-> step_generator.go "
    "stepGenerator.GenerateDeletes): resources no longer registered, and the old halves of create-first "
    "replacements, are deleted after the program has registered everything",
    "delete-first-dependents": f"{ENGINE}/step_generator.go stepGenerator.continueStepsFromDiff and "
    "stepGenerator.calculateDependentReplacements: before a delete-first replacement, dependents whose inputs "
    "would force their own replacement are deleted first",
    "provider-changed": f"{ENGINE}/step_generator.go stepGenerator.providerChanged and stepGenerator.diff: a "
    "resource whose provider reference changes is replaced when the new provider's DiffConfig reports a replacement",
    "replace-on-changes": f"{ENGINE}/step_generator.go applyReplaceOnChanges: a change under a replaceOnChanges path becomes a replacement",
    "unknowns": "in a preview, outputs of a resource being created or replaced are unknown, so inputs computed "
    f"from them change to an unknown value; in a force-new input that is a replacement ({ENGINE}/"
    "step_generator.go stepGenerator.calculateDependentReplacements does the same for the dependents of a "
    "delete-first replacement)",
    "retain-on-delete": f"{ENGINE}/step.go DeleteStep.Apply: deleting a resource registered with retainOnDelete is a no-op "
    "in the cloud; it only leaves the stack",
}
