"""The public surface: curated, sorted, importable; the pure core never loads the CDK."""

from __future__ import annotations

import subprocess
import sys

import pytest

import cdk_iam_roles

EXPECTED = [
    "BitbucketPipelines",
    "Buildkite",
    "CdkIamRolesError",
    "CircleCI",
    "CognitoIdentityPool",
    "CrossAccountRole",
    "EksServiceAccount",
    "ElevatedUserRole",
    "FederatedRole",
    "GenericOidc",
    "GitHubActions",
    "GitLabCI",
    "IamRolesPlugin",
    "InputError",
    "OrgRoleRollout",
    "OrgStandard",
    "Problem",
    "RoleConfigError",
    "RolesAnywhereRole",
    "ServiceLinkedRole",
    "ServiceRole",
    "TerraformCloud",
    "WebIdentityRole",
    "identity_center_role_arn",
    "oidc_provider_for",
]


def test_all_is_sorted_and_curated() -> None:
    # Classes first, then functions, each group in alphabetical order.
    assert cdk_iam_roles.__all__ == sorted(cdk_iam_roles.__all__, key=lambda n: (n[0].islower(), n))
    assert cdk_iam_roles.__all__ == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_every_exported_name_resolves(name: str) -> None:
    assert getattr(cdk_iam_roles, name).__name__ == name


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        cdk_iam_roles.Nope  # noqa: B018


def test_role_config_error_is_a_value_error() -> None:
    assert issubclass(cdk_iam_roles.RoleConfigError, ValueError)


PURE_MODULES = [
    "cdk_iam_roles",
    "cdk_iam_roles.errors",
    "cdk_iam_roles.defaults",
    "cdk_iam_roles.cfn",
    "cdk_iam_roles.stacksets",
    "cdk_iam_roles.trust.document",
    "cdk_iam_roles.trust.validate",
    "cdk_iam_roles.trust.confused_deputy",
    "cdk_iam_roles.trust.identities",
    "cdk_iam_roles.rules",
    "cdk_iam_roles.rules.org",
    "cdk_iam_roles.analysis",
    "cdk_iam_roles.catalog",
    "cdk_iam_roles.cli",
]


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_core_never_imports_the_cdk(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('aws_cdk', 'jsii', 'constructs'))\n"
        "print(','.join(loaded))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"{module} loaded {out}"


def test_org_standard_is_importable_without_the_cdk() -> None:
    code = (
        "import sys\n"
        "from cdk_iam_roles import OrgStandard\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('aws_cdk', 'jsii', 'constructs'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


def test_cli_with_all_commands_never_imports_the_cdk() -> None:
    code = (
        "import sys\n"
        "from cdk_iam_roles.cli import build_parser\n"
        "build_parser()\n"
        "import cdk_iam_roles.rules.registry as r; r.all_rules()\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('aws_cdk', 'jsii', 'constructs'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""
