"""``diff`` and ``access`` over the corpus: renamed copies, widened copies, parts not read.

GIVEN each template of the corpus,
WHEN it is compared with a copy of itself under another file name (as
``diff main.template.yaml branch.template.yaml`` does), THEN the answer is the one for the
file compared with itself: a template's stack is named after its file, and the names of
the resources it generates must not differ between the two sides;
WHEN a statement trusting another account is added to a role's trust policy, THEN
``diff`` reports new access for that role, with that account's caller as witness;
WHEN a template holds a part no reader sees (a transform or loop, a resource typed with a
pre-processor's tag, a nested stack or StackSet whose template is elsewhere), THEN
``access`` lists each such part and never exits 0 on it unless it is acknowledged, and
``diff`` against a version without those parts is undecided for each of them.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from test_corpus import EXPECTED, FILES

from cdk_iam_roles.cfn import load_template
from cdk_iam_roles.cli import main
from cdk_iam_roles.rules.coverage import UNREAD_RULE_IDS

OUTSIDER = "arn:aws:iam::999999999999:root"


def _json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, Any]:
    code = main([*argv, "--format", "json"])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    return code, json.loads(out)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_copy_under_another_name_is_the_same_stack(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    renamed = tmp_path / f"branch.template{path.suffix}"
    renamed.write_bytes(path.read_bytes())
    assert _json(["diff", str(path), str(renamed)], capsys) == _json(
        ["diff", str(path), str(path)], capsys
    )


def test_a_role_on_its_own_bucket_gains_nothing_from_a_renamed_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The shape that reported "can now call s3:GetObject" on the bucket's other name.
    path = Path(__file__).parent / "references_to_own_resources.yaml"
    renamed = tmp_path / "branch.template.yaml"
    renamed.write_bytes(path.read_bytes())
    code, report = _json(["diff", str(path), str(renamed)], capsys)
    assert code == 0
    assert [(r["logical_id"], r["permissions"]["verdict"]) for r in report["roles"]] == [
        ("Reader", "no-new-access")
    ]


def _readable_trusts(template: dict[str, Any], name: str) -> list[str]:
    """The roles whose trust policy is a document with a list of statements that the
    rules read (a malformed one stays undecided, whatever is added to it)."""
    unreadable = {lid for rule, lid in EXPECTED[name] if rule.startswith("IAMR-DOC-")}
    return [
        logical_id
        for logical_id, resource in template["Resources"].items()
        if logical_id not in unreadable
        and isinstance(resource, dict)
        and resource.get("Type") == "AWS::IAM::Role"
        and isinstance(resource.get("Properties", {}).get("AssumeRolePolicyDocument"), dict)
        and isinstance(resource["Properties"]["AssumeRolePolicyDocument"].get("Statement"), list)
    ]


WIDENABLE = [p for p in FILES if _readable_trusts(dict(load_template(p).template), p.name)]


def test_the_corpus_has_roles_to_widen() -> None:
    assert len(WIDENABLE) >= 4


@pytest.mark.parametrize("path", WIDENABLE, ids=lambda p: p.name)
def test_a_widened_trust_is_new_access(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = copy.deepcopy(dict(load_template(path).template))
    for role in _readable_trusts(template, path.name):
        widened = copy.deepcopy(template)
        widened["Resources"][role]["Properties"]["AssumeRolePolicyDocument"]["Statement"].append(
            {"Effect": "Allow", "Principal": {"AWS": OUTSIDER}, "Action": "sts:AssumeRole"}
        )
        head = tmp_path / f"{role}.json"
        head.write_text(json.dumps(widened), encoding="utf-8")
        code, report = _json(["diff", str(path), str(head)], capsys)
        (entry,) = [r for r in report["roles"] if r["logical_id"] == role]
        assert code == 1, role
        assert entry["trust"]["verdict"] == "new-access", (role, entry)
        assert ":999999999999:" in entry["trust"]["witness"]["principal"], (role, entry)


UNREAD = [p for p in FILES if any(rule in UNREAD_RULE_IDS for rule, _ in EXPECTED[p.name])]


def test_the_corpus_has_parts_not_read() -> None:
    kinds = {rule for p in UNREAD for rule, _ in EXPECTED[p.name] if rule in UNREAD_RULE_IDS}
    assert kinds == set(UNREAD_RULE_IDS)


@pytest.mark.parametrize("path", UNREAD, ids=lambda p: p.name)
def test_access_lists_each_part_not_read_and_never_passes_it(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = {(rule, lid) for rule, lid in EXPECTED[path.name] if rule in UNREAD_RULE_IDS}
    code, report = _json(["access", str(path), "--trusted-account", "111111111111"], capsys)
    listed = {(u["rule_id"], u["path"].split("/", 1)[1]) for u in report["unread"]}
    assert listed == expected
    assert code == 1
    assert all(u["acknowledged"] is None for u in report["unread"])


def test_a_part_not_read_is_acknowledged_by_its_path(capsys: pytest.CaptureFixture[str]) -> None:
    path = Path(__file__).parent / "parts_not_read.yaml"
    parts = ["Fn::ForEach::Workers", "Shared", "Network", "Baseline"]
    acks = [f"--acknowledge=parts_not_read/{p}=its template is checked on its own" for p in parts]
    assert main(["access", str(path), *acks[:-1]]) == 1  # one part left: still undecided
    out = capsys.readouterr().out
    assert "parts_not_read/Baseline (in parts_not_read): not read\n" in out
    assert main(["access", str(path), *acks]) == 0
    assert "4 part(s) not read, 0 not acknowledged" in capsys.readouterr().out


@pytest.mark.parametrize("path", UNREAD, ids=lambda p: p.name)
def test_diff_is_undecided_on_each_part_not_read(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = {lid for rule, lid in EXPECTED[path.name] if rule in UNREAD_RULE_IDS}
    before = tmp_path / "before.json"  # the version without any of those parts
    before.write_text(json.dumps({"Resources": {}}), encoding="utf-8")
    code, report = _json(["diff", str(before), str(path)], capsys)
    undecided = {u["logical_id"] for u in report["unread"] if u["verdict"] == "unknown"}
    assert code == 1
    assert undecided == expected
    assert all(u["change"] == "changed" and u["reason"] for u in report["unread"])
    # never a role: a part not read has no trust or permissions of its own
    assert not [r for r in report["roles"] if r["logical_id"] in expected]
    # unchanged (the same template on both sides), each part is listed as such, decided
    code, report = _json(["diff", str(path), str(path)], capsys)
    assert {u["logical_id"]: u["change"] for u in report["unread"]} == dict.fromkeys(
        expected, "unchanged"
    )
    assert {u["verdict"] for u in report["unread"]} == {"no-new-access"}


def test_access_takes_the_region_a_bare_template_lacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # lambda.${AWS::URLSuffix}, as many public templates write service principals: unknown
    # without a region (exit 1), proved internal once --region says which partition.
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": {"Fn::Sub": "lambda.${AWS::URLSuffix}"}},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    template = {
        "Resources": {
            "Fn": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": trust}}
        }
    }
    path = tmp_path / "app.json"
    path.write_text(json.dumps(template), encoding="utf-8")
    code, report = _json(["access", str(path)], capsys)
    assert (code, report["roles"][0]["access"]) == (1, "unknown")
    code, report = _json(["access", str(path), "--region", "eu-west-1"], capsys)
    assert (code, report["roles"][0]["access"]) == (0, "internal")
    assert main(["access", str(path), "--account", "12"]) == 2
    assert "--account '12': expected 12 digits" in capsys.readouterr().err


def test_parts_not_read_are_valid_sarif_results(capsys: pytest.CaptureFixture[str]) -> None:
    from sarif_schema import errors_of

    path = Path(__file__).parent / "parts_not_read.yaml"
    ack = "--acknowledge=parts_not_read/Network=its template is checked on its own"
    assert main(["access", str(path), ack, "--format", "sarif"]) == 1
    log = json.loads(capsys.readouterr().out)
    assert errors_of(log) == []
    results = log["runs"][0]["results"]
    names = {r["locations"][0]["logicalLocations"][0]["name"]: r for r in results}
    assert set(names) == {"Fn::ForEach::Workers", "Shared", "Network", "Baseline"}
    assert {r["ruleId"] for r in results} == {"IAMR-ACCESS-002"}
    assert names["Network"]["suppressions"][0]["justification"].startswith("its template")
    assert "suppressions" not in names["Shared"]
    assert names["Shared"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(
        "parts_not_read.yaml"
    )
