"""The one error bad input raises: every problem at once, each on its line, and Pulumi prints it
without a traceback."""

from __future__ import annotations

import pulumi
from eks_pod_identity import stack as config
from eks_pod_identity.errors import ConfigError


def test_config_error_is_a_clean_pulumi_run_error():
    assert issubclass(config.ConfigError, pulumi.RunError)


def test_a_config_error_lists_every_problem_and_says_nothing_was_created():
    problems = ["eks-pod-identity:clusters = []: is required", "aws:region = 'mars-1': is not a region where EKS runs"]
    error = ConfigError(problems)
    assert error.problems == problems
    assert str(error) == (
        "stack config has 2 problem(s); nothing was created:\n"
        "  - eks-pod-identity:clusters = []: is required\n"
        "  - aws:region = 'mars-1': is not a region where EKS runs"
    )
