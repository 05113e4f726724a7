"""Random input to ServiceRole / ServiceLinkedRole: refusals are RoleConfigError, the rest lints."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdk_iam_roles import RoleConfigError, ServiceLinkedRole, ServiceRole
from cdk_iam_roles.trust.confused_deputy import confused_deputy_support
from helpers import new_stack, synth
from strategies.common import ACCOUNT_IDS, ANY_JUNK, BAD_ACCOUNT_IDS, BAD_ROLE_NAMES, ROLE_NAMES
from strategies.service import (
    BAD_SERVICES,
    BAD_SUFFIXES,
    GOOD_SERVICE_ARGS,
    KNOWN_SERVICES,
    SUFFIXES,
)


@given(
    service=GOOD_SERVICE_ARGS,
    source_account=st.one_of(st.none(), ACCOUNT_IDS),
    role_name=st.one_of(st.none(), ROLE_NAMES),
    hours=st.integers(min_value=1, max_value=12),
)
def test_good_input_gives_a_lint_clean_template(
    service: Any, source_account: str | None, role_name: str | None, hours: int
) -> None:
    stack = new_stack()
    ServiceRole(
        stack,
        "Role",
        service=service,
        source_account=source_account,
        role_name=role_name,
        max_session_duration=cdk.Duration.hours(hours),
    )
    template = synth(stack)
    statements = [
        s
        for r in template["Resources"].values()
        if r["Type"] == "AWS::IAM::Role"
        for s in r["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    ]
    services = [service] if isinstance(service, str) else service
    for name in set(services):
        support = confused_deputy_support(name)
        (statement,) = [
            s
            for s in statements
            if name in ([p] if isinstance(p := s["Principal"]["Service"], str) else p)
        ]
        # Secure default: an allow-listed service always carries the account condition.
        if support is not None and support.source_account:
            assert "aws:SourceAccount" in statement["Condition"]["StringEquals"]
        elif support is None:
            assert "Condition" not in statement


@given(
    service=st.one_of(BAD_SERVICES, st.lists(BAD_SERVICES, min_size=1, max_size=3)),
    extra=st.sampled_from(["none", "account", "name"]),
    bad_account=BAD_ACCOUNT_IDS,
    bad_name=BAD_ROLE_NAMES,
)
def test_bad_input_always_raises_role_config_error(
    service: Any, extra: str, bad_account: str, bad_name: str
) -> None:
    stack = new_stack()
    kwargs: dict[str, Any] = {"service": service}
    if extra == "account":
        kwargs["source_account"] = bad_account
    elif extra == "name":
        kwargs["role_name"] = bad_name
    with pytest.raises(RoleConfigError) as info:
        ServiceRole(stack, "Role", **kwargs)
    assert all(rule.startswith("IAMR-") for rule in info.value.rule_ids)


@given(
    junk=ANY_JUNK, argument=st.sampled_from(["source_account", "source_arn", "role_name", "path"])
)
def test_wrong_types_never_escape_as_raw_errors(junk: Any, argument: str) -> None:
    stack = new_stack()
    try:
        ServiceRole(stack, "Role", service="lambda.amazonaws.com", **{argument: junk})
    except RoleConfigError:
        pass
    # Anything accepted must still synthesize to a lint-clean template.
    else:
        synth(stack)


@given(service=KNOWN_SERVICES, suffix=st.one_of(st.none(), SUFFIXES), adopt=st.booleans())
def test_service_linked_good_input(service: str, suffix: str | None, adopt: bool) -> None:
    stack = new_stack()
    ServiceLinkedRole(
        stack, "Slr", service=service, custom_suffix=suffix, if_exists="adopt" if adopt else "fail"
    )
    synth(stack)


@given(service=st.one_of(BAD_SERVICES, KNOWN_SERVICES), suffix=BAD_SUFFIXES)
def test_service_linked_bad_input(service: Any, suffix: Any) -> None:
    stack = new_stack()
    with pytest.raises(RoleConfigError) as info:
        ServiceLinkedRole(stack, "Slr", service=service, custom_suffix=suffix)
    assert set(info.value.rule_ids) <= {"IAMR-SLR-001", "IAMR-SLR-002"}
