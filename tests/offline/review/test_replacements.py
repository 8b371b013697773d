"""The replacement facts: every type the program registers has them, each with its source, and
an unknown value forces a replacement only at or under a force-new path."""

from __future__ import annotations

from eks_pod_identity.offline.review.provider_rules import RULES
from eks_pod_identity.offline.review.replacements import forcing_fact


def test_an_unknown_value_forces_only_at_or_under_a_force_new_path():
    job = RULES["kubernetes:batch/v1:Job"]
    assert forcing_fact(job, ("spec",)) is not None, "a known change of the whole spec touches spec.template"
    assert forcing_fact(job, ("spec",), unknown=True) is None, "an unknown spec: the provider plans an update"
    assert forcing_fact(job, ("spec", "template"), unknown=True) is not None
    assert forcing_fact(job, ("spec", "template", "metadata"), unknown=True) is not None
    assert forcing_fact(job, ("spec", "backoffLimit")) is None
