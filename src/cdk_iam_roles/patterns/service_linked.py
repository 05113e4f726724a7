"""ServiceLinkedRole: a service-linked role that does not break when it already exists."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from cdk_iam_roles.errors import ProblemCollector
from cdk_iam_roles.patterns._base import check_description, construct_path, plain_text
from cdk_iam_roles.rules.construct import service as rules
from cdk_iam_roles.trust.tokens import is_token
from cdk_iam_roles.trust.validate import check_service_principal

__all__ = ["ServiceLinkedRole"]

_SUFFIX = re.compile(r"[\w+=,.@-]{1,64}", re.ASCII)
_PROVIDER_ID = "CdkIamRolesServiceLinkedRoleProvider"


class ServiceLinkedRole(Construct):
    """A service-linked role (``AWS::IAM::ServiceLinkedRole``); the service owns its trust.

    An account holds one service-linked role per service (and suffix), and a plain
    ``AWS::IAM::ServiceLinkedRole`` fails to deploy when the role already exists ("has
    been taken in this account"). With ``if_exists="adopt"`` (the default) a small
    custom resource creates the role or, when it exists, adopts it; deleting the stack
    deletes the role only if this stack created it. ``if_exists="fail"`` gives the plain
    resource.

    Args:
        scope: the parent construct.
        construct_id: the construct's ID.
        service: the AWS service name, e.g. ``"elasticbeanstalk.amazonaws.com"``.
        custom_suffix: a suffix for services that allow several roles (default: none).
        description: the role's description (default: none).
        if_exists: ``"adopt"`` (default) or ``"fail"``.

    Raises:
        RoleConfigError: bad service, suffix, description or ``if_exists`` (IAMR-SLR-*).

    Example:
        >>> slr = ServiceLinkedRole(stack, "Beanstalk",
        ...                         service="elasticbeanstalk.amazonaws.com")  # doctest: +SKIP
        >>> slr.role_arn  # doctest: +SKIP
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        service: str,
        custom_suffix: str | None = None,
        description: str | None = None,
        if_exists: Literal["adopt", "fail"] = "adopt",
    ) -> None:
        bag = ProblemCollector()
        if not isinstance(service, str):
            bag.extend([rules.SLR_SERVICE_INVALID.problem("service", "must be a string", service)])
        elif plain_text(bag, "service", service):
            problem = check_service_principal(service)
            if problem:
                bag.extend([rules.SLR_SERVICE_INVALID.problem("service", problem, service)])
        if (
            custom_suffix is not None
            and plain_text(bag, "custom_suffix", custom_suffix)
            and not (
                isinstance(custom_suffix, str)
                and (is_token(custom_suffix) or _SUFFIX.fullmatch(custom_suffix))
            )
        ):
            bag.extend(
                [
                    rules.SLR_SUFFIX_INVALID.problem(
                        "custom_suffix",
                        "must be 1 to 64 of letters, digits and +=,.@_-",
                        custom_suffix,
                    )
                ]
            )
        check_description(bag, "description", description, rules.SLR_DESCRIPTION_INVALID)
        if plain_text(bag, "if_exists", if_exists) and if_exists not in ("adopt", "fail"):
            bag.extend(
                [
                    rules.SLR_IF_EXISTS_INVALID.problem(
                        "if_exists", "must be 'adopt' or 'fail'", if_exists
                    )
                ]
            )
        bag.raise_if_any(lambda: construct_path(scope, construct_id))
        super().__init__(scope, construct_id)
        self.service = service
        self.if_exists = if_exists
        stack = cdk.Stack.of(self)
        if if_exists == "fail":
            resource = iam.CfnServiceLinkedRole(
                self,
                "Resource",
                aws_service_name=service,
                custom_suffix=custom_suffix,
                description=description,
            )
            self.role_name: str = resource.ref
            self.role_arn: str = stack.format_arn(
                service="iam",
                region="",
                resource="role",
                resource_name=f"aws-service-role/{service}/{resource.ref}",
            )
        else:
            provider = _provider(stack)
            props: dict[str, str] = {"ServiceName": service}
            if custom_suffix:
                props["CustomSuffix"] = custom_suffix
            if description:
                props["Description"] = description
            resource_cr = cdk.CustomResource(
                self,
                "Resource",
                service_token=provider.function_arn,
                resource_type="Custom::ServiceLinkedRole",
                properties=props,
            )
            self.role_name = resource_cr.get_att_string("RoleName")
            self.role_arn = resource_cr.get_att_string("Arn")
        self.role: iam.IRole = iam.Role.from_role_arn(self, "Role", self.role_arn, mutable=False)


def _provider(stack: cdk.Stack) -> lambda_.Function:
    """One handler per stack, shared by every adopting ServiceLinkedRole in it."""
    existing = stack.node.try_find_child(_PROVIDER_ID)
    if isinstance(existing, lambda_.Function):
        return existing
    # Imported here: patterns.service imports this package's base, not this module.
    from cdk_iam_roles.patterns.service import ServiceRole

    code = Path(__file__).with_name("_slr_handler.py").read_text(encoding="utf-8")
    logs_group = logs.LogGroup(stack, f"{_PROVIDER_ID}Logs", retention=logs.RetentionDays.ONE_YEAR)
    role = ServiceRole(
        stack,
        f"{_PROVIDER_ID}Role",
        service="lambda.amazonaws.com",
        description="Creates or adopts service-linked roles (cdk-iam-roles)",
    )
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:GetRole"],
            resources=[
                stack.format_arn(
                    service="iam", region="", resource="role", resource_name="aws-service-role/*"
                )
            ],
        )
    )
    # ListRoles has no resource-level permissions.
    # https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
    role.add_to_policy(iam.PolicyStatement(actions=["iam:ListRoles"], resources=["*"]))
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[f"{logs_group.log_group_arn}:*"],
        )
    )
    handler = lambda_.Function(
        stack,
        _PROVIDER_ID,
        runtime=lambda_.Runtime.PYTHON_3_14,
        handler="index.handler",
        code=lambda_.Code.from_inline(code),
        timeout=cdk.Duration.minutes(2),
        role=role,
        log_group=logs_group,
        description="Creates or adopts service-linked roles (cdk-iam-roles)",
    )
    handler.node.add_dependency(role)
    logs_id = stack.resolve(stack.get_logical_id(logs_group.node.default_child))  # type: ignore[arg-type]
    reason = (
        "Service-linked role names are chosen by each service under /aws-service-role/, "
        "and iam:ListRoles has no resource-level permissions; log streams are named by Lambda."
    )
    for finding in (
        "AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/aws-service-role/*]",
        f"AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::{stack.account}:role/aws-service-role/*]",
        "AwsSolutions::AwsSolutions-IAM5[Resource::*]",
        f"AwsSolutions::AwsSolutions-IAM5[Resource::<{logs_id}.Arn>:*]",
    ):
        cdk.Validations.of(role).acknowledge(cdk.Acknowledgment(id=finding, reason=reason))
    return handler
