"""The checks that span config sections: references, duplicates, the sample's fit, catalog
entries that cannot be built where bound, fixed role names, the region's partition."""

from __future__ import annotations

import re

import pytest
from eks_pod_identity import stack as config

from tests.helpers.config_cases import BASE, DELETE, NO_SAMPLE, SECOND, refusal_tests, with_change

# (case id, path, bad value, good neighbour value, text the error must contain)
CASES = [
    ("unknown-cluster", "identities[0].clusters", ["c3"], ["c2"], "identities[0].clusters[0] = 'c3': is not a cluster of this stack"),
    ("bound-to-no-cluster", "identities[0].clusters", [], ["c1"], "is bound to no cluster"),
    ("sample-unknown-identity", "sample.identity", "nobody", "app", "sample.identity = 'nobody': is not an identity"),
    ("sample-unknown-cluster", "sample.cluster", "c9", "c2", "sample.cluster = 'c9'"),
    ("sample-unbound-namespace", "sample.namespace", "team-b", "team-a", "matches no binding"),
    (
        "job-on-existing-role",
        "identities[0]",
        {"name": "app", "namespace": "team-a", "serviceAccount": "app", "roleArn": "arn:aws:iam::123456789012:role/x"},
        {"name": "app", "namespace": "team-a", "serviceAccount": "app"},
        "must create its role",
    ),
    (
        "duplicate-binding",
        "identities[1]",
        SECOND,
        {**SECOND, "serviceAccount": "other"},
        "identities[1] = 'c1/team-a/app': is bound by both identity 'app' and identity 'other'",
    ),
    (
        "duplicate-identity",
        "identities[1]",
        {**SECOND, "name": "app", "serviceAccount": "x"},
        {**SECOND, "serviceAccount": "x"},
        "identities[1].name = 'app': names an identity twice",
    ),
    ("duplicate-cluster", "clusters[1].name", "c1", "c2", "clusters[1].name = 'c1': names a cluster twice"),
    (
        "too-many-associations",
        "identities[0]",
        {"name": "app", "namespaces": [f"n{i}" for i in range(11)], "serviceAccounts": [f"s{i}" for i in range(92)], "clusters": ["c1"]},
        {"name": "app", "namespaces": [f"n{i}" for i in range(10)], "serviceAccounts": [f"s{i}" for i in range(100)], "clusters": ["c1"]},
        "EKS allows 1000 per cluster",
    ),
    (
        "job-on-target-role",
        "identities[0].targetRole",
        {"arn": "arn:aws:iam::210987654321:role/t"},
        DELETE,
        "must not chain into a target role",
    ),
    (
        "addon-unknown-identity",
        "clusters[0].addons",
        [{"name": "aws-ebs-csi-driver", "identity": "nobody", "serviceAccount": "ebs-csi-controller-sa"}],
        [{"name": "aws-ebs-csi-driver", "identity": "app", "serviceAccount": "ebs-csi-controller-sa"}],
        "clusters[0].addons[0].identity = 'nobody'",
    ),
    (
        "addon-twice",
        "clusters[0].addons",
        [{"name": "vpc-cni"}, {"name": "vpc-cni"}],
        [{"name": "vpc-cni"}, {"name": "coredns"}],
        "is listed twice",
    ),
    (
        "addon-binding-duplicate",
        "clusters[0].addons",
        [{"name": "x-addon", "identity": "app", "serviceAccount": "app", "namespace": "team-a"}],
        [{"name": "x-addon", "identity": "app", "serviceAccount": "app", "namespace": "kube-system"}],
        "is bound by both identity 'app' and add-on 'x-addon' (identity 'app')",
    ),
    ("sample-system-namespace", "sample.createNamespace", True, False, "would create namespace 'kube-system'"),
    ("sample-default-service-account", "identities[0].serviceAccount", "default", "app", "sample.serviceAccount = 'default'"),
    ("sample-without-nodes", "clusters[0].desiredCapacity", 0, 1, "nothing would run it"),
    (
        "catalog-statement-too-big",
        "identities[0].wellKnown",
        {"externalDns": {"hostedZoneArns": [f"arn:aws:route53:::hostedzone/Z{i:020d}" for i in range(200)]}},
        {"externalDns": {"hostedZoneArns": [f"arn:aws:route53:::hostedzone/Z{i:020d}" for i in range(20)]}},
        "identities[0].wellKnown.externalDns = 'app': statement 'ManageRecords' alone exceeds 6144 characters",
    ),
    (
        "catalog-needs-clusters",
        "identities[0]",
        {
            "name": "as",
            "shared": True,
            "namespace": "kube-system",
            "serviceAccount": "cluster-autoscaler",
            "wellKnown": {"clusterAutoscaler": {}},
        },
        {
            "name": "as",
            "shared": True,
            "namespace": "kube-system",
            "serviceAccount": "cluster-autoscaler",
            "wellKnown": {"clusterAutoscaler": {"clusterNames": ["c1"]}},
        },
        "wellKnown.clusterAutoscaler = 'as': needs clusterNames",
    ),
    ("sample-namespace-not-created", "sample.createNamespace", False, True, "which the stack creates with only its system namespaces"),
    (
        "namespace-listed-twice",
        "identities[0]",
        {"name": "app", "namespaces": ["team-a", "team-a"], "serviceAccount": "app"},
        {"name": "app", "namespaces": ["team-a", "team-b"], "serviceAccount": "app"},
        "is listed twice in identity 'app'",
    ),
    ("sample-on-unknown-cluster", "identities[0].clusters", ["zzz"], ["c1"], "identities[0].clusters[0] = 'zzz': is not a cluster"),
    ("no-cluster-at-all", "clusters", [], [{"name": "c1"}], "is bound to no cluster"),
    (
        "duplicate-role-name",
        "identities[1]",
        {**SECOND, "serviceAccount": "other", "roleName": "Team-Reader"},
        {**SECOND, "serviceAccount": "other", "roleName": "team-writer"},
        "names the same IAM role",
    ),
    (
        "addon-unknown-identity-duplicate",
        "clusters[0].addons",
        [{"name": "x-addon", "identity": "nobody", "serviceAccount": "app", "namespace": "team-a"}],
        [{"name": "x-addon"}],
        "clusters[0].addons[0].identity = 'nobody'",
    ),
]


