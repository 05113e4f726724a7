"""The catalog recognises each role pattern of the library from the template alone."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from catalog_checks import check_assembly

import cdk_iam_roles as lib
from cdk_iam_roles.catalog import Catalog

pytestmark = pytest.mark.slow

ENV = cdk.Environment(account="111111111111", region="eu-west-1")
EKS_ISSUER = "https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789"
POOL = "eu-west-1:11111111-2222-3333-4444-555555555555"


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    outdir = tmp_path_factory.mktemp("patterns") / "cdk.out"
    app = cdk.App(outdir=str(outdir), analytics_reporting=False)
    stack = cdk.Stack(app, "Patterns", env=ENV)
    lib.ServiceRole(stack, "Service", service="states.amazonaws.com")
    lib.CrossAccountRole(
        stack, "Partner", trusted_accounts=["222222222222"], organization_id="o-abc123def4"
    )
    lib.CrossAccountRole(
        stack,
        "Vendor",
        trusted_accounts=["333333333333"],
        third_party=True,
        external_ids=["vendor-123"],
        role_name="vendor",
    )
    lib.ElevatedUserRole(
        stack, "Admin", trusted_users=["arn:aws:iam::111111111111:user/alice"], role_name="admin"
    )
    lib.WebIdentityRole(
        stack, "GitHub", identity=lib.GitHubActions(owner="acme", repo="web", branches=["main"])
    )
    lib.WebIdentityRole(
        stack, "GitLab", identity=lib.GitLabCI(project_path="grp/app", branches=["main"])
    )
    lib.WebIdentityRole(
        stack,
        "Pods",
        identity=lib.EksServiceAccount(issuer=EKS_ISSUER, namespace="shop", service_account="cart"),
    )
    lib.WebIdentityRole(stack, "Cognito", identity=lib.CognitoIdentityPool(identity_pool_id=POOL))
    lib.WebIdentityRole(
        stack,
        "Terraform",
        identity=lib.TerraformCloud(organization="org", project="proj", workspace="ws"),
    )
    lib.FederatedRole(
        stack, "Console", saml_provider="arn:aws:iam::111111111111:saml-provider/Okta"
    )
    app.synth()
    return check_assembly(outdir)


def _by_construct(catalog: Catalog) -> dict[str, tuple[str, list[str]]]:
    return {
        r.construct_id: (r.pattern, [a.words for a in r.assumers])
        for r in catalog.roles
        if "/" not in r.construct_id
    }


@pytest.mark.parametrize(
    ("construct", "pattern", "words"),
    [
        (
            "Service",
            "ServiceRole",
            "AWS service states.amazonaws.com (from account 111111111111)",
        ),
        (
            "Partner",
            "CrossAccountRole",
            "any principal in account 222222222222 (organization o-abc123def4)",
        ),
        (
            "Vendor",
            "CrossAccountRole",
            "any principal in account 333333333333 (external ID vendor-123)",
        ),
        (
            "Admin",
            "ElevatedUserRole",
            "IAM user alice in 111111111111 (MFA within 15 min, "
            "session named after their IAM user name)",
        ),
        ("GitHub", "WebIdentityRole", "GitHub Actions, repository acme/web, branch main"),
        ("GitLab", "WebIdentityRole", "GitLab CI project grp/app, branch main"),
        (
            "Pods",
            "WebIdentityRole",
            "EKS service account shop/cart in cluster ABCDEF0123456789 (eu-west-1)",
        ),
        ("Cognito", "WebIdentityRole", f"Cognito identity pool {POOL} (authenticated identities)"),
        ("Terraform", "WebIdentityRole", "Terraform Cloud org/proj/ws (plan/apply)"),
        ("Console", "FederatedRole", "SAML provider Okta (console sign-in)"),
    ],
)
def test_each_pattern_is_recognised_and_put_in_words(
    catalog: Catalog, construct: str, pattern: str, words: str
) -> None:
    assert _by_construct(catalog)[construct] == (pattern, [words])
