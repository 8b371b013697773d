"""Permissions workloads lean on: secrets (External Secrets Operator, the Secrets Store CSI
provider), image builds into ECR, and KEDA's AWS scalers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from pydantic import Field, model_validator

from ...model import Model
from ..documents import Statement
from ..fields import KmsKeyArn, SecretArn, SsmParameterArn
from .base import AWS_MANAGED, ManagedChoice, QueueArn, RepositoryArn, Upstream, WellKnown, kms_statements, stmt

ECR_MANAGED = ("AmazonEC2ContainerRegistryPowerUser",)


class SecretsParams(Model):
    secrets_manager_arns: list[SecretArn] = Field(default_factory=list)
    ssm_parameter_arns: list[SsmParameterArn] = Field(default_factory=list)
    kms_key_arns: list[KmsKeyArn] = Field(default_factory=list)
    """Customer managed keys the secrets or SecureString parameters are encrypted with."""

    @model_validator(mode="after")
    def _something(self) -> SecretsParams:
        if not self.secrets_manager_arns and not self.ssm_parameter_arns:
            raise ValueError("give secretsManagerArns and/or ssmParameterArns: the secrets that may be read")
        return self


def external_secrets(params: SecretsParams, partition: str, _: Sequence[str]) -> list[Statement]:
    """The AWS provider pages' read policies, on the secrets and parameters given. `dataFrom.find`
    lists secrets (ListSecrets, then BatchGetSecretValue, which still needs GetSecretValue on each
    secret) and parameters (DescribeParameters, or GetParametersByPath under `ssm:GetParameter*`)."""
    statements = []
    if params.ssm_parameter_arns:
        statements += [
            stmt("FindParameters", ["ssm:DescribeParameters"]),
            stmt("ReadParameters", ["ssm:GetParameter*"], params.ssm_parameter_arns),
        ]
    if params.secrets_manager_arns:
        statements += [
            stmt("FindSecrets", ["secretsmanager:ListSecrets", "secretsmanager:BatchGetSecretValue"]),
            stmt(
                "ReadSecrets",
                [
                    "secretsmanager:GetResourcePolicy",
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:DescribeSecret",
                    "secretsmanager:ListSecretVersionIds",
                ],
                params.secrets_manager_arns,
            ),
        ]
    return statements + kms_statements(params.kms_key_arns, ["kms:Decrypt"])


def secrets_store_csi(params: SecretsParams, partition: str, _: Sequence[str]) -> list[Statement]:
    """The provider README's policy: the pod's own role reads the secrets its SecretProviderClass
    mounts (GetParameters for SSM parameters)."""
    statements = []
    if params.secrets_manager_arns:
        statements.append(
            stmt("MountedSecrets", ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], params.secrets_manager_arns)
        )
    if params.ssm_parameter_arns:
        statements.append(stmt("MountedParameters", ["ssm:GetParameters"], params.ssm_parameter_arns))
    return statements + kms_statements(params.kms_key_arns, ["kms:Decrypt"])


class ImageBuilderParams(ManagedChoice):
    repository_arns: list[RepositoryArn] = Field(default_factory=list)
    """Repositories the builder pushes to (and pulls cached layers from)."""
    pull_repository_arns: list[RepositoryArn] = Field(default_factory=list)
    """Further repositories it only pulls from (base images)."""
    MANAGED: ClassVar[tuple[str, ...]] = ECR_MANAGED

    @model_validator(mode="after")
    def _scoped(self) -> ImageBuilderParams:
        if not self.repository_arns and not self.aws_managed_policies:
            raise ValueError("give repositoryArns (where images are pushed), or awsManagedPolicies")
        return self


def ecr_image_builder(params: ImageBuilderParams, partition: str, _: Sequence[str]) -> list[Statement]:
    """Push and pull of AmazonEC2ContainerRegistryPowerUser, limited to the repositories given;
    the registry token is account-wide (GetAuthorizationToken takes no resource)."""
    if params.aws_managed_policies:
        return []
    pull = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
    statements = [
        stmt("RegistryToken", ["ecr:GetAuthorizationToken"]),
        stmt(
            "PushImages",
            [*pull, "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"],
            params.repository_arns,
        ),
    ]
    if params.pull_repository_arns:
        statements.append(stmt("PullBaseImages", pull, params.pull_repository_arns))
    return statements


class KedaParams(Model):
    sqs_queue_arns: list[QueueArn] = Field(default_factory=list)
    """Queues the `aws-sqs-queue` scalers read the depth of."""
    cloudwatch_metrics: bool = False
    """The `aws-cloudwatch` scaler (GetMetricData takes no resource: every metric)."""

    @model_validator(mode="after")
    def _something(self) -> KedaParams:
        if not self.sqs_queue_arns and not self.cloudwatch_metrics:
            raise ValueError("give sqsQueueArns and/or cloudwatchMetrics: true (the scalers the operator serves)")
        return self


def keda_operator(params: KedaParams, partition: str, _: Sequence[str]) -> list[Statement]:
    """The operator's own role (`identityOwner: keda`) for the SQS and CloudWatch scalers."""
    statements = []
    if params.sqs_queue_arns:
        statements.append(stmt("QueueDepth", ["sqs:GetQueueAttributes"], params.sqs_queue_arns))
    if params.cloudwatch_metrics:
        statements.append(stmt("Metrics", ["cloudwatch:GetMetricData"]))
    return statements


KEDA_DOCS = "kedacore/keda-docs"
KEDA_VERSION = "a55c5d345e2cbd9923ab4936f1cabc2a17e9abac"

ENTRIES = [
    WellKnown(
        "externalSecrets",
        "External Secrets Operator",
        SecretsParams,
        external_secrets,
        (
            Upstream("external-secrets/external-secrets", "docs/provider/aws-secrets-manager.md", "v2.9.0"),
            Upstream("external-secrets/external-secrets", "docs/provider/aws-parameter-store.md", "v2.9.0"),
        ),
        "external-secrets/external-secrets",
    ),
    WellKnown(
        "secretsStoreCsi",
        "Secrets Store CSI driver, AWS provider (the application's role)",
        SecretsParams,
        secrets_store_csi,
        (Upstream("aws/secrets-store-csi-driver-provider-aws", "README.md", "secrets-store-csi-driver-provider-aws-2.1.1"),),
        "<app namespace>/<app service account>",
    ),
    WellKnown(
        "ecrImageBuilder",
        "Image builder pushing to Amazon ECR (Kaniko, BuildKit)",
        ImageBuilderParams,
        ecr_image_builder,
        (Upstream(AWS_MANAGED, "AmazonEC2ContainerRegistryPowerUser", "v3"),),
        "<build namespace>/<builder service account>",
        managed_alternatives=ECR_MANAGED,
    ),
    WellKnown(
        "kedaOperator",
        "KEDA (SQS and CloudWatch scalers)",
        KedaParams,
        keda_operator,
        (
            Upstream(KEDA_DOCS, "content/docs/2.21/authentication-providers/aws.md", KEDA_VERSION),
            Upstream(KEDA_DOCS, "content/docs/2.21/scalers/aws-cloudwatch.md", KEDA_VERSION),
        ),
        "keda/keda-operator",
    ),
]
