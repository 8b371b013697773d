"""The sample workload: a service account and a pod that proves it received its role."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from ..iam import documents
from ..identity.probe import AssociationProbe, AssociationProbeArgs
from . import manifests

APP = "pod-identity-sample"
JOB_TIMEOUT = manifests.await_timeout(manifests.JOB_DEADLINE_SECONDS)
# The Deployment fails at its progress deadline; Pulumi's await ends shortly after it.
DEPLOYMENT_TIMEOUT = manifests.await_timeout(manifests.PROGRESS_DEADLINE_SECONDS)


@dataclass(frozen=True)
class SampleWorkloadArgs:
    """What to run, as whom, and what it must wait for.

    `depends_on` must hold the agent add-on, the role's permissions and the cluster's nodes:
    the Pod Identity webhook injects credentials only at admission (EKS User Guide,
    pod-id-how-it-works), so a pod admitted earlier
    never gets them. The association itself is proven here first (AssociationProbe).
    """

    kind: Literal["deployment", "job"]
    namespace: str
    service_account: str
    image: str
    provider: k8s.Provider
    association: aws.eks.PodIdentityAssociation
    expected_role_name: pulumi.Input[str]
    """The role the pod must run as (the target role when chaining across accounts)."""
    depends_on: Sequence[pulumi.Resource] = ()
    nodes: Sequence[pulumi.Resource] = ()
    """The cluster's nodes: every object waits for them, as a sign the API answers (see EksCluster)."""
    role_name: pulumi.Input[str] | None = None
    """Job: the role that receives write access to the sample bucket."""
    region: pulumi.Input[str] = ""
    bucket_name: str | None = None
    create_namespace: bool = False
    create_service_account: bool = True
    adopted_cluster: bool = False
    """The cluster existed before the stack: its service account may too (made by hand, or by the
    seeds), so it is applied, not created (see SampleWorkload)."""
    association_key: str = ""
    """The association's `cluster/namespace/serviceAccount`, named by the probe's messages."""
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind == "job" and self.role_name is None:
            raise ValueError("a job sample needs role_name: it grants the role write access to its bucket")


