"""The workload controllers' entries: each grants only the features asked for."""

from __future__ import annotations

from tests.helpers.catalog import PARAMS, actions, granting


def test_external_secrets_reads_in_batches_and_by_path():
    assert "secretsmanager:BatchGetSecretValue" in actions("externalSecrets")
    (read,) = granting("externalSecrets", "ssm:GetParameter*")
    assert read["Resource"] == PARAMS["externalSecrets"]["ssmParameterArns"]
    assert not granting("externalSecrets", "ssm:GetParameter*", ssmParameterArns=[])


def test_keda_and_prometheus_grant_only_the_features_asked_for():
    assert actions("kedaOperator", cloudwatchMetrics=False) == {"sqs:GetQueueAttributes"}
    assert actions("prometheus", query=False) == {"aps:RemoteWrite"}
