"""Pod identity associations: one role bound to (cluster, namespace, service account) triples."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from .. import names

# EKS: at most 1,000 associations per cluster, not adjustable (EKS User Guide, service quotas).
MAX_ASSOCIATIONS_PER_CLUSTER = 1000


@dataclass(frozen=True)
class AssociationTarget:
    """Where one association binds the role.

    `cluster` is the stable key used in resource names; `cluster_name` the Output that makes
    the association wait for the cluster to exist.
    """

    cluster: str
    cluster_name: pulumi.Input[str]
    namespace: str
    service_account: str

    @property
    def key(self) -> str:
        return names.association(self.cluster, self.namespace, self.service_account)


@dataclass(frozen=True)
class PodIdentityAssociationsArgs:
    """The role and everywhere it is bound, with the association options EKS offers."""

    role_arn: pulumi.Input[str]
    targets: Sequence[AssociationTarget]
    target_role_arn: pulumi.Input[str] | None = None
    disable_session_tags: bool = False
    session_policy: pulumi.Input[str] | None = None
    """JSON session policy; EKS requires `disable_session_tags` with it (botocore eks model,
    CreatePodIdentityAssociation member `policy`: "disableSessionTags must be set to true")."""
    depends_on: Sequence[pulumi.Resource] = ()
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.session_policy is not None and not self.disable_session_tags:
            raise ValueError("a session policy needs disable_session_tags=True (EKS rejects it otherwise)")
        keys = [t.key for t in self.targets]
        if len(keys) != len(set(keys)):
            raise ValueError(f"duplicate association targets in {keys}: EKS allows one per service account per cluster")


class PodIdentityAssociations(pulumi.ComponentResource):
    """One `aws.eks.PodIdentityAssociation` per target, all for the same role.

    This is the point of Pod Identity: the role's trust policy never changes as clusters
    are added; each cluster only gets an association. Each association is named by its
    (cluster, namespace, service account) alone, not by this component's name: renaming the
    identity or moving a binding to another identity updates `role_arn` in place, where a new
    name would create a second association for the same key, which EKS refuses (409:
    CreatePodIdentityAssociation's ResourceInUseException, botocore eks model).
    """

    associations: dict[str, aws.eks.PodIdentityAssociation]
    """By target key `cluster/namespace/serviceAccount`."""
    association_ids: pulumi.Output[dict[str, str]]
    """Association IDs by target key."""

    def __init__(self, name: str, args: PodIdentityAssociationsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("eks-pod-identity:index:PodIdentityAssociations", name, None, opts)
        # A loop, not a comprehension: the SDK records the Python stack of every resource it
        # registers, and a comprehension is one frame more for each of thousands.
        self.associations = {}
        for t in args.targets:
            self.associations[t.key] = aws.eks.PodIdentityAssociation(
                t.key,
                cluster_name=t.cluster_name,
                namespace=t.namespace,
                service_account=t.service_account,
                role_arn=args.role_arn,
                target_role_arn=args.target_role_arn,
                disable_session_tags=args.disable_session_tags or None,
                policy=args.session_policy,
                tags=dict(args.tags),
                opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on)),
            )
        # One Output over the IDs, shared by the component's outputs and the stack's export: a
        # fleet registers thousands of associations, and each Output read costs (docs/performance.md).
        ids = {key: a.association_id for key, a in self.associations.items()}
        self.association_ids = pulumi.Output.all(**ids) if ids else pulumi.Output.from_input({})
        self.register_outputs({"associationIds": self.association_ids})
