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


def _readme_explain_commands() -> list[list[str]]:
    import shlex

    commands: list[list[str]] = []
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        text = line.split("#", 1)[0].strip()
        if text.startswith("cdk-iam-roles explain "):
            commands.append(shlex.split(text)[1:])
    return commands


def test_readme_explain_examples_are_allowed_with_no_extra_flag(assembly: Path) -> None:
    """Issue 11: the README's own explain examples answer ALLOWED on the examples' cdk.out.

    The request carries what AWS (and a correct client) would send: the session name and
    source identity the break-glass trust demands, listed under "Assumed".
    """
    from cdk_iam_roles.cli import main

    commands = _readme_explain_commands()
    assert commands, "the README shows no explain example"
    for argv in commands:
        argv = [str(assembly) if arg == "cdk.out" else arg for arg in argv]
        assert main(argv) == 0, argv


def test_explain_assumes_the_org_of_an_account_the_app_deploys_to(
    assembly: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The pipeline the README grants (account 222222222222, deployed by the app) carries
    the organization the app names; a caller outside the app gets the org-missing cause."""
    import json

    from cdk_iam_roles.cli import main

    pipeline = "arn:aws:iam::222222222222:role/pipeline-deployer"
    assert (
        main(
            [
                "explain",
                str(assembly),
                "--role",
                "deploy-from-tooling",
                "--principal",
                pipeline,
                "--format",
                "json",
            ]
        )
        == 0
    )
    answer = json.loads(capsys.readouterr().out)
    assert any(item.startswith("aws:PrincipalOrgID=o-a1b2c3d4e5") for item in answer["assumed"])
    # Another organization, passed explicitly, is refused.
    assert (
        main(
            [
                "explain",
                str(assembly),
                "--role",
                "deploy-from-tooling",
                "--principal",
                pipeline,
                "--org",
                "o-zzzzzzzzzz",
            ]
        )
        == 1
    )
    assert "[org-wrong]" in capsys.readouterr().out
    # The audit account is not one the app deploys to: nothing is assumed, and the cause
    # says which key the trust needs and how to pass it.
    auditor = ["explain", str(assembly), "--role", "security-audit", "--principal"]
    auditor += ["arn:aws:iam::333333333333:role/auditor", "--mfa"]
    assert main(auditor) == 1
    text = capsys.readouterr().out
    assert "[org-missing]" in text
    assert "--org o-a1b2c3d4e5" in text
    assert "Assumed:\n  - aws:PrincipalOrgID" not in text
    assert main([*auditor, "--org", "o-a1b2c3d4e5"]) == 0


def test_explain_on_the_examples_is_fast(assembly: Path) -> None:
    """explain on the examples' cdk.out, in a fresh process, stays well under a second."""
    import time

    started = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cdk_iam_roles.cli",
            "explain",
            str(assembly),
            "--role",
            "break-glass",
            "--principal",
            "arn:aws:iam::111111111111:user/breakglass/alice",
            "--mfa",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stdout + result.stderr
    # The target is 0.5 s; the bound leaves room for a loaded CI machine.
    assert elapsed < 2.0, elapsed


def test_federated_role_matches_any_of_several_saml_values(
    assembly: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """FederatedRole renders ForAnyValue:StringEquals for eduPersonAffiliation (multivalued
    in "Available keys for SAML-based AWS STS federation"): a user with several
    affiliations, one of them the role's, may assume it."""
    from cdk_iam_roles.cli import main

    saml = "arn:aws:iam::111111111111:saml-provider/AcmeIdP"
    argv = ["explain", str(assembly), "--role", "SamlRoles/Engineers", "--principal", saml]
    argv += ["--context", "SAML:aud=https://signin.aws.amazon.com/saml"]
    assert main([*argv, "--claim", "edupersonaffiliation=staff,engineering"]) == 0
    capsys.readouterr()
    assert main([*argv, "--claim", "edupersonaffiliation=staff,sales"]) == 1
    assert "[saml-attribute-wrong]" in capsys.readouterr().out


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


def test_catalog_lists_what_the_app_acknowledged_apart(assembly: Path) -> None:
    """The examples acknowledge IAMR-TRUST-007 on the audit and vendor roles
    (cdk.Acknowledgment): the catalog lists those apart, as check does, and without the
    acknowledgments they are warnings again."""
    from cdk_iam_roles.catalog import build_catalog, render
    from cdk_iam_roles.cfn import load_stacks
    from cdk_iam_roles.rules.acknowledgments import read_acknowledgments

    stacks = load_stacks(assembly)
    plain = build_catalog(stacks)
    acknowledged = build_catalog(stacks, acknowledgments=read_acknowledgments(stacks, assembly))
    before = [f for f in plain.findings if f.rule_id == "IAMR-TRUST-007"]
    assert before, "the examples acknowledge IAMR-TRUST-007 on two roles"
    assert not [f for f in acknowledged.findings if f.rule_id == "IAMR-TRUST-007"]
    assert sorted(f.path for f in acknowledged.acknowledged) == sorted(f.path for f in before)
    assert all(f.rule_id != "IAMR-TRUST-007" for r in acknowledged.roles for f in r.findings)
    summary = render(acknowledged, "summary")
    assert "IAMR-TRUST-007" not in summary
    assert f"({len(before)} acknowledged)" in summary.splitlines()[0]
