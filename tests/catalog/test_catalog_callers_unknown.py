"""Fail closed: a role whose callers are unknown offline is never taken for a service role.

GIVEN a role whose trust names a principal known only at deployment (``!ImportValue``,
``!Ref`` a parameter), whose trust (or a statement of it) cannot be read, or whose actions
are unknown, WHEN the catalog is built and rendered, THEN the role is shown as "who can
assume it is unknown offline" in every format, is counted apart in the summary ("1 role
whose callers are unknown offline"), is not human-assumable yet is rated at least high,
never ``normal``; a role only services can assume stays ``normal``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from catalog_checks import PageReader, schema_errors
from raw_templates import ACCOUNT, REGION, role, stmt

from cdk_iam_roles.catalog import build_catalog, render
from cdk_iam_roles.catalog.model import Catalog, RoleEntry
from cdk_iam_roles.catalog.risk import risk_of
from cdk_iam_roles.cfn import StackTemplate
from cdk_iam_roles.cli import main

PARAMETERS = {name: {"Type": "String"} for name in ("CallerArn", "TrustParam", "Statements", "Act")}


def catalog_of(**resources: dict[str, Any]) -> Catalog:
    template = {"Parameters": PARAMETERS, "Resources": resources}
    stack = StackTemplate.from_template(template, name="S", account=ACCOUNT, region=REGION)
    return build_catalog([stack])


def entry_of(resource: dict[str, Any]) -> RoleEntry:
    (entry,) = catalog_of(R=resource).roles
    return entry


IMPORTED = role(stmt({"AWS": {"Fn::ImportValue": "Other-RoleArn"}}), RoleName="imported")
SERVICE = role(stmt({"Service": "lambda.amazonaws.com"}), RoleName="service")


@pytest.mark.parametrize(
    ("principal", "words"),
    [
        (
            {"AWS": {"Fn::ImportValue": "Other-RoleArn"}},
            "AWS principal unknown offline (Fn::ImportValue)",
        ),
        ({"AWS": {"Ref": "CallerArn"}}, "AWS principal unknown offline (parameter CallerArn)"),
        ({"AWS": ["arn:aws:iam::111111111111:role/ci", {"Ref": "CallerArn"}]}, None),
        ({"Ref": "CallerArn"}, "principal unknown offline (parameter CallerArn)"),
    ],
)
def test_a_principal_known_only_at_deployment_makes_the_callers_unknown(
    principal: Any, words: str | None
) -> None:
    entry = entry_of(role(stmt(principal), RoleName="r"))
    assert entry.callers_unknown
    unknown = [a for a in entry.assumers if a.unknown_offline]
    assert len(unknown) == 1
    assert not unknown[0].human
    if words is not None:
        assert unknown[0].words == words
        assert not entry.human_assumable
    risk = risk_of(entry)
    assert risk.level in ("critical", "high")
    assert "who can assume it is unknown offline" in risk.reasons


def test_a_service_role_stays_normal_and_known() -> None:
    entry = entry_of(SERVICE)
    assert not entry.callers_unknown
    assert risk_of(entry).level == "normal"
    # A service known only at deployment is still only a service.
    unknown_service = entry_of(role(stmt({"Service": {"Ref": "CallerArn"}})))
    assert not unknown_service.callers_unknown
    assert not unknown_service.human_assumable


@pytest.mark.parametrize(
    ("trust", "unknown"),
    [
        ({"Ref": "TrustParam"}, "unknown (parameter TrustParam)"),
        (
            {"Version": "2012-10-17", "Statement": {"Ref": "Statements"}},
            "unknown (parameter Statements)",
        ),
        (
            {"Version": "2012-10-17", "Statement": [{"Ref": "Statements"}]},
            "statement 0: unknown (parameter Statements)",
        ),
        (None, "unknown (no trust policy)"),
    ],
)
def test_a_trust_that_cannot_be_read_makes_the_callers_unknown(trust: Any, unknown: str) -> None:
    properties: dict[str, Any] = {"RoleName": "r"}
    if trust is not None:
        properties["AssumeRolePolicyDocument"] = trust
    entry = entry_of({"Type": "AWS::IAM::Role", "Properties": properties})
    assert entry.trust_unknown == unknown
    assert entry.callers_unknown
    assert not entry.human_assumable
    risk = risk_of(entry)
    assert risk.level == "critical"
    assert risk.reasons[0] == "its trust policy could not be read"


def test_unknown_actions_of_a_person_make_the_callers_unknown() -> None:
    entry = entry_of(role(stmt({"AWS": "222222222222"}, {"Ref": "Act"}), RoleName="r"))
    assert not entry.human_assumable
    assert entry.callers_unknown
    assert entry.assumers[0].unknown_offline
    # Known actions that include sts:AssumeRole: human, and known.
    known = entry_of(role(stmt({"AWS": "222222222222"}, ["sts:AssumeRole", {"Ref": "Act"}])))
    assert known.human_assumable
    assert not known.callers_unknown


def test_an_unknown_federated_provider_may_be_saml_sign_in() -> None:
    saml = entry_of(role(stmt({"Federated": {"Ref": "CallerArn"}}, "sts:AssumeRoleWithSAML")))
    assert saml.callers_unknown
    assert saml.assumers[0].words == "federated provider unknown offline (parameter CallerArn)"
    web = entry_of(role(stmt({"Federated": {"Ref": "CallerArn"}}, "sts:AssumeRoleWithWebIdentity")))
    assert not web.callers_unknown
    assert web.assumers[0].kind == "oidc"


def test_a_role_trusted_by_a_role_whose_callers_are_unknown_stays_human() -> None:
    catalog = catalog_of(
        Imported=IMPORTED,
        Next=role(stmt({"AWS": {"Fn::GetAtt": ["Imported", "Arn"]}}), RoleName="next"),
    )
    roles = {r.logical_id: r for r in catalog.roles}
    assert roles["Next"].human_assumable
    assert not roles["Next"].assumers[0].service_chain


def test_every_format_says_who_can_assume_it_is_unknown(tmp_path: Path) -> None:
    catalog = catalog_of(
        Imported=IMPORTED,
        Service=SERVICE,
        Person=role(stmt({"AWS": "222222222222"}), RoleName="person"),
    )
    assert [r.role_name for r in catalog.callers_unknown] == ["imported"]
    summary = render(catalog, "summary").splitlines()
    assert summary[0].startswith(
        "IAM role catalog: 3 roles in 1 stack, 1 human-assumable, "
        "1 role whose callers are unknown offline; findings: "
    )
    start = summary.index("Roles whose callers are unknown offline (people may assume them):")
    assert summary[start + 1] == "  S/imported: AWS principal unknown offline (Fn::ImportValue)"

    markdown = render(catalog, "md")
    assert "1 human-assumable, 1 role whose callers are unknown offline; findings:" in markdown
    section = markdown.split("## Roles whose callers are unknown offline\n", 1)[1].split("\n## ")[0]
    assert (
        "- **imported** (S, risk high: who can assume it is unknown offline): "
        "AWS principal unknown offline (Fn::ImportValue)"
    ) in section
    assert "service" not in section
    row = next(line for line in markdown.splitlines() if line.startswith("| **imported**"))
    assert "who can assume it is unknown offline<br>AWS principal unknown offline" in row

    data = json.loads(render(catalog, "json"))
    assert schema_errors(data) == []
    assert (data["summary"]["human_assumable"], data["summary"]["callers_unknown"]) == (1, 1)
    by_name = {r["role_name"]: r for r in data["stacks"][0]["roles"]}
    assert by_name["imported"]["callers_unknown"] is True
    assert by_name["imported"]["human_assumable"] is False
    assert by_name["imported"]["assumers"][0]["unknown_offline"] is True
    assert by_name["service"]["callers_unknown"] is False
    assert by_name["person"]["assumers"][0]["unknown_offline"] is False

    page = PageReader()
    page.feed(render(catalog, "html"))
    text = " ".join(page.text)
    assert "callers unknown offline" in text
    assert "Who can assume is unknown offline" in text
    assert "who can assume it is unknown offline" in text


def test_the_command_reads_yaml_short_forms(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "legacy.yaml"
    path.write_text(
        """\
