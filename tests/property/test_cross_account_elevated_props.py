"""Random input to CrossAccountRole / ElevatedUserRole: refusals are RoleConfigError with
rule IDs, the rest synthesizes a cfn-lint-clean template that keeps the secure defaults."""

from __future__ import annotations

import re
from typing import Any

import aws_cdk as cdk
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdk_iam_roles import CrossAccountRole, ElevatedUserRole, RoleConfigError
from helpers import new_stack, synth, trust_of
from strategies.common import ACCOUNT_IDS, BAD_ACCOUNT_IDS, BAD_ROLE_NAMES, ROLE_NAMES
from strategies.cross_account import (
    BAD_EXTERNAL_IDS,
    BAD_ORG_IDS,
    BAD_PRINCIPALS,
    BAD_USERS,
    EXTERNAL_IDS,
    ORG_IDS,
    PRINCIPAL_ARNS,
    SSO_PATTERNS,
    TAG_KEYS,
    USER_ARNS,
)

# Each good example synthesizes and lints a template (about one second): fewer of them.
GOOD_EXAMPLES = settings(max_examples=12)
RULE_ID = re.compile(r"\[IAMR-(CA|EU|ROLE)-\d{3}\]$")


def _assert_well_formed(error: RoleConfigError) -> None:
    assert error.problems
    for problem in error.problems:
        assert re.fullmatch(r"IAMR-(CA|EU|ROLE)-\d{3}", problem.rule_id)
        assert problem.fix.strip()
        line = problem.render()
        assert line.startswith(problem.argument + " ")
        assert RULE_ID.search(line)


@GOOD_EXAMPLES
@given(
    principals=st.lists(PRINCIPAL_ARNS, max_size=3),
    accounts=st.lists(ACCOUNT_IDS, max_size=2),
    org=st.one_of(st.none(), ORG_IDS),
    external_ids=st.lists(EXTERNAL_IDS, max_size=2),
    third_party=st.booleans(),
    require_mfa=st.booleans(),
    tag_keys=st.lists(TAG_KEYS, max_size=3, unique=True),
    source_identity=st.booleans(),
    role_name=st.one_of(st.none(), ROLE_NAMES),
)
def test_cross_account_good_input_lints_and_keeps_its_conditions(
    principals: list[str],
    accounts: list[str],
    org: str | None,
    external_ids: list[str],
    third_party: bool,
    require_mfa: bool,
    tag_keys: list[str],
    source_identity: bool,
    role_name: str | None,
) -> None:
    if not principals and not accounts:
        accounts = ["222222222222"]
    if third_party and not external_ids:
        external_ids = ["vendor-id"]
    stack = new_stack()
    CrossAccountRole(
        stack,
        "Role",
        trusted_principals=principals,
        trusted_accounts=accounts,
        organization_id=org,
        external_ids=external_ids,
        third_party=third_party,
        require_mfa=require_mfa,
        allow_session_tags=bool(tag_keys),
        session_tag_keys=tag_keys or None,
        require_source_identity=source_identity,
        role_name=role_name,
    )
    statements = trust_of(synth(stack), "Role")["Statement"]
    assert len(statements) == (2 if tag_keys else 1)
    for statement in statements:
        trusted = statement["Principal"]["AWS"]
        assert "*" not in ([trusted] if isinstance(trusted, str) else trusted)
        condition = statement.get("Condition", {})
        if external_ids:
            assert "sts:ExternalId" in condition["StringEquals"]
        if org:
            assert condition["StringEquals"]["aws:PrincipalOrgID"] == org
        if require_mfa:
            assert condition["Bool"] == {"aws:MultiFactorAuthPresent": "true"}
    if tag_keys:
        assert statements[1]["Action"] == "sts:TagSession"
        assert "aws:TagKeys" in statements[1]["Condition"]["ForAllValues:StringEquals"]


