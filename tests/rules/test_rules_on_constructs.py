"""The template rules on templates synthesized from real constructs.

One app holds every case (synthesized once per module): plain ``iam.Role`` /
``CfnRole`` resources written the wrong way and the right way, and resources that pass a
role to a service. Each construct must get exactly the expected rule IDs.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_codebuild as codebuild
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_stepfunctions as sfn

from cdk_iam_roles import ServiceRole
from cdk_iam_roles.cfn import StackTemplate
from cdk_iam_roles.rules import Finding, Severity, check_stack
from helpers import ACCOUNT, new_stack, synth

GITHUB = "token.actions.githubusercontent.com"
GITHUB_PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{GITHUB}"
SAML = f"arn:aws:iam::{ACCOUNT}:saml-provider/Corp"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"


def _lambda_role(stack: cdk.Stack, cid: str) -> iam.Role:
    return iam.Role(stack, cid, assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))


def _trust(stack: cdk.Stack, cid: str, statement: dict[str, Any]) -> None:
    iam.CfnRole(
        stack,
        cid,
        assume_role_policy_document={"Version": "2012-10-17", "Statement": [statement]},
    )


def build() -> cdk.Stack:
    stack = new_stack("Rules")
    # --- trust ---------------------------------------------------------------------
    iam.Role(stack, "Open", assumed_by=iam.AnyPrincipal())
    _trust(
        stack,
        "NotPrincipal",
        {"Effect": "Allow", "NotPrincipal": {"AWS": ROOT}, "Action": "sts:AssumeRole"},
    )
    _trust(
        stack,
        "SamlWithOidcAction",
        {
            "Effect": "Allow",
            "Principal": {"Federated": SAML},
            "Action": "sts:AssumeRoleWithWebIdentity",
        },
    )
    unknown = cdk.CfnParameter(stack, "CallerArn")
    iam.Role(stack, "UnknownCaller", assumed_by=iam.ArnPrincipal(unknown.value_as_string))
    # --- OIDC ----------------------------------------------------------------------
    iam.Role(stack, "GitHubBare", assumed_by=iam.WebIdentityPrincipal(GITHUB_PROVIDER))
    iam.Role(
        stack,
        "GitHubNeighbour",
        assumed_by=iam.WebIdentityPrincipal(
            GITHUB_PROVIDER,
            {
                "StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"},
                "StringLike": {f"{GITHUB}:sub": "repo:acme/app*"},
            },
        ),
    )
    iam.Role(
        stack,
        "GitHubAudPattern",
        assumed_by=iam.WebIdentityPrincipal(
            GITHUB_PROVIDER,
            {
                "StringLike": {f"{GITHUB}:aud": "sts.*"},
                "StringEquals": {f"{GITHUB}:sub": "repo:acme/app:ref:refs/heads/main"},
            },
        ),
    )
    iam.Role(
        stack,
        "GitHubLiteralStar",
        assumed_by=iam.WebIdentityPrincipal(
            GITHUB_PROVIDER,
            {
                "StringEquals": {
                    f"{GITHUB}:aud": "sts.amazonaws.com",
                    f"{GITHUB}:sub": "repo:acme/app:*",
                }
            },
        ),
    )
    iam.Role(
        stack, "CognitoBare", assumed_by=iam.WebIdentityPrincipal("cognito-identity.amazonaws.com")
    )
    # --- MFA -----------------------------------------------------------------------
    iam.Role(
        stack,
        "MfaIfExists",
        assumed_by=iam.AccountRootPrincipal().with_conditions(
            {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}
        ),
    )
    iam.Role(
        stack,
        "MfaNull",
        assumed_by=iam.AccountRootPrincipal().with_conditions(
            {"Null": {"aws:MultiFactorAuthPresent": "false"}}
        ),
    )
    iam.Role(
        stack,
        "SamlMfa",
        assumed_by=iam.FederatedPrincipal(
            SAML,
            {
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
                "StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"},
            },
            "sts:AssumeRoleWithSAML",
        ),
    )
    iam.Role(
        stack,
        "RoleMfa",
        assumed_by=iam.ArnPrincipal(f"arn:aws:iam::{ACCOUNT}:role/Ci").with_conditions(
            {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
        ),
    )
    # --- sessions and services -----------------------------------------------------
    iam.Role(stack, "TagAnything", assumed_by=iam.AccountRootPrincipal().with_session_tags())
    iam.Role(stack, "StatesBare", assumed_by=iam.ServicePrincipal("states.amazonaws.com"))
    # --- quotas --------------------------------------------------------------------
    _trust(
        stack,
        "LongTrust",
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"AWS": [f"arn:aws:iam::{n:012d}:role/r" for n in range(100)]},
        },
    )
    many = _lambda_role(stack, "ManyManaged")
    for n in range(11):
        many.add_managed_policy(
            iam.ManagedPolicy.from_managed_policy_arn(
                stack, f"P{n}", f"arn:aws:iam::aws:policy/P{n}"
            )
        )
    # add_to_policy overflows into managed policies by itself; inline_policies does not
    iam.Role(
        stack,
        "BigInline",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        inline_policies={
            "big": iam.PolicyDocument(
                statements=[
                    iam.PolicyStatement(
                        actions=["s3:GetObject"],
                        resources=[f"arn:aws:s3:::bucket-with-a-long-name-{n:04d}/*"],
                    )
                    for n in range(300)
                ]
            )
        },
    )
    iam.ManagedPolicy(
        stack,
        "BigManaged",
        statements=[
            iam.PolicyStatement(
                actions=["s3:GetObject"], resources=[f"arn:aws:s3:::bucket-{n:04d}/*"]
            )
            for n in range(120)
        ],
    )
    # --- identity policies ---------------------------------------------------------
    typo = _lambda_role(stack, "Typos")
    typo.add_to_policy(iam.PolicyStatement(actions=["s3:GetObjects"], resources=["*"]))
    typo.add_to_policy(
        iam.PolicyStatement(actions=["s3:GetObject"], resources=["arn:aws:s3:::bucket"])
    )
    typo.add_to_policy(
        iam.PolicyStatement(
            actions=["s3:ListAllMyBuckets"],
            resources=["*"],
            conditions={"IpAddress": {"aws:SourceIpAddress": "10.0.0.0/8"}},
        )
    )
    # --- the wrong role on a service -----------------------------------------------
    ec2_role = iam.Role(stack, "Ec2Only", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
    lambda_.Function(
        stack,
        "Fn",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="i.h",
        code=lambda_.Code.from_inline("def h(e, c): pass"),
        role=ec2_role,
    )
    task_role = _lambda_role(stack, "TaskRoleForLambda")
    ecs.FargateTaskDefinition(
        stack, "Task", task_role=task_role, execution_role=task_role
    ).add_container("c", image=ecs.ContainerImage.from_registry("nginx"))
    build_role = _lambda_role(stack, "BuildRoleForLambda")
    codebuild.Project(
        stack,
        "Build",
        role=build_role,
        build_spec=codebuild.BuildSpec.from_object({"version": "0.2", "phases": {}}),
    )
    machine_role = _lambda_role(stack, "MachineRoleForLambda")
    sfn.StateMachine(
        stack,
        "Machine",
        role=machine_role,
        definition_body=sfn.DefinitionBody.from_chainable(sfn.Pass(stack, "Pass")),
    )
    profile_role = _lambda_role(stack, "ProfileRoleForLambda")
    iam.InstanceProfile(stack, "Profile", role=profile_role)
    # --- written right --------------------------------------------------------------
    lambda_.Function(
        stack,
        "GoodFn",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="i.h",
        code=lambda_.Code.from_inline("def h(e, c): pass"),
    )
    ServiceRole(stack, "GoodStates", service="states.amazonaws.com")
    good_task = ServiceRole(stack, "GoodTaskRole", service="ecs-tasks.amazonaws.com")
    ecs.FargateTaskDefinition(stack, "GoodTask", task_role=good_task).add_container(
        "c", image=ecs.ContainerImage.from_registry("nginx")
    )
    ServiceRole(stack, "GoodEc2", service="ec2.amazonaws.com")
    iam.Role(
        stack,
        "GoodGitHub",
        assumed_by=iam.WebIdentityPrincipal(
            GITHUB_PROVIDER,
            {
                "StringEquals": {
                    f"{GITHUB}:aud": "sts.amazonaws.com",
                    f"{GITHUB}:sub": "repo:acme/app:ref:refs/heads/main",
                }
            },
        ),
    )
    return stack  # fmt: skip


EXPECTED: dict[str, set[str]] = {
    "Open": {"IAMR-TRUST-001"},
    "NotPrincipal": {"IAMR-TRUST-002"},
    "SamlWithOidcAction": {"IAMR-TRUST-003"},
    "UnknownCaller": {"IAMR-TRUST-004"},
    "GitHubBare": {"IAMR-OIDC-001", "IAMR-OIDC-002"},
    "GitHubNeighbour": {"IAMR-OIDC-003"},
    "GitHubAudPattern": {"IAMR-OIDC-004"},
    "GitHubLiteralStar": {"IAMR-OIDC-005"},
    "CognitoBare": {"IAMR-OIDC-006"},
    "MfaIfExists": {"IAMR-MFA-001"},
    "MfaNull": {"IAMR-MFA-002"},
    "SamlMfa": {"IAMR-MFA-003"},
    "RoleMfa": {"IAMR-MFA-004"},
    "TagAnything": {"IAMR-TAG-001"},
    "StatesBare": {"IAMR-DEPUTY-001"},
    "LongTrust": {"IAMR-SIZE-001"},
    "ManyManaged": {"IAMR-SIZE-004"},
    "BigInline": {"IAMR-SIZE-002"},
    "BigManaged": {"IAMR-SIZE-003"},
    "Typos": {"IAMR-POL-001", "IAMR-POL-002", "IAMR-POL-003"},
    "Ec2Only": {"IAMR-USE-001"},
    "TaskRoleForLambda": {"IAMR-USE-001"},
    "BuildRoleForLambda": {"IAMR-USE-001"},
    "MachineRoleForLambda": {"IAMR-USE-001"},
    "ProfileRoleForLambda": {"IAMR-USE-001"},
    "GoodFn": set(),
    "GoodStates": set(),
    "GoodTaskRole": set(),
    "GoodTask": set(),
    "GoodEc2": set(),
    "GoodGitHub": set(),
}


@pytest.fixture(scope="module")
def found() -> dict[str, set[str]]:
    stack = build()
    template = synth(stack, lint=False)
    view = StackTemplate.from_template(template, name="Rules", account=ACCOUNT, region="us-east-1")
    by_construct: dict[str, set[str]] = {}
    findings: list[Finding] = check_stack(view)
    for finding in findings:
        top = _construct_of(stack, finding.logical_id)
        by_construct.setdefault(top, set()).add(finding.rule_id)
    return by_construct


def _construct_of(stack: cdk.Stack, logical_id: str) -> str:
    for child in stack.node.find_all():
        if isinstance(child, cdk.CfnElement) and stack.resolve(child.logical_id) == logical_id:
            return child.node.path.split("/")[1]
    return logical_id


@pytest.mark.parametrize("construct", sorted(EXPECTED))
def test_construct_gets_exactly_the_expected_rules(
    found: dict[str, set[str]], construct: str
) -> None:
    assert found.get(construct, set()) == EXPECTED[construct]


def test_no_other_construct_has_findings(found: dict[str, set[str]]) -> None:
    assert set(found) <= set(EXPECTED), sorted(set(found) - set(EXPECTED))


def test_severities_follow_the_catalog() -> None:
    stack = new_stack("Severities")
    iam.Role(stack, "TagAnything", assumed_by=iam.AccountRootPrincipal().with_session_tags())
    template = synth(stack)
    findings = check_stack(
        StackTemplate.from_template(template, account=ACCOUNT, region="us-east-1")
    )
    assert [(f.rule_id, f.severity) for f in findings] == [("IAMR-TAG-001", Severity.WARNING)]
