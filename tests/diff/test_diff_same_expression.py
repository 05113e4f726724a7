"""Values known only at deployment: the same expression is the same value, another is not.

GIVEN two versions of a template whose policies hold a value known only at deployment
(a parameter, an import, an attribute of a resource the reader cannot name),
WHEN the same expression stands on both sides, THEN ``diff`` labels the role
``unchanged`` and proves no new access (the modelling assumption of docs/cli-diff.md:
the same expression takes the same value once deployed); an unreadable document that is
the same text on both sides changes nothing either;
WHEN the expression changes in a part that reads the same in words (the text of an
``Fn::Sub`` around one parameter, the name an ``Fn::ImportValue`` imports, the branch of
an ``Fn::If``, the mapping an ``Fn::FindInMap`` reads), THEN the verdict is never "no new
access": the role is ``changed`` and undecided (exit 1);
and every message names the element and the deployment value in words, never a Python
representation of them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cdk_iam_roles.cli import main

HEADER = """\
Parameters:
  Bucket: {Type: String}
  Env: {Type: String}
  TrustedAccount: {Type: String}
  TrustDoc: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Mappings:
  Buckets:
    prod: {Arn: "arn:aws:s3:::acme-prod/*"}
    dev: {Arn: "arn:aws:s3:::acme-dev/*"}
Resources:
  Logs:
    Type: AWS::Logs::LogGroup
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
"""


def _policy(resource: str, action: str = "s3:GetObject") -> str:
    return f"""\
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: {action}
                Resource: {resource}
"""


def _json_text(resource: str) -> str:
    return f"""\
      Policies:
        - PolicyName: p
          PolicyDocument: !Sub |
            {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
              "Action": "s3:GetObject", "Resource": "{resource}"}}]}}
