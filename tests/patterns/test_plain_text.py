"""IAMR-ROLE-008: the concrete defects of issue 10 ("Strings"), one test each.

Before the fix each of these values was accepted (a trailing newline passed every
``re.match(r"^…$")`` check) or ended in a raw jsii ``RuntimeError``.
"""

from __future__ import annotations

import doctest
import importlib
import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam

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
from helpers import new_stack, synth, trust_of

PLAIN_TEXT = "IAMR-ROLE-008"
SAML = "arn:aws:iam::111111111111:saml-provider/corp"
GITHUB_PROVIDER = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"


def _refusal(build: Any, **kwargs: Any) -> RoleConfigError:
    stack = new_stack()
    with pytest.raises(RoleConfigError) as info:
        build(stack, "Role", **kwargs)
    assert not stack.node.children, "nothing may be created for a refused call"
    return info.value


def _only_plain_text(err: RoleConfigError, argument: str, value: str) -> None:
    assert err.rule_ids == (PLAIN_TEXT,), str(err)
    (problem,) = err.problems
    assert (problem.argument, problem.value) == (argument, value)
    # The message shows the value escaped, on one line.
    assert repr(value) in str(err)
    assert "\n" not in str(err)


def test_service_with_a_trailing_newline() -> None:
    err = _refusal(ServiceRole, service="lambda.amazonaws.com\n")
    _only_plain_text(err, "service", "lambda.amazonaws.com\n")
    assert "control character (\\n)" in str(err)


def test_service_list_names_the_element() -> None:
    err = _refusal(ServiceRole, service=["states.amazonaws.com", "lambda.amazonaws.com\r\n"])
    _only_plain_text(err, "service[1]", "lambda.amazonaws.com\r\n")


def test_service_linked_role_service_and_description() -> None:
    err = _refusal(
        ServiceLinkedRole,
        service="elasticbeanstalk.amazonaws.com\n",
        description="line one\nline two",
    )
    assert err.rule_ids == (PLAIN_TEXT, PLAIN_TEXT)
    assert [p.argument for p in err.problems] == ["service", "description"]


def test_trusted_accounts_with_a_trailing_newline_never_renders() -> None:
    err = _refusal(CrossAccountRole, trusted_accounts=["222222222222\n"])
    _only_plain_text(err, "trusted_accounts[0]", "222222222222\n")


def test_trusted_accounts_token_with_literal_newline_is_judged() -> None:
    bad = f"{cdk.Aws.ACCOUNT_ID}\n"
    err = _refusal(CrossAccountRole, trusted_accounts=[bad])
    _only_plain_text(err, "trusted_accounts[0]", bad)


def test_trusted_accounts_token_is_accepted_and_renders_the_root_arn() -> None:
    stack = new_stack()
    CrossAccountRole(stack, "Role", trusted_accounts=[cdk.Aws.ACCOUNT_ID])
    rendered = json.dumps(trust_of(synth(stack), "Role"))
    assert '"Ref": "AWS::AccountId"' in rendered
    assert "\\n" not in rendered


def test_organization_id_with_a_trailing_newline() -> None:
    err = _refusal(
        CrossAccountRole, trusted_accounts=["222222222222"], organization_id="o-abcdefghij\n"
    )
    _only_plain_text(err, "organization_id", "o-abcdefghij\n")


@pytest.mark.parametrize(
    ("external_ids", "argument"),
    [("vendor-id-1\n", "external_ids"), (["vendor-id-1", " vendor-id-2"], "external_ids[1]")],
)
def test_external_ids_not_plain(external_ids: Any, argument: str) -> None:
    err = _refusal(
        CrossAccountRole,
        trusted_accounts=["222222222222"],
        external_ids=external_ids,
        third_party=True,
    )
    bad = external_ids if isinstance(external_ids, str) else external_ids[1]
    # Refused once: no "external_ids is required when third_party=True" on top.
    _only_plain_text(err, argument, bad)


def test_trusted_principals_with_a_trailing_newline() -> None:
    arn = "arn:aws:iam::222222222222:role/deployer\n"
    err = _refusal(CrossAccountRole, trusted_principals=[arn])
    _only_plain_text(err, "trusted_principals[0]", arn)


@pytest.mark.parametrize("idp", [False, True])
def test_trusted_users_with_a_trailing_newline(idp: bool) -> None:
    arn = (
        identity_center_role_arn("111111111111", "Admin")
        if idp
        else "arn:aws:iam::111111111111:user/alice"
    ) + "\n"
    err = _refusal(ElevatedUserRole, trusted_users=[arn], idp_enforced_mfa=idp)
    # Refused once: no "trusted_users must name at least one user" on top.
    _only_plain_text(err, "trusted_users[0]", arn)


def test_long_session_reason_with_a_newline() -> None:
    reason = "Incident response\nneeds two hours"
    err = _refusal(
        ElevatedUserRole,
        trusted_users=["arn:aws:iam::111111111111:user/alice"],
        max_session_duration=cdk.Duration.hours(2),
        long_session_reason=reason,
    )
    # Refused once: the long session is not reported as unexplained as well.
    _only_plain_text(err, "long_session_reason", reason)


def test_saml_provider_arn_with_a_trailing_newline() -> None:
    err = _refusal(FederatedRole, saml_provider=SAML + "\n")
    _only_plain_text(err, "saml_provider", SAML + "\n")


def test_imported_saml_provider_with_a_trailing_newline() -> None:
    stack = new_stack()
    provider = iam.SamlProvider.from_saml_provider_arn(stack, "Imported", SAML + "\n")
    with pytest.raises(RoleConfigError) as info:
        FederatedRole(stack, "Role", saml_provider=provider)
    assert info.value.rule_ids == (PLAIN_TEXT,)
    assert info.value.problems[0].argument == "saml_provider"