# Cases whose change only shows against a slightly different valid config.
BASES: dict[str, dict] = {
    "unknown-cluster": NO_SAMPLE,
    "sample-system-namespace": with_change("identities[0].namespace", "kube-system", with_change("sample.namespace", "kube-system")),
    "sample-without-nodes": with_change("clusters[0].minSize", 0),
    "catalog-needs-clusters": NO_SAMPLE,
    "namespace-listed-twice": NO_SAMPLE,
    "no-cluster-at-all": NO_SAMPLE,
    "duplicate-role-name": with_change("identities[0].roleName", "team-reader"),
}


test_bad_value_is_refused_with_its_path_and_fix, test_good_neighbour_passes = refusal_tests(CASES, BASES)


@pytest.mark.parametrize(
    "region, expected",
    [
        ("us-east-7", "\n  - aws:region = 'us-east-7': is not a region where EKS runs; did you mean"),
        ("cn-north-1", "is in partition 'aws', but aws:region 'cn-north-1' is in 'aws-cn'"),
    ],
)
def test_the_region_and_the_arns_partition_must_agree(region, expected):
    with pytest.raises(config.ConfigError, match=re.escape(expected)):
        config.parse(BASE, region=region)
    config.parse(BASE, region="eu-west-1")


def test_a_huge_fan_out_is_refused_before_its_bindings_are_built(monkeypatch):
    def never(self):
        raise AssertionError("4,000,000 bindings built")

    monkeypatch.setattr(config.StackConfig, "bindings", never)
    identity = {"name": "app", "namespaces": [f"n{i}" for i in range(2000)], "serviceAccounts": [f"s{i}" for i in range(2000)]}
    with pytest.raises(config.ConfigError, match="gets 4000000 associations; EKS allows 1000 per cluster"):
        config.parse(with_change("identities[0]", identity, with_change("sample", {"kind": "none"})))
