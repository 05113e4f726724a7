"""A KMS key whose key policy is not in the app: the evaluator never reports the call allowed.

AWS: "Unless the key policy explicitly allows it, you cannot use IAM policies to allow
access to a KMS key. Without permission from the key policy, IAM policies that allow
permissions have no effect."
https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html

``explain`` stands such a key policy in with ``unknown_document``: one statement of unknown
effect, which the evaluator never takes to allow and may take to deny. These cases pin the
evaluator's side of that contract.
"""

from __future__ import annotations

from typing import Any

import pytest

from cdk_iam_roles.analysis import PolicySet, Request, evaluate
from cdk_iam_roles.analysis.assembly import unknown_document

ACCOUNT = "111122223333"
OTHER = "444455556666"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/app/run"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY = f"arn:aws:kms:us-east-1:{OTHER}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ALIAS = f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/orders"
UNKNOWN_KEY_POLICY = unknown_document("the key policy is not in the app", resource_policy=True)


def _identity(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


ALLOW_DECRYPT = {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}


@pytest.mark.parametrize("key", [KEY, OTHER_KEY, ALIAS])
def test_an_identity_allow_alone_never_grants_a_key_whose_policy_is_unknown(key: str) -> None:
    request = Request(SESSION, "kms:Decrypt", key, resource_account=key.split(":")[4])
    decision = evaluate(
        request, PolicySet(identity=[_identity(ALLOW_DECRYPT)], resource=UNKNOWN_KEY_POLICY)
    )
    assert decision.outcome == "ImplicitDeny"
    codes = [r.code for r in decision.reasons]
    # The identity side allows: only the key policy stands between the role and the key.
    cross_account = key == OTHER_KEY
    assert codes[0] == (
        "cross-account-resource-no-allow" if cross_account else "key-policy-no-allow"
    )
    assert "unevaluable" in codes
    # Without the stand-in (no key policy given) the same account is allowed: the stand-in
    # is what makes the difference.
    alone = evaluate(request, PolicySet(identity=[_identity(ALLOW_DECRYPT)]))
    assert alone.allowed is not cross_account


def test_an_explicit_deny_still_decides_when_the_key_policy_is_unknown() -> None:
    deny = {"Effect": "Deny", "Action": "kms:*", "Resource": "*"}
    decision = evaluate(
        Request(SESSION, "kms:Decrypt", KEY),
        PolicySet(identity=[_identity(ALLOW_DECRYPT, deny)], resource=UNKNOWN_KEY_POLICY),
    )
    assert decision.outcome == "ExplicitDeny"
    assert decision.reasons[0].code == "explicit-deny"


def test_the_stand_in_reports_only_its_unknown_effect() -> None:
    decision = evaluate(
        Request(SESSION, "kms:Decrypt", KEY),
        PolicySet(identity=[_identity(ALLOW_DECRYPT)], resource=UNKNOWN_KEY_POLICY),
    )
    assert [(u.policy_kind, u.element) for u in decision.unevaluable] == [("resource", "Effect")]
