"""The parse caches never give a stale answer: a document changed in place, or a value
that Python calls equal but IAM does not (``true`` and ``1``), is parsed again."""

from __future__ import annotations

import copy
from typing import Any

from cdk_iam_roles.analysis import PolicySet, Request, evaluate

USER = "arn:aws:iam::111122223333:user/alice"
OBJECT = "arn:aws:s3:::bucket/key"


def _policy() -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": OBJECT}],
    }


def _outcome(request: Request, policy: dict[str, Any]) -> str:
    # A new PolicySet each time from the same document objects: the identity-keyed path.
    return evaluate(request, PolicySet(identity=[policy])).outcome


def test_a_document_changed_in_place_is_parsed_again() -> None:
    policy = _policy()
    request = Request(USER, "s3:GetObject", OBJECT)
    for _ in range(4):  # seen, remembered, then answered from the cache
        assert _outcome(request, policy) == "Allowed"
    policy["Statement"][0]["Effect"] = "Deny"
    assert _outcome(request, policy) == "ExplicitDeny"
    policy["Statement"][0]["Effect"] = "Allow"
    policy["Statement"][0]["Resource"] = "arn:aws:s3:::other/*"
    assert _outcome(request, policy) == "ImplicitDeny"


def test_true_and_one_are_different_policies() -> None:
    # "aws:SecureTransport": true holds for "true"; the number 1 becomes the text "1".
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Boolean
    policy = _policy()
    policy["Statement"][0]["Condition"] = {"Bool": {"aws:SecureTransport": True}}
    request = Request(USER, "s3:GetObject", OBJECT, context={"aws:SecureTransport": "true"})
    for _ in range(4):
        assert _outcome(request, policy) == "Allowed"
    policy["Statement"][0]["Condition"]["Bool"]["aws:SecureTransport"] = 1
    assert _outcome(request, policy) != "Allowed"


def test_equal_content_in_new_objects_gives_the_same_answer() -> None:
    policy = _policy()
    request = Request(USER, "s3:GetObject", OBJECT)
    for _ in range(3):
        assert _outcome(request, copy.deepcopy(policy)) == "Allowed"
        assert _outcome(request, policy) == "Allowed"


def test_a_document_moved_to_another_place_of_the_set_is_judged_there() -> None:
    # The same object as an identity policy and then as a permissions boundary that
    # allows nothing else: the answer follows where it is, not what was cached.
    policy = _policy()
    request = Request(USER, "s3:PutObject", OBJECT)
    allow_put = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}],
    }
    for _ in range(3):
        assert evaluate(request, PolicySet(identity=[allow_put, policy])).outcome == "Allowed"
    for _ in range(3):
        decision = evaluate(request, PolicySet(identity=[allow_put], boundary=policy))
        assert decision.outcome == "ImplicitDeny"
