"""Every command gives the same answer whether a policy is a JSON object or JSON text.

GIVEN a template (the corpus, and one synthesized with the real CDK from every pattern)
and the same template with every policy document rewritten as JSON text (a string, or an
``Fn::Join`` of text and intrinsics), WHEN ``check``, ``catalog``, ``profiles`` and
``explain`` run on both, THEN their outputs are identical.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import aws_iam as iam
from forms import stringify_documents

import helpers
from cdk_iam_roles import (
    CrossAccountRole,
    ElevatedUserRole,
    FederatedRole,
    GitHubActions,
    ServiceRole,
    WebIdentityRole,
)
from cdk_iam_roles.cfn import load_template
from cdk_iam_roles.cli import main

CORPUS = sorted(
    p for p in (Path(__file__).parent.parent / "corpus").iterdir() if p.suffix in (".json", ".yaml")
)
PRINCIPALS = (
    "arn:aws:iam::999999999999:role/outsider",
    "arn:aws:iam::222222222222:role/pipeline",
    "arn:aws:iam::111111111111:user/alice",
    "lambda.amazonaws.com",
)


def _synthesized() -> dict[str, Any]:
    stack = helpers.new_stack("Forms")
    ServiceRole(stack, "Fn", service="lambda.amazonaws.com").add_to_policy(
        iam.PolicyStatement(actions=["s3:GetObject"], resources=["arn:aws:s3:::b/*"])
    )
    CrossAccountRole(
        stack,
        "Deploy",
        trusted_principals=["arn:aws:iam::222222222222:role/pipeline"],
        external_ids=["vendor-1234"],
    )
    WebIdentityRole(
        stack, "Gh", identity=GitHubActions(owner="acme", repo="app", branches=["main"])
    )
    FederatedRole(stack, "Saml", saml_provider="arn:aws:iam::111111111111:saml-provider/Corp")
    ElevatedUserRole(
        stack, "Admin", trusted_users=["arn:aws:iam::111111111111:user/alice"]
    ).add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name("ReadOnlyAccess"))
    return helpers.synth(stack)


def _templates() -> list[tuple[str, dict[str, Any]]]:
    out = [(p.stem, dict(load_template(p).template)) for p in CORPUS]
    out.append(("synthesized", _synthesized()))
    return out


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("name", "template"), _templates(), ids=lambda v: str(v)[:30])
def test_object_and_text_forms_give_the_same_answers(
    name: str, template: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text_form = stringify_documents(template)
    already_text = {"json_string_documents", "sam_and_extensions", "sub_and_join_documents"}
    assert (text_form != template) is (name not in already_text)
    files = []
    for folder, tpl in (("object", template), ("text", text_form)):
        (tmp_path / folder).mkdir()
        path = tmp_path / folder / f"{name}.json"
        path.write_text(json.dumps(tpl, default=str), encoding="utf-8")
        files.append(path)
    roles = [
        logical_id
        for logical_id, resource in template["Resources"].items()
        if isinstance(resource, dict) and resource.get("Type") == "AWS::IAM::Role"
    ]
    commands = [
        ["check", "{}", "--format", "json"],
        ["catalog", "{}", "--format", "json"],
        ["profiles", "{}"],
    ]
    for role in roles:
        for principal in PRINCIPALS:
            commands.append(
                ["explain", "{}", "--role", role, "--principal", principal, "--format", "json"]
            )
    for command in commands:
        answers = []
        for path in files:
            argv = [str(path) if a == "{}" else a for a in command]
            code, out, err = _run(argv, capsys)
            answers.append((code, out.replace(str(path), "PATH"), err.replace(str(path), "PATH")))
        assert answers[0] == answers[1], command
