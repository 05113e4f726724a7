"""A corpus of hand-written templates in every form CloudFormation accepts.

GIVEN each template of this folder (JSON strings, YAML short forms, ``Fn::Sub`` and
``Fn::Join`` documents, ``Fn::If`` and ``Fn::FindInMap``, SAM-style transforms,
malformed documents), WHEN the rules read it, THEN the findings are exactly the reviewed
ones below (no rule fails, nothing passes unread), and every command reads it without a
traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cdk_iam_roles.cfn import load_stacks
from cdk_iam_roles.cli import main
from cdk_iam_roles.rules import Severity, check_stacks

HERE = Path(__file__).parent
FILES = sorted(p for p in HERE.iterdir() if p.suffix in (".json", ".yaml"))

# Reviewed: (rule ID, logical ID) of every error and warning on each template.
EXPECTED: dict[str, set[tuple[str, str]]] = {
    "conditions_and_mappings.yaml": {
        # the support statement exists only when AllowSupport is true: still found
        ("IAMR-TRUST-001", "DeployRole"),
        # the Step Functions branch of the switched trust, read although it is the
        # "false" branch
        ("IAMR-DEPUTY-001", "SwitchedTrust"),
    },
    "json_string_documents.json": {("IAMR-TRUST-001", "OpenToAnyone")},
    "malformed_documents.yaml": {
        ("IAMR-DOC-001", "NoTrust"),
        ("IAMR-DOC-001", "NoProperties"),
        ("IAMR-DOC-003", "StatementNumber"),
        ("IAMR-DOC-003", "EmptyStatements"),
        ("IAMR-DOC-003", "PrincipalList"),
        ("IAMR-DOC-003", "BrokenJson"),
        ("IAMR-DOC-003", "ConditionText"),
        # a resource whose Type is a list is skipped by every rule, and named here
        ("IAMR-DOC-008", "OddType"),
    },
    # each part whose roles nobody reads is named: the loop, the resource whose Type is
    # not a string, the nested stack and the StackSet (the role beside them is read and
    # clean)
    "parts_not_read.yaml": {
        ("IAMR-DOC-006", "Fn::ForEach::Workers"),
        ("IAMR-DOC-007", "Network"),
        ("IAMR-DOC-008", "Shared"),
        ("IAMR-SET-009", "Baseline"),
    },
    "references_to_own_resources.yaml": set(),
    "resource_policies.yaml": set(),
    "sam_and_extensions.yaml": {("IAMR-DOC-006", "Transform")},
    "sub_and_join_documents.yaml": {("IAMR-DOC-002", "FromParameter")},
}


def test_every_corpus_file_has_reviewed_expectations() -> None:
    assert sorted(EXPECTED) == [p.name for p in FILES]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_findings_are_the_reviewed_ones(path: Path) -> None:
    findings = check_stacks(load_stacks(path))
    assert not [f for f in findings if "could not check" in f.message], findings
    found = {(f.rule_id, f.logical_id) for f in findings if f.severity is not Severity.INFO}
    assert found == EXPECTED[path.name]


def _roles(path: Path) -> list[str]:
    return [
        logical_id
        for stack in load_stacks(path)
        for logical_id, _ in stack.resources_of_type("AWS::IAM::Role")
    ]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_command_reads_it(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runs = [["check", str(path), "--format", f] for f in ("text", "json", "sarif")]
    runs += [["catalog", str(path), "--format", f] for f in ("md", "json", "html", "mermaid")]
    runs += [["profiles", str(path)]]
    for role in _roles(path):
        for principal in ("arn:aws:iam::999999999999:role/outsider", "lambda.amazonaws.com"):
            runs.append(["explain", str(path), "--role", role, "--principal", principal])
    for argv in runs:
        code = main(argv)
        out, err = capsys.readouterr()
        assert code in (0, 1), (argv, err)
        assert "Traceback" not in out + err
        if "json" in argv:
            json.loads(out)
