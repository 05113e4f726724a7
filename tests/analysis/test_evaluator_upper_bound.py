"""The upper bound: could a request be allowed once what is unknown offline is known?

`upper_bound` (and `could_allow`) reads every statement whose match cannot be known in the
request's favour: an unknown Allow matches, an unknown Deny does not apply. What is certain
stays certain. `evaluate` is unchanged: the same statements never grant there.
"""

from __future__ import annotations

from typing import Any

import pytest
from evaluator_corpus import build_corpus, to_python

from cdk_iam_roles.analysis import PolicySet, Request, evaluate
from cdk_iam_roles.analysis._evaluator import could_allow, upper_bound
from cdk_iam_roles.cfn import Unknown

ACCOUNT = "111122223333"
OTHER = "444455556666"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/Target"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/Worker/s1"
BUCKET = "arn:aws:s3:::reports/2026/11.csv"
GENERATED = f"arn:aws:iam::{ACCOUNT}:role/{{generated-name:Shop.Worker1A2B3C4D}}"
IMPORTED = Unknown("Fn::ImportValue")
PARAMETER = Unknown("parameter TrustedArn")


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: str = "s3:GetObject", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: str = "s3:GetObject", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def trust(principal: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": principal, **extra}


ASSUME_GRANT = doc(allow("sts:AssumeRole"))


def _assume(principal: str = USER) -> Request:
    return Request(principal, "sts:AssumeRole", ROLE, ACCOUNT)


def test_an_unknown_allow_alone_could_allow() -> None:
    # GIVEN a trust whose only statement names an imported principal
    policies = PolicySet(identity=[ASSUME_GRANT], resource=doc(trust({"AWS": IMPORTED})))
    # WHEN evaluated: it grants nothing
    assert evaluate(_assume(), policies).outcome == "ImplicitDeny"
    # THEN the upper bound allows, and says which value it took in the request's favour
    bound = upper_bound(_assume(), policies)
    assert bound.outcome == "Allowed"
    assert [u.element for u in bound.unevaluable] == ["Principal"]
    assert "Fn::ImportValue" in bound.unevaluable[0].detail
    assert could_allow(_assume(), policies)


def test_an_unknown_condition_value_could_allow() -> None:
    statement = trust(
        {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        Condition={"StringEquals": {"sts:ExternalId": PARAMETER}},
    )
    policies = PolicySet(identity=[ASSUME_GRANT], resource=doc(statement))
    request = Request(USER, "sts:AssumeRole", ROLE, ACCOUNT, {"sts:ExternalId": "x"})
    assert not evaluate(request, policies).allowed
    bound = upper_bound(request, policies)
    assert bound.allowed
    assert [u.element for u in bound.unevaluable] == ["Condition"]


def test_an_unknown_deny_with_a_certain_allow_could_allow() -> None:
    # GIVEN an allow, and a Deny whose condition compares a parameter
    guard = deny(Condition={"StringNotEquals": {"aws:SourceVpc": PARAMETER}})
    policies = PolicySet(identity=[doc(allow(), guard)])
    request = Request(USER, "s3:GetObject", BUCKET)
    # WHEN evaluated: the Deny is taken to deny
    decision = evaluate(request, policies)
    assert decision.outcome == "ImplicitDeny"
    assert any("assumed to deny" in r.message for r in decision.reasons)
    # THEN the upper bound takes it not to apply
    bound = upper_bound(request, policies)
    assert bound.outcome == "Allowed"
    assert [r.code for r in bound.reasons] == ["allowed-by"]
    assert [u.element for u in bound.unevaluable] == ["Condition"]


def test_a_certain_deny_wins_over_an_unknown_allow() -> None:
    policies = PolicySet(identity=[doc(allow(resource=IMPORTED), deny(Sid="NoReports"))])
    request = Request(USER, "s3:GetObject", BUCKET)
    bound = upper_bound(request, policies)
    assert bound.outcome == "ExplicitDeny"
    assert [r.code for r in bound.reasons] == ["explicit-deny"]
    assert not could_allow(request, policies)


def test_an_scp_level_without_an_allow_still_blocks() -> None:
    # GIVEN an unknown identity allow, and an SCP level that allows only another service
    identity = doc(allow(resource=IMPORTED))
    levels = [[doc(allow("s3:*"))], [doc(allow("sqs:*"))]]
    policies = PolicySet(identity=[identity], scps=levels)
    request = Request(USER, "s3:GetObject", BUCKET)
    # THEN the upper bound is still a denial, by the SCP level
    bound = upper_bound(request, policies)
    assert bound.outcome == "ImplicitDeny"
    assert "scp-no-allow" in [r.code for r in bound.reasons]
    # AND an SCP level whose allow is unknown does let it through the bound
    open_level = [
        [doc(allow("s3:*"))],
        [doc(allow("s3:*", Condition={"Bool": {"aws:SecureTransport": PARAMETER}}))],
    ]
    assert could_allow(request, PolicySet(identity=[identity], scps=open_level))
    assert not evaluate(request, PolicySet(identity=[identity], scps=open_level)).allowed


def test_a_failed_condition_stays_a_certain_miss() -> None:
    # GIVEN a statement with an unknown principal and a condition the request fails
    statement = trust({"AWS": IMPORTED}, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})
    policies = PolicySet(identity=[ASSUME_GRANT], resource=doc(statement))
    # THEN even the upper bound denies: the condition certainly fails
    bound = upper_bound(_assume(), policies)
    assert bound.outcome == "ImplicitDeny"
    assert not could_allow(_assume(), policies)
    (near,) = [r for r in bound.reasons if r.code == "condition-not-met"]
    assert [c.key for c in near.conditions] == ["aws:MultiFactorAuthPresent"]
    # AND with MFA the unknown principal is what decides
    mfa = Request(USER, "sts:AssumeRole", ROLE, ACCOUNT, {"aws:MultiFactorAuthPresent": "true"})
    assert could_allow(mfa, policies)


def test_a_trust_that_names_someone_else_stays_a_certain_denial() -> None:
    policies = PolicySet(
        identity=[ASSUME_GRANT], resource=doc(trust({"AWS": f"arn:aws:iam::{OTHER}:root"}))
    )
    bound = upper_bound(_assume(), policies)
    assert bound.outcome == "ImplicitDeny"
    assert bound.unevaluable == ()


def test_a_narrow_deny_on_a_generated_name_does_not_apply_in_the_bound() -> None:
    policies = PolicySet(
        identity=[
            doc(
                allow("iam:PassRole"),
                deny("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/prod-*"),
            )
        ]
    )
    request = Request(USER, "iam:PassRole", GENERATED)
    assert evaluate(request, policies).outcome == "ImplicitDeny"
    bound = upper_bound(request, policies)
    assert bound.outcome == "Allowed"
    assert [u.element for u in bound.unevaluable] == ["Resource"]


def test_an_unknown_principal_in_a_resource_policy_may_name_the_session() -> None:
    # GIVEN a role whose boundary allows nothing, and a bucket policy naming an import
    bucket = doc(allow(Principal={"AWS": IMPORTED}))
    policies = PolicySet(resource=bucket, boundary=doc(allow("sqs:*")))
    request = Request(SESSION, "s3:GetObject", BUCKET, ACCOUNT)
    # THEN the import may be the session's own ARN, which grants past the boundary
    assert not evaluate(request, policies).allowed
    assert could_allow(request, policies)
    # AND a bucket policy naming the role itself (known) stays capped by the boundary
    named = doc(allow(Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:role/Worker"}))
    assert not could_allow(request, PolicySet(resource=named, boundary=doc(allow("sqs:*"))))


def test_a_statement_of_unknown_effect_may_be_an_allow() -> None:
    policies = PolicySet(identity=[doc({**allow(), "Effect": PARAMETER})])
    request = Request(USER, "s3:GetObject", BUCKET)
    assert not evaluate(request, policies).allowed
    assert could_allow(request, policies)
    # AND it never outweighs a certain Deny
    denied = PolicySet(identity=[doc({**allow(), "Effect": PARAMETER}, deny())])
    assert upper_bound(request, denied).outcome == "ExplicitDeny"


def test_the_root_users_full_access_may_allow() -> None:
    root = f"arn:aws:iam::{ACCOUNT}:root"
    request = Request(root, "s3:GetObject", BUCKET)
    decision = evaluate(request, PolicySet())
    assert decision.outcome == "ImplicitDeny"
    assert [u.element for u in decision.unevaluable] == ["Principal"]
    assert could_allow(request, PolicySet())
    # AND an SCP level that allows nothing still blocks it
    assert not could_allow(request, PolicySet(scps=[[doc(allow("sqs:*"))]]))


def test_evaluate_is_unchanged_by_the_bound() -> None:
    # The same PolicySet (compiled once) gives each answer, in any order.
    policies = PolicySet(identity=[ASSUME_GRANT], resource=doc(trust({"AWS": IMPORTED})))
    assert upper_bound(_assume(), policies).allowed
    decision = evaluate(_assume(), policies)
    assert decision.outcome == "ImplicitDeny"
    assert any("grants nothing" in r.message for r in decision.reasons)


@pytest.fixture(scope="module")
def corpus() -> list[tuple[Request, PolicySet]]:
    return [to_python(case) for case in build_corpus(scale=0.5)]


def test_the_bound_never_denies_what_evaluate_allows(corpus: list[Any]) -> None:
    flipped = 0
    for request, policies in corpus:
        decision = evaluate(request, policies)
        bound = upper_bound(request, policies)
        if decision.allowed:
            assert bound.allowed, (request, policies)
        if decision.outcome == "ExplicitDeny":
            assert bound.outcome == "ExplicitDeny", (request, policies)
        if not bound.unevaluable:
            # Nothing unknown: the very same answer.
            assert bound.outcome == decision.outcome, (request, policies)
        flipped += bound.allowed and not decision.allowed
    # The corpus holds unevaluable cases, some of which the bound lets through.
    assert flipped > 0
