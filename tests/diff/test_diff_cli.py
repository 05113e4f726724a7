"""``cdk-iam-roles diff`` and ``cdk-iam-roles access`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from diff_templates import cross_account, github, role_template

from cdk_iam_roles.cli import main

MAIN = "repo:acme/shop:ref:refs/heads/main"


def _write(folder: Path, name: str, template: dict[str, Any], *, as_yaml: bool = False) -> Path:
    path = folder / name
    if as_yaml:
        path.write_text(yaml.safe_dump(template), encoding="utf-8")
    else:
        path.write_text(json.dumps(template), encoding="utf-8")
    return path


def _assembly(folder: Path, template: dict[str, Any]) -> Path:
    """A minimal cloud assembly with one stack, as the CDK CLI writes it."""
    folder.mkdir()
    (folder / "Shop.template.json").write_text(json.dumps(template), encoding="utf-8")
    manifest = {
        "version": "48.0.0",
        "artifacts": {
            "Shop": {
                "type": "aws:cloudformation:stack",
                "environment": "aws://111111111111/eu-west-1",
                "properties": {"templateFile": "Shop.template.json"},
            }
        },
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    base = _write(tmp_path, "base.json", role_template([github(MAIN)]))
    head = _write(
        tmp_path,
        "head.yaml",
        role_template([github("repo:acme/*", operator="StringLike")]),
        as_yaml=True,
    )
    return base, head


def test_widened_trust_exits_1_with_the_exact_json_shape(
    pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    base, head = pair
    code = main(["diff", str(base), str(head), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    (role,) = data["roles"]
    assert set(role) == {
        "stack",
        "path",
        "logical_id",
        "role_name",
        "change",
        "trust",
        "permissions",
    }
    assert role["change"] == "changed"
    assert set(role["trust"]) == {"verdict", "witness", "reason"}
    assert role["trust"]["verdict"] == "new-access"
    assert set(role["trust"]["witness"]) == {"principal", "action", "resource", "context"}
    assert role["permissions"]["verdict"] == "no-new-access"
    assert role["permissions"]["witness"] is None


def test_the_same_app_twice_exits_0(
    pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    base, _ = pair
    assert main(["diff", str(base), str(base)]) == 0
    assert "0 with new access, 0 undecided" in capsys.readouterr().out


def test_a_folder_and_a_template_compare(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _assembly(tmp_path / "cdk.out", role_template([cross_account(["222222222222"])]))
    head = _write(tmp_path, "head.json", role_template([cross_account(["222222222222"])]))
    code = main(["diff", str(base), str(head), "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0, out
    assert [r["change"] for r in out["roles"]] == ["unchanged"]


def test_markdown_puts_widened_roles_first_in_plain_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = role_template([github(MAIN)], name="deploy-prod")
    base["Resources"]["Other"] = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "RoleName": "aaa-first-by-name",
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [cross_account(["222222222222"])],
            },
        },
    }
    head = json.loads(json.dumps(base))
    head["Resources"]["DeployRole1A2B3C4D"]["Properties"]["AssumeRolePolicyDocument"][
        "Statement"
    ] = [github("repo:acme/*", operator="StringLike")]
    code = main(
        [
            "diff",
            str(_write(tmp_path, "b.json", base)),
            str(_write(tmp_path, "h.json", head)),
            "--format",
            "md",
        ]
    )
    text = capsys.readouterr().out
    assert code == 1
    assert text.index("### New access") < text.index("Proved no new access")
    assert "a GitHub Actions workflow in acme/" in text
    assert "can now assume deploy-prod" in text


def test_sarif_names_the_widened_role(
    pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    base, head = pair
    assert main(["diff", str(base), str(head), "--format", "sarif"]) == 1
    log = json.loads(capsys.readouterr().out)
    assert log["version"] == "2.1.0"
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "IAMR-DIFF-001"
    assert result["level"] == "error"
    assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == (
        "Shop/DeployRole"
    )


@pytest.mark.parametrize("bad", ["missing.json", "not-json.json"])
def test_unusable_input_exits_2_with_one_line(
    tmp_path: Path, bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "not-json.json").write_text("{not json", encoding="utf-8")
    good = _write(tmp_path, "good.json", role_template([github(MAIN)]))
    assert main(["diff", str(good), str(tmp_path / bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "Traceback" not in err


# -- access ------------------------------------------------------------------------------


def test_access_external_role_exits_1_and_names_the_outside_caller(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = _assembly(tmp_path / "cdk.out", role_template([cross_account(["222222222222"])]))
    assert main(["access", str(app), "--format", "json"]) == 1
    (role,) = json.loads(capsys.readouterr().out)["roles"]
    assert role["access"] == "external"
    assert ":222222222222:" in role["witness"]["principal"]
    assert main(["access", str(app), "--trusted-account", "222222222222"]) == 0
    assert "internal" in capsys.readouterr().out


def test_access_acknowledged_role_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = _assembly(tmp_path / "cdk.out", role_template([github(MAIN)]))
    listing = tmp_path / "ack.txt"
    listing.write_text("# reviewed\nShop/DeployRole=GitHub deploys by design\n", encoding="utf-8")
    assert main(["access", str(app), "--acknowledgements", str(listing)]) == 0
    out = capsys.readouterr().out
    assert "external (acknowledged)" in out
    assert f"sub StringEquals {MAIN}" in out
    assert main(["access", str(app), "--acknowledge", "deploy-prod=vendor"]) == 0


def test_access_org_zone_and_bad_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    org = {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
    anyone = {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"AWS": "*"}}
    app = _write(tmp_path, "t.json", role_template([{**anyone, "Condition": org}]))
    assert main(["access", str(app), "--trusted-org", "o-a1b2c3d4e5"]) == 0
    assert main(["access", str(app), "--trusted-org", "o-zzzzzzzzzz"]) == 1
    capsys.readouterr()
    assert main(["access", str(app), "--trusted-account", "12"]) == 2
    assert main(["access", str(app), "--acknowledge", "NoSuchRole=x"]) == 2


def test_diff_and_access_never_load_the_cdk(pair: tuple[Path, Path]) -> None:
    import subprocess
    import sys

    base, head = pair
    code = (
        "import sys; from cdk_iam_roles.cli import main;"
        f"main(['diff', {str(base)!r}, {str(head)!r}, '--format', 'md']);"
        f"main(['access', {str(head)!r}]);"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('aws_cdk', 'jsii')]"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
