"""WebIdentityRole examples: one role per OIDC identity class, and the GitHub provider."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam

from cdk_iam_roles import (
    CognitoIdentityPool,
    EksServiceAccount,
    GenericOidc,
    GitHubActions,
    GitLabCI,
    TerraformCloud,
    WebIdentityRole,
)
from cdk_iam_roles.patterns.web_identity import oidc_provider_for
from examples.stacks import ENV


def build(app: cdk.App) -> None:
    """Roles for GitHub Actions, GitLab CI, EKS, Cognito, HCP Terraform and a generic issuer."""
    stack = cdk.Stack(
        app, "WebIdentityRoles", env=ENV, description="cdk-iam-roles: OIDC web-identity roles"
    )
    deploy_from_main = GitHubActions(owner="acme", repo="shop", branches=["main"])
    # The account has one provider per issuer; this stack owns GitHub's.
    github = oidc_provider_for(stack, "GitHubProvider", deploy_from_main)
    WebIdentityRole(
        stack,
        "ShopDeploy",
        identity=deploy_from_main,
        provider=github,
        description="GitHub Actions: deploys acme/shop from main",
    )
    WebIdentityRole(
        stack,
        "ShopRelease",
        identity=GitHubActions(
            owner="acme",
            repo="shop",
            owner_id=1234567,
            repo_id=7654321,
            tags=["v/*"],
            environments=["production"],
        ),
        provider=github,
        description="GitHub Actions: release tags and the production environment (immutable IDs)",
    )
    WebIdentityRole(
        stack,
        "PlatformCi",
        identity=GitLabCI(project_path="acme/platform/infra", branches=["main", "release/*"]),
        description="GitLab CI: main and release branches of acme/platform/infra",
    )
    WebIdentityRole(
        stack,
        "CartPods",
        identity=EksServiceAccount(
            issuer="https://oidc.eks.eu-west-1.amazonaws.com/id/5C1D0E5A1B2C3D4E5F60718293A4B5C6",
            namespace="shop",
            service_account="cart",
        ),
        description="EKS: the shop/cart service account",
    )
    pool = cognito.CfnIdentityPool(
        stack, "ShopperPool", allow_unauthenticated_identities=False, identity_pool_name="shoppers"
    )
    WebIdentityRole(
        stack,
        "Shoppers",
        identity=CognitoIdentityPool(identity_pool_id=pool.ref),
        description="Cognito: signed-in shoppers",
    )
    WebIdentityRole(
        stack,
        "TerraformApply",
        identity=TerraformCloud(
            organization="acme", project="infra", workspace="prod", run_phase="apply"
        ),
        description="HCP Terraform: apply runs of acme/infra/prod",
    )
    reporting = WebIdentityRole(
        stack,
        "Reporting",
        identity=GenericOidc(
            issuer="https://login.example.com/realms/acme",
            audiences=["reporting"],
            subjects=["service-account-reporting"],
        ),
        description="A generic OIDC issuer: the reporting service account",
    )
    # A WebIdentityRole is an iam.Role: grant it what it needs as usual.
    reporting.add_to_policy(
        iam.PolicyStatement(
            actions=["s3:GetObject"], resources=["arn:aws:s3:::acme-reports/daily/summary.csv"]
        )
    )
