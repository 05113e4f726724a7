"""Parts of HEAD nobody read are their own list in the diff report, never a role.

GIVEN a HEAD template with a part no reader sees (a SAM transform, a nested stack whose
template is elsewhere), WHEN ``diff`` compares it with a BASE without that part, THEN
the JSON report lists the part under ``unread`` (its path, the rule that says it was not
read, why, and ``changed``) and not under ``roles``; the verdict is undecided (exit 1);
the text, Markdown and SARIF outputs name the part;
WHEN BASE holds the very same part, THEN it is listed as ``unchanged`` and the diff
passes (exit 0) when nothing else changed; when the app acknowledges it, likewise (with
the app's reason).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from diff_templates import role_template

from cdk_iam_roles.analysis.symbolic import DiffReport, UnreadPart
from cdk_iam_roles.analysis.symbolic._render import render_text
from cdk_iam_roles.cli import main
from sarif_schema import errors_of

LAMBDA = {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}}
TRUST = [{**LAMBDA, "Action": "sts:AssumeRole"}]


def _head(**extra: Any) -> dict[str, Any]:
    template = role_template(TRUST)
    template["Resources"]["Network"] = {
        "Type": "AWS::CloudFormation::Stack",
        "Properties": {"TemplateURL": "https://example-bucket.s3.amazonaws.com/network.yaml"},
    }
    template.update(extra)
    return template


def _write(folder: Path, name: str, template: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(json.dumps(template), encoding="utf-8")
    return path


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().out


def test_a_new_part_not_read_is_listed_apart_and_undecided(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _write(tmp_path, "main.template.json", role_template(TRUST))
    head = _write(tmp_path, "branch.template.json", _head())
    code, out = _run(["diff", str(base), str(head), "--format", "json"], capsys)
    report = json.loads(out)
    assert code == 1
    assert [r["logical_id"] for r in report["roles"]] == ["DeployRole1A2B3C4D"]
    assert report["roles"][0]["change"] == "unchanged"
    (part,) = report["unread"]
    assert part["path"] == "main.template/Network"
    assert part["rule_id"] == "IAMR-DOC-007"
    assert part["change"] == "changed"
    assert part["verdict"] == "unknown"
    assert "nested stack" in part["reason"]
    assert part["acknowledged"] is None
    assert "{not-read}" not in out
    code, text = _run(["diff", str(base), str(head)], capsys)
    assert code == 1
    assert "main.template/Network (in main.template): not read, changed" in text
    assert text.rstrip().endswith("1 part(s) not read, 1 undecided")
    code, markdown = _run(["diff", str(base), str(head), "--format", "md"], capsys)
    assert "**No new access**" not in markdown
    assert "- `main.template/Network` (changed): not read (IAMR-DOC-007)" in markdown
    code, sarif = _run(["diff", str(base), str(head), "--format", "sarif"], capsys)
    log = json.loads(sarif)
    assert errors_of(log) == []
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "IAMR-DIFF-003"
    assert (
        result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
        == "main.template/Network"
    )


def test_a_part_not_read_as_in_base_is_listed_and_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _write(tmp_path, "main.template.json", _head())
    head = _write(tmp_path, "branch.template.json", _head())
    code, out = _run(["diff", str(base), str(head), "--format", "json"], capsys)
    report = json.loads(out)
    assert code == 0
    assert [(u["path"], u["change"], u["verdict"]) for u in report["unread"]] == [
        ("main.template/Network", "unchanged", "no-new-access")
    ]
    code, markdown = _run(["diff", str(base), str(head), "--format", "md"], capsys)
    assert "**No new access**" in markdown
    assert "Not read, as in BASE (1)" in markdown
    # a transform rewrites the whole template: a change anywhere in it is undecided
    wider = _head(Transform="AWS::Serverless-2016-10-31")
    narrower = json.loads(json.dumps(wider))
    base = _write(tmp_path, "main.template.json", narrower)
    wider["Resources"]["Topic"] = {"Type": "AWS::SNS::Topic"}
    head = _write(tmp_path, "branch.template.json", wider)
    code, out = _run(["diff", str(base), str(head), "--format", "json"], capsys)
    changes = {u["rule_id"]: u["change"] for u in json.loads(out)["unread"]}
    assert changes == {"IAMR-DOC-006": "changed", "IAMR-DOC-007": "unchanged"}
    assert code == 1


def test_a_part_the_app_acknowledges_is_decided_by_its_reason() -> None:
    part = UnreadPart(
        "S", "S/Transform", "Transform", "IAMR-DOC-006", "a transform", "changed", "checked"
    )
    report = DiffReport(unread=[part])
    assert (part.undecided, report.exit_code) == (False, 0)
    assert report.to_dict()["unread"][0]["verdict"] == "no-new-access"
    assert "acknowledged in the app: checked" in render_text(report)
    report.unread.append(UnreadPart("S", "S/Net", "Net", "IAMR-DOC-007", "a stack", "added"))
    assert report.exit_code == 1
