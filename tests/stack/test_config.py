"""The stack-wide keys of the config (environment, the AWS CLI image)."""

from __future__ import annotations

from tests.helpers.config_cases import refusal_tests

# (case id, path, bad value, good neighbour value, text the error must contain)
CASES = [
    ("image-too-old", "awsCliImage", "amazon/aws-cli:2.14.6", "amazon/aws-cli:2.15.0", "older than AWS CLI 2.15.0"),
    ("environment-tag-chars", "environment", "prod|eu", "prod-eu", "environment = 'prod|eu'"),
]


BASES: dict[str, dict] = {}


test_bad_value_is_refused_with_its_path_and_fix, test_good_neighbour_passes = refusal_tests(CASES, BASES)
