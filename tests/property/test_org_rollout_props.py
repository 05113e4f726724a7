"""Random input to OrgRoleRollout: accepted exactly when the API would accept it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdk_iam_roles import CrossAccountRole, OrgRoleRollout, RoleConfigError
from cdk_iam_roles.cfn import StackTemplate
from cdk_iam_roles.rules.engine import check_stack
from helpers import lint_errors, new_stack, resources_of_type, synth
from strategies.common import ACCOUNT_IDS, BAD_ACCOUNT_IDS, ROLE_NAMES
from strategies.org import ANY_TEXT, NEAR_OU_IDS, OU_IDS, OU_PATTERN, ROOT_IDS, ROOT_PATTERN

AUDITOR = "arn:aws:iam::222222222222:role/auditor"


def _build(role_name: str | None) -> Any:
    def build(scope: Any) -> None:
        CrossAccountRole(scope, "Audit", role_name=role_name, trusted_principals=[AUDITOR])

    return build


# Each example synthesizes and runs cfn-lint twice (about 5 s): fewer examples.
@settings(max_examples=6)
@given(
    ous=st.lists(st.one_of(OU_IDS, ROOT_IDS), min_size=1, max_size=3, unique=True),
    excluded=st.lists(ACCOUNT_IDS, max_size=2, unique=True),
    concurrent=st.integers(min_value=1, max_value=100),
    tolerance=st.integers(min_value=0, max_value=100),
    role_name=st.one_of(st.none(), ROLE_NAMES),
    delegated=st.booleans(),
)
def test_good_input_gives_a_lint_clean_stack_set_and_a_clean_member(
    ous: list[str],
    excluded: list[str],
    concurrent: int,
    tolerance: int,
    role_name: str | None,
    delegated: bool,
) -> None:
    stack = new_stack()
    OrgRoleRollout(
        stack,
        "Rollout",
        organizational_units=ous,
        exclude_accounts=excluded,
        max_concurrent_percentage=concurrent,
        failure_tolerance_percentage=tolerance,
        delegated_admin=delegated,
        build=_build(role_name),
    )
    template = synth(stack)  # cfn-lint on the StackSet's stack
    (stack_set,) = resources_of_type(template, "AWS::CloudFormation::StackSet").values()
    props = stack_set["Properties"]
    assert props["StackInstancesGroup"][0]["DeploymentTargets"]["OrganizationalUnitIds"] == ous
    assert props["CallAs"] == ("DELEGATED_ADMIN" if delegated else "SELF")
    member = json.loads(props["TemplateBody"])
    assert lint_errors(member) == []
    assert check_stack(StackTemplate.from_template(member, name="Member")) == []


@given(ou=st.one_of(NEAR_OU_IDS, ANY_TEXT))
def test_an_ou_is_accepted_exactly_when_it_has_the_api_pattern(ou: str) -> None:
    valid = bool(OU_PATTERN.match(ou) or ROOT_PATTERN.match(ou))
    refused = _refusal(organizational_units=[ou])
    assert (refused is None) == valid, refused
    if refused is not None:
        assert set(refused.rule_ids) <= {"IAMR-SET-002", "IAMR-ROLE-008"}


@given(account=BAD_ACCOUNT_IDS)
def test_malformed_excluded_accounts_are_refused(account: str) -> None:
    with pytest.raises(RoleConfigError) as info:
        OrgRoleRollout(
            new_stack(),
            "Rollout",
            organizational_units=["ou-ab12-34cd5678"],
            exclude_accounts=[account],
            build=_build("audit"),
        )
    assert info.value.rule_ids == ("IAMR-SET-003",)


@given(
    concurrent=st.integers(min_value=-200, max_value=300),
    tolerance=st.integers(min_value=-200, max_value=300),
)
def test_percentages_are_accepted_exactly_in_range(concurrent: int, tolerance: int) -> None:
    valid = 1 <= concurrent <= 100 and 0 <= tolerance <= 100
    refused = _refusal(
        organizational_units=["ou-ab12-34cd5678"],
        max_concurrent_percentage=concurrent,
        failure_tolerance_percentage=tolerance,
    )
    assert (refused is None) == valid
    if refused is not None:
        assert set(refused.rule_ids) == {"IAMR-SET-004"}
        wrong = (not 1 <= concurrent <= 100) + (not 0 <= tolerance <= 100)
        assert len(refused.problems) == wrong


def _refusal(**kwargs: Any) -> RoleConfigError | None:
    """The error OrgRoleRollout raises for these arguments, or None when it accepts them."""
    try:
        OrgRoleRollout(new_stack(), "Rollout", build=_build("audit"), **kwargs)
    except RoleConfigError as err:
        return err
    return None