@given(
    bad=st.sampled_from(["principal", "account", "external_id", "org", "third_party", "name"]),
    principal=BAD_PRINCIPALS,
    account=BAD_ACCOUNT_IDS,
    external_id=BAD_EXTERNAL_IDS,
    org=BAD_ORG_IDS,
    name=BAD_ROLE_NAMES,
)
def test_cross_account_bad_input_raises_role_config_error(
    bad: str, principal: Any, account: str, external_id: str, org: Any, name: str
) -> None:
    kwargs: dict[str, Any] = {"trusted_accounts": ["222222222222"]}
    if bad == "principal":
        kwargs = {"trusted_principals": [principal]}
    elif bad == "account":
        kwargs = {"trusted_accounts": [account]}
    elif bad == "external_id":
        kwargs["external_ids"] = [external_id]
    elif bad == "org":
        kwargs["organization_id"] = org
    elif bad == "third_party":
        kwargs["third_party"] = True
    else:
        kwargs["role_name"] = name
    with pytest.raises(RoleConfigError) as caught:
        CrossAccountRole(new_stack(), "Role", **kwargs)
    _assert_well_formed(caught.value)


@GOOD_EXAMPLES
@given(
    users=st.lists(USER_ARNS, min_size=1, max_size=3),
    sso=st.lists(SSO_PATTERNS, min_size=1, max_size=2),
    idp=st.booleans(),
    mfa_minutes=st.integers(min_value=1, max_value=720),
    hours=st.integers(min_value=1, max_value=12),
    source_identity=st.booleans(),
)
def test_elevated_good_input_lints_and_keeps_its_defaults(
    users: list[str],
    sso: list[str],
    idp: bool,
    mfa_minutes: int,
    hours: int,
    source_identity: bool,
) -> None:
    stack = new_stack()
    ElevatedUserRole(
        stack,
        "Role",
        trusted_users=sso if idp else users,
        idp_enforced_mfa=idp,
        mfa_max_age=cdk.Duration.minutes(mfa_minutes),
        max_session_duration=cdk.Duration.hours(hours),
        long_session_reason="a reviewed reason for long sessions" if hours > 1 else None,
        require_source_identity=source_identity,
    )
    template = synth(stack)
    (statement,) = trust_of(template, "Role")["Statement"]
    condition = statement["Condition"]
    if idp:
        assert "Bool" not in condition
        assert condition["ArnLike"]["aws:PrincipalArn"] == (sso[0] if len(sso) == 1 else sso)
    else:
        assert condition["Bool"] == {"aws:MultiFactorAuthPresent": "true"}
        assert condition["NumericLessThan"] == {"aws:MultiFactorAuthAge": str(mfa_minutes * 60)}
        assert condition["StringEquals"]["sts:RoleSessionName"] == "${aws:username}"
    (role,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Role"]
    assert role["Properties"]["MaxSessionDuration"] == hours * 3600


@given(
    bad=st.sampled_from(["user", "session", "mfa_age", "empty", "name"]),
    user=BAD_USERS,
    hours=st.integers(min_value=2, max_value=12),
    mfa_seconds=st.one_of(
        st.integers(min_value=0, max_value=59), st.integers(min_value=43201, max_value=10**6)
    ),
    name=BAD_ROLE_NAMES,
)
def test_elevated_bad_input_raises_role_config_error(
    bad: str, user: Any, hours: int, mfa_seconds: int, name: str
) -> None:
    kwargs: dict[str, Any] = {"trusted_users": ["arn:aws:iam::111111111111:user/alice"]}
    if bad == "user":
        kwargs["trusted_users"] = [user]
    elif bad == "session":
        kwargs["max_session_duration"] = cdk.Duration.hours(hours)
    elif bad == "mfa_age":
        kwargs["mfa_max_age"] = cdk.Duration.seconds(mfa_seconds)
    elif bad == "empty":
        kwargs["trusted_users"] = []
    else:
        kwargs["role_name"] = name
    with pytest.raises(RoleConfigError) as caught:
        ElevatedUserRole(new_stack(), "Role", **kwargs)
    _assert_well_formed(caught.value)
