"""Every catalog entry with every optional feature on, and the views of its statements the
catalog tests take."""

from __future__ import annotations

import json

from eks_pod_identity.iam import catalog
from hypothesis import settings

from . import UPSTREAM

PARTITIONS = ["aws", "aws-cn", "aws-us-gov"]
KMS = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ZONE = "arn:aws:route53:::hostedzone/Z0123456789"
QUEUE = "arn:aws:sqs:us-west-2:123456789012:interruptions"
NODE_ROLE = "arn:aws:iam::123456789012:role/KarpenterNodeRole"
BOUND = ["west", "east"]

# Every entry with every optional feature on: the drift test compares these builds with upstream.
PARAMS = {
    "awsLoadBalancerController": {},
    "awsLoadBalancerControllerTargetGroupBinding": {"assumeRoleArns": ["arn:aws:iam::210987654321:role/tg-owner"]},
    "gatewayApiController": {},
    "ebsCsi": {"kmsKeyArns": [KMS]},
    "efsCsi": {},
    "fsxLustreCsi": {"dataRepositoryBucketArns": ["arn:aws:s3:::lustre-data"]},
    "mountpointS3Csi": {"bucketArns": ["arn:aws:s3:::data"], "kmsKeyArns": [KMS]},
    "velero": {"bucketArns": ["arn:aws:s3:::backups"], "kmsKeyArns": [KMS]},
    "externalDns": {"hostedZoneArns": [ZONE]},
    "certManager": {"hostedZoneArns": [ZONE]},
    "privateCaIssuer": {"certificateAuthorityArns": ["arn:aws:acm-pca:us-west-2:123456789012:certificate-authority/0123-abcd"]},
    "clusterAutoscaler": {},
    "karpenter": {"nodeRoleArns": [NODE_ROLE], "interruptionQueueArns": [QUEUE]},
    "nodeTerminationHandler": {"queueArns": [QUEUE], "managedAsgTag": "aws-node-termination-handler/managed"},
    "vpcCni": {"vpcIds": ["vpc-0123456789abcdef0"], "ipv6": True},
    "externalSecrets": {
        "secretsManagerArns": ["arn:aws:secretsmanager:us-west-2:123456789012:secret:prod/*"],
        "ssmParameterArns": ["arn:aws:ssm:us-west-2:123456789012:parameter/prod/*"],
        "kmsKeyArns": [KMS],
    },
    "secretsStoreCsi": {
        "secretsManagerArns": ["arn:aws:secretsmanager:us-west-2:123456789012:secret:app-*"],
        "ssmParameterArns": ["arn:aws:ssm:us-west-2:123456789012:parameter/app/*"],
        "kmsKeyArns": [KMS],
    },
    "ecrImageBuilder": {
        "repositoryArns": ["arn:aws:ecr:us-west-2:123456789012:repository/team/app"],
        "pullRepositoryArns": ["arn:aws:ecr:us-west-2:123456789012:repository/base/*"],
    },
    "kedaOperator": {"sqsQueueArns": [QUEUE], "cloudwatchMetrics": True},
    "cloudwatchObservability": {},
    "prometheus": {"workspaceArns": ["arn:aws:aps:us-west-2:123456789012:workspace/ws-0123abcd"], "query": True},
    "fluentBit": {"logGroupNames": ["/aws/eks/fleet/*"]},
}
BUILT = sorted(k for k, e in catalog.CATALOG.items() if e.build)
WITH_ALTERNATIVES = sorted(k for k, e in catalog.CATALOG.items() if e.managed_alternatives)

# Hypothesis settings for properties that build whole entries (each example builds policies).
QUICK = settings(max_examples=15, deadline=None)


def params(key: str, **changes):
    return catalog.CATALOG[key].params.model_validate({**PARAMS[key], **changes})


def statements(key: str, partition: str = "aws", bound=BOUND, **changes) -> list[dict]:
    return catalog.statements_for(key, params(key, **changes), partition, bound)


def actions(key: str, **changes) -> set[str]:
    return {a for s in statements(key, **changes) for a in s["Action"]}


def granting(key: str, action: str, **changes) -> list[dict]:
    return [s for s in statements(key, **changes) if action in s["Action"]]


def recorded(key: str) -> dict:
    return json.loads((UPSTREAM / f"{key}.json").read_text())
