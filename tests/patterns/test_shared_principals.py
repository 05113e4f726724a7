"""Roles of one stack whose trust is the same JSON share one principal object (issue 12,
speed): each role then costs one round trip to Node. Sharing must never change what a
role's trust says, nor let one role's trust leak into another's."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam

from cdk_iam_roles import CrossAccountRole, GitHubActions, ServiceRole, WebIdentityRole
from helpers import jsii_messages, new_stack, synth, trust_of

VENDOR = "arn:aws:iam::222222222222:role/vendor-integration"


def test_roles_that_trust_alike_cost_one_round_trip_each() -> None:
    stack = new_stack("Shared")
    ServiceRole(stack, "First", service="ecs-tasks.amazonaws.com")
    assert (
        jsii_messages(lambda: ServiceRole(stack, "Second", service="ecs-tasks.amazonaws.com")) == 1
    )
    assert (
        jsii_messages(
            lambda: CrossAccountRole(
                stack, "V1", trusted_principals=[VENDOR], third_party=True, external_ids=["x-111"]
            )
        )
        == 2
    )
    assert (
        jsii_messages(
            lambda: CrossAccountRole(
                stack, "V2", trusted_principals=[VENDOR], third_party=True, external_ids=["x-222"]
            )
        )
        == 1
    )


def test_shared_principals_render_each_role_s_own_trust() -> None:
    stack = new_stack("Own")
    for i in range(3):
        CrossAccountRole(
            stack, f"V{i}", trusted_principals=[VENDOR], third_party=True, external_ids=[f"x-{i}00"]
        )
        ServiceRole(stack, f"S{i}", service="ecs-tasks.amazonaws.com")
    ServiceRole(
        stack,
        "Flow",
        service="states.amazonaws.com",
        source_arn="arn:aws:states:us-east-1:111111111111:stateMachine:m",
    )
    template = synth(stack)
    for i in range(3):
        (statement,) = trust_of(template, f"V{i}")["Statement"]
        assert statement["Principal"] == {"AWS": VENDOR}
        assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": f"x-{i}00"}}
        (service,) = trust_of(template, f"S{i}")["Statement"]
        assert service["Condition"] == {"StringEquals": {"aws:SourceAccount": "111111111111"}}
    (flow,) = trust_of(template, "Flow")["Statement"]
    assert "aws:SourceArn" in str(flow["Condition"])


def test_a_principal_is_never_shared_between_stacks() -> None:
    app = cdk.App(analytics_reporting=False)
    one = cdk.Stack(app, "One", env=cdk.Environment(account="111111111111", region="us-east-1"))
    two = cdk.Stack(app, "Two", env=cdk.Environment(account="333333333333", region="us-east-1"))
    ServiceRole(one, "Task", service="ecs-tasks.amazonaws.com")
    ServiceRole(two, "Task", service="ecs-tasks.amazonaws.com")
    assembly = app.synth()
    for name, account in (("One", "111111111111"), ("Two", "333333333333")):
        template = assembly.get_stack_by_name(name).template
        (role,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Role"]
        (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": account}}


def test_an_environment_agnostic_stack_renders_the_provider_arn_as_format_arn_did() -> None:
    stack = new_stack("Agnostic", env=None)
    WebIdentityRole(
        stack, "Deploy", identity=GitHubActions(owner="acme", repo="app", branches=["main"])
    )
    expected = stack.format_arn(
        service="iam",
        region="",
        resource="oidc-provider",
        resource_name="token.actions.githubusercontent.com",
        arn_format=cdk.ArnFormat.SLASH_RESOURCE_NAME,
    )
    iam.Role(stack, "ByHand", assumed_by=iam.FederatedPrincipal(expected, {}))
    template = synth(stack, lint=False)
    (ours,) = trust_of(template, "Deploy")["Statement"]
    (theirs,) = trust_of(template, "ByHand")["Statement"]
    assert ours["Principal"] == theirs["Principal"]
