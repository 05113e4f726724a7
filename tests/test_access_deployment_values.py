"""``access`` on trust policies that hold values known only at deployment.

GIVEN a template with no environment (a bare template, as the CDK bootstrap template is)
whose roles trust ``!Ref AWS::AccountId`` or ``!Sub arn:${AWS::Partition}:iam::
${AWS::AccountId}:root``, WHEN ``access`` judges them, THEN they are ``internal``, as when
``--account`` names the account: the pseudo parameter is the account the stack is
deployed in, the role's own, which is inside the zone of trust; a trust that also names
another account is ``external`` with that account as witness (never the stand-in for the
own account);
GIVEN a role whose trust depends on a parameter or an import, WHEN ``access`` cannot
decide it, THEN every format says in words which element depends on which value, in
access's own terms (a caller outside the zone of trust), never in diff's ("HEAD", "BASE")
and never as a Python representation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cdk_iam_roles.cli import main

OWN_SUB = "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"


def _role(principal: str, condition: str = "") -> str:
    return f"""\
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {principal}
            Action: sts:AssumeRole
{condition}"""


OWN_ACCOUNT_ONLY = """\
            Condition:
              StringEquals:
                aws:PrincipalAccount: !Ref AWS::AccountId
"""
BOOTSTRAP_LIKE = f"""\
Parameters:
  TrustedAccounts: {{Type: CommaDelimitedList, Default: ""}}
Resources:
  FilePublishingRole:
{_role("{AWS: !Ref AWS::AccountId}")}
  LookupRole:
{_role("{AWS: !Sub '" + OWN_SUB + "'}")}
  AnyoneOfTheAccount:
{_role("'*'", OWN_ACCOUNT_ONLY)}
"""


def _run(path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    code = main(["access", str(path), *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_the_stacks_own_account_is_inside_the_zone_without_an_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bootstrap.yaml"
    path.write_text(BOOTSTRAP_LIKE, encoding="utf-8")
    code, report = _run(path, capsys)
    assert {r["logical_id"]: r["access"] for r in report["roles"]} == {
        "FilePublishingRole": "internal",
        "LookupRole": "internal",
        "AnyoneOfTheAccount": "internal",
    }
    assert code == 0
    # the same answers as when the account is named
    named_code, named = _run(path, capsys, "--account", "111111111111", "--region", "eu-west-1")
    assert named_code == 0
    assert [r["access"] for r in named["roles"]] == [r["access"] for r in report["roles"]]


def test_another_account_beside_the_own_one_is_the_witness(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 000000000000 is named by the policy: the stand-in for the own account must differ.
    principal = "{AWS: [!Ref AWS::AccountId, 'arn:aws:iam::000000000000:root']}"
    path = tmp_path / "app.yaml"
    path.write_text(f"Resources:\n  Shared:\n{_role(principal)}", encoding="utf-8")
    code, report = _run(path, capsys)
    (role,) = report["roles"]
    assert (code, role["access"]) == (1, "external")
    assert ":000000000000:" in role["witness"]["principal"]
    code, report = _run(path, capsys, "--trusted-account", "000000000000")
    assert (code, report["roles"][0]["access"]) == (0, "internal")


def test_the_own_account_of_a_parameter_is_still_unknown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Only AWS::AccountId is the own account; a parameter may name any account.
    principal = "{AWS: !Sub 'arn:aws:iam::${AWS::AccountId}:role/${RoleName}'}"
    text = "Parameters:\n  RoleName: {Type: String}\nResources:\n  R:\n" + _role(principal)
    path = tmp_path / "app.yaml"
    path.write_text(text, encoding="utf-8")
    code, report = _run(path, capsys)
    assert (code, report["roles"][0]["access"]) == (1, "unknown")


UNDECIDED = f"""\
Parameters:
  TrustedAccount: {{Type: String}}
Resources:
  FromParameter:
{_role("{AWS: !Sub 'arn:aws:iam::${TrustedAccount}:root'}")}
  FromImport:
{_role("{AWS: !ImportValue Shared-CallerArn}")}
"""


@pytest.mark.parametrize("output", ["text", "json", "sarif"])
def test_an_undecided_role_names_the_element_and_the_value_in_words(
    output: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "app.yaml"
    path.write_text(UNDECIDED, encoding="utf-8")
    assert main(["access", str(path), "--format", output]) == 1
    out = capsys.readouterr().out
    lead = "a caller outside the zone of trust may be able to assume it, but "
    assert lead + "the Principal (AWS) depends on parameter TrustedAccount" in out
    assert lead + "the Principal (AWS) depends on import Shared-CallerArn" in out
    for words in ("HEAD", "BASE", "<unknown", "{'", "[{"):
        assert words not in out, words


def test_federated_trusts_name_their_deployment_values_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    provider = "arn:aws:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com"
    condition = (
        "            Condition:\n"
        "              StringLike:\n"
        "                token.actions.githubusercontent.com:sub: !Sub 'repo:acme/${Repo}:*'\n"
    )
    text = (
        "Parameters:\n  Repo: {Type: String}\n  Provider: {Type: String}\nResources:\n"
        f"  Ci:\n{_role('{Federated: !Sub ' + repr(provider) + '}', condition)}"
        f"  Sso:\n{_role('{Federated: !Ref Provider}')}"
    )
    path = tmp_path / "app.yaml"
    path.write_text(text, encoding="utf-8")
    code, report = _run(path, capsys)
    federated = {r["logical_id"]: r["federated"] for r in report["roles"]}
    assert federated == {
        "Ci": ["token.actions.githubusercontent.com: sub StringLike (parameter Repo)"],
        "Sso": ["a provider that depends on parameter Provider"],
    }
    assert code == 1
