"""OrgRoleRollout example: a security-audit role in every account of the workloads OU."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

from cdk_iam_roles import CrossAccountRole, OrgRoleRollout
from examples.stacks import ENV

AUDIT_ACCOUNT = "333333333333"
ORGANIZATION_ID = "o-a1b2c3d4e5"
WORKLOADS_OU = "ou-ab12-34cd5678"


def build(app: cdk.App) -> None:
    """A StackSet in the management account that puts the audit role in every member."""
    stack = cdk.Stack(
        app,
        "OrgRollout",
        env=ENV,
        description="cdk-iam-roles: an audit role rolled out to every account of an OU",
    )
    OrgRoleRollout(
        stack,
        "SecurityAudit",
        organizational_units=[WORKLOADS_OU],
        stack_set_name="org-security-audit",
        description="The security team's read-only audit role, in every workload account",
        build=_audit_role,
    )


def _audit_role(scope: Construct) -> None:
    """The member template: one role, the same in every account of the OU."""
    role = CrossAccountRole(
        scope,
        "Audit",
        trusted_principals=[f"arn:aws:iam::{AUDIT_ACCOUNT}:role/security-auditor"],
        organization_id=ORGANIZATION_ID,
        role_name="org-security-audit",
        description="Assumed by the audit account's security-auditor role",
    )
    role.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name("SecurityAudit"))
    cdk.Validations.of(role).acknowledge(
        cdk.Acknowledgment(
            id="AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/SecurityAudit]",
            reason="AWS maintains the read-only security audit policy as services are added.",
        )
    )
