"""``cdk-iam-roles explain``: each classic cause, with the message it prints and its exit code.

GIVEN the classic-causes app synthesized with the real CDK (conftest), WHEN the command
runs on its ``cdk.out``, THEN it exits 0 (allowed) / 1 (denied) / 2 (unusable input) and
prints the cause and what to change.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from explain_apps import ACCOUNT, OTHER, VENDOR

from cdk_iam_roles.cli import main

A = f"arn:aws:iam::{ACCOUNT}"
OIDC = f"{A}:oidc-provider/token.actions.githubusercontent.com"


def explain(path: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["explain", str(path), *args])
    out, err = capsys.readouterr()
    return code, out, err


# (arguments, exit code, cause code, words the output must show)
CASES = [
    pytest.param(
        ["--role", "admin", "--principal", f"{A}:user/alice"],
        1,
        "mfa-missing",
        ["MFA is missing", "aws:MultiFactorAuthPresent must be 'true' (Bool)"],
        id="mfa-missing",
    ),
    pytest.param(
        ["--role", "admin", "--principal", f"{A}:user/alice", "--mfa", "--mfa-age", "3000"],
        1,
        "mfa-too-old",
        ["MFA is too old: the caller authenticated 3000 s ago", "at most 900 s"],
        id="mfa-too-old",
    ),
    pytest.param(
        ["--role", "admin", "--principal", f"{A}:role/jump"],
        1,
        "mfa-chained",
        ["a role session carries MFA only if it was itself created with MFA"],
        id="mfa-chained",
    ),
    pytest.param(
        [
            "--role",
            "saml-admin",
            "--principal",
            f"{A}:saml-provider/corp",
            "--mfa",
            "--context",
            "SAML:aud=https://signin.aws.amazon.com/saml",
        ],
        1,
        "mfa-federated",
        ["never carry MFA context", "--mfa has no effect"],
        id="mfa-federated",
    ),
    pytest.param(
        ["--role", "vendor", "--principal", f"arn:aws:iam::{VENDOR}:user/bot"],
        1,
        "external-id-missing",
        ["the external ID is missing: the trust requires sts:ExternalId 'vendor-7f3a'"],
        id="external-id-missing",
    ),
    pytest.param(
        [
            "--role",
            "vendor",
            "--principal",
            f"arn:aws:iam::{VENDOR}:user/bot",
            "--external-id",
            "guess",
        ],
        1,
        "external-id-wrong",
        ["the external ID is wrong: the request has 'guess'"],
        id="external-id-wrong",
    ),
    pytest.param(
        [
            "--role",
            "Classic/Deploy",
            "--principal",
            OIDC,
            "--claim",
            "aud=sts.amazonaws.com",
            "--claim",
            "sub=repo:acme/web:ref:refs/heads/dev",
        ],
        1,
        "oidc-subject-wrong",
        [
            "the token's sub is 'repo:acme/web:ref:refs/heads/dev'",
            "the trust expects 'repo:acme/web:ref:refs/heads/main'",
            "sts:AssumeRoleWithWebIdentity",
        ],
        id="oidc-subject-wrong",
    ),
    pytest.param(
        ["--role", "admin", "--principal", f"{A}:user/alice", "--mfa", "--duration", "2h"],
        1,
        "duration-above-max",
        ["the requested duration (7200 s) is above the role's MaxSessionDuration (3600 s)"],
        id="duration-above-max",
    ),
    pytest.param(
        ["--role", "batch", "--principal", f"{A}:role/jump", "--duration", "2h"],
        1,
        "chained-one-hour",
        ["role chaining caps a session at one hour", "7200 s were requested"],
        id="chained-one-hour",
    ),
    pytest.param(
        ["--role", "batch", "--principal", f"{A}:user/alice", "--duration", "2h", "--chained"],
        1,
        "chained-one-hour",
        ["role chaining caps a session at one hour"],
        id="chained-flag",
    ),
    pytest.param(
        ["--role", "shared", "--principal", "Classic/Worker"],
        1,
        "caller-policy-missing",
        [
            "the caller Classic/Worker has no identity policy that allows sts:AssumeRole",
            f'{{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "{A}:role/shared"}}',
        ],
        id="caller-policy-missing-same-account",
    ),
    pytest.param(
        [
            "--role",
            "app",
            "--principal",
            "app",
            "--action",
            "s3:DeleteObject",
            "--resource",
            "arn:aws:s3:::acme-data/reports/1.csv",
        ],
        1,
        "explicit-deny-resource-policy",
        ["an explicit Deny in the AWS::S3::BucketPolicy of Classic/Data/Policy", '"NoDeletes"'],
        id="explicit-deny-resource-policy",
    ),
    pytest.param(
        [
            "--role",
            "bounded",
            "--principal",
            "bounded",
            "--action",
            "s3:PutObject",
            "--resource",
            "arn:aws:s3:::any/key",
        ],
        1,
        "boundary-cuts-action",
        ["the permissions boundary of Classic/Bounded does not allow the action"],
        id="boundary-cuts-action",
    ),
    pytest.param(
        ["--role", "from-parameter", "--principal", f"{A}:root"],
        1,
        "unresolved-value",
        ["cannot be evaluated offline", "parameter TrustedAccount"],
        id="unresolved-value",
    ),
]


@pytest.mark.parametrize(("args", "exit_code", "cause", "words"), CASES)
def test_classic_cause_is_named_with_what_to_change(
    classic_out: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    exit_code: int,
    cause: str,
    words: list[str],
) -> None:
    code, out, err = explain(classic_out, *args, capsys=capsys)
    assert (code, err) == (exit_code, "")
    assert out.startswith("DENIED: ")
    assert f"[{cause}]" in out
    assert "What to change: " in out
    for word in words:
        assert word in out


CASES += [
    pytest.param(
        ["--role", "elevated", "--principal", f"{A}:user/alice", "--session-name", "bob"],
        1,
        "session-name",
        ["sts:RoleSessionName must equal 'alice'", "the request has 'bob'"],
        id="session-name-from-aws-username",
    ),
    pytest.param(
        # Without --context the service acts for the role's own account (assumed, issue
        # 11); acting for another account is refused.
        [
            "--role",
            "checkout",
            "--principal",
            "states.amazonaws.com",
            "--context",
            "aws:SourceAccount=999999999999",
        ],
        1,
        "service-source-wrong",
        ["the trust accepts states.amazonaws.com only when it acts for '111111111111'"],
        id="service-source-wrong",
    ),
]

CASES.append(
    pytest.param(
        ["--role", "shared", "--principal", "Classic/Capped"],
        1,
        "boundary-cuts-action",
        ["the permissions boundary of Classic/Capped does not allow the action"],
        id="caller-boundary-cuts-assume-role",
    )
)

ALLOWED = [
    pytest.param(
        ["--role", "admin", "--principal", f"{A}:user/alice", "--mfa", "--mfa-age", "60"],
        "trust policy of Classic/Admin, statement #0 (Allow)",
        id="mfa-fresh",
    ),
    pytest.param(
        [
            "--role",
            "Classic/Deploy",
            "--principal",
            OIDC,
            "--claim",
            "aud=sts.amazonaws.com",
            "--claim",
            "sub=repo:acme/web:ref:refs/heads/main",
        ],
        "trust policy of Classic/Deploy",
        id="oidc-main-branch",
    ),
    pytest.param(
        ["--role", "shared", "--principal", f"{A}:role/granted"],
        "AWS::IAM::Policy Classic/Granted/DefaultPolicy (of caller Classic/Granted)",
        id="caller-policy-present",
    ),
    pytest.param(
        ["--role", "batch", "--principal", f"{A}:role/jump", "--duration", "1h"],
        "trust policy of Classic/Batch",
        id="chained-one-hour-ok",
    ),
    pytest.param(
        [
            "--role",
            "app",
            "--principal",
            "app",
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::acme-data/reports/1.csv",
        ],
        "AWS::IAM::Policy Classic/App/DefaultPolicy",
        id="call-allowed",
    ),
]


ALLOWED += [
    pytest.param(
        ["--role", "elevated", "--principal", f"{A}:user/alice", "--session-name", "alice"],
        "trust policy of Classic/Elevated, statement #0 (Allow)",
        id="session-name-matches",
    ),
    pytest.param(
        [
            "--role",
            "checkout",
            "--principal",
            "states.amazonaws.com",
            "--context",
            f"aws:SourceAccount={ACCOUNT}",
            "--context",
            f"aws:SourceArn=arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:checkout-a",
        ],
        "trust policy of Classic/Checkout",
        id="service-with-source",
    ),
]


@pytest.mark.parametrize(("args", "decided_by"), ALLOWED)
def test_allowed_exits_0_and_names_the_deciding_statement(
    classic_out: Path, capsys: pytest.CaptureFixture[str], args: list[str], decided_by: str
) -> None:
    code, out, _ = explain(classic_out, *args, capsys=capsys)
    assert code == 0
    assert out.startswith("ALLOWED: ")
    assert decided_by in out


def test_caller_outside_the_app_gets_the_statement_it_needs(
    classic_out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = explain(
        classic_out,
        "--role",
        "vendor",
        "--principal",
        f"arn:aws:iam::{VENDOR}:user/bot",
        "--external-id",
        "vendor-7f3a",
        capsys=capsys,
    )
    assert code == 0
    assert (
        "the caller is not in this app: its own identity policy must allow sts:AssumeRole on "
        "the role (across accounts); add: "
        f'{{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "{A}:role/vendor"}}'
    ) in out


def test_cross_account_caller_in_the_app_without_policy(
    assembly_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = f"arn:aws:iam::{ACCOUNT}:role/cross-target"
    code, out, _ = explain(
        assembly_dir,
        "--role",
        "Prod/Target/CrossTarget",
        "--principal",
        f"arn:aws:iam::{OTHER}:role/plain",
        capsys=capsys,
    )
    assert code == 1
    assert "[caller-policy-missing]" in out
    assert "(across accounts both sides must allow)" in out
    assert f'"Action": "sts:AssumeRole", "Resource": "{target}"' in out
    code, out, _ = explain(
        assembly_dir,
        "--role",
        "Prod/Target/CrossTarget",
        "--principal",
        "Callers/Allowed",
        capsys=capsys,
    )
    assert code == 0, out
    assert "AWS::IAM::Policy Callers/Allowed/DefaultPolicy" in out


def test_trust_naming_a_deleted_principal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # What IAM shows after the trusted role was deleted: its unique ID, not its ARN.
    template = {
        "Resources": {
            "Ops": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": "ops",
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": "sts:AssumeRole",
                                "Principal": {"AWS": "AROA3XFRBF535PLBIFPI4"},
                            }
                        ],
                    },
                },
            }
        }
    }
    path = tmp_path / "ops.json"
    path.write_text(json.dumps(template), encoding="utf-8")
    code, out, _ = explain(
        path, "--role", "ops", "--principal", f"{A}:role/deployer", capsys=capsys
    )
    assert code == 1
    # The ID stands for a deleted principal, which no caller is: denied, not undecided.
    assert out.startswith("DENIED: ")
    assert "[trust-names-deleted-principal]" in out
    assert "the trust policy names AROA3XFRBF535PLBIFPI4: a unique principal ID" in out


def test_json_format(classic_out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = explain(
        classic_out,
        "--role",
        "admin",
        "--principal",
        f"{A}:user/alice",
        "--format",
        "json",
        capsys=capsys,
    )
    data = json.loads(out)
    assert code == 1
    assert data["allowed"] is False
    assert data["outcome"] == "ImplicitDeny"
    assert data["role"] == "Classic/Admin"
    assert data["role_arn"] == f"{A}:role/admin"
    assert data["action"] == "sts:AssumeRole"
    assert [c["code"] for c in data["causes"]] == ["mfa-missing"]
    assert data["causes"][0]["fix"]
    assert any("aws:MultiFactorAuthPresent" in f for f in data["failed_conditions"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/no/such/cdk.out", "--role", "x", "--principal", "y"], "no such file or folder"),
        (["{out}", "--role", "nope", "--principal", f"{A}:root"], "no role 'nope' in the app"),
        (["{out}", "--role", "admn", "--principal", f"{A}:root"], "did you mean"),
        (["{out}", "--role", "admin", "--principal", "x", "--claim", "sub"], "write KEY=VALUE"),
        (["{out}", "--role", "admin", "--principal", "x", "--duration", "soon"], "not a duration"),
        (["{out}", "--role", "admin", "--principal", "x", "--resource", "y"], "needs --action"),
        (
            ["{out}", "--role", "admin", "--principal", "NoSuchRole"],
            "--principal 'NoSuchRole': neither an ARN, an account ID, a service principal nor",
        ),
        (
            [
                "{out}",
                "--role",
                "app",
                "--principal",
                "app",
                "--action",
                "s3:GetObject",
                "--resource",
                "Classic/Nothing",
            ],
            "neither an ARN nor a construct path",
        ),
    ],
)
def test_unusable_input_exits_2_with_one_line(
    classic_out: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    argv = [a.replace("{out}", str(classic_out)) for a in args]
    code, out, err = explain(Path(argv[0]), *argv[1:], capsys=capsys)
    assert code == 2
    assert out == ""
    assert err.startswith("cdk-iam-roles: ")
    assert err.count("\n") == 1
    assert message in err
    assert "Traceback" not in err
