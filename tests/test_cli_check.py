"""``cdk-iam-roles check``: exit codes, formats (text, JSON, SARIF 2.1.0), settings,
malformed input, cloud assemblies with nested stages, and speed by counting work."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cdk_iam_roles.cfn import Resolver
from cdk_iam_roles.cli import main

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT = "111111111111"


def _role(principal: Any, **props: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
                ],
            },
            **props,
        },
    }


CLEAN = {"Resources": {"Fn": _role({"Service": "lambda.amazonaws.com"})}}
OPEN = {"Resources": {"Open": _role("*")}}
WARN = {"Resources": {"Sfn": _role({"Service": "states.amazonaws.com"})}}
UNKNOWN = {
    "Parameters": {"Caller": {"Type": "String"}},
    "Resources": {"R": _role({"AWS": {"Ref": "Caller"}})},
}


def _write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_template_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(_write(tmp_path, "t.json", CLEAN)))
    assert code == 0
    assert out.strip().endswith("0 error(s), 0 warning(s), 0 info in 1 stack(s), 1 role(s)")


def test_error_finding_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(_write(tmp_path, "t.json", OPEN)))
    assert code == 1
    assert "ERROR   IAMR-TRUST-001   t/Open:" in out
    assert "fix: Name the trusted account" in out


def test_warnings_alone_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(_write(tmp_path, "t.json", WARN)))
    assert code == 0
    assert "WARNING IAMR-DEPUTY-001" in out


def test_unknown_values_are_reported_as_unknown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, str(_write(tmp_path, "t.json", UNKNOWN)))
    assert code == 0
    assert "INFO    IAMR-TRUST-004" in out
    assert "parameter Caller" in out
    code, out, _ = _run(capsys, str(tmp_path / "t.json"), "--min-severity", "warning")
    assert "IAMR-TRUST-004" not in out


def test_yaml_template_with_short_tags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = """
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt Worker.Arn
      Handler: i.h
      Runtime: python3.12
      Code: {ZipFile: x}
  Worker:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: ec2.amazonaws.com}
            Action: sts:AssumeRole
