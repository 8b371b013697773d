"""The sample's config: what it runs as, in which namespace, and its bucket and image."""

from __future__ import annotations

from tests.helpers.config_cases import refusal_tests, with_change

# (case id, path, bad value, good neighbour value, text the error must contain)
CASES = [
    ("sample-without-identity", "sample", {"kind": "deployment"}, {"kind": "none"}, "needs identity"),
    ("sample-namespace-and-existing-sa", "sample.createServiceAccount", False, True, "cannot exist yet"),
    ("sample-propagation", "sample.propagationSeconds", 1, 10, "sample.propagationSeconds"),
    ("bucket-name", "sample.bucketName", "My_Bucket", "my-bucket", "sample.bucketName = 'My_Bucket'"),
    ("bucket-name-ip", "sample.bucketName", "192.168.5.4", "bucket-192-168-5-4", "IP address"),
    ("image-latest", "sample.image", "amazon/aws-cli:latest", "amazon/aws-cli:2.35.10", "not 'latest'"),
]


# Cases whose change only shows against a slightly different valid config.
BASES: dict[str, dict] = {
    "sample-namespace-and-existing-sa": with_change("sample.createNamespace", True),
}


test_bad_value_is_refused_with_its_path_and_fix, test_good_neighbour_passes = refusal_tests(CASES, BASES)
