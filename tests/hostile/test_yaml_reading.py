"""Hand-written YAML through the real commands: scalars, short forms, tags, duplicate keys.

GIVEN a template written by hand, WHEN ``check``, ``explain``, ``catalog``, ``diff`` and
``access`` read it, THEN:

* an account ID with a leading zero written without quotes is what CloudFormation makes of
  it (YAML 1.1's octal number, so the account is never trusted), and every command names
  it as written and says to quote it, never "the number 1402433619";
* values whose reading is disputed are kept as written and never allow anything;
* every short form of an intrinsic function reaches the commands as its long form does;
* an unknown ``!Tag``, a Python tag and a duplicate key are refused in one line (exit 2).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fork_runner import ForkRunner

OCTAL_TRUST = """Resources:
  Deploy:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Principal: {AWS: ACCOUNT}
            Action: sts:AssumeRole
"""
WRITTEN = "012345670123 unquoted (line 9)"
CALLER = "arn:aws:iam::012345670123:role/ci"


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def octal(tmp_path: Path) -> Path:
    return _write(tmp_path / "base", "t.yaml", OCTAL_TRUST.replace("ACCOUNT", "012345670123"))


@pytest.fixture
def quoted(tmp_path: Path) -> Path:
    return _write(tmp_path / "head", "t.yaml", OCTAL_TRUST.replace("ACCOUNT", "'012345670123'"))


def _ran(runner: ForkRunner, *argv: str, codes: tuple[int, ...] = (0, 1)) -> str:
    outcome = runner.run(list(argv))
    assert outcome.code in codes, (argv, outcome)
    assert "Traceback" not in outcome.stdout + outcome.stderr
    return outcome.stdout


class TestAnAccountIdWithALeadingZero:
    def test_check_names_it_as_written_and_says_to_quote_it(
        self, octal: Path, runner: ForkRunner
    ) -> None:
        out = _ran(runner, "check", str(octal), codes=(1,))
        assert "IAMR-DOC-003" in out
        assert f"Principal.AWS holds {WRITTEN}" in out
        assert "makes it the octal number 1402433619" in out
        assert "quote it ('012345670123')" in out
        assert "holds the number" not in out  # the old message named a number never written

    def test_check_json_says_the_same(self, octal: Path, runner: ForkRunner) -> None:
        findings = json.loads(_ran(runner, "check", str(octal), "--format", "json", codes=(1,)))
        messages = [f["message"] for f in findings["findings"] if f["rule_id"] == "IAMR-DOC-003"]
        assert len(messages) == 1
        assert WRITTEN in messages[0]

    def test_explain_never_lets_the_account_in(
        self, octal: Path, quoted: Path, runner: ForkRunner
    ) -> None:
        out = _ran(runner, "explain", str(octal), "--role", "Deploy", "--principal", CALLER)
        # The trust is malformed, so whether the caller may assume the role is undecided.
        assert out.startswith("UNDECIDED")
        assert WRITTEN in out
        # Quoted, the same template trusts the account: the difference is the quotes.
        out = _ran(runner, "explain", str(quoted), "--role", "Deploy", "--principal", CALLER)
        assert out.startswith("ALLOWED")

    def test_access_cannot_decide_and_says_why(self, octal: Path, runner: ForkRunner) -> None:
        out = _ran(runner, "access", str(octal), codes=(1,))
        assert "(Deploy in t): unknown" in out
        assert WRITTEN in out
        assert "1402433619 " not in out.replace("octal number 1402433619", "")

    def test_catalog_shows_an_unknown_assumer_named_as_written(
        self, octal: Path, runner: ForkRunner
    ) -> None:
        catalog = json.loads(_ran(runner, "catalog", str(octal), "--format", "json"))
        (role,) = catalog["stacks"][0]["roles"]
        (assumer,) = role["assumers"]
        assert assumer["kind"] == "unknown"
        assert WRITTEN in assumer["principal"]
        markdown = _ran(runner, "catalog", str(octal))
        assert f"AWS principal unknown offline ({WRITTEN}" in markdown

    def test_diff_sees_that_quoting_it_lets_the_account_in(
        self, octal: Path, quoted: Path, runner: ForkRunner
    ) -> None:
        # CloudFormation never trusted account 012345670123 with the unquoted value, so
        # quoting it is new access, not "no change".
        out = _ran(runner, "diff", str(octal), str(quoted), codes=(1,))
        assert "new-access: any role in account 012345670123 can now assume" in out
        assert "1 with new access" in out


MAPPED = """Mappings:
  Deployers:
    KEY: {Role: arn:aws:iam::111111111111:role/deployer}
