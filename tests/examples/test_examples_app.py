"""The examples app: the real CDK CLI synthesizes it offline, and every template lints."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cdk_iam_roles.cfn import load_stacks
from helpers import lint_errors

ROOT = Path(__file__).resolve().parents[2]
CDK = ROOT / "node_modules" / ".bin" / "cdk"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CDK.exists():
        pytest.fail("node_modules/.bin/cdk is missing: run `make test`, which runs npm ci")
    out = tmp_path_factory.mktemp("cdk") / "cdk.out"
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(
        CDK_DISABLE_VERSION_CHECK="1",
        CDK_CLI_NOTICES="false",
        CDK_DISABLE_CLI_TELEMETRY="true",
        # No credentials: synthesis must not need them.
        AWS_ACCESS_KEY_ID="",
        AWS_SECRET_ACCESS_KEY="",
        AWS_PROFILE="",
    )
    result = subprocess.run(
        [str(CDK), "synth", "--quiet", "--no-notices", "--output", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return out


def test_the_cli_synthesizes_every_example_stack(assembly: Path) -> None:
    names = {stack.name for stack in load_stacks(assembly)}
    modules = {p.stem for p in (ROOT / "examples" / "stacks").glob("*.py")} - {"__init__"}
    assert names, "no stacks synthesized"
    assert len(names) >= len(modules), (names, modules)


def test_every_example_template_is_lint_clean(assembly: Path) -> None:
    for stack in load_stacks(assembly):
        errors = lint_errors(dict(stack.template))
        assert not errors, f"{stack.name}: {errors}"


def test_cdk_nag_aws_solutions_passes_on_the_examples() -> None:
    """cdk-nag 3's AwsSolutions pack, through the same validation-plugin mechanism."""
    import aws_cdk as cdk
    from cdk_nag import AwsSolutionsChecks

    sys.path.insert(0, str(ROOT))
    from examples.app import build_app

    app = cdk.App(analytics_reporting=False)
    build_app(app)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    app.synth()  # raises ValidationFailed, with the findings, when an error is found


def test_construct_paths_come_from_the_assembly(assembly: Path) -> None:
    stacks = load_stacks(assembly)
    service = next(s for s in stacks if s.name == "ServiceRoles")
    roles = [logical for logical, _ in service.resources_of_type("AWS::IAM::Role")]
    assert "ServiceRoles/OrderWorker/Resource" in {service.path_of(r) for r in roles}


def test_catalog_formats_and_profiles_on_the_examples(assembly: Path) -> None:
    """Every catalog format on the real examples app (JSON against its schema, the HTML
    parsed for every role, the Mermaid graph), and the profiles parsed as INI."""
    import configparser

    sys.path.insert(0, str(ROOT / "tests" / "catalog"))
    from catalog_checks import check_assembly

    from cdk_iam_roles.catalog import render_profiles

    catalog = check_assembly(assembly)
    patterns = {role.pattern for role in catalog.roles}
    assert {
        "ServiceRole",
        "CrossAccountRole",
        "ElevatedUserRole",
        "WebIdentityRole",
        "FederatedRole",
    } <= patterns
    profiles = configparser.ConfigParser(interpolation=None)
    profiles.read_string(render_profiles(catalog))
    assert profiles.sections(), "no profile for any human-assumable example role"
    for section in profiles.sections():
        assert profiles[section]["role_arn"].startswith("arn:aws:iam::")


def test_check_finds_no_error_on_the_examples(
    assembly: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cdk_iam_roles.cli import main

    assert main(["check", str(assembly)]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("0 error(s)")


def test_the_org_rollout_member_template_is_read_once_and_clean(assembly: Path) -> None:
    """The StackSet example: its member template is in the assembly, read as a stack of
    its own (every member account, never the management account), with no finding."""
    from cdk_iam_roles.rules.engine import check_stack

    stacks = load_stacks(assembly)
    (member,) = [s for s in stacks if s.deployment]
    assert member.name == "OrgRollout/SecurityAudit/StackSet"
    assert member.account is None
    assert member.deployment == "every account in ou-ab12-34cd5678, eu-west-1, auto-deploy"
    names = [r["Properties"]["RoleName"] for _, r in member.resources_of_type("AWS::IAM::Role")]
    assert names == ["org-security-audit"]
    assert check_stack(member) == []
