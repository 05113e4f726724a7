"""Every string argument of every pattern is plain text (IAMR-ROLE-008); tokens pass.

One table, :data:`CASES`, names each string argument of each pattern (each element of a
list argument, each key and value of a mapping) with a valid value for it, inside an
otherwise valid call. The properties run every case in one stack per example: a refused
call never reaches ``iam.Role``, so the stack stays empty and the cost stays low.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from hypothesis import given, settings
from hypothesis import strategies as st

from cdk_iam_roles import (
    CrossAccountRole,
    ElevatedUserRole,
    FederatedRole,
    GitHubActions,
    RoleConfigError,
    ServiceLinkedRole,
    ServiceRole,
    WebIdentityRole,
)
from cdk_iam_roles.patterns.elevated_user import identity_center_role_arn
from cdk_iam_roles.trust.validate import check_plain_text
from helpers import new_stack
from strategies.strings import ANY_TEXT, TOKENS, UNICODE_TEXT, not_plain

PLAIN_TEXT = "IAMR-ROLE-008"
GITHUB_PROVIDER = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"

Build = Callable[..., object]


@dataclass(frozen=True)
class Case:
    """One string argument of one pattern.

    Args:
        build: the pattern class.
        base: a valid call, every argument set.
        argument: the keyword argument under test.
        place: puts a text where the case says (the whole value, an element, a key).
        good: a valid text for that place.
        expected: the argument name a problem must carry (with index or key).
        token_ok: a token is a valid value there (False where a literal is required).
    """

    build: Build
    base: dict[str, Any]
    argument: str
    place: Callable[[str], object]
    good: str
    expected: str
    token_ok: bool = True

    @property
    def id(self) -> str:
        return f"{self.build.__name__}.{self.expected}"

    def call(self, stack: cdk.Stack, construct_id: str, text: str) -> object:
        kwargs = {**self.base, self.argument: self.place(text)}
        return self.build(stack, construct_id, **kwargs)


def _scalar(text: str) -> str:
    return text


def _after(*first: str) -> Callable[[str], list[str]]:
    return lambda text: [*first, text]


COMMON = {"role_name": "app-role", "path": "/app/", "description": "Role of the app"}
SERVICE = {
    "service": "states.amazonaws.com",
    "source_account": "111111111111",
    "source_arn": "arn:aws:states:us-east-1:111111111111:stateMachine:checkout",
    **COMMON,
}
SLR = {
    "service": "elasticbeanstalk.amazonaws.com",
    "custom_suffix": "blue",
    "description": "Beanstalk",
    "if_exists": "fail",
}
DEPLOYER = "arn:aws:iam::222222222222:role/deployer"
CROSS = {
    "trusted_principals": [DEPLOYER],
    "trusted_accounts": ["333333333333"],
    "organization_id": "o-abcdefghij",
    "external_ids": ["vendor-id-1"],
    "allow_session_tags": True,
    "session_tag_keys": ["team"],
    **COMMON,
}
SAML = "arn:aws:iam::111111111111:saml-provider/corp"
FEDERATED = {
    "saml_provider": SAML,
    "console_access": False,
    "attribute_conditions": {"SAML:sub": ["alice"]},
    "allow_session_tags": True,
    "session_tag_keys": ["team"],
    **COMMON,
}
WEB = {
    "identity": GitHubActions(owner="acme", repo="app", branches=["main"]),
    "provider": GITHUB_PROVIDER,
    **COMMON,
}
ALICE = "arn:aws:iam::111111111111:user/alice"
ELEVATED = {
    "trusted_users": [ALICE],
    "long_session_reason": "Incident response needs two hours",
    "max_session_duration": cdk.Duration.hours(2),
    **COMMON,
}
SSO_ADMIN = identity_center_role_arn("111111111111", "Admin")
ELEVATED_IDP = {"trusted_users": [SSO_ADMIN], "idp_enforced_mfa": True, **COMMON}


READ = iam.PolicyDocument(
    statements=[iam.PolicyStatement(actions=["s3:GetObject"], resources=["*"])]
)


def _common(build: Build, base: dict[str, Any]) -> list[Case]:
    names = [Case(build, base, name, _scalar, value, name) for name, value in COMMON.items()]
    policy = Case(
        build,
        base,
        "inline_policies",
        lambda text: {text: READ},
        "read",
        "inline_policies (key)",
        token_ok=False,
    )
    return [*names, policy]


CASES: list[Case] = [
    Case(ServiceRole, SERVICE, "service", _scalar, "states.amazonaws.com", "service"),
    Case(
        ServiceRole,
        SERVICE,
        "service",
        _after("states.amazonaws.com"),
        "lambda.amazonaws.com",
        "service[1]",
    ),
    Case(ServiceRole, SERVICE, "source_account", _scalar, "111111111111", "source_account"),
    Case(ServiceRole, SERVICE, "source_arn", _scalar, SERVICE["source_arn"], "source_arn"),
    Case(
        ServiceRole,
        SERVICE,
        "source_arn",
        _after(SERVICE["source_arn"]),
        "arn:aws:states:us-east-1:111111111111:stateMachine:refund",
        "source_arn[1]",
    ),
    *_common(ServiceRole, SERVICE),
    Case(ServiceLinkedRole, SLR, "service", _scalar, SLR["service"], "service"),
    Case(ServiceLinkedRole, SLR, "custom_suffix", _scalar, "blue", "custom_suffix"),
    Case(ServiceLinkedRole, SLR, "description", _scalar, "Beanstalk", "description"),
    Case(ServiceLinkedRole, SLR, "if_exists", _scalar, "fail", "if_exists", token_ok=False),
    Case(
        CrossAccountRole,
        CROSS,
        "trusted_principals",
        _after(DEPLOYER),
        "arn:aws:iam::222222222222:role/ops/release",
        "trusted_principals[1]",
    ),
    Case(
        CrossAccountRole,
        CROSS,
        "trusted_accounts",
        _after("333333333333"),
        "222222222222",
        "trusted_accounts[1]",
    ),
    Case(CrossAccountRole, CROSS, "organization_id", _scalar, "o-abcdefghij", "organization_id"),
    Case(CrossAccountRole, CROSS, "external_ids", _scalar, "vendor-id-1", "external_ids"),
    Case(
        CrossAccountRole,
        CROSS,
        "external_ids",
        _after("vendor-id-1"),
        "vendor-id-2",
        "external_ids[1]",
    ),
    Case(
        CrossAccountRole,
        CROSS,
        "session_tag_keys",
        _after("team"),
        "cost-center",
        "session_tag_keys[1]",
    ),
    *_common(CrossAccountRole, CROSS),
    Case(FederatedRole, FEDERATED, "saml_provider", _scalar, SAML, "saml_provider"),
    Case(
        FederatedRole,
        FEDERATED,
        "attribute_conditions",
        lambda text: {text: ["alice"]},
        "SAML:sub",
        "attribute_conditions (key)",
        token_ok=False,
    ),
    Case(
        FederatedRole,
        FEDERATED,
        "attribute_conditions",
        lambda text: {"SAML:sub": text},
        "alice",
        "attribute_conditions['SAML:sub']",
    ),
    Case(
        FederatedRole,
        FEDERATED,
        "attribute_conditions",
        lambda text: {"SAML:sub": ["alice", text]},
        "bob",
        "attribute_conditions['SAML:sub'][1]",
    ),
    Case(
        FederatedRole,
        FEDERATED,
        "session_tag_keys",
        _after("team"),
        "cost-center",
        "session_tag_keys[1]",
    ),
    *_common(FederatedRole, FEDERATED),
    Case(WebIdentityRole, WEB, "provider", _scalar, GITHUB_PROVIDER, "provider"),
    *_common(WebIdentityRole, WEB),
    Case(
        ElevatedUserRole,
        ELEVATED,
        "trusted_users",
        _after(ALICE),
        "arn:aws:iam::111111111111:user/bob",
        "trusted_users[1]",
    ),
    Case(
        ElevatedUserRole,
        ELEVATED,
        "long_session_reason",
        _scalar,
        "Incident response needs two hours",
        "long_session_reason",
    ),
    *_common(ElevatedUserRole, ELEVATED),
    Case(
        ElevatedUserRole,
        ELEVATED_IDP,
        "trusted_users",
        _after(SSO_ADMIN),
        identity_center_role_arn("111111111111", "ReadOnly"),
        "trusted_users[1]",
        token_ok=False,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_each_case_accepts_its_good_value(case: Case) -> None:
    """The table is right: with the good value, the call succeeds (so a refusal is ours)."""
    case.call(new_stack(), "Role", case.good)


@settings(max_examples=40)
@given(data=st.data())
def test_text_that_is_not_plain_is_refused_once_naming_the_argument(data: st.DataObject) -> None:
    stack = new_stack()
    for number, case in enumerate(CASES):
        # Corrupt either the good value or a token (the literal text around a token counts).
        base = data.draw(TOKENS) if case.token_ok and data.draw(st.booleans()) else case.good
        bad = data.draw(not_plain(base), label=case.id)
        with pytest.raises(RoleConfigError) as info:
            case.call(stack, f"Role{number}", bad)
        # Reported once, under the plain-text rule, with the argument's own name and index,
        # and nothing else: the argument's own checks skip a value already refused.
        assert info.value.rule_ids == (PLAIN_TEXT,), (case.id, str(info.value))
        (problem,) = info.value.problems
        assert problem.argument == case.expected
        assert problem.value == bad
        # The value is shown escaped: the message is one printable line.
        assert problem.render().isprintable(), problem.render()
    # Nothing reached iam.Role.
    assert not stack.node.children


@settings(max_examples=3)
@given(data=st.data())
def test_a_token_is_accepted_in_every_string_argument(data: st.DataObject) -> None:
    stack = new_stack()
    for number, case in enumerate(CASES):
        if case.token_ok:
            built = case.call(stack, f"Role{number}", data.draw(TOKENS, label=case.id))
            assert built is not None


@settings(max_examples=25)
@given(data=st.data())
def test_any_text_is_accepted_or_refused_with_role_config_error(data: st.DataObject) -> None:
    """Whatever the text: success or RoleConfigError, and IAMR-ROLE-008 exactly when it is
    not plain text (never a raw jsii error, never a TypeError)."""
    stack = new_stack()
    for number, case in enumerate(CASES):
        text = data.draw(st.one_of(ANY_TEXT, UNICODE_TEXT, not_plain(case.good)), label=case.id)
        plain = check_plain_text(text) is None
        refused: tuple[str, ...] = ()
        try:
            case.call(stack, f"Role{number}", text)
        except RoleConfigError as err:
            refused = err.rule_ids
        assert (PLAIN_TEXT in refused) is (not plain), (case.id, text, refused)
