"""``cdk-iam-roles catalog`` and ``cdk-iam-roles profiles`` on template files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from catalog_checks import read_profiles, schema_errors
from raw_templates import zoo_template

from cdk_iam_roles.cli import main


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "zoo.json"
    path.write_text(json.dumps(zoo_template()), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["md", "json", "mermaid", "html", "summary"])
def test_catalog_prints_each_format(
    template: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["catalog", str(template), "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert ("14 roles" if fmt == "summary" else "Mystery") in out
    if fmt == "json":
        assert schema_errors(json.loads(out)) == []


def test_catalog_defaults_to_markdown(template: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", str(template)]) == 0
    assert capsys.readouterr().out.startswith("# IAM role catalog\n")


def test_catalog_writes_to_a_file(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "roles.html"
    assert main(["catalog", str(template), "--format", "html", "--output", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("command", ["catalog", "profiles"])
def test_unusable_input_exits_2_with_one_line(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, str(tmp_path / "missing.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no such file or folder" in err


def test_unwritable_output_exits_2(template: Path, tmp_path: Path) -> None:
    target = tmp_path / "no-such-dir" / "out.md"
    assert main(["catalog", str(template), "--output", str(target)]) == 2


def test_profiles_options(template: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "profiles",
            str(template),
            "--source-profile",
            "me",
            "--mfa-serial",
            "arn:aws:iam::111111111111:mfa/alice",
            "--region",
            "eu-west-1",
            "--duration-seconds",
            "1800",
            "--user-name",
            "alice",
        ]
    )
    assert code == 0
    text = capsys.readouterr().out
    # A template file has no environment: no ARN is concrete, every profile says why.
    assert read_profiles(text).sections() == []
    assert "the stack's account is not known" in text


def test_profiles_refuses_a_bad_duration(template: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["profiles", str(template), "--duration-seconds", "soon"])
    assert exc.value.code == 2


def test_the_commands_do_not_load_the_cdk(template: Path) -> None:
    code = (
        "import sys\n"
        "from cdk_iam_roles.cli import main\n"
        f"main(['catalog', {str(template)!r}, '--format', 'summary'])\n"
        f"main(['profiles', {str(template)!r}])\n"
        "roots = {m.split('.')[0] for m in sys.modules}\n"
        "loaded = roots & {'aws_cdk', 'jsii', 'constructs'}\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