"""


_UNREADABLE = (
    "      Policies:\n        - PolicyName: p\n          PolicyDocument: !ImportValue {name}\n"
)

# Each pair: BASE and HEAD differ only where an unknown's reason reads the same.
PAIRS = {
    "sub text": (
        _policy('!Sub "arn:aws:s3:::${Bucket}/public/*"'),
        _policy('!Sub "arn:aws:s3:::${Bucket}/*"'),
    ),
    "import name": (_policy("!ImportValue SmallBucketArn"), _policy("!ImportValue AllBuckets")),
    "join parts": (
        _policy('!Join ["", ["arn:aws:s3:::", !Ref Bucket, "/public/*"]]'),
        _policy('!Join ["", ["arn:aws:s3:::", !Ref Bucket, "/*"]]'),
    ),
    "if branch": (
        _policy('!If [IsProd, "arn:aws:s3:::acme-prod/*", !Ref Bucket]'),
        _policy('!If [IsProd, "*", !Ref Bucket]'),
    ),
    "json text over a parameter": (
        _json_text("arn:aws:s3:::${Bucket}/public/*"),
        _json_text("arn:aws:s3:::${Bucket}/*"),
    ),
    "managed policy import": (
        "      ManagedPolicyArns: [!ImportValue ReadOnlyPolicyArn]\n",
        "      ManagedPolicyArns: [!ImportValue AdminPolicyArn]\n",
    ),
    "unreadable document": (
        _UNREADABLE.format(name="PolicyA"),
        _UNREADABLE.format(name="PolicyB"),
    ),
}


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _diff(base: Path, head: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, Any]:
    code = main(["diff", str(base), str(head), "--format", "json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_a_changed_expression_that_reads_the_same_is_never_no_new_access(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before, after = PAIRS[name]
    base = _write(tmp_path, "main.template.yaml", HEADER + before)
    head = _write(tmp_path, "branch.template.yaml", HEADER + after)
    code, report = _diff(base, head, capsys)
    (role,) = report["roles"]
    assert code == 1, role
    assert role["change"] == "changed"
    assert role["permissions"]["verdict"] != "no-new-access", role


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_the_same_expression_on_both_sides_is_unchanged(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for text in PAIRS[name]:
        base = _write(tmp_path, "main.template.yaml", HEADER + text)
        head = _write(tmp_path, "branch.template.yaml", HEADER + text)
        code, report = _diff(base, head, capsys)
        (role,) = report["roles"]
        assert (code, role["change"]) == (0, "unchanged"), role
        assert role["permissions"]["reason"] == "proved: the permissions are unchanged"


def test_a_mapping_changed_under_an_unknown_key_is_never_no_new_access(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = HEADER + _policy("!FindInMap [Buckets, !Ref Env, Arn]")
    base = _write(tmp_path, "main.template.yaml", text)
    head = _write(tmp_path, "branch.template.yaml", text.replace("acme-dev/*", "*"))
    code, report = _diff(base, head, capsys)
    assert code == 1
    assert report["roles"][0]["permissions"]["verdict"] == "unknown"


def test_an_attribute_of_a_resource_without_a_name_is_the_same_on_both_sides(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The sweep's case: a log group whose ARN CloudFormation gives at deployment.
    text = HEADER + _policy("!GetAtt Logs.Arn", action="logs:PutLogEvents")
    path = _write(tmp_path, "app.yaml", text)
    code, report = _diff(path, path, capsys)
    assert (code, report["roles"][0]["change"]) == (0, "unchanged")


TRUSTS = {
    "a parameter": "      AssumeRolePolicyDocument: !Ref TrustDoc\n",
    "malformed JSON text": (
        '      AssumeRolePolicyDocument: \'{"Version": "2012-10-17", "Statement": [{\'\n'
    ),
}


def _trust_only(trust: str) -> str:
    head, _, _ = HEADER.partition("      AssumeRolePolicyDocument:")
    return head + trust


@pytest.mark.parametrize("name", sorted(TRUSTS))
def test_an_unreadable_trust_as_in_base_changes_nothing(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "app.yaml", _trust_only(TRUSTS[name]))
    code, report = _diff(path, path, capsys)
    (role,) = report["roles"]
    assert code == 0, role
    assert role["change"] == "unchanged"
    assert role["trust"]["verdict"] == "no-new-access"
    assert "the same as in BASE" in role["trust"]["reason"]


def test_a_changed_or_new_unreadable_trust_is_undecided(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _write(tmp_path, "main.template.yaml", _trust_only(TRUSTS["malformed JSON text"]))
    changed = TRUSTS["malformed JSON text"].replace("[{", "[{ ")
    head = _write(tmp_path, "branch.template.yaml", _trust_only(changed))
    code, report = _diff(base, head, capsys)
    assert (code, report["roles"][0]["trust"]["verdict"]) == (1, "unknown")
    assert "is malformed" in report["roles"][0]["trust"]["reason"]
    empty = _write(tmp_path, "empty.json", json.dumps({"Resources": {}}))
    code, report = _diff(empty, head, capsys)
    assert (code, report["roles"][0]["trust"]["verdict"]) == (1, "unknown")
    # a parameter in BASE, another parameter in HEAD: not the same document
    base = _write(tmp_path, "main.template.yaml", _trust_only(TRUSTS["a parameter"]))
    other = _trust_only(TRUSTS["a parameter"]).replace("!Ref TrustDoc", "!Ref Bucket")
    head = _write(tmp_path, "branch.template.yaml", other)
    code, report = _diff(base, head, capsys)
    assert (code, report["roles"][0]["trust"]["verdict"]) == (1, "unknown")


WORDED = {
    # HEAD adds a statement whose element depends on a deployment value
    "a principal from a parameter": (
        "          - Effect: Allow\n"
        "            Principal: {AWS: !Sub 'arn:aws:iam::${TrustedAccount}:root'}\n"
        "            Action: sts:AssumeRole\n",
        "the Principal (AWS) depends on parameter TrustedAccount",
    ),
    "a condition key from an import": (
        "          - Effect: Allow\n"
        "            Principal: {Service: events.amazonaws.com}\n"
        "            Action: sts:AssumeRole\n"
        "            Condition:\n"
        "              StringEquals: {aws:SourceAccount: !ImportValue AuditAccount}\n",
        "the condition key aws:SourceAccount (StringEquals) depends on import AuditAccount",
    ),
}


@pytest.mark.parametrize("name", sorted(WORDED))
@pytest.mark.parametrize("output", ["text", "json", "md", "sarif"])
def test_an_undecided_verdict_names_the_element_and_the_value_in_words(
    name: str, output: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    statement, words = WORDED[name]
    base = _write(tmp_path, "main.template.yaml", HEADER)
    head = _write(tmp_path, "branch.template.yaml", HEADER + statement)
    assert main(["diff", str(base), str(head), "--format", output]) == 1
    out = capsys.readouterr().out
    assert words in out
    assert "<unknown" not in out
    assert "{'" not in out
    assert "[{" not in out
