"""explain never answers DENIED when a value inside a readable statement could allow it.

GIVEN a role whose policies can be read but hold a value known only at deployment (a
principal that is an import or a parameter, a condition value that is a parameter, a
resource built with ``Fn::Sub`` from a parameter inside a JSON-string policy, the account
of an environment-agnostic stack), in the forms templates write them (YAML ``!ImportValue``
and ``!Ref``, JSON text with ``Fn::Sub``, a CDK stack without ``env``), WHEN explain (the
command and the testing helpers) simulates a request that value decides, THEN the answer
is UNDECIDED (outcome ``Unknown``, exit 1) with ``unresolved-value`` naming the statement,
the element and the value, and saying how to make it known; ``assert_cannot_assume`` and
``assert_cannot_call`` fail. A denial that no value could flip (a certain explicit Deny, a
failed condition, a statement that names someone else) stays DENIED.
"""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam

from cdk_iam_roles.cli import main
from cdk_iam_roles.testing import (
    assert_can_assume,
    assert_can_call,
    assert_cannot_assume,
    assert_cannot_call,
)

ACCOUNT = "111111111111"
CALLER = "arn:aws:iam::222222222222:role/deployer"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
BOB = f"arn:aws:iam::{ACCOUNT}:user/bob"
OBJECT = "arn:aws:s3:::reports/2026/11.csv"
ENV = ["--account", ACCOUNT, "--region", "eu-west-1"]

IMPORT_TRUST = """\
Resources:
  Shared:
    Type: AWS::IAM::Role
    Properties:
      RoleName: shared
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: sts:AssumeRole
            Principal:
              AWS: !ImportValue Other-RoleArn
"""

REF_TRUST = """\
Parameters:
  TrustedArn: {Type: String}
  ExternalId: {Type: String}
Resources:
  Shared:
    Type: AWS::IAM::Role
    Properties:
      RoleName: shared
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: sts:AssumeRole
            Principal:
              AWS: !Ref TrustedArn
  Vendor:
    Type: AWS::IAM::Role
    Properties:
      RoleName: vendor
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: sts:AssumeRole
            Principal:
              AWS: arn:aws:iam::111111111111:user/alice
            Condition:
              StringEquals:
                sts:ExternalId: !Ref ExternalId
"""