"""
    code, out, _ = _run(capsys, str(_write(tmp_path, "t.yaml", text)))
    assert code == 1
    assert "IAMR-USE-001" in out
    assert "lambda.amazonaws.com" in out


def test_json_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(_write(tmp_path, "t.json", OPEN)), "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["summary"] == {
        "stacks": 1, "roles": 1, "errors": 1, "warnings": 0, "info": 0, "acknowledged": 0,
    }  # fmt: skip
    assert data["acknowledged"] == []
    assert data["findings"][0]["rule_id"] == "IAMR-TRUST-001"
    assert set(data["findings"][0]) == {
        "rule_id", "severity", "stack", "logical_id", "path", "message", "fix",
    }  # fmt: skip


def test_sarif_format_has_the_2_1_0_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "t.json", {"Resources": {**OPEN["Resources"], **WARN["Resources"]}})
    code, out, _ = _run(capsys, str(path), "--format", "sarif")
    log = json.loads(out)
    assert code == 1
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "cdk-iam-roles"
    rule_ids = [r["id"] for r in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"]
        assert rule["helpUri"].startswith("https://")
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
    levels = {}
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"]
        (location,) = result["locations"]
        assert location["physicalLocation"]["artifactLocation"]["uri"].endswith("t.json")
        assert location["logicalLocations"][0]["kind"] == "resource"
        levels[result["ruleId"]] = result["level"]
    assert levels == {"IAMR-TRUST-001": "error", "IAMR-DEPUTY-001": "warning"}


def test_disable_and_quota_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "t.json", OPEN)
    assert _run(capsys, str(path), "--disable", "IAMR-TRUST-001")[0] == 0
    many = [f"arn:aws:iam::{n:012d}:root" for n in range(100)]
    long_trust = _write(tmp_path, "long.json", {"Resources": {"R": _role({"AWS": many})}})
    code, out, _ = _run(capsys, str(long_trust))
    assert code == 1
    assert "IAMR-SIZE-001" in out
    assert _run(capsys, str(long_trust), "--trust-policy-max-chars", "8192")[0] == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--disable", "IAMR-NOPE-001"], "--disable: not a template rule ID: IAMR-NOPE-001"),
        (["--disable", "IAMR-ROLE-001"], "--disable: not a template rule ID: IAMR-ROLE-001"),
    ],
)
def test_bad_flags_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = _run(capsys, str(_write(tmp_path, "t.json", CLEAN)), *argv)
    assert code == 2
    assert out == ""
    assert err.strip() == f"cdk-iam-roles: {message}"


def test_quota_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", str(_write(tmp_path, "t.json", CLEAN)), "--trust-policy-max-chars", "0"])
    assert exc.value.code == 2


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda d: d / "missing.json", "no such file or folder"),
        (lambda d: _write(d, "bad.json", "{not: [json"), "neither JSON nor YAML"),
        (lambda d: _write(d, "list.json", "[1, 2]"), "top level is not a mapping"),
        (lambda d: _write(d, "nores.json", {"Outputs": {}}), "no Resources"),
        (lambda d: d, "not a cloud assembly (no manifest.json)"),
        (lambda d: _write(d, "manifest.json", {"artifacts": {}}).parent, "holds no stack"),
    ],
)  # fmt: skip
def test_unusable_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Any, reason: str
) -> None:
    code, out, err = _run(capsys, str(make(tmp_path)))
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert reason in err
    assert "Traceback" not in err


def test_command_line_process_has_no_traceback_and_no_cdk(tmp_path: Path) -> None:
    code = (
        "import sys; from cdk_iam_roles.cli import main; rc = main(sys.argv[1:]);"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('aws_cdk', 'jsii')];"
        "sys.exit(rc)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "check", str(tmp_path / "nope.yaml")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert (
        result.stderr.strip() == f"cdk-iam-roles: {tmp_path / 'nope.yaml'}: no such file or folder"
    )


@pytest.fixture(scope="module")
def staged_assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real cdk.out with a top-level stack and a stack inside a Stage."""
    import aws_cdk as cdk
    from aws_cdk import aws_iam as iam

    from cdk_iam_roles import ServiceRole

    outdir = tmp_path_factory.mktemp("cdkout")
    app = cdk.App(outdir=str(outdir), analytics_reporting=False)
    env = cdk.Environment(account=ACCOUNT, region="eu-west-1")
    top = cdk.Stack(app, "Top", env=env)
    ServiceRole(top, "Worker", service="lambda.amazonaws.com")
    stage = cdk.Stage(app, "Prod", env=env)
    inner = cdk.Stack(stage, "Inner")
    iam.Role(inner, "Open", assumed_by=iam.AnyPrincipal())
    app.synth()
    return outdir


