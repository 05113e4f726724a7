"""A small multi-stack CDK app synthesized to a cloud assembly for the catalog tests.

Plain ``iam.Role`` constructs with every kind of trust, plus :class:`ServiceRole`, across
three stacks (one inside a stage, one environment-agnostic).
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from cdk_iam_roles import ServiceRole

ACCOUNT = "111111111111"
REGION = "eu-west-1"
ENV = cdk.Environment(account=ACCOUNT, region=REGION)
GITHUB = "token.actions.githubusercontent.com"
EKS = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"


def _platform(scope: cdk.App) -> None:
    stack = cdk.Stack(scope, "Platform", env=ENV)
    iam.Role(
        stack,
        "Admin",
        role_name="platform-admin",
        max_session_duration=cdk.Duration.hours(2),
        assumed_by=iam.ArnPrincipal(f"arn:aws:iam::{ACCOUNT}:user/alice").with_conditions(
            {
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
                "NumericLessThan": {"aws:MultiFactorAuthAge": "900"},
                "StringEquals": {"sts:RoleSessionName": "${aws:username}"},
            }
        ),
        managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("AdministratorAccess")],
    )
    iam.Role(
        stack,
        "Audit",
        role_name="org-audit",
        path="/audit/",
        assumed_by=iam.AccountPrincipal("222222222222").with_conditions(
            {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
        ),
        managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("SecurityAudit")],
    )
    iam.Role(
        stack,
        "Vendor",
        role_name="vendor-monitoring",
        assumed_by=iam.AccountPrincipal("333333333333"),
        external_ids=["vendor-7f3a"],
    )
    iam.Role(
        stack,
        "Deploy",
        role_name="github-deploy",
        assumed_by=iam.WebIdentityPrincipal(
            f"arn:aws:iam::{ACCOUNT}:oidc-provider/{GITHUB}",
            {
                "StringEquals": {
                    f"{GITHUB}:aud": "sts.amazonaws.com",
                    f"{GITHUB}:sub": "repo:acme/web:ref:refs/heads/main",
                }
            },
        ),
    )
    iam.Role(
        stack,
        "ConsoleReadOnly",
        role_name="console-read-only",
        assumed_by=iam.SamlConsolePrincipal(
            iam.SamlProvider.from_saml_provider_arn(
                stack, "Okta", f"arn:aws:iam::{ACCOUNT}:saml-provider/Okta"
            )
        ),
    )
    # A person's role whose name CloudFormation generates: no profile can name it.
    iam.Role(stack, "Unnamed", assumed_by=iam.AccountPrincipal(ACCOUNT))


def _apps(scope: cdk.Stage | cdk.App, env: cdk.Environment | None) -> None:
    stack = cdk.Stack(scope, "Apps", env=env)
    bucket = s3.Bucket(stack, "Data")
    worker = ServiceRole(
        stack,
        "Checkout",
        service="states.amazonaws.com",
        source_arn=f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:checkout-*",
    )
    bucket.grant_read_write(worker)
    ServiceRole(stack, "Function", service="lambda.amazonaws.com")
    iam.Role(stack, "HandWritten", assumed_by=iam.ServicePrincipal("states.amazonaws.com"))
    iam.Role(
        stack,
        "Pods",
        assumed_by=iam.WebIdentityPrincipal(
            f"arn:aws:iam::{ACCOUNT}:oidc-provider/{EKS}",
            {
                "StringEquals": {
                    f"{EKS}:aud": "sts.amazonaws.com",
                    f"{EKS}:sub": "system:serviceaccount:shop:cart",
                }
            },
        ),
    )
    iam.Role(
        stack,
        "Guests",
        assumed_by=iam.FederatedPrincipal(
            "cognito-identity.amazonaws.com",
            {
                "StringEquals": {"cognito-identity.amazonaws.com:aud": "eu-west-1:1111-2222"},
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
            },
            "sts:AssumeRoleWithWebIdentity",
        ),
    )


def build_app(outdir: Path) -> cdk.App:
    """The app: ``Platform``, ``Prod/Apps`` (a stage) and an environment-agnostic ``Apps``."""
    app = cdk.App(
        outdir=str(outdir),
        analytics_reporting=False,
        context={"aws:cdk:disable-version-reporting": True},
    )
    _platform(app)
    _apps(cdk.Stage(app, "Prod", env=ENV), ENV)
    _apps(app, None)
    return app


def synth_assembly(outdir: Path) -> Path:
    """Synthesize the app into ``outdir`` (a cdk.out) and return it."""
    build_app(outdir).synth()
    return outdir
