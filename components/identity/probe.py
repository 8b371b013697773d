"""Proof that an association is in effect: a probe Job, run as the bound service account, that
succeeds once a pod is admitted with credentials for the expected role.

EKS associations are eventually consistent ("may take several seconds to be effective after the
initial API call returns", botocore eks CreatePodIdentityAssociation), and the Pod Identity
webhook injects credentials only when a pod is admitted (EKS User Guide, pod-id-how-it-works):
a pod admitted too early never gets them, and a Deployment's pods are not re-admitted by anything. A fixed wait is a guess; this is
the proof, and what must start after the association waits for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from ..sample import manifests

PROBE_APP = "pod-identity-probe"
PROBE_TIMEOUT = manifests.await_timeout(manifests.JOB_DEADLINE_SECONDS)


@dataclass(frozen=True)
class AssociationProbeArgs:
    """The association to prove, and where its pods run."""

    association: aws.eks.PodIdentityAssociation
    key: str
    """The association's `cluster/namespace/serviceAccount`, named in the probe's messages."""
    namespace: str
    service_account: str
    """Must exist (the probe's pods run as it): made by the stack before, or by hand."""
    provider: k8s.Provider
    image: str
    expected_role_name: pulumi.Input[str]
    """The role a pod must run as (the target role when chaining across accounts)."""
    region: pulumi.Input[str]
    depends_on: Sequence[pulumi.Resource] = ()
    """What a pod needs besides the association: the agent add-on, the role's permissions, nodes."""


class AssociationProbe(pulumi.ComponentResource):
    """A Job that proves one association works; `proven_association_id` resolves after it did."""

    job: k8s.batch.v1.Job
    proof: pulumi.Output[manifests.Proof]
    """What a pod of the association must show: the workload that waits for the probe checks the same."""
    proven_association_id: pulumi.Output[str]
    """The association's ID, known only once the probe succeeded: an input made from it makes a
    workload wait for the proof (another stack reads it from the stack's outputs)."""

    def __init__(self, name: str, args: AssociationProbeArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("eks-pod-identity:index:AssociationProbe", name, None, opts)
        association = args.association
        self.proof = proof = pulumi.Output.all(
            association.association_id, association.role_arn, args.expected_role_name, args.region
        ).apply(lambda v: manifests.Proof(*v))
        spec = proof.apply(lambda p: manifests.probe_job(PROBE_APP, args.namespace, args.service_account, args.image, p, args.key)["spec"])
        metadata = manifests.probe_job(PROBE_APP, args.namespace, args.service_account, args.image, manifests.NO_PROOF, args.key)[
            "metadata"
        ]
        self.job = k8s.batch.v1.Job(
            f"{name}-job",
            metadata=metadata,
            spec=spec,
            opts=pulumi.ResourceOptions(
                parent=self,
                provider=args.provider,
                depends_on=[association, *args.depends_on],
                custom_timeouts=pulumi.CustomTimeouts(create=PROBE_TIMEOUT, update=PROBE_TIMEOUT),
            ),
        )
        self.proven_association_id = pulumi.Output.all(self.job.metadata.uid, association.association_id).apply(lambda v: str(v[1]))
        self.register_outputs({"provenAssociationId": self.proven_association_id})