SUB_POLICY = """\
Parameters:
  BucketName: {Type: String}
  Team: {Type: String}
Resources:
  Reader:
    Type: AWS::IAM::Role
    Properties:
      RoleName: reader
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Action: sts:AssumeRole, Principal: {Service: lambda.amazonaws.com}}
      Policies:
        - PolicyName: read
          PolicyDocument: !Sub |
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Action": "s3:GetObject",
               "Resource": "arn:aws:s3:::${BucketName}/*"},
              {"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "*"},
              {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*",
               "Condition": {"StringEquals": {"aws:PrincipalTag/team": "${Team}"}}},
              {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*",
               "Condition": {"StringEquals": {"s3:x-amz-acl": "${Team}"}}}]}
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _explain(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["explain", *argv])
    out, err = capsys.readouterr()
    assert err == ""
    return code, out


def _cause(out: str) -> str:
    """The Why line of the unresolved-value cause, and its fix."""
    lines = out.splitlines()
    (index,) = [i for i, line in enumerate(lines) if line.endswith("[unresolved-value]")]
    return lines[index] + "\n" + lines[index + 1]


# -- the trust: an import, a parameter ----------------------------------------------------


def test_an_imported_principal_is_undecided(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "import.yaml", IMPORT_TRUST)
    code, out = _explain(capsys, str(path), "--role", "shared", "--principal", CALLER, *ENV)
    assert code == 1
    session = "arn:aws:sts::222222222222:assumed-role/deployer/session"
    assert out.startswith(f"UNDECIDED: {session} cannot be shown to assume import/Shared")
    assert "Outcome: Unknown" in out
    cause = _cause(out)
    assert "trust policy of import/Shared, statement #0 (Allow): Principal:" in cause
    assert "Fn::ImportValue" in cause
    assert "read in the request's favour it would allow it" in cause
    assert "in place of Fn::ImportValue" in cause
    # AND the testing helper refuses to call it a denial
    with pytest.raises(AssertionError, match=r"cannot be decided offline") as caught:
        assert_cannot_assume(path, "shared", CALLER, account=ACCOUNT, region="eu-west-1")
    assert "[unresolved-value]" in str(caught.value)


def test_a_parameter_principal_is_undecided_and_the_fix_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "ref.yaml", REF_TRUST)
    code, out = _explain(capsys, str(path), "--role", "shared", "--principal", CALLER, *ENV)
    assert code == 1
    assert out.startswith("UNDECIDED: ")
    cause = _cause(out)
    assert "parameter TrustedArn" in cause
    assert "in place of the parameter TrustedArn" in cause
    # The JSON answer says the same.
    code, out = _explain(
        capsys, str(path), "--role", "shared", "--principal", CALLER, *ENV, "--format", "json"
    )
    answer = json.loads(out)
    assert (code, answer["allowed"], answer["outcome"]) == (1, False, "Unknown")
    assert [c["code"] for c in answer["causes"]] == ["unresolved-value"]


def test_a_parameter_condition_value_is_undecided_for_the_named_caller_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "ref.yaml", REF_TRUST)
    # GIVEN alice, whom the trust names, with an external ID the parameter may or may not be
    with pytest.raises(AssertionError, match=r"cannot be decided offline") as caught:
        assert_cannot_assume(path, "vendor", ALICE, external_id="x", account=ACCOUNT)
    assert "sts:ExternalId" in str(caught.value)
    assert "parameter ExternalId" in str(caught.value)
    # THEN bob, whom no statement names, is denied whatever the parameter turns out to be
    denied = assert_cannot_assume(path, "vendor", BOB, external_id="x", account=ACCOUNT)
    assert denied.outcome == "ImplicitDeny"
    assert [c.code for c in denied.causes] == ["no-matching-statement"]
    code, out = _explain(capsys, str(path), "--role", "vendor", "--principal", BOB, *ENV)
    assert (code, out.split(":", 1)[0]) == (1, "DENIED")


def test_a_failed_condition_stays_a_denial_beside_an_imported_principal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN the imported principal, but only with MFA
    text = IMPORT_TRUST + (
        "            Condition:\n              Bool: {aws:MultiFactorAuthPresent: 'true'}\n"
    )
    path = _write(tmp_path, "mfa.yaml", text)
    # THEN without MFA it is denied for certain, and the cause is the MFA
    denied = assert_cannot_assume(path, "shared", ALICE, account=ACCOUNT)
    assert denied.outcome == "ImplicitDeny"
    assert "mfa-missing" in [c.code for c in denied.causes]
    code, out = _explain(capsys, str(path), "--role", "shared", "--principal", ALICE, *ENV)
    assert (code, out.split(":", 1)[0]) == (1, "DENIED")
    # AND with MFA the import decides
    code, out = _explain(capsys, str(path), "--role", "shared", "--principal", ALICE, "--mfa", *ENV)
    assert (code, out.split(":", 1)[0]) == (1, "UNDECIDED")


def test_a_certain_explicit_deny_stays_a_denial_beside_an_imported_principal(
    tmp_path: Path,
) -> None:
    text = IMPORT_TRUST + (
        "          - Effect: Deny\n"
        "            Action: sts:AssumeRole\n"
        "            Principal: {AWS: '222222222222'}\n"
    )
    path = _write(tmp_path, "deny.yaml", text)
    denied = assert_cannot_assume(path, "shared", CALLER, account=ACCOUNT)
    assert denied.outcome == "ExplicitDeny"
    assert [c.code for c in denied.causes] == ["explicit-deny-resource-policy"]


def test_the_root_user_is_refused_whatever_the_import_is(tmp_path: Path) -> None:
    path = _write(tmp_path, "import.yaml", IMPORT_TRUST)
    refused = assert_cannot_assume(path, "shared", "222222222222", account=ACCOUNT)
    assert refused.outcome == "Refused"
    assert "root-cannot-assume" in [c.code for c in refused.causes]


# -- a JSON-string policy built with Fn::Sub ---------------------------------------------


def test_a_sub_resource_from_a_parameter_is_undecided_for_the_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "sub.yaml", SUB_POLICY)
    argv = [str(path), "--role", "reader", "--action", "s3:GetObject", "--resource", OBJECT]
    code, out = _explain(capsys, *argv, *ENV)
    assert (code, out.split(":", 1)[0]) == (1, "UNDECIDED")
    cause = _cause(out)
    assert 'inline policy "read", statement #0 (Allow): Resource:' in cause
    assert "parameter BucketName" in cause
    with pytest.raises(AssertionError, match=r"cannot be decided offline"):
        assert_cannot_call(path, "reader", "s3:GetObject", OBJECT, account=ACCOUNT)
    # AND an action no statement grants stays denied
    denied = assert_cannot_call(path, "reader", "s3:ListBucket", OBJECT, account=ACCOUNT)
    assert denied.outcome == "ImplicitDeny"
    assert [c.code for c in denied.causes] == ["no-matching-statement"]


def test_a_deny_whose_condition_is_a_parameter_may_not_apply(tmp_path: Path) -> None:
    # GIVEN a certain allow, and a Deny that compares a principal tag with a parameter
    path = _write(tmp_path, "sub.yaml", SUB_POLICY)
    team = {"aws:PrincipalTag/team": "blue"}
    # THEN it is not allowed (the Deny may apply), nor denied (it may not)
    with pytest.raises(AssertionError, match=r"cannot be decided offline") as caught:
        assert_cannot_call(path, "reader", "s3:DeleteObject", OBJECT, context=team, account=ACCOUNT)
    assert "statement #2 (Deny): Condition:" in str(caught.value)
    with pytest.raises(AssertionError, match=r"to be allowed"):
        assert_can_call(path, "reader", "s3:DeleteObject", OBJECT, context=team, account=ACCOUNT)


# -- an environment-agnostic stack -------------------------------------------------------


def _agnostic() -> cdk.Stack:
    app = cdk.App()
    stack = cdk.Stack(app, "Agnostic")
    ops = iam.Role(stack, "Ops", role_name="ops", assumed_by=iam.AccountRootPrincipal())
    ops.add_to_policy(
        iam.PolicyStatement(
            actions=["s3:GetObject"], resources=[f"arn:aws:s3:::logs-{stack.account}/*"]
        )
    )
    return stack


def test_an_environment_agnostic_stack_is_undecided_until_given_an_account(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = _agnostic()
    caller = f"arn:aws:iam::{ACCOUNT}:role/admin"
    logs = f"arn:aws:s3:::logs-{ACCOUNT}/app.log"
    with pytest.raises(AssertionError, match=r"cannot be decided offline") as assume:
        assert_cannot_assume(stack, "Agnostic/Ops", caller)
    assert "AWS::AccountId" in str(assume.value)
    assert "pass --account and --region" in str(assume.value)
    with pytest.raises(AssertionError, match=r"cannot be decided offline") as call:
        assert_cannot_call(stack, "Agnostic/Ops", "s3:GetObject", logs)
    assert "Resource:" in str(call.value)
    # AND with the account both are decided
    assert_can_assume(stack, "Agnostic/Ops", caller, account=ACCOUNT, region="eu-west-1")
    assert_can_call(stack, "Agnostic/Ops", "s3:GetObject", logs, account=ACCOUNT)
    other = "arn:aws:s3:::logs-333333333333/app.log"
    assert_cannot_call(stack, "Agnostic/Ops", "s3:GetObject", other, account=ACCOUNT)
    # AND the command says the same on the synthesized template
    app = stack.node.root
    assert isinstance(app, cdk.App)
    template = app.synth().get_stack_by_name("Agnostic").template
    path = _write(tmp_path, "agnostic.json", json.dumps(template))
    code, out = _explain(capsys, str(path), "--role", "ops", "--principal", caller)
    assert (code, out.split(":", 1)[0]) == (1, "UNDECIDED")
    assert "Give the stack a concrete environment" in _cause(out)
    code, out = _explain(capsys, str(path), "--role", "ops", "--principal", caller, *ENV)
    assert (code, out.split(":", 1)[0]) == (0, "ALLOWED")


def test_a_deleted_principal_beside_an_import_leaves_the_import_to_decide(
    tmp_path: Path,
) -> None:
    # GIVEN a trust that names a deleted principal (its unique ID) and, in another
    # statement, an imported one
    text = IMPORT_TRUST + (
        "          - Effect: Allow\n"
        "            Action: sts:AssumeRole\n"
        "            Principal: {AWS: [AROA3XFRBF535PLBIFPI4, 'arn:aws:iam::333333333333:root']}\n"
    )
    path = _write(tmp_path, "both.yaml", text)
    # THEN the import decides: undecided, and both causes are named
    with pytest.raises(AssertionError, match=r"cannot be decided offline") as caught:
        assert_cannot_assume(path, "shared", CALLER, account=ACCOUNT)
    assert "[trust-names-deleted-principal]" in str(caught.value)
    assert "[unresolved-value]" in str(caught.value)
    # AND without the import the unique ID names no caller: a denial
    alone = text.replace("AWS: !ImportValue Other-RoleArn", "AWS: arn:aws:iam::444444444444:root")
    denied = assert_cannot_assume(_write(tmp_path, "alone.yaml", alone), "shared", CALLER)
    assert denied.outcome == "ImplicitDeny"
    assert [c.code for c in denied.causes] == ["trust-names-deleted-principal"]
    # AND the account the statement also names is never denied on account of the ID
    with pytest.raises(AssertionError, match=r"cannot be decided offline"):
        assert_cannot_assume(path, "shared", "arn:aws:iam::333333333333:role/x", account=ACCOUNT)
