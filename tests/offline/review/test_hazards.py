"""The review's hazards: pairs of stack configs run through the real program, compared, and
judged; the operations, hazards and exit status are asserted for each kind of change a pull
request makes."""

from __future__ import annotations

from eks_pod_identity.offline.commands import review

from tests.helpers.review import KEY, dev, identities, judge, ops, side

# --- the changes the issue names ----------------------------------------------------------


def test_a_harmless_change_only_updates_and_exits_0():
    result, status = judge(side("dev"), side("dev", {f"{KEY}environment": "dev-2"}))
    assert set(ops(result)) == {"update"}
    assert all(c.path[:1] == ("tags",) for ch in result.comparison.changes for c in ch.inputs)
    assert result.hazards == [] and status == 0
    assert "exit 0" in review.render(result)


def test_accepting_every_hazard_exits_0_and_a_stale_acceptance_is_reported():
    result, status = judge(
        side("dev"),
        side("dev", dev(identities=identities(managedPolicyArns=[]))),
        accept=["permissions-removed:*s3-reader-role", "cluster-deleted:*"],
    )
    assert status == 0 and result.hazards[0].accepted and result.unused_accepts == ["cluster-deleted:*"]
    text = review.render(result)
    assert "ACCEPTED  permissions-removed:" in text and "matches no hazard" in text and "every hazard was accepted" in text


# --- shared roles, clusters, the agent ----------------------------------------------------
