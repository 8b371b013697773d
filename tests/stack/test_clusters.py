"""A cluster's config: what EKS offers and accepts for a created cluster, its network, its add-ons,
and nothing that shapes a cluster on one the stack adopts."""

from __future__ import annotations

from tests.helpers.config_cases import DELETE, NO_SAMPLE, refusal_tests, with_change

# (case id, path, bad value, good neighbour value, text the error must contain)
CASES = [
    ("unquoted-version", "clusters[0].version", 1.3, "1.33", "clusters[0].version = 1.3: must be a quoted string"),
    ("cluster-name-chars", "clusters[0].name", "c 1", "c_1-x", "not an EKS cluster name"),
    ("version-too-old", "clusters[0].version", "1.23", "1.34", "needs Kubernetes 1.24 or newer"),
    ("version-not-offered", "clusters[0].version", "1.99", "1.32", "not a version EKS offers"),
    ("version-retired", "clusters[0].version", "1.30", "1.36", "not a version EKS offers"),
    ("version-format", "clusters[0].version", "1.35.1", "1.35", "not a Kubernetes minor version"),
    ("node-counts", "clusters[0].minSize", 3, 2, "minSize <= desiredCapacity <= maxSize"),
    ("agent-version", "clusters[0].agentVersion", "1.3.10", "v1.3.10-eksbuild.2", "not an add-on version"),
    ("fargate-only", "clusters[1].nodeTypes", ["fargate"], ["fargate", "linux"], "does not work on Fargate or Windows"),
    ("windows-only", "clusters[1].nodeTypes", ["windows"], ["windows", "hybrid"], "does not work on Fargate or Windows"),
    ("node-types-on-created", "clusters[0].nodeTypes", ["linux", "windows"], ["linux"], "a created cluster always gets Linux"),
    (
        "addon-without-service-account",
        "clusters[0].addons",
        [{"name": "aws-ebs-csi-driver", "identity": "app"}],
        [{"name": "aws-ebs-csi-driver"}],
        "needs both identity and serviceAccount",
    ),
    ("addon-is-the-agent", "clusters[0].addons", [{"name": "eks-pod-identity-agent"}], [{"name": "vpc-cni"}], "installAgent/agentVersion"),
    ("created-cluster-name-too-long", "clusters[0].name", "c" * 39, "c" * 38, "has at most 38 characters"),
    ("adopted-with-creation-keys", "clusters[1].instanceType", "m5.large", DELETE, "shape a cluster the stack creates"),
    ("adopted-with-network", "clusters[1].network", {"natGateways": "onePerAz"}, DELETE, "shape a cluster the stack creates"),
    (
        "network-one-private-subnet",
        "clusters[0].network",
        {"vpcId": "vpc-0123456789abcdef0", "privateSubnetIds": ["subnet-aaaaaaaa"]},
        {"vpcId": "vpc-0123456789abcdef0", "privateSubnetIds": ["subnet-aaaaaaaa", "subnet-bbbbbbbb"]},
        "at least two private subnets",
    ),
    (
        "network-subnets-without-vpc",
        "clusters[0].network",
        {"privateSubnetIds": ["subnet-aaaaaaaa", "subnet-bbbbbbbb"]},
        {"availabilityZones": 3},
        "need vpcId",
    ),
    ("network-vpc-id", "clusters[0].network.vpcId", "vpc-xyz", "vpc-0123abcd", "not a VPC ID"),
    (
        "network-subnet-both",
        "clusters[0].network",
        {"vpcId": "vpc-0123abcd", "privateSubnetIds": ["subnet-aaaaaaaa", "subnet-bbbbbbbb"], "publicSubnetIds": ["subnet-aaaaaaaa"]},
        {"vpcId": "vpc-0123abcd", "privateSubnetIds": ["subnet-aaaaaaaa", "subnet-bbbbbbbb"], "publicSubnetIds": ["subnet-cccccccc"]},
        "both private and public",
    ),
    (
        "network-vpc-with-creation-keys",
        "clusters[0].network",
        {"vpcId": "vpc-0123abcd", "privateSubnetIds": ["subnet-aaaaaaaa", "subnet-bbbbbbbb"], "natGateways": "single"},
        {"vpcId": "vpc-0123abcd", "privateSubnetIds": ["subnet-aaaaaaaa", "subnet-bbbbbbbb"]},
        "with vpcId they do not apply",
    ),
    ("network-cidr-size", "clusters[0].network.cidr", "10.0.0.0/24", "10.0.0.0/20", "give /16 to /20"),
    ("network-cidr-format", "clusters[0].network.cidr", "10.0.0.0", "172.16.0.0/16", "/32 prefix"),
    ("network-nat-none", "clusters[0].network.natGateways", "none", "onePerAz", "clusters[0].network.natGateways"),
    ("network-one-zone", "clusters[0].network.availabilityZones", 1, 3, "clusters[0].network.availabilityZones"),
    (
        "network-zone-count-and-names",
        "clusters[0].network",
        {"availabilityZones": 3, "availabilityZoneNames": ["us-east-1a", "us-east-1b"]},
        {"availabilityZoneNames": ["us-east-1a", "us-east-1b"]},
        "either availabilityZones",
    ),
    (
        "admin-principal",
        "clusters[0].adminPrincipalArns",
        ["ci-role"],
        ["arn:aws:iam::123456789012:role/ci"],
        "not an IAM role or user ARN",
    ),
    ("public-access-cidr", "clusters[0].publicAccessCidrs", ["office"], ["203.0.113.0/24"], "not an IPv4 CIDR block"),
    ("instance-type-typo", "clusters[0].instanceType", "t3.medum", "t3.medium", "did you mean 't3.medium'"),
    ("agent-version-on-auto-mode", "clusters[0].autoMode", True, False, "Auto Mode does not use"),
    ("agent-version-not-installed", "clusters[1].installAgent", False, True, "installAgent: false leaves alone"),
    ("private-endpoint-with-cidrs", "clusters[0].endpointPublicAccess", False, True, "publicAccessCidrs limit a public endpoint"),
    ("version-a-date", "clusters[0].version", "2024-01-01", "1.35", "not a Kubernetes minor version"),
]


# Cases whose change only shows against a slightly different valid config.
BASES: dict[str, dict] = {
    "cluster-name-chars": NO_SAMPLE,
    "created-cluster-name-too-long": NO_SAMPLE,
    "network-vpc-id": with_change(
        "clusters[0].network", {"vpcId": "vpc-0123abcd", "privateSubnetIds": ["subnet-aaaaaaaa", "subnet-bbbbbbbb"]}
    ),
    "agent-version-on-auto-mode": with_change("clusters[0].agentVersion", "v1.3.10-eksbuild.2"),
    "agent-version-not-installed": with_change("clusters[1].agentVersion", "v1.3.10-eksbuild.2"),
    "private-endpoint-with-cidrs": with_change("clusters[0].publicAccessCidrs", ["203.0.113.0/24"]),
}


test_bad_value_is_refused_with_its_path_and_fix, test_good_neighbour_passes = refusal_tests(CASES, BASES)
