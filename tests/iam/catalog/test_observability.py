"""The observability entries, judged by what their policies allow a request: each writes only
where it was told to, and the CloudWatch add-on gets AWS's own policies."""

from __future__ import annotations

from eks_pod_identity.iam import catalog

from tests.helpers.catalog import PARAMS, statements
from tests.helpers.iam import allows

WORKSPACE = PARAMS["prometheus"]["workspaceArns"][0]
OTHER_WORKSPACE = "arn:aws:aps:us-west-2:123456789012:workspace/ws-other"
GROUP = "arn:aws:logs:us-west-2:123456789012:log-group:/aws/eks/fleet/app"


def test_prometheus_writes_and_queries_only_the_workspaces_given():
    policy = statements("prometheus")
    assert allows(policy, "aps:RemoteWrite", WORKSPACE) and allows(policy, "aps:QueryMetrics", WORKSPACE)
    assert not allows(policy, "aps:RemoteWrite", OTHER_WORKSPACE) and not allows(policy, "aps:QueryMetrics", OTHER_WORKSPACE)
    assert not allows(policy, "aps:DeleteWorkspace", WORKSPACE)
    ingest_only = statements("prometheus", query=False)
    assert allows(ingest_only, "aps:RemoteWrite", WORKSPACE) and not allows(ingest_only, "aps:QueryMetrics", WORKSPACE)


def test_fluent_bit_writes_only_to_the_log_groups_given():
    policy = statements("fluentBit")  # /aws/eks/fleet/*
    assert allows(policy, "logs:PutLogEvents", f"{GROUP}:log-stream:pod-1")
    assert allows(policy, "logs:CreateLogStream", f"{GROUP}:log-stream:pod-1")
    assert allows(policy, "logs:CreateLogGroup", GROUP)
    other = "arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/payments"
    assert not allows(policy, "logs:PutLogEvents", f"{other}:log-stream:x") and not allows(policy, "logs:CreateLogGroup", other)
    assert not allows(policy, "logs:DeleteLogGroup", GROUP)


def test_the_cloudwatch_add_on_attaches_awss_policies_in_the_stacks_partition_and_builds_none():
    params = catalog.CATALOG["cloudwatchObservability"].params.model_validate({})
    assert catalog.policy_documents("cloudwatchObservability", params, "aws-cn", ["west"]) == []
    assert catalog.managed_policy_arns("cloudwatchObservability", "aws-cn", params) == [
        "arn:aws-cn:iam::aws:policy/CloudWatchAgentServerPolicy",
        "arn:aws-cn:iam::aws:policy/AWSXrayWriteOnlyAccess",
    ]