Parameters:
  CallerArn: {Type: String}
  TrustParam: {Type: String}
Resources:
  Imported:
    Type: AWS::IAM::Role
    Properties:
      RoleName: imported
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: sts:AssumeRole
            Principal: {AWS: !ImportValue Other-RoleArn}
  Param:
    Type: AWS::IAM::Role
    Properties:
      RoleName: param
      AssumeRolePolicyDocument: !Sub >-
        {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
        "Principal": {"AWS": "${CallerArn}"}}]}
  Unread:
    Type: AWS::IAM::Role
    Properties:
      RoleName: unread
      AssumeRolePolicyDocument: !Ref TrustParam
  Service:
    Type: AWS::IAM::Role
    Properties:
      RoleName: service
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Action: sts:AssumeRole, Principal: {Service: lambda.amazonaws.com}}
""",
        encoding="utf-8",
    )
    assert main(["catalog", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert schema_errors(data) == []
    assert (data["summary"]["human_assumable"], data["summary"]["callers_unknown"]) == (0, 3)
    unknown = {r["role_name"]: r["callers_unknown"] for r in data["stacks"][0]["roles"]}
    assert unknown == {"imported": True, "param": True, "unread": True, "service": False}
    assert main(["catalog", str(path), "--format", "summary"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert "0 human-assumable, 3 roles whose callers are unknown offline" in first
