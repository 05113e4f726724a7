"""``check`` on a cdk.out honours the acknowledgments the app recorded, like the plugin.

One real CDK app (synthesized once per module) holds roles that trust anyone
(IAMR-TRUST-001, an error):

* ``Prod/S/Open``: acknowledged on the role itself;
* ``Prod/S/Team/Inner``: acknowledged on its parent ``Prod/S/Team`` (scope and below);
* ``Prod/S/OtherRule``: acknowledged for another rule only (still a finding);
* ``Prod/S/OtherPlugin``: acknowledged for another plugin's rule of the same name;
* ``Prod/S/Open2``: not acknowledged;
* ``Dev/T/OpenDev``: acknowledged on the stage ``Dev`` (above every stack: CDK records
  that only in its validation report).

A second app's only finding is acknowledged on the app itself (also only in the report).

The plugin's validation report and ``check``'s JSON must hold the same findings and the
same acknowledged set.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from constructs import Construct

from cdk_iam_roles import IamRolesPlugin
from cdk_iam_roles.cfn import load_stacks
from cdk_iam_roles.cli import main
from cdk_iam_roles.plugin import acknowledge, acknowledgment_id
from cdk_iam_roles.rules.acknowledgments import read_acknowledgments
from helpers import ENV

TRUST = "IAMR-TRUST-001"


def _app(outdir: Path) -> cdk.App:
    return cdk.App(
        outdir=str(outdir),
        analytics_reporting=False,
        context={"aws:cdk:disable-version-reporting": True},
    )


def _stack(scope: Construct, name: str) -> cdk.Stack:
    return cdk.Stack(
        scope,
        name,
        env=ENV,
        synthesizer=cdk.DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
    )


def _open(scope: Construct, name: str) -> iam.Role:
    return iam.Role(scope, name, assumed_by=iam.AnyPrincipal())


def _synth(app: cdk.App) -> None:
    cdk.Validations.of(app).add_plugins(IamRolesPlugin())
    failure = ""
    try:
        app.synth()
    except RuntimeError as exc:  # the unacknowledged error fails the synth, as it should
        failure = str(exc)
    assert failure in ("",) or "ValidationFailed" in failure


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app described in the module docstring, synthesized with the plugin."""
    out = tmp_path_factory.mktemp("mixed") / "cdk.out"
    app = _app(out)
    stack = _stack(cdk.Stage(app, "Prod"), "S")
    acknowledge(_open(stack, "Open"), TRUST, "public demo\nrole")
    team = Construct(stack, "Team")
    _open(team, "Inner")
    acknowledge(team, TRUST, "the team's sandbox")
    acknowledge(_open(stack, "OtherRule"), "IAMR-TRUST-002", "another rule")
    cdk.Validations.of(_open(stack, "OtherPlugin")).acknowledge(
        cdk.Acknowledgment(id=f"other-plugin::{TRUST}", reason="not ours")
    )
    _open(stack, "Open2")
    dev = cdk.Stage(app, "Dev")
    _open(_stack(dev, "T"), "OpenDev")
    cdk.Validations.of(dev).acknowledge(
        cdk.Acknowledgment(id=acknowledgment_id(TRUST), reason="stage-wide demo")
    )
    _synth(app)
    return out


