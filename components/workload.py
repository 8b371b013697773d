"""The sample workload: a service account and a pod that proves it received its role."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from . import documents, manifests

DEPLOYMENT_NAME = "aws-cli"
JOB_NAME = "pod-identity-proof"


@dataclass(frozen=True)
class SampleWorkloadArgs:
    """What to run, as whom, and what it must wait for.

    `depends_on` must hold the association and the agent add-on: the Pod Identity webhook
    injects credentials only at admission, so a pod admitted earlier never gets them.
    """

    kind: Literal["deployment", "job"]
    namespace: str
    service_account: str
    image: str
    provider: k8s.Provider
    association_id: pulumi.Input[str]
    depends_on: Sequence[pulumi.Resource]
    role_name: pulumi.Input[str] | None = None
    """Job: the role that receives write access to the sample bucket."""
    expected_role_name: pulumi.Input[str] | None = None
    """Job: the role the pod must end up as (the target role when chaining across accounts)."""
    region: pulumi.Input[str] = ""
    bucket_name: str | None = None
    create_namespace: bool = False
    tags: Mapping[str, str] = field(default_factory=dict)


class SampleWorkload(pulumi.ComponentResource):
    """A Deployment to exec into, or a Job whose completion is the proof (Pulumi waits for it)."""

    service_account: k8s.core.v1.ServiceAccount
    workload: k8s.apps.v1.Deployment | k8s.batch.v1.Job
    bucket: aws.s3.Bucket | None
    """Job only: the bucket the pod writes to; force-destroyable so `pulumi destroy` works."""
    verify_command: pulumi.Output[str]
    """A shell command that shows, from the cluster, which role the pod runs as."""

    def __init__(self, name: str, args: SampleWorkloadArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("eks-pod-identity:index:SampleWorkload", name, None, opts)
        k8s_opts = pulumi.ResourceOptions(parent=self, provider=args.provider)
        namespace: list[pulumi.Resource] = []
        if args.create_namespace:
            ns = manifests.namespace(args.namespace)
            namespace.append(k8s.core.v1.Namespace(f"{name}-namespace", metadata=ns["metadata"], opts=k8s_opts))
        sa = manifests.service_account(args.service_account, args.namespace)
        self.service_account = k8s.core.v1.ServiceAccount(
            f"{name}-sa",
            metadata=sa["metadata"],
            opts=pulumi.ResourceOptions.merge(k8s_opts, pulumi.ResourceOptions(depends_on=namespace)),
        )
        waits = [*args.depends_on, *namespace, self.service_account]
        self.bucket = None
        if args.kind == "deployment":
            self.workload = self._deployment(name, args, waits, k8s_opts)
            self.verify_command = pulumi.Output.from_input(
                f"kubectl exec -n {args.namespace} deploy/{DEPLOYMENT_NAME} -- aws sts get-caller-identity"
            )
        else:
            self.workload = self._job(name, args, waits, k8s_opts)
            self.verify_command = self.workload.metadata.name.apply(lambda job: f"kubectl logs -n {args.namespace} job/{job}")
        self.register_outputs({"verifyCommand": self.verify_command})

    def _deployment(
        self, name: str, args: SampleWorkloadArgs, waits: list[pulumi.Resource], k8s_opts: pulumi.ResourceOptions
    ) -> k8s.apps.v1.Deployment:
        manifest = pulumi.Output.from_input(args.association_id).apply(
            lambda assoc: manifests.deployment(DEPLOYMENT_NAME, args.namespace, args.service_account, args.image, assoc)
        )
        return k8s.apps.v1.Deployment(
            f"{name}-deployment",
            metadata=manifests.deployment(DEPLOYMENT_NAME, args.namespace, args.service_account, args.image, "")["metadata"],
            spec=manifest["spec"],
            opts=pulumi.ResourceOptions.merge(k8s_opts, pulumi.ResourceOptions(depends_on=waits)),
        )

    def _job(
        self, name: str, args: SampleWorkloadArgs, waits: list[pulumi.Resource], k8s_opts: pulumi.ResourceOptions
    ) -> k8s.batch.v1.Job:
        if args.role_name is None:
            raise ValueError("a job sample needs role_name: it grants the role write access to its bucket")
        child = pulumi.ResourceOptions(parent=self)
        self.bucket = aws.s3.Bucket(
            f"{name}-bucket", bucket=args.bucket_name, force_destroy=True, tags=dict(args.tags), opts=child
        )
        aws.s3.BucketPublicAccessBlock(
            f"{name}-bucket-private",
            bucket=self.bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        policy = aws.iam.RolePolicy(
            f"{name}-put-object",
            role=args.role_name,
            policy=self.bucket.arn.apply(
                lambda arn: documents.to_json(documents.document([documents.s3_put_object_statement(arn)]))
            ),
            opts=child,
        )
        spec = pulumi.Output.all(
            args.association_id, self.bucket.bucket, args.expected_role_name or args.role_name, args.region
        ).apply(
            lambda v: manifests.job(JOB_NAME, args.namespace, args.service_account, args.image, v[0], v[1], v[2], v[3])["spec"]
        )
        metadata = manifests.job(JOB_NAME, args.namespace, args.service_account, args.image, "", "", "", "")["metadata"]
        return k8s.batch.v1.Job(
            f"{name}-job",
            metadata=metadata,
            spec=spec,
            opts=pulumi.ResourceOptions.merge(k8s_opts, pulumi.ResourceOptions(depends_on=[*waits, policy])),
        )
