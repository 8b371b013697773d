"""The one error bad input raises."""

from __future__ import annotations

from eks_pod_identity import stack as config


def test_config_error_is_a_clean_pulumi_run_error():
    import pulumi

    assert issubclass(config.ConfigError, pulumi.RunError)
