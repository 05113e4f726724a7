"""Every catalog format on a synthesized multi-stack cloud assembly.

``CDK_IAM_ROLES_CATALOG_CDK_OUT=path/to/cdk.out`` runs :func:`check_assembly` on that
assembly too (the examples app, say).
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from catalog_checks import check_assembly, read_profiles
from synth_app import synth_assembly

from cdk_iam_roles.catalog import Catalog, build_catalog, render, render_profiles
from cdk_iam_roles.cfn import load_stacks
from cdk_iam_roles.cli import main

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synth_assembly(tmp_path_factory.mktemp("cdk") / "cdk.out")


@pytest.fixture(scope="module")
def catalog(assembly: Path) -> Catalog:
    return check_assembly(assembly)


def test_every_stack_and_role_is_read_with_its_construct_path(catalog: Catalog) -> None:
    assert [s.name for s in catalog.stacks] == ["Prod/Apps", "Platform", "Apps"]
    platform = {r.path: r for r in catalog.stacks[1].roles}
    assert sorted(platform) == [
        "Platform/Admin/Resource",
        "Platform/Audit/Resource",
        "Platform/ConsoleReadOnly/Resource",
        "Platform/Deploy/Resource",
        "Platform/Unnamed/Resource",
        "Platform/Vendor/Resource",
    ]
    assert platform["Platform/Admin/Resource"].role_name == "platform-admin"


def test_words_patterns_and_permissions_of_real_constructs(catalog: Catalog) -> None:
    rows = {
        (r.stack, r.path.split("/")[-2]): (r.pattern, [a.words for a in r.assumers])
        for r in catalog.roles
    }
    assert rows["Platform", "Deploy"] == (
        "WebIdentityRole",
        ["GitHub Actions, repository acme/web, branch main"],
    )
    assert rows["Platform", "ConsoleReadOnly"] == (
        "FederatedRole",
        ["SAML provider Okta (console sign-in)"],
    )
    assert rows["Platform", "Audit"] == (
        "CrossAccountRole",
        ["any principal in account 222222222222 (organization o-a1b2c3d4e5)"],
    )
    assert rows["Prod/Apps", "Checkout"] == (
        "ServiceRole",
        [
            "AWS service states.amazonaws.com (from account 111111111111, for "
            "arn:aws:states:eu-west-1:111111111111:stateMachine:checkout-*)"
        ],
    )
    assert rows["Prod/Apps", "HandWritten"][0] == "hand-written"
    assert rows["Prod/Apps", "Pods"][1] == [
        "EKS service account shop/cart in cluster EXAMPLED539D4633E53DE1B71EXAMPLE (eu-west-1)"
    ]
    assert rows["Apps", "Guests"][1] == [
        "Cognito identity pool eu-west-1:1111-2222 (authenticated identities)"
    ]
    (checkout,) = [r for r in catalog.stacks[0].roles if r.path.endswith("Checkout/Resource")]
    assert "GetObject*" in checkout.permissions.allowed["s3"]
    (admin,) = [r for r in catalog.stacks[1].roles if r.role_name == "platform-admin"]
    assert admin.permissions.managed_policies == ("AdministratorAccess (AWS managed)",)
    assert admin.max_session_seconds == 7200


def test_environment_agnostic_stack_keeps_unknowns_unknown(catalog: Catalog) -> None:
    agnostic = catalog.stacks[2]
    assert agnostic.account is None
    (checkout,) = [r for r in agnostic.roles if r.path.endswith("Checkout/Resource")]
    assert "from account unknown (AWS::AccountId)" in checkout.assumers[0].words


def test_profiles_of_the_app(assembly: Path) -> None:
    text = render_profiles(build_catalog(load_stacks(assembly)), source_profile="me")
    config = read_profiles(text)
    assert config.sections() == [
        "profile Platform-org-audit",
        "profile Platform-vendor-monitoring",
        "profile Platform-platform-admin",
    ]
    assert config["profile Platform-org-audit"]["role_arn"] == (
        "arn:aws:iam::111111111111:role/audit/org-audit"
    )
    assert config["profile Platform-vendor-monitoring"]["external_id"] == "vendor-7f3a"
    admin = config["profile Platform-platform-admin"]
    assert admin["mfa_serial"].startswith("arn:aws:iam::111111111111:mfa/")
    assert admin["duration_seconds"] == "3600"
    assert "# Platform/Unnamed/Resource: no profile, because its name is generated" in text


def test_json_of_the_app_counts_patterns(catalog: Catalog) -> None:
    data = json.loads(render(catalog, "json"))
    assert data["summary"]["patterns"] == {
        "ServiceRole": 4,
        "CrossAccountRole": 3,
        "ElevatedUserRole": 1,
        "WebIdentityRole": 5,
        "FederatedRole": 1,
        "hand-written": 2,
    }
    # Four roles trust AWS identities; people sign in to the SAML console role (Okta).
    assert data["summary"]["human_assumable"] == 5


# --- the samples of docs/cli-catalog.md and docs/cli-profiles.md -------------------------

DOCS = [ROOT / "docs" / "cli-catalog.md", ROOT / "docs" / "cli-profiles.md"]


def _blocks(path: Path, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def _commands() -> list[tuple[str, str]]:
    return [
        (doc.name, line[2:])
        for doc in DOCS
        for block in _blocks(doc, "console")
        for line in block.splitlines()
        if line.startswith("$ cdk-iam-roles ")
    ]


@pytest.mark.parametrize(("doc", "command"), _commands())
def test_docs_commands_run(
    doc: str,
    command: str,
    assembly: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    argv = [str(assembly) if a == "cdk.out" else a for a in shlex.split(command)[1:]]
    assert main(argv) == 0
    written = [a for a in argv if a.endswith((".md", ".html", ".mmd", ".json"))]
    out = "".join((tmp_path / w).read_text(encoding="utf-8") for w in written)
    assert (out or capsys.readouterr().out).strip()


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: d.name)
def test_docs_python_samples_run(
    doc: Path, assembly: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for block in _blocks(doc, "python"):
        exec(block.replace('"cdk.out"', repr(str(assembly))), {})
    assert capsys.readouterr().out.strip()


def test_docs_profile_sample_is_what_the_tool_writes(assembly: Path) -> None:
    (sample,) = _blocks(DOCS[1], "ini")
    text = render_profiles(build_catalog(load_stacks(assembly)), source_profile="me")
    for section in sample.strip().split("\n\n"):
        assert section in text