def test_cloud_assembly_with_a_nested_stage(
    staged_assembly: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, str(staged_assembly), "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["summary"]["stacks"] == 2
    assert [(f["rule_id"], f["path"]) for f in data["findings"]] == [
        ("IAMR-TRUST-001", "Prod/Inner/Open/Resource")
    ]


def _many_roles(count: int) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for n in range(count):
        resources[f"Role{n}"] = _role({"Service": "lambda.amazonaws.com"})
        resources[f"Policy{n}"] = {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": f"p{n}",
                "Roles": [{"Ref": f"Role{n}"}],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": ["s3:GetObject", "s3:PutObject"],
                            "Resource": {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::b{n}/*"},
                        }
                    ],
                },
            },
        }
        resources[f"Fn{n}"] = {
            "Type": "AWS::Lambda::Function",
            "Properties": {"Role": {"Fn::GetAtt": [f"Role{n}", "Arn"]}},
        }
    return {"Resources": resources}


def test_work_grows_linearly_with_roles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Speed, counted instead of timed: intrinsic resolutions per role stay constant."""
    calls = {"n": 0}
    original = Resolver.resolve

    def counting(self: Resolver, value: Any) -> Any:
        calls["n"] += 1
        return original(self, value)

    monkeypatch.setattr(Resolver, "resolve", counting)
    per_role: list[float] = []
    for count in (100, 400):
        calls["n"] = 0
        path = _write(tmp_path, f"t{count}.json", _many_roles(count))
        code, _, _ = _run(capsys, str(path))
        assert code == 0
        per_role.append(calls["n"] / count)
    assert per_role[1] <= per_role[0] * 1.05  # no quadratic resolution
    assert per_role[1] < 200


@pytest.mark.slow
def test_examples_app_has_no_error_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's bar: the examples app passes ``check cdk.out`` with no error finding."""
    import aws_cdk as cdk

    sys.path.insert(0, str(ROOT))
    from examples.app import build_app

    app = build_app(cdk.App(outdir=str(tmp_path), analytics_reporting=False))
    app.synth()
    code, out, _ = _run(capsys, str(tmp_path), "--format", "json")
    data = json.loads(out)
    assert code == 0, [f for f in data["findings"] if f["severity"] == "error"]
    assert data["summary"]["roles"] > 0


# The parts of the SARIF 2.1.0 schema (OASIS, sarif-schema-2.1.0.json) that the report
# uses, with the schema's required properties and enumerations.
_MESSAGE = {
    "type": "object",
    "required": ["text"],
    "properties": {"text": {"type": "string"}},
}
SARIF_SUBSET = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "$schema": {"type": "string", "format": "uri"},
        "version": {"enum": ["2.1.0"]},
        "runs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["tool"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "version": {"type": "string"},
                                    "rules": {
                                        "type": "array",
                                        "uniqueItems": True,
                                        "items": {
                                            "type": "object",
                                            "required": ["id"],
                                            "properties": {
                                                "id": {"type": "string"},
                                                "shortDescription": _MESSAGE,
                                                "fullDescription": _MESSAGE,
                                                "help": _MESSAGE,
                                                "helpUri": {"type": "string"},
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "properties": {
                                                        "level": {
                                                            "enum": [
                                                                "none", "note", "warning", "error",
                                                            ]
                                                        }
                                                    },
                                                },
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["message"],
                            "properties": {
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": -1},
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "message": _MESSAGE,
                                "locations": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "properties": {
                                                    "artifactLocation": {
                                                        "type": "object",
                                                        "properties": {"uri": {"type": "string"}},
                                                    }
                                                },
                                            },
                                            "logicalLocations": {
                                                "type": "array",
                                                "items": {
                                                    "type": "object",
                                                    "properties": {
                                                        "name": {"type": "string"},
                                                        "fullyQualifiedName": {"type": "string"},
                                                        "kind": {"type": "string"},
                                                    },
                                                },
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}  # fmt: skip


def test_sarif_validates_against_the_schema_subset(
    staged_assembly: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import jsonschema

    _, out, _ = _run(capsys, str(staged_assembly), "--format", "sarif")
    jsonschema.validate(json.loads(out), SARIF_SUBSET)


def test_org_standard_from_a_module(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "acme_standard.py").write_text(
        "from cdk_iam_roles import OrgStandard\n"
        "STANDARD = OrgStandard(required_tags=('cost-center',))\n"
        "NOT_A_STANDARD = 42\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    template = str(_write(tmp_path, "t.json", CLEAN))
    code, out, _ = _run(capsys, template, "--org-standard", "acme_standard:STANDARD")
    assert code == 1
    assert "IAMR-ORG-004" in out
    assert "cost-center" in out
    # Without the option, the same template is clean.
    assert _run(capsys, template)[0] == 0
    for spec, reason in [
        ("acme_standard", "expected MODULE:NAME"),
        ("no_such_module:X", "cannot import 'no_such_module'"),
        ("acme_standard:NOT_A_STANDARD", "is not an OrgStandard"),
    ]:
        code, _, err = _run(capsys, template, "--org-standard", spec)
        assert code == 2
        assert reason in err
        assert len(err.strip().splitlines()) == 1
