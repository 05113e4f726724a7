"""ServiceRole and ServiceLinkedRole examples."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam

from cdk_iam_roles import ServiceLinkedRole, ServiceRole
from examples.stacks import ENV


def build(app: cdk.App) -> None:
    """Service roles for Lambda, Step Functions, ECS and EC2; a service-linked role."""
    stack = cdk.Stack(app, "ServiceRoles", env=ENV, description="cdk-iam-roles: service roles")
    worker = ServiceRole(
        stack,
        "OrderWorker",
        service="lambda.amazonaws.com",
        description="Runs the order worker Lambda function",
        managed_policies=[
            iam.ManagedPolicy.from_aws_managed_policy_name(
                "service-role/AWSLambdaBasicExecutionRole"
            )
        ],
    )
    cdk.Validations.of(worker).acknowledge(
        cdk.Acknowledgment(
            id="AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
            "service-role/AWSLambdaBasicExecutionRole]",
            reason="The basic execution policy only writes the function's own logs.",
        )
    )
    ServiceRole(
        stack,
        "Checkout",
        service="states.amazonaws.com",
        source_arn=f"arn:aws:states:{ENV.region}:{ENV.account}:stateMachine:checkout-*",
        description="Step Functions state machines of the checkout flow",
    )
    ServiceRole(
        stack,
        "ApiTask",
        service="ecs-tasks.amazonaws.com",
        source_arn=f"arn:aws:ecs:{ENV.region}:{ENV.account}:*",
        description="Task role of the API service on ECS",
    )
    web = ServiceRole(
        stack, "WebServer", service="ec2.amazonaws.com", description="Web servers on EC2"
    )
    web.add_managed_policy(
        iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore")
    )
    cdk.Validations.of(web).acknowledge(
        cdk.Acknowledgment(
            id="AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
            "AmazonSSMManagedInstanceCore]",
            reason="Session Manager access to the web servers instead of SSH.",
        )
    )
    ServiceLinkedRole(
        stack,
        "BeanstalkLinked",
        service="elasticbeanstalk.amazonaws.com",
        description="Adopted if the account already has it",
    )
