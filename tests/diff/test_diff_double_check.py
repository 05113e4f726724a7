"""Witnesses are checked twice: when the evaluator disagrees, the verdict is ``unknown``."""

from __future__ import annotations

import pytest

from cdk_iam_roles.analysis import Decision
from cdk_iam_roles.analysis.symbolic import _questions, compare_trust

BASE = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
        }
    ],
}
HEAD = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"AWS": ["arn:aws:iam::222222222222:root", "333333333333"]},
        }
    ],
}
ROLE = "arn:aws:iam::111111111111:role/r"


def test_a_confirmed_witness_is_reported() -> None:
    verdict = compare_trust(BASE, HEAD, role_arn=ROLE)
    assert verdict.verdict == "new-access"


def test_an_evaluator_that_disagrees_turns_new_access_into_unknown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN an evaluator that denies everything (so HEAD never allows the witness)
    monkeypatch.setattr(_questions, "evaluate", lambda request, policies: Decision("ImplicitDeny"))
    # WHEN the engine finds a witness THEN it is not reported: the verdict says why
    verdict = compare_trust(BASE, HEAD, role_arn=ROLE)
    assert verdict.verdict == "unknown"
    assert verdict.witness is None
    assert "disagree" in verdict.reason


def test_an_unchanged_policy_needs_no_witness(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_questions, "evaluate", lambda request, policies: Decision("Allowed"))
    assert compare_trust(HEAD, BASE, role_arn=ROLE).verdict == "no-new-access"
