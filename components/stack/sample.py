"""Config of `eks-pod-identity:sample`: the workload that proves a pod receives its role."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ..model import Model
from ..sample.rules import MAX_PROPAGATION_SECONDS, MIN_PROPAGATION_SECONDS, BucketName, Image


class SampleConfig(Model):
    """The sample workload that proves a pod receives its role."""

    kind: Literal["deployment", "job", "none"] = "none"
    identity: str | None = None
    cluster: str | None = None
    namespace: str | None = None
    service_account: str | None = None
    create_namespace: bool = False
    image: Image | None = None
    bucket_name: BucketName | None = None
    create_service_account: bool = True
    """False: the service account exists already (made by hand, or by another tool); the stack
    neither creates nor deletes it."""
    propagation_seconds: int = Field(30, ge=MIN_PROPAGATION_SECONDS, le=MAX_PROPAGATION_SECONDS)
    """Deprecated and ignored (a warning says so): the sample waits for a probe Job that proves its
    association is in effect, not for a fixed time."""

    @model_validator(mode="after")
    def _consistent(self) -> SampleConfig:
        if self.kind != "none" and not self.identity:
            raise ValueError(f"kind {self.kind!r} needs identity: the name of an identity of this stack")
        if self.bucket_name and self.kind != "job":
            raise ValueError("bucketName is used only by kind: job")
        if self.create_namespace and not self.create_service_account:
            raise ValueError("createNamespace makes a new namespace, so the service account cannot exist yet: drop one of them")
        return self