def test_attribute_conditions_keys_and_values() -> None:
    err = _refusal(
        FederatedRole,
        saml_provider=SAML,
        console_access=False,
        attribute_conditions={
            "SAML:sub\n": "alice",
            "SAML:eduPersonAffiliation": ["staff", "\x00"],
        },
    )
    assert err.rule_ids == (PLAIN_TEXT, PLAIN_TEXT)
    assert [p.argument for p in err.problems] == [
        "attribute_conditions (key)",
        "attribute_conditions['SAML:eduPersonAffiliation'][1]",
    ]


def test_web_identity_provider_arn_given_or_imported() -> None:
    identity = GitHubActions(owner="acme", repo="app", branches=["main"])
    err = _refusal(WebIdentityRole, identity=identity, provider=GITHUB_PROVIDER + " ")
    _only_plain_text(err, "provider", GITHUB_PROVIDER + " ")
    stack = new_stack()
    imported = iam.OidcProviderNative.from_oidc_provider_arn(
        stack, "Imported", GITHUB_PROVIDER + "\u2028"
    )
    with pytest.raises(RoleConfigError) as info:
        WebIdentityRole(stack, "Role", identity=identity, provider=imported)
    assert info.value.rule_ids == (PLAIN_TEXT,)


def _pattern_calls() -> list[tuple[Any, dict[str, Any]]]:
    return [
        (ServiceRole, {"service": "lambda.amazonaws.com"}),
        (CrossAccountRole, {"trusted_accounts": ["222222222222"]}),
        (FederatedRole, {"saml_provider": SAML}),
        (
            WebIdentityRole,
            {"identity": GitHubActions(owner="acme", repo="app", branches=["main"])},
        ),
        (ElevatedUserRole, {"trusted_users": ["arn:aws:iam::111111111111:user/alice"]}),
    ]


@pytest.mark.parametrize(
    ("build", "kwargs"), _pattern_calls(), ids=lambda v: getattr(v, "__name__", "")
)
@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("role_name", "deploy\n"),
        ("path", "/app/\n"),
        ("description", "Deploys\nthe app"),
        ("role_name", " deploy"),
    ],
)
def test_role_name_path_description_are_role_config_errors_not_jsii_errors(
    build: Any, kwargs: dict[str, Any], argument: str, value: str
) -> None:
    # Before: role_name/path raised a RuntimeError from the CDK's own checks (jsii).
    err = _refusal(build, **kwargs, **{argument: value})
    _only_plain_text(err, argument, value)


def test_all_problems_are_reported_together() -> None:
    err = _refusal(
        CrossAccountRole,
        trusted_accounts=["222222222222\n", "12345"],
        organization_id="o-x",
        role_name="bad name",
    )
    assert sorted(err.rule_ids) == sorted(
        [PLAIN_TEXT, "IAMR-CA-003", "IAMR-CA-006", "IAMR-ROLE-001"]
    ), str(err)


def test_unicode_digits_are_not_an_account_id() -> None:
    # "١" is a digit to Python's \d, not to IAM.
    err = _refusal(CrossAccountRole, trusted_accounts=["١١١١١١١١١١١١"])
    assert err.problems[0].argument == "trusted_accounts"
    assert err.problems[0].message == "must be a 12-digit AWS account ID"


def test_description_outside_latin_1_is_refused_and_latin_1_is_accepted() -> None:
    err = _refusal(ServiceRole, service="lambda.amazonaws.com", description="デプロイ用")
    assert err.rule_ids == ("IAMR-ROLE-006",)
    assert "'デ'" in err.problems[0].message
    stack = new_stack()
    ServiceRole(stack, "Role", service="lambda.amazonaws.com", description="Rôle de déploiement")
    roles = [r for r in synth(stack)["Resources"].values() if r["Type"] == "AWS::IAM::Role"]
    assert roles[0]["Properties"]["Description"] == "Rôle de déploiement"


def test_revoke_sessions_refuses_a_token_with_a_newline() -> None:
    stack = new_stack()
    role = ServiceRole(stack, "Role", service="lambda.amazonaws.com")
    when = f"{cdk.Token.as_string(cdk.Fn.ref('Cutoff'))}\n"
    with pytest.raises(RoleConfigError) as info:
        role.revoke_sessions_issued_before(when)
    assert info.value.rule_ids == (PLAIN_TEXT,)
    assert info.value.problems[0].argument == "when"


@pytest.mark.parametrize(
    ("account", "permission_set", "partition"),
    [
        ("111111111111\n", "Admin", "aws"),
        ("111111111111", "Admin\n", "aws"),
        ("111111111111", "Admin", "aws\n"),
        ("111111111111", "Admin", "aws-moon"),
    ],
)
def test_identity_center_role_arn_refuses_bad_text(
    account: str, permission_set: str, partition: str
) -> None:
    with pytest.raises(ValueError, match="identity_center_role_arn needs"):
        identity_center_role_arn(account, permission_set, partition=partition)


@pytest.mark.parametrize("name", ["cdk_iam_roles.trust.validate", "cdk_iam_roles.patterns._base"])
def test_module_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0


def test_inline_policy_names_are_plain_text() -> None:
    document = iam.PolicyDocument(
        statements=[iam.PolicyStatement(actions=["s3:GetObject"], resources=["*"])]
    )
    err = _refusal(
        ServiceRole,
        service="lambda.amazonaws.com",
        inline_policies={"read\n": document},
    )
    _only_plain_text(err, "inline_policies (key)", "read\n")
