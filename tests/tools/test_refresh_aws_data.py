"""tools/refresh_aws_data.py: the committed components/data/*.json are what it renders from the
installed botocore and moto."""

from __future__ import annotations

from eks_pod_identity import aws_data


def test_the_committed_aws_data_is_what_the_installed_botocore_and_moto_give():
    """components/data/*.json are generated (limits, regions, managed policies and which of them
    are admin): a new botocore or moto, or a change to the admin check, must be refreshed."""
    from tools import refresh_aws_data

    # The data, not the "source" label: the label names the botocore or moto version it was read
    # from, and an install the lock does not fix (pip install of the package, a user's own pins)
    # may hold a later release with the same data.
    for name, text in refresh_aws_data.rendered().items():
        assert refresh_aws_data.same_data((aws_data.DATA / name).read_text(), text), f"{name}: run python -m tools.refresh_aws_data"
