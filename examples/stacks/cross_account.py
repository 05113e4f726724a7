"""CrossAccountRole examples: a pipeline in a tooling account, a vendor, an audit account."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam

from cdk_iam_roles import CrossAccountRole
from cdk_iam_roles.plugin import acknowledge
from examples.stacks import ENV

TOOLING_ACCOUNT = "222222222222"
AUDIT_ACCOUNT = "333333333333"
ORGANIZATION_ID = "o-a1b2c3d4e5"


def build(app: cdk.App) -> None:
    """A deploy role with both sides wired, a vendor role and an audit role."""
    tooling = cdk.Stack(
        app,
        "CrossAccountTooling",
        env=cdk.Environment(account=TOOLING_ACCOUNT, region=ENV.region),
        description="cdk-iam-roles: the caller side of a cross-account deployment",
    )
    pipeline = iam.Role(
        tooling,
        "Pipeline",
        role_name="pipeline-deployer",
        assumed_by=iam.ServicePrincipal("codebuild.amazonaws.com"),
        description="The build project that deploys to the workload account",
    )

    stack = cdk.Stack(
        app, "CrossAccount", env=ENV, description="cdk-iam-roles: cross-account roles"
    )
    deploy = CrossAccountRole(
        stack,
        "Deploy",
        trusted_principals=[f"arn:aws:iam::{TOOLING_ACCOUNT}:role/pipeline-deployer"],
        organization_id=ORGANIZATION_ID,
        role_name="deploy-from-tooling",
        description="Assumed by the tooling account's pipeline to deploy",
    )
    deploy.add_to_policy(
        iam.PolicyStatement(
            actions=["cloudformation:DescribeStacks", "cloudformation:UpdateStack"],
            resources=[f"arn:aws:cloudformation:{ENV.region}:{ENV.account}:stack/app-*/*"],
        )
    )
    _nag_ok(
        deploy,
        "AwsSolutions-IAM5[Resource::arn:aws:cloudformation:eu-west-1:111111111111:stack/app-*/*]",
        "Limited to the application's stacks, which are all named app-*.",
    )
    # The caller side: the pipeline's own policy must allow sts:AssumeRole on the role.
    deploy.grant_assume_to(pipeline)

    vendor = CrossAccountRole(
        stack,
        "MonitoringVendor",
        trusted_accounts=["999999999999"],
        third_party=True,
        external_ids="customer-7f3a9c",
        role_name="monitoring-vendor",
        description="Read-only access for the monitoring vendor",
        inline_policies={
            "ReadMetrics": iam.PolicyDocument(
                statements=[
                    iam.PolicyStatement(
                        actions=["cloudwatch:GetMetricData", "cloudwatch:ListMetrics"],
                        resources=["*"],
                    )
                ]
            )
        },
    )
    # The vendor names its own account, not a role; the external ID keeps other customers
    # of the vendor out.
    cdk.Annotations.of(vendor).acknowledge_warning(
        "cdk-iam-roles:IAMR-CA-008", "the vendor publishes an account, not a role ARN"
    )
    # The same fact at synth (the template rule): AWS's third-party pattern trusts the
    # vendor's account with an external ID; the vendor decides which of its principals act.
    acknowledge(vendor, "IAMR-TRUST-007", "the vendor publishes an account, not a role ARN")
    _nag_ok(
        vendor,
        "AwsSolutions-IAM5[Resource::*]",
        "CloudWatch metric reads do not support resource-level permissions.",
    )

    audit = CrossAccountRole(
        stack,
        "Audit",
        trusted_accounts=[AUDIT_ACCOUNT],
        organization_id=ORGANIZATION_ID,
        require_mfa=True,
        role_name="security-audit",
        description="Security team's read access; the audit account decides who",
    )
    audit.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name("SecurityAudit"))
    cdk.Annotations.of(audit).acknowledge_warning(
        "cdk-iam-roles:IAMR-CA-008", "the audit account's administrators manage access"
    )
    # aws:PrincipalOrgID does not narrow this trust (every principal of a member account is
    # in the organization): trusting the account is the decision, so it is acknowledged.
    acknowledge(audit, "IAMR-TRUST-007", "the audit account's administrators manage access")
    _nag_ok(
        audit,
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/SecurityAudit]",
        "AWS maintains the read-only security audit policy as services are added.",
    )


def _nag_ok(role: iam.IRole, finding: str, reason: str) -> None:
    cdk.Validations.of(role).acknowledge(
        cdk.Acknowledgment(id=f"AwsSolutions::{finding}", reason=reason)
    )
