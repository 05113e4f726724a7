"""ElevatedUserRole examples: break-glass for IAM users, elevation for Identity Center."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns

from cdk_iam_roles import ElevatedUserRole
from cdk_iam_roles.patterns.elevated_user import identity_center_role_arn
from examples.stacks import ENV


def build(app: cdk.App) -> None:
    """An alarmed break-glass role and an Identity Center production-write role."""
    stack = cdk.Stack(app, "ElevatedAccess", env=ENV, description="cdk-iam-roles: human elevation")
    alarms = sns.Topic(stack, "SecurityAlarms", enforce_ssl=True)
    break_glass = ElevatedUserRole(
        stack,
        "BreakGlass",
        trusted_users=[
            f"arn:aws:iam::{ENV.account}:user/breakglass/alice",
            f"arn:aws:iam::{ENV.account}:user/breakglass/bob",
        ],
        mfa_max_age=cdk.Duration.minutes(5),
        require_source_identity=True,
        alarm_topic=alarms,
        role_name="break-glass",
        description="Emergency administrator access; every use pages security",
        managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("AdministratorAccess")],
    )
    cdk.Validations.of(break_glass).acknowledge(
        cdk.Acknowledgment(
            id="AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
            "AdministratorAccess]",
            reason="Break-glass is full administrator access by design; MFA and an alarm gate it.",
        )
    )
    prod_write = ElevatedUserRole(
        stack,
        "ProdWrite",
        trusted_users=[identity_center_role_arn(str(ENV.account), "PlatformEngineer")],
        idp_enforced_mfa=True,
        require_source_identity=True,
        alarm_topic=alarms,
        role_name="prod-write",
        description="Production write access for platform engineers (MFA at Identity Center)",
        inline_policies={
            "RestartServices": iam.PolicyDocument(
                statements=[
                    iam.PolicyStatement(
                        actions=["ecs:UpdateService"],
                        resources=[f"arn:aws:ecs:{ENV.region}:{ENV.account}:service/prod/*"],
                    )
                ]
            )
        },
    )
    cdk.Validations.of(prod_write).acknowledge(
        cdk.Acknowledgment(
            id="AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:ecs:eu-west-1:111111111111:"
            "service/prod/*]",
            reason="Every service of the prod cluster; the role exists to restart them.",
        )
    )
