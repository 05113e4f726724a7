"""explain builds the request AWS (and a correct client) would build, and says so (issue 11).

Every value the caller did not pass but the request carries is listed in
``Explanation.assumed``; a value that cannot be known offline is never invented.
"""

from __future__ import annotations

from typing import Any

import pytest

from cdk_iam_roles.analysis.assembly import App, load_app
from cdk_iam_roles.analysis.explain import Caller, explain
from cdk_iam_roles.cli import main

ACCOUNT = "111111111111"
ORG = "o-a1b2c3d4e5"


def trust(principal: Any, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Principal": principal,
    }
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def role(name: str, document: dict[str, Any]) -> dict[str, Any]:
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {"RoleName": name, "AssumeRolePolicyDocument": document},
    }


def app(account: str | None = ACCOUNT, **roles: dict[str, Any]) -> App:
    return load_app({"Resources": roles}, account=account, region="eu-west-1")


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
ORG_TRUST = trust(
    {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, {"StringEquals": {"aws:PrincipalOrgID": ORG}}
)


def test_org_of_the_app_is_assumed_for_its_own_account() -> None:
    result = explain(
        app(Org=role("org", ORG_TRUST)), "org", Caller(f"arn:aws:iam::{ACCOUNT}:user/bob")
    )
    assert result.allowed
    assert result.assumed[0].startswith(f"aws:PrincipalOrgID={ORG}")
    assert "Assumed:" in result.to_text()
    assert result.to_dict()["assumed"] == list(result.assumed)


def test_org_flag_wins_over_the_assumption() -> None:
    result = explain(
        app(Org=role("org", ORG_TRUST)),
        "org",
        Caller(f"arn:aws:iam::{ACCOUNT}:user/bob", org_id="o-other"),
    )
    assert not result.allowed
    assert [c.code for c in result.causes][:1] == ["org-wrong"]
    assert not any(a.startswith("aws:PrincipalOrgID") for a in result.assumed)


def test_org_is_not_assumed_outside_the_app() -> None:
    outside = trust(
        {"AWS": "arn:aws:iam::222222222222:root"}, {"StringEquals": {"aws:PrincipalOrgID": ORG}}
    )
    result = explain(
        app(Org=role("org", outside)), "org", Caller("arn:aws:iam::222222222222:user/bob")
    )
    assert not result.allowed
    cause = next(c for c in result.causes if c.code == "org-missing")
    assert f"--org {ORG}" in cause.fix
    assert "not one the app deploys to" in cause.message
    assert not result.assumed[:-1]  # only the caller-side grant is assumed


def test_org_paths_flag_reaches_the_request() -> None:
    paths = trust(
        {"AWS": "arn:aws:iam::222222222222:root"},
        {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": [f"{ORG}/r-ab12/ou-ab12-11111111/*"]}},
    )
    bob = "arn:aws:iam::222222222222:user/bob"
    assert not explain(app(P=role("p", paths)), "p", Caller(bob)).allowed
    caller = Caller(bob, org_paths=(f"{ORG}/r-ab12/ou-ab12-11111111/ou-ab12-22222222/",))
    assert explain(app(P=role("p", paths)), "p", caller).allowed


# ElevatedUserRole's trust: the session is named after the IAM user and carries it as the
# source identity; a correct client sends both.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_rolesessionname
USER_TRUST = trust(
    {"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"},
    {
        "StringEquals": {
            "sts:RoleSessionName": "${aws:username}",
            "sts:SourceIdentity": "${aws:username}",
        }
    },
)


def test_session_name_and_source_identity_a_correct_client_sends() -> None:
    result = explain(
        app(B=role("bg", USER_TRUST)), "bg", Caller(f"arn:aws:iam::{ACCOUNT}:user/alice")
    )
    assert result.allowed, result.to_text()
    assert any(a.startswith("sts:RoleSessionName=alice") for a in result.assumed)
    assert any(a.startswith("sts:SourceIdentity=alice") for a in result.assumed)


def test_a_wrong_session_name_passed_is_kept_and_named() -> None:
    caller = Caller(f"arn:aws:iam::{ACCOUNT}:user/alice", session_name="mallory")
    result = explain(app(B=role("bg", USER_TRUST)), "bg", caller)
    assert not result.allowed
    cause = next(c for c in result.causes if c.code == "session-name")
    assert "'mallory'" in cause.message
    assert "--session-name" in cause.fix


# https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
SERVICE_TRUST = trust(
    {"Service": "states.amazonaws.com"},
    {
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
        "ArnLike": {
            "aws:SourceArn": {
                "Fn::Sub": "arn:aws:states:eu-west-1:${AWS::AccountId}:stateMachine:*"
            }
        },
    },
)


def test_service_acting_for_the_roles_own_account() -> None:
    result = explain(app(S=role("sfn", SERVICE_TRUST)), "sfn", Caller("states.amazonaws.com"))
    assert result.allowed, result.to_text()
    assert any(a.startswith(f"aws:SourceAccount={ACCOUNT}") for a in result.assumed)
    assert any(
        a.startswith("aws:SourceArn=arn:aws:states:eu-west-1:111111111111:stateMachine:")
        for a in result.assumed
    )


def test_service_for_another_account_passed_is_refused() -> None:
    caller = Caller("states.amazonaws.com", context={"aws:SourceAccount": "999999999999"})
    result = explain(app(S=role("sfn", SERVICE_TRUST)), "sfn", caller)
    assert not result.allowed
    assert "service-source-wrong" in {c.code for c in result.causes}


def test_bare_template_needs_and_takes_account(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    path = tmp_path / "bare.json"
    path.write_text(json.dumps({"Resources": {"S": role("sfn", SERVICE_TRUST)}}), encoding="utf-8")
    argv = ["explain", str(path), "--role", "sfn", "--principal", "states.amazonaws.com"]
    assert main(argv) == 1
    assert "--account" in capsys.readouterr().out
    assert main([*argv, "--account", "123456789012", "--region", "eu-west-1"]) == 0
    assert "aws:SourceAccount=123456789012" in capsys.readouterr().out
    assert main([*argv, "--account", "12345"]) == 2


def test_principal_is_optional_with_action(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
    resources = {"R": role("r", trust({"Service": "lambda.amazonaws.com"}))}
    resources["R"]["Properties"]["Policies"] = [{"PolicyName": "p", "PolicyDocument": document}]
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"Resources": resources}), encoding="utf-8")
    assert (
        main(
            [
                "explain",
                str(path),
                "--account",
                ACCOUNT,
                "--role",
                "r",
                "--action",
                "s3:GetObject",
                "--resource",
                "arn:aws:s3:::b/k",
            ]
        )
        == 0
    )
    assert main(["explain", str(path), "--role", "r"]) == 2
    assert "--principal is required" in capsys.readouterr().err


# -- multivalued SAML keys ------------------------------------------------------------------
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-saml
# (saml:edupersonaffiliation is marked [] : "can have a value that is a list")
SAML = f"arn:aws:iam::{ACCOUNT}:saml-provider/AcmeIdP"


def saml_trust(operator: str) -> dict[str, Any]:
    document = trust(
        {"Federated": SAML}, {operator: {"SAML:edupersonaffiliation": ["staff", "faculty"]}}
    )
    document["Statement"][0]["Action"] = "sts:AssumeRoleWithSAML"
    return document


def test_several_values_under_a_plain_operator_name_the_set_operator() -> None:
    caller = Caller(SAML, claims={"edupersonaffiliation": ["staff", "student"]})
    result = explain(app(E=role("eng", saml_trust("StringEquals"))), "eng", caller)
    assert not result.allowed
    codes = [c.code for c in result.causes]
    assert "multivalued-needs-set-operator" in codes
    assert "unresolved-value" not in codes
    cause = next(c for c in result.causes if c.code == "multivalued-needs-set-operator")
    assert "['staff', 'student']" in cause.message
    assert "ForAnyValue:StringEquals" in cause.fix


def test_any_value_under_for_any_value_allows() -> None:
    caller = Caller(SAML, claims={"edupersonaffiliation": ["student", "faculty"]})
    assert explain(
        app(E=role("eng", saml_trust("ForAnyValue:StringEquals"))), "eng", caller
    ).allowed


def test_no_listed_value_names_operator_and_values(
    capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    import json

    path = tmp_path / "saml.json"
    path.write_text(
        json.dumps({"Resources": {"E": role("eng", saml_trust("ForAnyValue:StringEquals"))}}),
        encoding="utf-8",
    )
    argv = ["explain", str(path), "--account", ACCOUNT, "--role", "eng", "--principal", SAML]
    assert main([*argv, "--claim", "edupersonaffiliation=student,alum"]) == 1
    text = capsys.readouterr().out
    assert "[saml-attribute-wrong]" in text
    assert "ForAnyValue:StringEquals" in text
    assert "'student', 'alum'" in text
    assert (
        main(
            [
                *argv,
                "--claim",
                "edupersonaffiliation=student",
                "--claim",
                "edupersonaffiliation=staff",
            ]
        )
        == 0
    )
