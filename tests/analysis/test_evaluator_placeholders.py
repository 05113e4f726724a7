"""Placeholders (names generated at deployment) are opaque: never a guess, never fail open.

The cloud-assembly reader writes ``arn:aws:iam::111111111111:role/{generated-name:S.Id}``
for a role CloudFormation names. Whether a narrow pattern (``role/prod-*``) matches the
real name cannot be known offline, so a Deny that depends on it is assumed to deny and an
Allow that depends on it grants nothing; ``*`` and the very same placeholder still match.
"""

from __future__ import annotations

from typing import Any

import pytest

from cdk_iam_roles.analysis import Decision, PolicySet, Request, evaluate
from cdk_iam_roles.analysis._placeholders import is_placeholder, match_opaque

ACCOUNT = "111111111111"
USER = f"arn:aws:iam::{ACCOUNT}:user/ci"
GENERATED = f"arn:aws:iam::{ACCOUNT}:role/{{generated-name:Shop.Worker1A2B3C4D}}"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/{{generated-name:Shop.Worker1A2B3C4D}}/s"
PROD = f"arn:aws:iam::{ACCOUNT}:role/prod-*"
ALLOW_ALL = {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}


def _identity(*statements: dict[str, Any]) -> PolicySet:
    return PolicySet(identity=[{"Version": "2012-10-17", "Statement": list(statements)}])


def _pass_role(resource: str, policies: PolicySet) -> Decision:
    return evaluate(Request(USER, "iam:PassRole", resource), policies)


def _deny(resource: Any, element: str = "Resource") -> dict[str, Any]:
    return {"Effect": "Deny", "Action": "iam:PassRole", element: resource}


def test_a_narrow_deny_on_a_placeholder_denies_as_unevaluable() -> None:
    # GIVEN an allow of everything and a Deny of the prod-* roles
    policies = _identity(ALLOW_ALL, _deny(PROD))
    # WHEN the role's name is generated (it might turn out to be prod-…)
    decision = _pass_role(GENERATED, policies)
    # THEN the Deny is assumed to apply: not allowed, and the reason says why
    assert not decision.allowed
    assert decision.outcome == "ImplicitDeny"
    (problem,) = decision.unevaluable
    assert problem.element == "Resource"
    assert "known only at deployment" in problem.detail
    assert any(r.code == "unevaluable" and "assumed to deny" in r.message for r in decision.reasons)
    # AND with a concrete name the same policies decide as before
    assert _pass_role(f"arn:aws:iam::{ACCOUNT}:role/dev-api", policies).allowed
    assert _pass_role(f"arn:aws:iam::{ACCOUNT}:role/prod-api", policies).outcome == "ExplicitDeny"


@pytest.mark.parametrize("pattern", [GENERATED, "*", f"arn:aws:iam::{ACCOUNT}:role/*"])
def test_a_deny_naming_the_same_placeholder_or_a_wildcard_still_denies(pattern: str) -> None:
    decision = _pass_role(GENERATED, _identity(ALLOW_ALL, _deny(pattern)))
    assert decision.outcome == "ExplicitDeny"
    assert decision.unevaluable == ()


@pytest.mark.parametrize(
    "pattern",
    ["arn:aws:s3:::*", "arn:aws:iam::222222222222:role/*", f"arn:aws:iam::{ACCOUNT}:user/*"],
)
def test_a_deny_whose_fixed_text_rules_the_placeholder_out_does_not_apply(pattern: str) -> None:
    decision = _pass_role(GENERATED, _identity(ALLOW_ALL, _deny(pattern)))
    assert decision.outcome == "Allowed"
    assert decision.unevaluable == ()


def test_a_narrow_not_resource_deny_on_a_placeholder_denies_as_unevaluable() -> None:
    decision = _pass_role(GENERATED, _identity(ALLOW_ALL, _deny(PROD, "NotResource")))
    assert not decision.allowed
    assert [u.element for u in decision.unevaluable] == ["NotResource"]


def test_an_allow_never_grants_on_a_guess() -> None:
    # GIVEN only an allow of the prod-* roles
    decision = _pass_role(GENERATED, _identity({**ALLOW_ALL, "Resource": PROD}))
    # THEN a generated name is not taken to be prod-…: not allowed, and reported
    assert decision.outcome == "ImplicitDeny"
    assert [u.element for u in decision.unevaluable] == ["Resource"]
    assert any("grants nothing" in r.message for r in decision.reasons)


@pytest.mark.parametrize("pattern", [GENERATED, "*", f"arn:aws:iam::{ACCOUNT}:role/*"])
def test_an_allow_of_the_same_placeholder_or_a_wildcard_grants(pattern: str) -> None:
    decision = _pass_role(GENERATED, _identity({**ALLOW_ALL, "Resource": pattern}))
    assert decision.outcome == "Allowed"
    assert decision.unevaluable == ()


