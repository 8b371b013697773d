"""Metrics, logs and traces: the CloudWatch Observability add-on, Amazon Managed Service for
Prometheus, and Fluent Bit's CloudWatch Logs output."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from pydantic import Field, model_validator

from ...model import Model
from ..documents import Statement
from .base import AWS_MANAGED, LogGroupName, ManagedChoice, NoParams, Upstream, WellKnown, WorkspaceArn, arn, stmt

AMP_MANAGED = ("AmazonPrometheusRemoteWriteAccess", "AmazonPrometheusQueryAccess")
QUERY_ACTIONS = ["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"]


class PrometheusParams(ManagedChoice):
    workspace_arns: list[WorkspaceArn] = Field(default_factory=list)
    ingest: bool = True
    """Remote write (Prometheus server, ADOT or Grafana Agent sending samples)."""
    query: bool = False
    """PromQL queries (Grafana, the query proxy)."""
    MANAGED: ClassVar[tuple[str, ...]] = AMP_MANAGED

    @model_validator(mode="after")
    def _scoped(self) -> PrometheusParams:
        if not self.aws_managed_policies:
            if not self.workspace_arns:
                raise ValueError("give workspaceArns (the workspaces written or queried), or awsManagedPolicies")
            if not (self.ingest or self.query):
                raise ValueError("ingest and query are both off: nothing to grant")
        return self


def prometheus(params: PrometheusParams, partition: str, _: Sequence[str]) -> list[Statement]:
    """AmazonPrometheusRemoteWriteAccess and AmazonPrometheusQueryAccess, on the workspaces given."""
    if params.aws_managed_policies:
        return []
    statements = []
    if params.ingest:
        statements.append(stmt("RemoteWrite", ["aps:RemoteWrite"], params.workspace_arns))
    if params.query:
        statements.append(stmt("Query", QUERY_ACTIONS, params.workspace_arns))
    return statements


class LogGroupParams(Model):
    log_group_names: list[LogGroupName] = Field(min_length=1)
    """Groups Fluent Bit writes to (`log_group_name`, or a `*` pattern for templated names)."""


def fluent_bit(params: LogGroupParams, partition: str, _: Sequence[str]) -> list[Statement]:
    """The cloudwatch_logs output's permissions, on the log groups given (PutRetentionPolicy only
    matters with `log_retention_days`, CreateLogGroup with `auto_create_group`)."""
    groups = [arn(partition, "logs", f"log-group:{g}") for g in params.log_group_names]
    return [
        stmt("LogGroups", ["logs:CreateLogGroup", "logs:PutRetentionPolicy"], groups),
        stmt("LogStreams", ["logs:CreateLogStream", "logs:PutLogEvents"], [f"{g}:log-stream:*" for g in groups]),
    ]


ENTRIES = [
    WellKnown(
        "cloudwatchObservability",
        "Amazon CloudWatch Observability add-on",
        NoParams,
        None,
        (Upstream(AWS_MANAGED, "CloudWatchAgentServerPolicy", "v3"), Upstream(AWS_MANAGED, "AWSXrayWriteOnlyAccess", "v2")),
        "amazon-cloudwatch/cloudwatch-agent",
        managed_policies=("CloudWatchAgentServerPolicy", "AWSXrayWriteOnlyAccess"),
    ),
    WellKnown(
        "prometheus",
        "Amazon Managed Service for Prometheus (ingest, query)",
        PrometheusParams,
        prometheus,
        (Upstream(AWS_MANAGED, "AmazonPrometheusRemoteWriteAccess", "v1"), Upstream(AWS_MANAGED, "AmazonPrometheusQueryAccess", "v1")),
        "prometheus/amp-iamproxy-ingest-service-account",
        managed_alternatives=AMP_MANAGED,
    ),
    WellKnown(
        "fluentBit",
        "Fluent Bit to CloudWatch Logs",
        LogGroupParams,
        fluent_bit,
        (Upstream("fluent/fluent-bit-docs", "pipeline/outputs/cloudwatch.md", "f92ae08080ee108c2d1a2969f9d7e3d3b4c35950"),),
        "amazon-cloudwatch/fluent-bit",
    ),
]
