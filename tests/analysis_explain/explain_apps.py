"""The apps the explain tests run on, built with the real CDK.

``build_classic`` fills one stack with one role per classic cause ``explain`` names;
``build_assembly`` writes a whole ``cdk.out`` with a stage, a nested stack and two
accounts.
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

import helpers
from cdk_iam_roles import ServiceRole

ACCOUNT = helpers.ACCOUNT
OTHER = "222222222222"
VENDOR = "999999999999"
OIDC = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
SAML = f"arn:aws:iam::{ACCOUNT}:saml-provider/corp"
JUMP = f"arn:aws:iam::{ACCOUNT}:role/jump"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"


def build_classic(stack: cdk.Stack) -> None:
    # MFA (missing / too old / chained), duration above MaxSessionDuration.
    iam.Role(
        stack,
        "Admin",
        role_name="admin",
        max_session_duration=cdk.Duration.hours(1),
        assumed_by=iam.CompositePrincipal(
            iam.ArnPrincipal(ALICE), iam.ArnPrincipal(JUMP)
        ).with_conditions(
            {
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
                "NumericLessThan": {"aws:MultiFactorAuthAge": "900"},
            }
        ),
    )
    # An elevated-user trust: the session must be named after the IAM user.
    iam.Role(
        stack,
        "Elevated",
        role_name="elevated",
        assumed_by=iam.ArnPrincipal(ALICE).with_conditions(
            {"StringEquals": {"sts:RoleSessionName": "${aws:username}"}}
        ),
    )
    # A service role with confused-deputy conditions (ServiceRole's default).
    ServiceRole(
        stack,
        "Checkout",
        role_name="checkout",
        service="states.amazonaws.com",
        source_arn=f"arn:aws:states:{helpers.REGION}:{ACCOUNT}:stateMachine:checkout-*",
    )
    # Role chaining's one-hour cap: the role allows four hours.
    iam.Role(
        stack,
        "Batch",
        role_name="batch",
        max_session_duration=cdk.Duration.hours(4),
        assumed_by=iam.ArnPrincipal(JUMP),
    )
    # External ID for a vendor account.
    iam.Role(
        stack,
        "Vendor",
        role_name="vendor",
        assumed_by=iam.AccountPrincipal(VENDOR).with_conditions(
            {"StringEquals": {"sts:ExternalId": "vendor-7f3a"}}
        ),
    )
    # GitHub Actions through OIDC.
    iam.Role(
        stack,
        "Deploy",
        role_name="deploy",
        assumed_by=iam.WebIdentityPrincipal(
            OIDC,
            {
                "StringEquals": {
                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                    "token.actions.githubusercontent.com:sub": "repo:acme/web:ref:refs/heads/main",
                }
            },
        ),
    )
    # MFA on a SAML-federated principal: can never be met.
    iam.Role(
        stack,
        "SamlAdmin",
        role_name="saml-admin",
        assumed_by=iam.FederatedPrincipal(
            SAML,
            {
                "StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"},
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
            },
            "sts:AssumeRoleWithSAML",
        ),
    )
    # Same-account trust in the account: the caller's own policy must allow it.
    iam.Role(stack, "Shared", role_name="shared", assumed_by=iam.AccountRootPrincipal())
    iam.Role(
        stack, "Worker", role_name="worker", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com")
    )
    granted = iam.Role(
        stack, "Granted", role_name="granted", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com")
    )
    granted.add_to_policy(
        iam.PolicyStatement(
            actions=["sts:AssumeRole"], resources=[f"arn:aws:iam::{ACCOUNT}:role/shared"]
        )
    )
    # A bucket policy with an explicit deny, and a role allowed everything on the bucket.
    bucket = s3.Bucket(stack, "Data", bucket_name="acme-data")
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            sid="NoDeletes",
            effect=iam.Effect.DENY,
            principals=[iam.AnyPrincipal()],
            actions=["s3:DeleteObject"],
            resources=[bucket.arn_for_objects("*")],
        )
    )
    app_role = ServiceRole(stack, "App", service="lambda.amazonaws.com", role_name="app")
    bucket.grant_read_write(app_role)
    app_role.add_to_policy(
        iam.PolicyStatement(actions=["s3:DeleteObject"], resources=[bucket.arn_for_objects("*")])
    )
    # A permissions boundary that cuts s3:PutObject.
    boundary = iam.ManagedPolicy(
        stack,
        "Boundary",
        managed_policy_name="boundary",
        statements=[iam.PolicyStatement(actions=["s3:GetObject"], resources=["*"])],
    )
    bounded = iam.Role(
        stack,
        "Bounded",
        role_name="bounded",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        permissions_boundary=boundary,
    )
    bounded.add_to_policy(
        iam.PolicyStatement(actions=["s3:GetObject", "s3:PutObject"], resources=["*"])
    )
    # A caller whose own boundary does not allow sts:AssumeRole.
    capped = iam.Role(
        stack,
        "Capped",
        role_name="capped",
        assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
        permissions_boundary=boundary,
    )
    capped.add_to_policy(
        iam.PolicyStatement(
            actions=["sts:AssumeRole"], resources=[f"arn:aws:iam::{ACCOUNT}:role/shared"]
        )
    )
    # A value known only at deployment: the trusted account is a parameter.
    trusted = cdk.CfnParameter(stack, "TrustedAccount", type="String")
    iam.Role(
        stack,
        "FromParameter",
        role_name="from-parameter",
        assumed_by=iam.AccountPrincipal(trusted.value_as_string),
    )


class _Nested(cdk.NestedStack):
    def __init__(self, scope: cdk.Stack, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        iam.Role(
            self,
            "Reader",
            role_name="nested-reader",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        )


def build_assembly(out: Path) -> Path:
    """A cdk.out with a stage (account 111…) holding a nested stack, and a caller stack (222…)."""
    # As `cdk synth` does: asset metadata (nested stacks are found through it) and path
    # metadata on.
    app = cdk.App(
        outdir=str(out),
        analytics_reporting=False,
        context={
            "aws:cdk:disable-version-reporting": True,
            "aws:cdk:enable-asset-metadata": True,
            "aws:cdk:enable-path-metadata": True,
        },
    )
    synthesizer = cdk.DefaultStackSynthesizer(generate_bootstrap_version_rule=False)
    stage = cdk.Stage(app, "Prod", env=cdk.Environment(account=ACCOUNT, region="eu-west-1"))
    target = cdk.Stack(stage, "Target", synthesizer=synthesizer)
    iam.Role(
        target,
        "CrossTarget",
        role_name="cross-target",
        assumed_by=iam.AccountPrincipal(OTHER),
    )
    ServiceRole(target, "Fn", service="lambda.amazonaws.com")
    iam.Role(
        target, "Plain", role_name="plain", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com")
    )
    _Nested(target, "Inner")
    callers = cdk.Stack(
        app,
        "Callers",
        env=cdk.Environment(account=OTHER, region="eu-west-1"),
        synthesizer=cdk.DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
    )
    iam.Role(
        callers, "Plain", role_name="plain", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com")
    )
    allowed = iam.Role(
        callers,
        "Allowed",
        role_name="allowed",
        assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
    )
    allowed.add_to_policy(
        iam.PolicyStatement(
            actions=["sts:AssumeRole"], resources=[f"arn:aws:iam::{ACCOUNT}:role/cross-target"]
        )
    )
    app.synth()
    return out