class SampleWorkload(pulumi.ComponentResource):
    """A Deployment to exec into, or a Job whose completion is the proof (Pulumi waits for both).

    The Deployment is ready only while its pod runs as the expected role (a readiness probe),
    so a pod without its credentials fails `pulumi up` instead of passing silently.
    """

    service_account: k8s.core.v1.ServiceAccount | k8s.core.v1.ServiceAccountPatch | None
    """The service account, unless the stack leaves it alone (`create_service_account=False`)."""
    probe: AssociationProbe
    """The proof that the association is in effect, which the workload waits for (its pods are
    admitted only once a pod of the same service account got the role)."""
    workload: k8s.apps.v1.Deployment | k8s.batch.v1.Job
    bucket: aws.s3.Bucket | None
    """Job only: the bucket the pod writes to; force-destroyable so `pulumi destroy` works."""
    verify_command: pulumi.Output[str]
    """A shell command that shows, from the cluster, which role the pod runs as."""

    def __init__(self, name: str, args: SampleWorkloadArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("eks-pod-identity:index:SampleWorkload", name, None, opts)
        # Every object waits for the association too: a role another stack exports is checked
        # when the association's role ARN resolves, and a refused one then leaves nothing here.
        k8s_opts = pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=[*args.nodes, args.association])
        objects: list[pulumi.Resource] = []
        if args.create_namespace:
            ns = manifests.namespace(args.namespace)
            objects.append(k8s.core.v1.Namespace(f"{name}-namespace", metadata=ns["metadata"], opts=k8s_opts))
        self.service_account = None
        if args.create_service_account:
            self.service_account = self._service_account(
                name, args, pulumi.ResourceOptions.merge(k8s_opts, pulumi.ResourceOptions(depends_on=objects))
            )
            objects.append(self.service_account)
        association = args.association
        self.probe = AssociationProbe(
            f"{name}-probe",
            AssociationProbeArgs(
                association=association,
                key=args.association_key,
                namespace=args.namespace,
                service_account=args.service_account,
                provider=args.provider,
                image=args.image,
                expected_role_name=args.expected_role_name,
                region=args.region,
                depends_on=[*args.nodes, *args.depends_on, *objects],
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        waits = [*args.depends_on, *objects, self.probe.job]
        proof = self.probe.proof
        self.bucket = None
        if args.kind == "deployment":
            self.workload = self._deployment(name, args, proof, waits, k8s_opts)
            self.verify_command = self.workload.metadata.name.apply(
                lambda deploy: f"kubectl exec -n {args.namespace} deploy/{deploy} -- aws sts get-caller-identity"
            )
        else:
            self.workload = self._job(name, args, proof, waits, k8s_opts)
            self.verify_command = self.workload.metadata.name.apply(lambda job: f"kubectl logs -n {args.namespace} job/{job}")
        self.register_outputs({"verifyCommand": self.verify_command})

    def _service_account(
        self, name: str, args: SampleWorkloadArgs, opts: pulumi.ResourceOptions
    ) -> k8s.core.v1.ServiceAccount | k8s.core.v1.ServiceAccountPatch:
        """On a cluster the stack creates, a ServiceAccount: nothing can be there before it. On an
        adopted cluster, a ServiceAccountPatch: a server-side apply of the sample's labels, which
        creates the account when it is missing and applies to it when someone made it (a create
        would fail with AlreadyExists: the provider upserts nothing, see EksCluster); `pulumi
        destroy` then gives up the labels (ssa.Relinquish) and deletes no account it may not own
        (pulumi-kubernetes provider/pkg/await/await.go Creation and Deletion, patch resources).
        The former ServiceAccount resource is its alias, so an upgraded stack updates it in place
        instead of deleting the account it created (pulumi/pulumi pkg/resource/deploy/
        step_generator.go getOldResource matches an alias of another type)."""
        metadata = manifests.service_account(args.service_account, args.namespace)["metadata"]
        if not args.adopted_cluster:
            return k8s.core.v1.ServiceAccount(f"{name}-sa", metadata=metadata, opts=opts)
        former = pulumi.Alias(type_="kubernetes:core/v1:ServiceAccount")
        aliased = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=[former]))
        return k8s.core.v1.ServiceAccountPatch(f"{name}-sa", metadata=metadata, opts=aliased)

    def _deployment(
        self,
        name: str,
        args: SampleWorkloadArgs,
        proof: pulumi.Output[manifests.Proof],
        waits: list[pulumi.Resource],
        k8s_opts: pulumi.ResourceOptions,
    ) -> k8s.apps.v1.Deployment:
        manifest = proof.apply(lambda p: manifests.deployment(APP, args.namespace, args.service_account, args.image, p))
        return k8s.apps.v1.Deployment(
            f"{name}-deployment",
            metadata=manifests.deployment(APP, args.namespace, args.service_account, args.image, manifests.NO_PROOF)["metadata"],
            spec=manifest["spec"],
            opts=pulumi.ResourceOptions.merge(
                k8s_opts,
                pulumi.ResourceOptions(
                    depends_on=waits, custom_timeouts=pulumi.CustomTimeouts(create=DEPLOYMENT_TIMEOUT, update=DEPLOYMENT_TIMEOUT)
                ),
            ),
        )

    def _job(
        self,
        name: str,
        args: SampleWorkloadArgs,
        proof: pulumi.Output[manifests.Proof],
        waits: list[pulumi.Resource],
        k8s_opts: pulumi.ResourceOptions,
    ) -> k8s.batch.v1.Job:
        assert args.role_name is not None, "SampleWorkloadArgs checks it"
        child = pulumi.ResourceOptions(parent=self)
        self.bucket = aws.s3.Bucket(f"{name}-bucket", bucket=args.bucket_name, force_destroy=True, tags=dict(args.tags), opts=child)
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
            policy=self.bucket.arn.apply(lambda arn: documents.to_json(documents.document([documents.s3_put_object_statement(arn)]))),
            opts=child,
        )
        spec = pulumi.Output.all(proof, self.bucket.bucket).apply(
            lambda v: manifests.job(APP, args.namespace, args.service_account, args.image, v[0], v[1])["spec"]
        )
        return k8s.batch.v1.Job(
            f"{name}-job",
            metadata=manifests.job(APP, args.namespace, args.service_account, args.image, manifests.NO_PROOF, "")["metadata"],
            spec=spec,
            opts=pulumi.ResourceOptions.merge(
                k8s_opts,
                pulumi.ResourceOptions(
                    depends_on=[*waits, policy], custom_timeouts=pulumi.CustomTimeouts(create=JOB_TIMEOUT, update=JOB_TIMEOUT)
                ),
            ),
        )