Resources:
  Deploy:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Principal: {AWS: !FindInMap [Deployers, "012345670123", Role]}
            Action: sts:AssumeRole
"""


def test_a_mapping_key_with_a_leading_zero_is_not_looked_up_as_written(
    tmp_path: Path, runner: ForkRunner
) -> None:
    unquoted = _write(tmp_path / "base", "t.yaml", MAPPED.replace("KEY", "012345670123"))
    out = _ran(runner, "check", str(unquoted), codes=(1,))
    assert "Principal.AWS holds the mapping key 012345670123 unquoted (line 3)" in out
    quoted = _write(tmp_path / "head", "t.yaml", MAPPED.replace("KEY", "'012345670123'"))
    assert "IAMR-DOC-003" not in _ran(runner, "check", str(quoted))
    out = _ran(runner, "diff", str(unquoted), str(quoted), codes=(1,))
    assert "new-access: a session of role deployer in account 111111111111 can now assume" in out


DISPUTED = """Resources:
  Scalars:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                aws:SourceAccount: [012345678901, 0x1F, 1_000, 1:20, 1e3, y]
                aws:SourceArn: [123456789012345678901, .inf, .nan]
              Bool: {aws:SecureTransport: yes}
          - Effect: Deny
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
            Condition: {Bool: {aws:ViaAWSService: off}}
"""
KEPT_ON_LINE_13 = ["012345678901", "0x1F", "1_000", "1:20", "1e3"]


def test_disputed_values_are_named_as_written_and_never_allow(
    tmp_path: Path, runner: ForkRunner
) -> None:
    template = str(_write(tmp_path, "t.yaml", DISPUTED))
    out = _ran(runner, "check", template, codes=(1,))
    found = "\n".join(line for line in out.splitlines() if "IAMR-DOC-003" in line)
    for text in KEPT_ON_LINE_13:
        assert f"SourceAccount[{KEPT_ON_LINE_13.index(text)}] holds {text} unquoted (line 13)" in (
            found
        )
    assert "SourceArn[0] holds 123456789012345678901 unquoted (line 14): a number of more" in found
    assert "holds .inf unquoted (line 14): YAML 1.1 makes it infinity" in found
    assert "holds .nan unquoted (line 14)" in found
    assert "holds yes unquoted (line 15): YAML 1.1, as CloudFormation reads it, makes it" in found
    assert "write true, or quote it ('yes')" in found
    assert "statement 1: Condition.Bool.aws:ViaAWSService holds off unquoted (line 19)" in found
    assert "holds y unquoted" not in found  # y is text to cfn-lint and SnakeYAML
    assert "holds the number" not in out
    assert "10 error(s)" in out

    explained = _ran(
        runner, "explain", template, "--role", "Scalars", "--principal", "lambda.amazonaws.com"
    )
    assert not explained.startswith("ALLOWED")
    assert "012345678901 unquoted (line 13)" in explained
    access = _ran(runner, "access", template, codes=(0, 1))
    assert "external" not in access.splitlines()[0]


# -- short forms ----------------------------------------------------------------------

SHORT = """Parameters:
  Env: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Either: !Or [!Condition IsProd, !Condition IsDev]
  Both: !And [!Condition IsProd, !Condition Either]
Mappings:
  Accounts:
    tooling: {Id: "222222222222"}
