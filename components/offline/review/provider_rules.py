"""What forces a replacement, per resource type the program registers, and where each fact comes from.


`eks-pod-identity review NEW --against OLD` (offline/commands/review.py) decides create, update, replace
and delete from two runs of the program under mocks. The engine's part of that decision is
fixed (ENGINE); the providers' part is a table per type (RULES): which input paths force a
replacement, which inputs form a key the cloud keeps unique, and whether the provider asks
for delete-first. Every fact names its source: a file and the symbol in it (function, method,
variable, schema attribute) at a tag or commit, or the AWS API model shipped with botocore. A
type the program starts registering without an entry here fails tests/offline/review/test_provider_rules.py until
its facts are added.

Sources, abbreviated in the facts below:
- TF514: hashicorp/terraform-provider-aws as vendored by pulumi/terraform-provider-aws, branch
  patched-v5.14.0 (122a58103640826a4793ef37353289632b78452b). pulumi-aws 7.51.1 bridges a
  v6.x upstream (>= v6.46.0, exact tag not found); where the 2026 upstream (main) differs it is
  said, with the upstream repository path of the file read.
- K8S: pulumi/pulumi-kubernetes@v4.32.0 (newest tag available; provider.go and diff.go are
  unchanged from there to 94977969, after which 4.34.2 was released).
- ENGINE: pulumi/pulumi@v3.259.0, pkg/resource/deploy.
- BRIDGE: pulumi/pulumi-terraform-bridge@v3.136.0.
- EKSPKG: pulumi/pulumi-eks@v4.3.0 nodejs/eks (the v4.4.0 tag is not in the snapshot; master
  differs from v4.3.0 only in yarn.lock).
- BOTO: the AWS API models in botocore 1.44.8 (venv: botocore/data/<service>/.../service-2.json.gz).
"""

from __future__ import annotations

from .facts import BOTO, BRIDGE, EKSPKG, K8S, TF514, Fact, Rule, UniqueKey

# --- shared facts ---------------------------------------------------------------------------

_K8S_METADATA = (
    Fact("metadata.name", f"{K8S} provider/pkg/provider/diff.go metadataForceNewProperties, applied to every kind by forceNewProperties"),
    Fact("metadata.namespace", f"{K8S} provider/pkg/provider/diff.go metadataForceNewProperties"),
)
_K8S_KEY = UniqueKey(
    ("apiVersion", "kind", "metadata.namespace", "metadata.name"),
    "create-fails",
    "a Kubernetes object of that kind, namespace and name",
    f"{K8S} provider/pkg/await/await.go Creation: a create of an existing object fails with AlreadyExists "
    "(client-side create since 4.29.0; upsertExistingObjects is off by default)",
    scope="cluster",
)
K8S_NAMED_DELETE_FIRST = f"{K8S} provider/pkg/provider/provider.go kubeProvider.Diff (deleteBeforeReplace)"
_K8S_NOTES = (
    (f"named objects (metadata.name set, same name and namespace) are replaced delete-first by the provider: {K8S_NAMED_DELETE_FIRST}"),
)
_ROLE_NAME_KEY = UniqueKey(
    ("name",),
    "create-fails",
    "an IAM name in the account",
    f"{BOTO} iam CreateRoleRequest.RoleName / CreatePolicyRequest.PolicyName: 'IAM user, group, role, and policy "
    "names must be unique within the account. Names are not distinguished by case.'; CreateRole and CreatePolicy "
    "list EntityAlreadyExistsException (409)",
    case_insensitive=True,
    scope="account",
)
_BRIDGE_DBR = (
    f"{BRIDGE} pkg/tfbridge/provider.go Provider.Diff and schema.go nameRequiresDeleteBeforeReplace: "
    "an autonamed input given explicitly and unchanged makes the bridge ask for delete-first; pulumi-aws 7.51.1 "
    "autonames it (SDK docstring: 'If omitted, the provider will assign a random, unique name')"
)


def _kubernetes(type_: str, *extra: Fact) -> Rule:
    return Rule(type_, "custom", (*_K8S_METADATA, *extra), _K8S_KEY, notes=_K8S_NOTES)


AWSX_SUBNETS = "pulumi/pulumi-awsx awsx/ec2/subnetDistributorNew.ts"
ZONE_NAMES = Fact(
    "availabilityZoneNames",
    f"{AWSX_SUBNETS} allocateSubnetCidrBlocks: without availabilityZoneCidrMask each zone's block is derived from the "
    f"zone count, so every subnet is re-addressed ({TF514} internal/service/ec2/vpc_subnet.go ResourceSubnet, "
    "cidr_block ForceNew); with it fixed, zone i keeps block i",
)
ZONE_COUNT = Fact("numberOfAvailabilityZones", ZONE_NAMES.source)

