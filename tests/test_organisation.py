"""Several apps as one organisation: every command takes several PATHs; explain finds the
caller in one app and the role in another."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cdk_iam_roles.cli import main
from cdk_iam_roles.errors import InputError
from cdk_iam_roles.organisation import load_organisation, path_labels

TOOLING, WORKLOAD = "222222222222", "111111111111"
PIPELINE = f"arn:aws:iam::{TOOLING}:role/pipeline"
DEPLOY = f"arn:aws:iam::{WORKLOAD}:role/deploy"


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


def _grant(resource: str) -> dict[str, Any]:
    return {
        "PolicyName": "assume-deploy",
        "PolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": resource}],
        },
    }


def _app(folder: Path, stack: str, account: str, template: dict[str, Any]) -> Path:
    """A one-stack cloud assembly in ``folder/cdk.out`` with a concrete environment."""
    out = folder / "cdk.out"
    out.mkdir(parents=True)
    (out / f"{stack}.template.json").write_text(json.dumps(template), encoding="utf-8")
    manifest = {
        "version": "48.0.0",
        "artifacts": {
            stack: {
                "type": "aws:cloudformation:stack",
                "environment": f"aws://{account}/eu-west-1",
                "properties": {"templateFile": f"{stack}.template.json"},
            }
        },
    }
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return out


def _organisation(tmp_path: Path, *, granted: bool = True) -> tuple[Path, Path]:
    service = {"Service": "codebuild.amazonaws.com"}
    pipeline = _role(service, RoleName="pipeline", Policies=[_grant(DEPLOY)] if granted else [])
    tooling = _app(tmp_path / "tooling", "App", TOOLING, {"Resources": {"Pipeline": pipeline}})
    deploy = _role({"AWS": PIPELINE}, RoleName="deploy")
    workload = _app(tmp_path / "workload", "App", WORKLOAD, {"Resources": {"Deploy": deploy}})
    return workload, tooling


class TestLoad:
    def test_stacks_of_one_name_are_told_apart_by_their_app(self, tmp_path: Path) -> None:
        workload, tooling = _organisation(tmp_path)
        stacks = load_organisation([workload, tooling])
        assert [s.name for s in stacks] == ["workload:App", "tooling:App"]
        assert [s.account for s in stacks] == [WORKLOAD, TOOLING]
        assert stacks[0].path_of("Deploy") == "workload:App/Deploy"

    def test_one_path_reads_as_before(self, tmp_path: Path) -> None:
        workload, _ = _organisation(tmp_path)
        assert [s.name for s in load_organisation([workload])] == ["App"]

    def test_the_same_path_twice_is_refused(self, tmp_path: Path) -> None:
        workload, _ = _organisation(tmp_path)
        with pytest.raises(InputError, match="given more than once"):
            load_organisation([workload, workload.parent / "cdk.out"])

    def test_nothing_is_refused(self) -> None:
        with pytest.raises(InputError, match="no PATH"):
            load_organisation([])

    def test_labels(self) -> None:
        assert path_labels(["a/cdk.out", "b/cdk.out"]) == ["a", "b"]
        assert path_labels(["x/a/cdk.out", "y/a/cdk.out"]) == ["x/a/cdk.out", "y/a/cdk.out"]


class TestCommands:
    def test_check_reads_every_app(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        workload, tooling = _organisation(tmp_path)
        open_app = tmp_path / "open.json"
        open_app.write_text(json.dumps({"Resources": {"Open": _role("*")}}), encoding="utf-8")
        code = main(["check", str(workload), str(tooling), str(open_app), "--format", "json"])
        data = json.loads(capsys.readouterr().out)
        assert code == 1
        assert data["summary"]["stacks"] == 3
        assert data["summary"]["roles"] == 3
        assert {f["stack"] for f in data["findings"] if f["severity"] == "error"} == {"open"}

    def test_catalog_and_profiles_read_every_app(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        workload, tooling = _organisation(tmp_path)
        assert main(["catalog", str(workload), str(tooling), "--format", "json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert [(s["name"], s["account"]) for s in data["stacks"]] == [
            ("workload:App", WORKLOAD),
            ("tooling:App", TOOLING),
        ]
        assert main(["profiles", str(workload), str(tooling)]) == 0
        assert f"role_arn = {DEPLOY}" in capsys.readouterr().out

    def test_explain_takes_the_caller_from_another_app(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        workload, tooling = _organisation(tmp_path)
        argv = ["explain", str(workload), str(tooling), "--role", "deploy", "--principal"]
        assert main([*argv, PIPELINE]) == 0
        out = capsys.readouterr().out
        assert out.startswith("ALLOWED")
        # The caller's own policy was read from its app, not assumed.
        assert "assumed: the caller is not in this app" not in out
        assert "tooling:App/Pipeline" in out

    def test_explain_names_the_missing_grant_in_the_other_app(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        workload, tooling = _organisation(tmp_path, granted=False)
        argv = ["explain", str(workload), str(tooling), "--role", "deploy", "--principal"]
        assert main([*argv, PIPELINE]) == 1
        assert "caller-policy-missing" in capsys.readouterr().out

    def test_with_the_role_app_alone_the_grant_is_assumed(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        workload, _ = _organisation(tmp_path, granted=False)
        argv = ["explain", str(workload), "--role", "deploy", "--principal", PIPELINE]
        assert main(argv) == 0
        assert "assumed: the caller is not in this app" in capsys.readouterr().out
