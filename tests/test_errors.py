"""RoleConfigError: message format, problem records, the exception tree."""

from __future__ import annotations

import pytest

from cdk_iam_roles.errors import (
    CdkIamRolesError,
    InputError,
    Problem,
    ProblemCollector,
    RoleConfigError,
)

CA = Problem(
    argument="external_ids",
    message="is required when third_party=True",
    value=None,
    fix="Pass the ID the vendor issued you.",
    rule_id="IAMR-CA-001",
)


def test_single_problem_message_matches_the_design() -> None:
    assert str(RoleConfigError("Stack/Deploy", [CA])) == (
        "Stack/Deploy: external_ids is required when third_party=True (got none). "
        "Pass the ID the vendor issued you. [IAMR-CA-001]"
    )


def test_several_problems_are_listed() -> None:
    other = Problem("role_name", "is too long", "x" * 3, "Shorten it.", "IAMR-ROLE-001")
    err = RoleConfigError("S/R", [CA, other])
    assert str(err).splitlines() == [
        "S/R: 2 problems:",
        "  - external_ids is required when third_party=True (got none). "
        "Pass the ID the vendor issued you. [IAMR-CA-001]",
        "  - role_name is too long (got 'xxx'). Shorten it. [IAMR-ROLE-001]",
    ]
    assert err.rule_ids == ("IAMR-CA-001", "IAMR-ROLE-001")
    assert err.problems[1].value == "xxx"


def test_tree() -> None:
    assert issubclass(RoleConfigError, ValueError)
    assert issubclass(RoleConfigError, CdkIamRolesError)
    assert issubclass(InputError, ValueError)
    assert issubclass(InputError, CdkIamRolesError)


def test_an_error_without_problems_is_a_bug() -> None:
    with pytest.raises(ValueError, match="at least one problem"):
        RoleConfigError("S/R", [])


def test_collector_raises_only_when_something_was_recorded() -> None:
    bag = ProblemCollector()
    bag.raise_if_any("S/R")
    bag.add("service", "must be set", [], "Name one.", "IAMR-SVC-001")
    with pytest.raises(RoleConfigError, match=r"service must be set \(got none\)"):
        bag.raise_if_any("S/R")
