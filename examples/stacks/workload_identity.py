"""Workload identity as of 2026: a reusable-workflow deploy role, CircleCI, Roles Anywhere."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_rolesanywhere as rolesanywhere

from cdk_iam_roles import CircleCI, GitHubActions, RolesAnywhereRole, WebIdentityRole
from examples.stacks import ENV

# The organisation's CA in AWS Private CA, which issues the build servers' certificates.
CA_ARN = (
    "arn:aws:acm-pca:eu-west-1:111111111111:certificate-authority/"
    "5c1d0e5a-1b2c-4d4e-8f60-718293a4b5c6"
)


def build(app: cdk.App) -> None:
    """Roles for a reusable GitHub workflow, a CircleCI project and an on-premises builder."""
    stack = cdk.Stack(
        app,
        "WorkloadIdentityRoles",
        env=ENV,
        description="cdk-iam-roles: provider claim keys, CircleCI and IAM Roles Anywhere",
    )
    # Production deploys of acme/shop: environment prod AND branch main, the repository
    # pinned by its numeric ID, and only through the platform team's reusable workflow.
    WebIdentityRole(
        stack,
        "ShopProdDeploy",
        identity=GitHubActions(
            owner="acme",
            repo="shop",
            environments=["prod"],
            refs=["refs/heads/main"],
            repository_id=7654321,
            job_workflow_refs=["acme/platform/.github/workflows/deploy.yml@refs/heads/main"],
        ),
        description="GitHub Actions: acme/shop prod from main, through acme/platform deploy.yml",
    )
    WebIdentityRole(
        stack,
        "MobileCi",
        identity=CircleCI(
            organization_id="0f1e2d3c-4b5a-4978-8a9b-0c1d2e3f4a5b",
            project_ids=["1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d"],
        ),
        description="CircleCI: jobs of the mobile project",
    )
    anchor = rolesanywhere.CfnTrustAnchor(
        stack,
        "BuildServersAnchor",
        name="build-servers",
        enabled=True,
        source=rolesanywhere.CfnTrustAnchor.SourceProperty(
            source_type="AWS_ACM_PCA",
            source_data=rolesanywhere.CfnTrustAnchor.SourceDataProperty(acm_pca_arn=CA_ARN),
        ),
    )
    RolesAnywhereRole(
        stack,
        "OnPremBuilder",
        trust_anchors=[anchor],
        certificate_subject={"CN": "build-01", "OU": "ci"},
        description="IAM Roles Anywhere: the on-premises build server build-01",
    )