RULES: dict[str, Rule] = {}


def _add(*rules: Rule) -> None:
    for rule in rules:
        RULES[rule.type] = rule


_add(
    Rule(
        "aws:iam/role:Role",
        "custom",
        (
            Fact("name", f"{TF514} internal/service/iam/role.go ResourceRole, name ForceNew"),
            Fact("namePrefix", f"{TF514} internal/service/iam/role.go ResourceRole, name_prefix ForceNew"),
            Fact("path", f"{TF514} internal/service/iam/role.go ResourceRole, path ForceNew"),
        ),
        _ROLE_NAME_KEY,
        (Fact("name", _BRIDGE_DBR),),
        notes=("assumeRolePolicy, description, maxSessionDuration, permissionsBoundary and tags update in place",),
    ),
    Rule(
        "aws:iam/policy:Policy",
        "custom",
        (
            Fact("description", f"{TF514} internal/service/iam/policy.go ResourcePolicy, description ForceNew"),
            Fact("name", f"{TF514} internal/service/iam/policy.go ResourcePolicy, name ForceNew"),
            Fact("namePrefix", f"{TF514} internal/service/iam/policy.go ResourcePolicy, name_prefix ForceNew"),
            Fact("path", f"{TF514} internal/service/iam/policy.go ResourcePolicy, path ForceNew"),
        ),
        _ROLE_NAME_KEY,
        (Fact("name", _BRIDGE_DBR),),
        notes=("policy updates in place (a new default policy version)",),
    ),
    Rule(
        "aws:iam/rolePolicy:RolePolicy",
        "custom",
        (
            Fact("name", f"{TF514} internal/service/iam/role_policy.go ResourceRolePolicy, name ForceNew"),
            Fact("namePrefix", f"{TF514} internal/service/iam/role_policy.go ResourceRolePolicy, name_prefix ForceNew"),
            Fact("role", f"{TF514} internal/service/iam/role_policy.go ResourceRolePolicy, role ForceNew"),
        ),
        UniqueKey(
            ("role", "name"),
            "lost-on-delete",
            "an inline policy name on the role",
            f"{BOTO} iam PutRolePolicy: 'Adds or updates an inline policy' (a put, not a create)",
            scope="account",
        ),
        notes=("policy updates in place; without a name the provider generates one, so no two collide",),
    ),
    Rule(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "custom",
        (
            Fact("role", f"{TF514} internal/service/iam/role_policy_attachment.go ResourceRolePolicyAttachment, role ForceNew"),
            Fact("policyArn", f"{TF514} internal/service/iam/role_policy_attachment.go ResourceRolePolicyAttachment, policy_arn ForceNew"),
        ),
        UniqueKey(
            ("role", "policyArn"),
            "lost-on-delete",
            "the attachment of that policy to that role",
            "AttachRolePolicy of an attached policy succeeds without a second attachment (no AWS sentence "
            "found; the program relies on it, components/identity/role.py grant_permissions), and DetachRolePolicy "
            "of the old resource then removes the one attachment",
            scope="account",
        ),
        notes=("no argument updates in place",),
    ),
    Rule(
        "aws:eks/podIdentityAssociation:PodIdentityAssociation",
        "custom",
        (
            Fact(
                "clusterName",
                "hashicorp/terraform-provider-aws internal/service/eks/pod_identity_association.go Schema, "
                "stringplanmodifier.RequiresReplace (2026 upstream (main))",
            ),
            Fact("namespace", "pod_identity_association.go Schema, RequiresReplace (same files)"),
            Fact("serviceAccount", "pod_identity_association.go Schema, RequiresReplace (same files)"),
        ),
        UniqueKey(
            ("clusterName", "namespace", "serviceAccount"),
            "create-fails",
            "EKS's one association per (cluster, namespace, service account)",
            f"{BOTO} eks CreatePodIdentityAssociation errors include ResourceInUseException (HTTP 409)",
        ),
        notes=(
            ("roleArn, targetRoleArn, disableSessionTags and tags update in place (Update calls UpdatePodIdentityAssociation, same files)"),
            (
                "policy (session policy) is in the 7.51.1 SDK but not in the upstream versions read; EKS's "
                "UpdatePodIdentityAssociation accepts it (BOTO), so it is taken as updatable: unverified"
            ),
        ),
    ),
    Rule(
        "aws:eks/addon:Addon",
        "custom",
        (
            Fact("addonName", f"{TF514} internal/service/eks/addon.go ResourceAddon, addon_name ForceNew"),
            Fact("clusterName", f"{TF514} internal/service/eks/addon.go ResourceAddon, cluster_name ForceNew"),
            Fact(
                "namespaceConfig",
                "hashicorp/terraform-provider-aws internal/service/eks/addon.go resourceAddon Schema: "
                "namespace_config and its namespace are ForceNew (2026 upstream (main))",
            ),
        ),
        UniqueKey(
            ("clusterName", "addonName"),
            "create-fails",
            "one add-on of that name per cluster",
            f"{BOTO} eks CreateAddon errors include ResourceInUseException (HTTP 409)",
        ),
        notes=("addonVersion, configurationValues, podIdentityAssociations, serviceAccountRoleArn and tags update in place",),
    ),
    Rule(
        "aws:s3/bucket:Bucket",
        "custom",
        (
            Fact("bucket", f"{TF514} internal/service/s3/bucket.go ResourceBucket, bucket ForceNew"),
            Fact("bucketPrefix", f"{TF514} internal/service/s3/bucket.go ResourceBucket, bucket_prefix ForceNew"),
            Fact("objectLockEnabled", f"{TF514} internal/service/s3/bucket.go ResourceBucket, object_lock_enabled ForceNew"),
        ),
        UniqueKey(
            ("bucket",),
            "create-fails",
            "a bucket name (global)",
            f"{BOTO} s3 CreateBucket errors BucketAlreadyExists / BucketAlreadyOwnedByYou; in us-east-1 "
            "re-creating an owned bucket returns 200, and the later delete of the old resource deletes it",
            scope="global",
        ),
        (Fact("bucket", _BRIDGE_DBR),),
    ),
    Rule(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "custom",
        (Fact("bucket", f"{TF514} internal/service/s3/bucket_public_access_block.go ResourceBucketPublicAccessBlock, bucket ForceNew"),),
        UniqueKey(
            ("bucket",),
            "lost-on-delete",
            "the bucket's one public access block",
            f"{BOTO} s3 PutPublicAccessBlock: 'Creates or modifies the PublicAccessBlock configuration'",
            scope="global",
        ),
    ),
    _kubernetes("kubernetes:core/v1:ServiceAccount"),
    Rule(
        "kubernetes:core/v1:ServiceAccountPatch",
        "custom",
        _K8S_METADATA,
        notes=(
            (
                f"a server-side apply: it creates the object or applies to the one there, never AlreadyExists; its "
                f"deletion gives up its fields and leaves the object ({K8S} provider/pkg/await/await.go Creation and "
                "Deletion, kinds.IsPatchResource)"
            ),
        ),
    ),
    _kubernetes("kubernetes:core/v1:Namespace"),
    _kubernetes(
        "kubernetes:apps/v1:Deployment",
        Fact("spec.selector", f"{K8S} provider/pkg/provider/diff.go deployment (the pod template updates in place)"),
    ),
    _kubernetes(
        "kubernetes:batch/v1:Job",
        Fact("spec.completions", f"{K8S} provider/pkg/provider/diff.go job"),
        Fact("spec.parallelism", f"{K8S} provider/pkg/provider/diff.go job"),
        Fact("spec.selector", f"{K8S} provider/pkg/provider/diff.go job"),
        Fact("spec.template", f"{K8S} provider/pkg/provider/diff.go job: any change of the pod template replaces the Job"),
    ),
    Rule(
        "eks:index:Cluster",
        "remote",
        (
            Fact(
                "name",
                f"{EKSPKG}/cluster/cluster.ts createCore passes it to aws.eks.Cluster; {TF514} internal/service/eks/cluster.go "
                "ResourceCluster, name ForceNew (also in the 2026 upstream (main): hashicorp/terraform-provider-aws "
                "internal/service/eks/cluster.go)",
            ),
            Fact("serviceRole", f"{EKSPKG}/cluster/cluster.ts createCore (roleArn); {TF514} cluster.go ResourceCluster, role_arn ForceNew"),
            Fact(
                "ipFamily",
                f"{EKSPKG}/cluster/cluster.ts createCore (kubernetesNetworkConfig); {TF514} cluster.go ResourceCluster, "
                "kubernetes_network_config.ip_family ForceNew",
            ),
            Fact(
                "kubernetesServiceIpAddressRange",
                f"{EKSPKG}/cluster/cluster.ts createCore (kubernetesNetworkConfig); {TF514} cluster.go ResourceCluster, "
                "kubernetes_network_config.service_ipv4_cidr ForceNew",
            ),
        ),
        UniqueKey(
            ("name",),
            "create-fails",
            "an EKS cluster name in the account and region",
            f"{BOTO} eks CreateCluster errors include ResourceInUseException",
        ),
        refused=(
            Fact(
                "vpcId",
                f"{BOTO} eks UpdateClusterConfig: 'You can't change which VPC the subnets are from, the subnets "
                "must be in the same VPC as the subnets that the cluster was created with'",
            ),
        ),
        inner="the EKS cluster (aws:eks/cluster:Cluster) and everything running in it",
        notes=(
            (
                "version, authenticationMode, subnet IDs and tags update in place: subnet_ids and security_group_ids lost "
                "ForceNew upstream (hashicorp/terraform-provider-aws internal/service/eks/cluster.go, 2026 upstream (main); "
                "TF514 ResourceCluster still had vpc_config.security_group_ids and vpc_config.subnet_ids ForceNew)"
            ),
            f"{BOTO} eks UpdateClusterConfig: 'You can't change which VPC the subnets are from': a vpcId change fails",
            (
                "bootstrapSelfManagedAddons and accessConfig.bootstrapClusterCreatorAdminPermissions are ignoreChanges "
                f"({EKSPKG}/cluster/cluster.ts createCore, the aws.eks.Cluster ignoreChanges)"
            ),
            "the component's other children (roles, security groups, the kube-proxy/coredns add-ons) are invisible under mocks",
        ),
    ),
    Rule(
        "eks:index:ManagedNodeGroup",
        "remote",
        tuple(
            Fact(
                path,
                f"{EKSPKG}/nodes/nodegroup.ts createManagedNodeGroup passes it to aws.eks.NodeGroup; "
                f"{TF514} internal/service/eks/node_group.go ResourceNodeGroup, {attribute} ForceNew",
            )
            for path, attribute in (
                ("cluster", "cluster_name"),
                ("clusterName", "cluster_name"),
                ("nodeRole", "node_role_arn"),
                ("nodeRoleArn", "node_role_arn"),
                ("amiType", "ami_type"),
                ("capacityType", "capacity_type"),
                ("diskSize", "disk_size"),
                ("instanceTypes", "instance_types"),
                ("launchTemplate.id", "launch_template.id"),
                ("launchTemplate.name", "launch_template.name"),
                ("nodeGroupName", "node_group_name"),
                ("nodeGroupNamePrefix", "node_group_name_prefix"),
                ("remoteAccess", "remote_access"),
                ("subnetIds", "subnet_ids"),
            )
        ),
        UniqueKey(
            ("cluster", "nodeGroupName"),
            "create-fails",
            "a node group name in the cluster",
            f"{BOTO} eks CreateNodegroup errors include ResourceInUseException",
        ),
        inner="the managed node group (aws:eks/nodeGroup:NodeGroup): its nodes are drained and replaced",
        notes=("scalingConfig, labels, taints, version, releaseVersion and tags update in place",),
        ignored_when=(
            (
                "ignoreScalingChanges",
                Fact(
                    "scalingConfig.desiredSize",
                    f"{EKSPKG}/nodes/nodegroup.ts createManagedNodeGroup: with ignoreScalingChanges, ignoreChanges "
                    "['scalingConfig.desiredSize'] on the aws.eks.NodeGroup (the autoscaler owns the count)",
                ),
            ),
        ),
    ),
    Rule(
        "awsx:ec2:Vpc",
        "remote",
        (
            Fact("cidrBlock", f"{TF514} internal/service/ec2/vpc_.go ResourceVPC, cidr_block ForceNew"),
            ZONE_NAMES,
            ZONE_COUNT,
            Fact(
                "availabilityZoneCidrMask",
                f"{AWSX_SUBNETS} allocateSubnetCidrBlocks: every zone's block, and so every subnet's cidr_block "
                f"({TF514} internal/service/ec2/vpc_subnet.go ResourceSubnet, cidr_block ForceNew)",
            ),
            Fact("subnetSpecs", f"{TF514} internal/service/ec2/vpc_subnet.go ResourceSubnet, cidr_block and vpc_id ForceNew"),
            Fact(
                "subnetStrategy",
                f"{TF514} internal/service/ec2/vpc_subnet.go ResourceSubnet, cidr_block ForceNew (subnet CIDRs are recomputed)",
            ),
        ),
        inner="the VPC or its subnets; a cluster cannot move to another VPC (see eks:index:Cluster)",
        notes=("awsx computes subnet CIDRs itself; offline only the component's inputs are seen",),
        in_place_when=(("availabilityZoneCidrMask", ZONE_NAMES), ("availabilityZoneCidrMask", ZONE_COUNT)),
    ),
    Rule(
        "pulumi:providers:kubernetes",
        "provider",
        notes=(f"{K8S} provider/pkg/provider/provider.go kubeProvider.DiffConfig; see review.provider_replace",),
    ),
    Rule(
        "pulumi:providers:aws",
        "provider",
        notes=(
            (
                f"{BRIDGE} pkg/tfbridge/provider.go configDiffer.DiffConfig and configDiffer.forcesProviderReplace: "
                "only config keys pulumi-aws marks ForcesProviderReplace replace the provider; that list was not read "
                "for 7.51.1, so a change is reported as an update"
            ),
        ),
    ),
)