@pytest.fixture(scope="module")
def all_acknowledged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An app whose only finding is acknowledged (on the app)."""
    out = tmp_path_factory.mktemp("acked") / "cdk.out"
    app = _app(out)
    stack = _stack(app, "Solo")
    _open(stack, "Open")
    acknowledge(app, TRUST, "reviewed")
    _synth(app)
    return out


def _check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _trust(items: list[dict[str, Any]]) -> set[str]:
    return {f["path"] for f in items if f["rule_id"] == TRUST}


def test_the_assembly_records_acknowledgments_as_construct_metadata(mixed: Path) -> None:
    [file] = (mixed / "assembly-Prod").glob("*.metadata.json")
    metadata = json.loads(file.read_text())
    recorded = {
        path: entry["data"]
        for path, entries in metadata.items()
        for entry in entries
        if entry["type"] == "aws:cdk:acknowledged-rules"
    }
    assert recorded["/Prod/S/Open"] == {acknowledgment_id(TRUST): "public demo\nrole"}
    assert recorded["/Prod/S/Team"] == {acknowledgment_id(TRUST): "the team's sandbox"}
    # The stage-level acknowledgment is in no stack's metadata: only CDK's report has it.
    every_file = [
        f.read_text() for f in mixed.rglob("*.json") if f.name != "validation-report.json"
    ]
    assert not any("stage-wide demo" in text for text in every_file)
    assert "stage-wide demo" in (mixed / "validation-report.json").read_text()


def test_check_shows_acknowledged_findings_with_their_scope_and_reason(
    mixed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _check(capsys, str(mixed), "--format", "json")
    data = json.loads(out)
    assert code == 1  # Open2 and the two wrongly acknowledged roles still count
    assert _trust(data["findings"]) == {
        "Prod/S/Open2/Resource",
        "Prod/S/OtherRule/Resource",
        "Prod/S/OtherPlugin/Resource",
    }
    acked = {f["path"]: f["acknowledgment"] for f in data["acknowledged"]}
    assert acked == {
        "Prod/S/Open/Resource": {
            "rule_id": TRUST, "scope": "Prod/S/Open", "reason": "public demo\nrole",
        },
        "Prod/S/Team/Inner/Resource": {
            "rule_id": TRUST, "scope": "Prod/S/Team", "reason": "the team's sandbox",
        },
        "Dev/T/OpenDev/Resource": {"rule_id": TRUST, "scope": "Dev", "reason": "stage-wide demo"},
    }  # fmt: skip
    assert data["summary"]["acknowledged"] == 3
    assert data["summary"]["errors"] == 3


def test_ignore_acknowledgments_counts_them_again(
    mixed: Path, all_acknowledged: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _check(capsys, str(all_acknowledged))[0] == 0
    code, out, _ = _check(capsys, str(all_acknowledged), "--ignore-acknowledgments")
    assert code == 1
    assert f"ERROR   {TRUST}" in out
    code, out, _ = _check(capsys, str(mixed), "--format", "json", "--ignore-acknowledgments")
    data = json.loads(out)
    assert data["acknowledged"] == []
    assert len(_trust(data["findings"])) == 6


def test_text_output_marks_acknowledged_findings_on_one_line_each(
    all_acknowledged: Path, mixed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _check(capsys, str(all_acknowledged))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"ACK     {TRUST}   Solo/Open/Resource: ")
    assert lines[1].strip() == "acknowledged on the app: reviewed"
    assert lines[-1].startswith("0 error(s), 0 warning(s), 0 info, 1 acknowledged in 1 stack(s)")
    _, out, _ = _check(capsys, str(mixed))
    # A reason with a newline stays on one line.
    assert "acknowledged on Prod/S/Open: public demo role" in [x.strip() for x in out.splitlines()]


def test_sarif_results_carry_suppressions_with_the_justification(
    mixed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = _check(capsys, str(mixed), "--format", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    suppressed = {
        r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]: r["suppressions"]
        for r in results
        if "suppressions" in r
    }
    assert suppressed["Prod/S/Open/Resource"] == [
        {
            "kind": "inSource",
            "status": "accepted",
            "justification": "public demo\nrole",
            "properties": {"scope": "Prod/S/Open", "acknowledgmentId": acknowledgment_id(TRUST)},
        }
    ]
    assert set(suppressed) == {
        "Prod/S/Open/Resource",
        "Prod/S/Team/Inner/Resource",
        "Dev/T/OpenDev/Resource",
    }


def test_plugin_and_check_give_the_same_verdict(
    mixed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = json.loads((mixed / "validation-report.json").read_text())
    [ours] = [r for r in report["pluginReports"] if r["pluginName"] == "cdk-iam-roles"]
    plugin_open = {
        (v["ruleName"], c["constructPath"], v["severity"])
        for v in ours["violations"]
        for c in v["violatingConstructs"]
    }
    plugin_acked = {
        (v["ruleName"], c["constructPath"], v["acknowledgedAt"], v["reason"])
        for v in ours.get("suppressedViolations", [])
        for c in v["violatingConstructs"]
    }
    # The plugin reports warnings and errors by default: ask check for the same.
    code, out, _ = _check(capsys, str(mixed), "--format", "json", "--min-severity", "warning")
    data = json.loads(out)
    check_open = {(f["rule_id"], f["path"], f["severity"]) for f in data["findings"]}
    check_acked = {
        (f["rule_id"], f["path"], f["acknowledgment"]["scope"], f["acknowledgment"]["reason"])
        for f in data["acknowledged"]
    }
    assert check_open == plugin_open
    assert check_acked == plugin_acked
    assert (code == 1) == (ours["conclusion"] == "failure")


def test_a_stale_validation_report_acknowledges_nothing(
    mixed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    copy = tmp_path / "cdk.out"
    shutil.copytree(mixed, copy)
    later = (copy / "validation-report.json").stat().st_mtime + 10
    os.utime(copy / "manifest.json", (later, later))  # a synth after the report was written
    acks = read_acknowledgments(load_stacks(copy), copy)
    assert acks.find(TRUST, "Dev/T/OpenDev/Resource") is None
    # Acknowledgments recorded in the stacks' metadata still hold.
    assert acks.find(TRUST, "Prod/S/Open/Resource") is not None
    _, out, _ = _check(capsys, str(copy), "--format", "json")
    assert "Dev/T/OpenDev/Resource" in _trust(json.loads(out)["findings"])


def test_a_template_file_has_no_acknowledgments(
    mixed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    [template] = (mixed / "assembly-Dev").glob("*.template.json")
    code, out, _ = _check(capsys, str(template), "--format", "json")
    assert code == 1
    assert json.loads(out)["acknowledged"] == []