def _bucket_policy(statement: dict[str, Any]) -> PolicySet:
    """The caller's own policy allows s3:*; the bucket policy allows the account, plus one."""
    allow = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::b/*",
    }
    mine = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
    return PolicySet(
        identity=[mine], resource={"Version": "2012-10-17", "Statement": [allow, statement]}
    )


def _get(principal: str, policies: PolicySet) -> Decision:
    context = {"aws:PrincipalArn": GENERATED} if principal == SESSION else {}
    return evaluate(
        Request(principal, "s3:GetObject", "arn:aws:s3:::b/k", context=context), policies
    )


def test_a_deny_naming_another_role_as_principal_denies_a_generated_role_as_unevaluable() -> None:
    deny = {
        "Effect": "Deny",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/intruder"},
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::b/*",
    }
    decision = _get(SESSION, _bucket_policy(deny))
    assert not decision.allowed
    assert [u.element for u in decision.unevaluable] == ["Principal"]
    # the same Deny naming the generated role itself is an explicit deny
    named = {**deny, "Principal": {"AWS": GENERATED}}
    assert _get(SESSION, _bucket_policy(named)).outcome == "ExplicitDeny"


@pytest.mark.parametrize("operator", ["StringLike", "ArnLike", "StringNotLike", "ArnNotLike"])
def test_a_deny_condition_on_a_placeholder_value_denies_as_unevaluable(operator: str) -> None:
    deny = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::b/*",
        "Condition": {operator: {"aws:PrincipalArn": PROD}},
    }
    decision = _get(SESSION, _bucket_policy(deny))
    assert not decision.allowed
    assert decision.outcome == "ImplicitDeny"
    assert [u.element for u in decision.unevaluable] == ["Condition"]
    assert "placeholder" in decision.unevaluable[0].detail


def test_a_condition_on_the_same_placeholder_is_decided() -> None:
    deny = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::b/*",
        "Condition": {"ArnNotEquals": {"aws:PrincipalArn": GENERATED}},
    }
    decision = _get(SESSION, _bucket_policy(deny))
    assert decision.outcome == "Allowed"
    assert decision.unevaluable == ()


NAMES = ("prod-api", "dev-api", "Shop-Worker1A2B3C4D-XYZ", "x")
PATTERNS = (
    PROD,
    GENERATED,
    "*",
    f"arn:aws:iam::{ACCOUNT}:role/*-api",
    f"arn:aws:iam::{ACCOUNT}:role/?",
    f"arn:aws:iam::{ACCOUNT}:role/prod-api",
    "arn:aws:s3:::*",
)


@pytest.mark.parametrize("style", ["literal", "glob", "arn", "resource"])
@pytest.mark.parametrize("pattern", PATTERNS)
def test_match_opaque_is_sound_for_every_name_the_placeholder_may_stand_for(
    pattern: str, style: Any
) -> None:
    # GIVEN what matching the placeholder says
    verdict = match_opaque(pattern, GENERATED, style)
    real = [
        match_opaque(
            pattern.replace("{generated-name:Shop.Worker1A2B3C4D}", name),
            GENERATED.replace("{generated-name:Shop.Worker1A2B3C4D}", name),
            style,
        )
        for name in NAMES
    ]
    # THEN a certain answer holds for every real name (None: it depends on the name)
    if verdict is True:
        assert all(real), real
    elif verdict is False:
        assert not any(real), real


def test_placeholders_are_recognised_by_their_marker() -> None:
    assert is_placeholder(GENERATED)
    assert is_placeholder("arn:aws:sts::{unknown-account}:assumed-role/r/s")
    assert not is_placeholder(f"arn:aws:iam::{ACCOUNT}:role/{{not-a-placeholder}}")
    # a placeholder is never judged by the text it happens to hold
    assert match_opaque(PROD, GENERATED, "resource") is None
    assert match_opaque("*", GENERATED, "resource") is True


def test_a_federated_caller_with_a_generated_provider_is_not_matched_on_a_guess() -> None:
    # GIVEN a trust that denies one provider and allows every web identity
    provider = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{{generated-oidc-url:S.Provider}}"
    other = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity"},
            {
                "Effect": "Deny",
                "Principal": {"Federated": other},
                "Action": "sts:AssumeRoleWithWebIdentity",
            },
        ],
    }
    request = Request(provider, "sts:AssumeRoleWithWebIdentity", GENERATED)
    # THEN the generated provider might be that one: the Deny is assumed to apply
    decision = evaluate(request, PolicySet(resource=trust))
    assert not decision.allowed
    assert [u.element for u in decision.unevaluable] == ["Principal"]