Resources:
  Caller:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: 2012-10-17
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
  Target:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Principal:
              AWS:
                - !GetAtt Caller.Arn
                - !Sub "arn:aws:iam::${AWS::AccountId}:role/ci"
                - !Join [":", ["arn:aws:iam:", !FindInMap [Accounts, tooling, Id], "root"]]
                - !Select [0, !Split [",", "arn:aws:iam::333333333333:role/ops,x"]]
                - !If [IsProd, "arn:aws:iam::444444444444:root", !Ref AWS::NoValue]
                - !ImportValue SharedAccountRoot
                - !Ref Env
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                aws:RequestedRegion: !Select [0, !GetAZs ""]
                aws:SourceIp: !Select [0, !Cidr ["10.0.0.0/16", 2, 8]]
                aws:PrincipalTag/team: !Base64 ops
                aws:PrincipalTag/size: !Select [!Length [a, b], [x, y, z]]
      Policies:
        - PolicyName: Json
          PolicyDocument: !ToJsonString
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: "s3:GetObject", Resource: "*"}
        - PolicyName: Included
          PolicyDocument: !Transform {Name: "AWS::Include", Parameters: {Location: "s3://b/p.yaml"}}
"""


def _trust(statement_extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", **statement_extra, "Action": "sts:AssumeRole"}],
    }


def _long_form() -> dict[str, Any]:
    """SHORT with every function in its long form, written as JSON."""
    ref_env = {"Ref": "Env"}
    target_trust = _trust(
        {
            "Principal": {
                "AWS": [
                    {"Fn::GetAtt": ["Caller", "Arn"]},
                    {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/ci"},
                    {
                        "Fn::Join": [
                            ":",
                            [
                                "arn:aws:iam:",
                                {"Fn::FindInMap": ["Accounts", "tooling", "Id"]},
                                "root",
                            ],
                        ]
                    },
                    {
                        "Fn::Select": [
                            0,
                            {"Fn::Split": [",", "arn:aws:iam::333333333333:role/ops,x"]},
                        ]
                    },
                    {
                        "Fn::If": [
                            "IsProd",
                            "arn:aws:iam::444444444444:root",
                            {"Ref": "AWS::NoValue"},
                        ]
                    },
                    {"Fn::ImportValue": "SharedAccountRoot"},
                    ref_env,
                ]
            }
        }
    )
    target_trust["Statement"][0]["Condition"] = {
        "StringEquals": {
            "aws:RequestedRegion": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
            "aws:SourceIp": {"Fn::Select": [0, {"Fn::Cidr": ["10.0.0.0/16", 2, 8]}]},
            "aws:PrincipalTag/team": {"Fn::Base64": "ops"},
            "aws:PrincipalTag/size": {"Fn::Select": [{"Fn::Length": ["a", "b"]}, ["x", "y", "z"]]},
        }
    }
    return {
        "Parameters": {"Env": {"Type": "String"}},
        "Conditions": {
            "IsProd": {"Fn::Equals": [ref_env, "prod"]},
            "IsDev": {"Fn::Not": [{"Condition": "IsProd"}]},
            "Either": {"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "IsDev"}]},
            "Both": {"Fn::And": [{"Condition": "IsProd"}, {"Condition": "Either"}]},
        },
        "Mappings": {"Accounts": {"tooling": {"Id": "222222222222"}}},
        "Resources": {
            "Caller": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": _trust(
                        {"Principal": {"Service": "lambda.amazonaws.com"}}
                    )
                },
            },
            "Target": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": target_trust,
                    "Policies": [
                        {
                            "PolicyName": "Json",
                            "PolicyDocument": {
                                "Fn::ToJsonString": {
                                    "Version": "2012-10-17",
                                    "Statement": [
                                        {
                                            "Effect": "Allow",
                                            "Action": "s3:GetObject",
                                            "Resource": "*",
                                        }
                                    ],
                                }
                            },
                        },
                        {
                            "PolicyName": "Included",
                            "PolicyDocument": {
                                "Fn::Transform": {
                                    "Name": "AWS::Include",
                                    "Parameters": {"Location": "s3://b/p.yaml"},
                                }
                            },
                        },
                    ],
                },
            },
        },
    }


@pytest.fixture
def short_and_long(tmp_path: Path) -> tuple[Path, Path]:
    short = _write(tmp_path / "short", "t.yaml", SHORT)
    long = _write(tmp_path / "long", "t.json", json.dumps(_long_form(), indent=1))
    return short, long


def test_every_short_form_is_loaded_as_its_long_form(short_and_long: tuple[Path, Path]) -> None:
    from cdk_iam_roles.cfn_files import parse_template_file

    short, long = short_and_long
    assert parse_template_file(short) == json.loads(long.read_text(encoding="utf-8"))


COMMANDS = [
    ["check"],
    ["check", "--format", "json"],
    ["catalog", "--format", "json"],
    ["access"],
    ["explain", "--role", "Target", "--principal", "arn:aws:iam::222222222222:role/x"],
    ["explain", "--role", "Target", "--principal", "arn:aws:iam::333333333333:role/ops"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_answers_the_short_forms_as_the_long_forms(
    command: list[str], short_and_long: tuple[Path, Path], runner: ForkRunner
) -> None:
    short, long = short_and_long
    answers = []
    for path in (short, long):
        outcome = runner.run([command[0], str(path), *command[1:]])
        assert outcome.code in (0, 1), outcome
        answers.append(outcome.stdout.replace(str(path), "PATH"))
    assert answers[0] == answers[1]


def test_the_short_forms_reach_the_commands_as_intrinsics(
    short_and_long: tuple[Path, Path], runner: ForkRunner
) -> None:
    short, long = short_and_long
    out = _ran(runner, "check", str(short))
    # Resolved offline: the mapping's account, and the If branch naming 444444444444.
    assert "trusts the whole account 222222222222, 444444444444" in out
    # Unknown offline, each named by its function or value.
    for unknown in ("{GetAtt Caller.Arn}", "Fn::Sub over AWS::AccountId", "Fn::ImportValue"):
        assert unknown in out
    assert "parameter Env" in out
    assert "'Included' could not be checked: Fn::Transform" in out
    explained = _ran(
        runner, "explain", str(short), "--role", "Target", "--principal", "arn:aws:iam::1:role/x"
    )
    for unknown in ("Fn::Base64", "Fn::Select with an unknown index", "Fn::Select over an"):
        assert unknown in explained
    assert (
        _ran(runner, "diff", str(short), str(long))
        .splitlines()[-1]
        .startswith("2 roles: 0 with new access")
    )


# -- refused in one line -------------------------------------------------------------

REFUSED = {
    "unknown short form": (
        OCTAL_TRUST.replace("ACCOUNT", "!Tag x"),
        "uses the YAML tag !Tag, which is not a CloudFormation intrinsic function (its short "
        "forms are !Ref, !GetAtt, !Sub ...) (line 9)",
    ),
    "python object": (
        OCTAL_TRUST.replace("ACCOUNT", "!!python/object:os.system x"),
        "uses the YAML tag !!python/object:os.system, which CloudFormation does not support "
        "(line 9)",
    ),
    "duplicate statement key": (
        OCTAL_TRUST.replace("{AWS: ACCOUNT}", "{AWS: '*'}").replace(
            "            Action: sts:AssumeRole\n",
            "            Action: sts:AssumeRole\n            Effect: Deny\n",
        ),
        "the key 'Effect' appears twice in one mapping (first on line 8); CloudFormation's "
        "behaviour is then undefined and cfn-lint refuses it: keep one (line 11)",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
@pytest.mark.parametrize(
    "command",
    [["check"], ["catalog"], ["access"], ["explain", "--role", "Deploy", "--principal", CALLER]],
    ids=lambda c: c[0],
)
def test_refused_in_one_line(
    case: str, command: list[str], tmp_path: Path, runner: ForkRunner
) -> None:
    text, says = REFUSED[case]
    path = _write(tmp_path, "t.yaml", text)
    outcome = runner.run([command[0], str(path), *command[1:]])
    assert outcome.code == 2
    assert outcome.stdout == ""
    assert outcome.stderr == f"cdk-iam-roles: {path}: {says}\n"


def test_diff_refuses_a_duplicate_key_in_either_side(tmp_path: Path, runner: ForkRunner) -> None:
    good = _write(tmp_path / "good", "t.json", json.dumps({"Resources": {}}))
    text = '{"Resources": {}, "Outputs": {"A": {"Value": "x"}, "A": {"Value": "y"}}}'
    twice = _write(tmp_path / "bad", "t.json", text)
    for argv in (["diff", str(good), str(twice)], ["diff", str(twice), str(good)]):
        outcome = runner.run(argv)
        assert outcome.code == 2
        assert re.fullmatch(
            r"cdk-iam-roles: \S+t\.json: the key 'A' appears twice in one JSON object; .*\n",
            outcome.stderr,
        )
