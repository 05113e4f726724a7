"""The cloud-assembly reader: roles, their policies and the app's resource policies.

Real synthesized apps (a staged cdk.out with a nested stack; one helpers.new_stack app
with ServiceRole, plain iam.Role and resource policies) and raw templates for what the
CDK does not write (parameters, unknown environments, unique IDs).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from explain_apps import ACCOUNT, OTHER

import helpers
from cdk_iam_roles import ServiceRole
from cdk_iam_roles.analysis.assembly import (
    App,
    RoleNotFoundError,
    find_resource_policy,
    find_role,
    is_placeholder,
    load_app,
)
from cdk_iam_roles.analysis.explain import Caller, explain_call
from cdk_iam_roles.cfn import Unknown
from cdk_iam_roles.errors import InputError

# -- a staged cdk.out with a nested stack and two accounts ------------------------------


@pytest.fixture(scope="module")
def staged(assembly_dir: Path) -> App:
    return load_app(assembly_dir)


def test_reads_every_stack_of_stages_and_nested_stacks(staged: App) -> None:
    names = [stack.name for stack in staged.stacks]
    assert names[0] == "Prod/Target"
    assert "Callers" in names
    assert any(name.startswith("Prod/Target/Inner") for name in names)
    assert {s.account for s in staged.stacks} == {ACCOUNT, OTHER}


def test_role_in_a_nested_stack_keeps_the_parents_environment(staged: App) -> None:
    role = find_role(staged, "Prod/Target/Inner/Reader")
    assert role.role_name == "nested-reader"
    assert role.arn == f"arn:aws:iam::{ACCOUNT}:role/nested-reader"
    assert find_role(staged, "nested-reader") is role


def test_find_role_by_path_logical_id_name_and_arn(staged: App) -> None:
    role = find_role(staged, "Prod/Target/CrossTarget")
    assert find_role(staged, "Prod/Target/CrossTarget/Resource") is role
    assert find_role(staged, role.logical_id) is role
    assert find_role(staged, "cross-target") is role
    assert find_role(staged, f"arn:aws:iam::{ACCOUNT}:role/cross-target") is role
    assert role.trust == {
        "Statement": [
            {
                "Action": "sts:AssumeRole",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
            }
        ],
        "Version": "2012-10-17",
    }


def test_ambiguous_name_lists_every_candidate(staged: App) -> None:
    with pytest.raises(RoleNotFoundError) as caught:
        find_role(staged, "plain")
    message = str(caught.value)
    assert "'plain' names 2 roles" in message
    assert "Prod/Target/Plain" in message
    assert "Callers/Plain" in message
    assert isinstance(caught.value, InputError)


def test_missing_role_suggests_near_matches(staged: App) -> None:
    with pytest.raises(RoleNotFoundError, match=r"did you mean .*Prod/Target/CrossTarget"):
        find_role(staged, "Prod/Target/CrossTarge")


def test_generated_role_name_is_a_marked_placeholder(staged: App) -> None:
    role = find_role(staged, "Prod/Target/Fn")
    assert role.arn_is_placeholder
    assert (
        role.arn == f"arn:aws:iam::{ACCOUNT}:role/{{generated-name:Prod.Target.{role.logical_id}}}"
    )


def test_caller_policy_of_another_stack_is_attached(staged: App) -> None:
    role = find_role(staged, "Callers/Allowed")
    assert [p.origin for p in role.identity_policies] == [
        "AWS::IAM::Policy Callers/Allowed/DefaultPolicy"
    ]
    statement = role.identity_policies[0].document["Statement"][0]
    assert statement["Resource"] == f"arn:aws:iam::{ACCOUNT}:role/cross-target"


# -- one stack with ServiceRole, plain roles and resource policies ----------------------


@pytest.fixture(scope="module")
def resources_app() -> App:
    stack = helpers.new_stack("Res")
    worker = ServiceRole(
        stack,
        "Worker",
        service="lambda.amazonaws.com",
        managed_policies=[
            iam.ManagedPolicy.from_aws_managed_policy_name(
                "service-role/AWSLambdaBasicExecutionRole"
            )
        ],
    )
    key = kms.Key(stack, "Key")
    key.grant_decrypt(worker)
    queue = sqs.Queue(stack, "Queue")
    queue.grant_send_messages(iam.ServicePrincipal("sns.amazonaws.com"))
    topic = sns.Topic(stack, "Topic", topic_name="orders")
    topic.add_to_resource_policy(
        iam.PolicyStatement(
            actions=["sns:Publish"],
            principals=[iam.AccountPrincipal(OTHER)],
            resources=[topic.topic_arn],
        )
    )
    fn = lambda_.Function(
        stack,
        "Fn",
        function_name="handler",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return None\n"),
        role=worker,
    )
    fn.add_permission(
        "FromBucket",
        principal=iam.ServicePrincipal("s3.amazonaws.com"),
        source_account=ACCOUNT,
        source_arn="arn:aws:s3:::uploads",
    )
    managed = iam.ManagedPolicy(
        stack,
        "ReadQueue",
        statements=[
            iam.PolicyStatement(actions=["sqs:ReceiveMessage"], resources=[queue.queue_arn])
        ],
    )
    plain = iam.Role(
        stack,
        "Plain",
        assumed_by=iam.ArnPrincipal(worker.role_arn),
        managed_policies=[
            managed,
            iam.ManagedPolicy.from_managed_policy_arn(
                stack, "Elsewhere", f"arn:aws:iam::{ACCOUNT}:policy/defined-elsewhere"
            ),
        ],
        max_session_duration=cdk.Duration.hours(3),
    )
    del plain
    helpers.synth(stack)
    app = stack.node.root
    assert isinstance(app, cdk.App)
    # helpers.new_stack turns path metadata off: paths come from the manifest's metadata.
    return load_app(app.synth().directory)


def test_service_role_trust_and_unavailable_aws_managed_policy(resources_app: App) -> None:
    role = find_role(resources_app, "Worker")
    assert role.trust is not None
    statement = role.trust["Statement"][0]
    assert statement["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert [(p.arn, p.reason) for p in role.unavailable_policies] == [
        (
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "AWS managed policy: content not available offline",
        )
    ]
    # The key grant lands in the role's default policy, with the key's ARN resolved to a
    # placeholder that the key's own policy shares.
    resources = [s["Resource"] for p in role.identity_policies for s in p.document["Statement"]]
    key_arn = next(r for r in resources if ":kms:" in r)
    assert is_placeholder(key_arn)
    assert find_resource_policy(resources_app, key_arn) is not None


def test_getatt_of_a_role_in_a_trust_becomes_its_arn(resources_app: App) -> None:
    worker = find_role(resources_app, "Worker")
    plain = find_role(resources_app, "Plain")
    assert plain.trust is not None
    assert plain.trust["Statement"][0]["Principal"] == {"AWS": worker.arn}
    assert plain.max_session_duration == 3 * 3600


def test_managed_policy_of_the_app_and_one_defined_elsewhere(resources_app: App) -> None:
    plain = find_role(resources_app, "Plain")
    assert [p.origin for p in plain.identity_policies] == ["AWS::IAM::ManagedPolicy Res/ReadQueue"]
    assert [(p.arn, p.reason) for p in plain.unavailable_policies] == [
        (
            f"arn:aws:iam::{ACCOUNT}:policy/defined-elsewhere",
            "managed policy not defined in this app: content not available",
        )
    ]


@pytest.mark.parametrize(
    ("resource_type", "path", "arn_part"),
    [
        ("AWS::KMS::Key", "Res/Key", ":kms:us-east-1:111111111111:key/{generated-key-id:"),
        ("AWS::SQS::QueuePolicy", "Res/Queue/Policy", ":sqs:us-east-1:111111111111:{generated"),
        ("AWS::SNS::TopicPolicy", "Res/Topic/Policy", ":sns:us-east-1:111111111111:orders"),
        ("AWS::Lambda::Permission", "Res/Fn/FromBucket", ":function:handler"),
    ],
)
def test_resource_policies_name_what_they_protect(
    resources_app: App, resource_type: str, path: str, arn_part: str
) -> None:
    found = [p for p in resources_app.resource_policies if p.resource_type == resource_type]
    assert len(found) == 1
    policy = found[0]
    assert policy.path == path
    assert len(policy.resources) == 1
    assert isinstance(policy.resources[0], str)
    assert arn_part in policy.resources[0]
    assert policy.account == ACCOUNT
    assert policy.document["Statement"]


def test_lambda_permission_becomes_a_statement(resources_app: App) -> None:
    policy = find_resource_policy(
        resources_app, "arn:aws:lambda:us-east-1:111111111111:function:handler"
    )
    assert policy is not None
    assert policy.document["Statement"] == [
        {
            "Sid": policy.logical_id,
            "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "lambda:InvokeFunction",
            "Resource": "arn:aws:lambda:us-east-1:111111111111:function:handler",
            "Condition": {
                "ArnLike": {"aws:SourceArn": "arn:aws:s3:::uploads"},
                "StringEquals": {"aws:SourceAccount": ACCOUNT},
            },
        }
    ]


def test_call_on_a_resource_named_by_construct_path(resources_app: App) -> None:
    worker = find_role(resources_app, "Worker")
    result = explain_call(resources_app, worker, "kms:Decrypt", "Res/Key", Caller("Worker"))
    assert result.allowed, result.to_text()
    assert result.resource == find_resource_policy_arn(resources_app, "Res/Key")
    assert result.deciding[0].startswith("AWS::IAM::Policy Res/Worker/DefaultPolicy, statement")


def find_resource_policy_arn(app: App, path: str) -> str:
    return app.named_resources[path]


def test_template_without_paths_finds_a_role_by_its_construct_id(
    classic_template: dict[str, Any],
) -> None:
    app = load_app(classic_template, account=ACCOUNT, region="us-east-1")
    role = find_role(app, "Admin")
    assert role.logical_id.startswith("Admin")
    assert role.path == f"Template/{role.logical_id}"


# -- raw templates ----------------------------------------------------------------------


def _role(**props: Any) -> dict[str, Any]:
    return {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}, **props}}


def test_parameter_in_a_policy_stays_unknown() -> None:
    template = {
        "Parameters": {"Bucket": {"Type": "String", "Default": "b"}},
        "Resources": {
            "R": _role(
                RoleName="r",
                Policies=[
                    {
                        "PolicyName": "p",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": "s3:GetObject",
                                    "Resource": {"Fn::Sub": "arn:aws:s3:::${Bucket}/*"},
                                }
                            ],
                        },
                    }
                ],
            )
        },
    }
    app = load_app(template, account=ACCOUNT, region="eu-west-1")
    statement = app.roles[0].identity_policies[0].document["Statement"][0]
    assert isinstance(statement["Resource"], Unknown)
    # Fail closed: the evaluator never takes it to allow, and says why.
    result = explain_call(app, app.roles[0], "s3:GetObject", "arn:aws:s3:::b/k", Caller("r"))
    assert not result.allowed
    assert "unresolved-value" in [c.code for c in result.causes]


def test_unknown_account_is_marked_and_treated_as_cross_account() -> None:
    template = {
        "Resources": {
            "R": _role(
                RoleName="r",
                AssumeRolePolicyDocument={
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "sts:AssumeRole",
                            "Principal": {
                                "AWS": {
                                    "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"
                                }
                            },
                        }
                    ],
                },
            )
        }
    }
    app = load_app(template)
    role = app.roles[0]
    assert role.arn == "arn:aws:iam::{unknown-account}:role/r"
    assert role.arn_is_placeholder
    assert any("partition is assumed to be 'aws'" in note for note in app.notes)
    assert role.trust is not None
    assert isinstance(role.trust["Statement"][0]["Principal"]["AWS"], Unknown)


def test_role_policy_and_boundary_outside_the_app() -> None:
    template = {
        "Resources": {
            "R": _role(
                RoleName="r",
                PermissionsBoundary="arn:aws:iam::111111111111:policy/org-boundary",
            ),
            "Extra": {
                "Type": "AWS::IAM::RolePolicy",
                "Properties": {
                    "RoleName": {"Ref": "R"},
                    "PolicyName": "extra",
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
                    },
                },
            },
        }
    }
    app = load_app(template, account=ACCOUNT, region="eu-west-1")
    role = app.roles[0]
    assert [p.origin for p in role.identity_policies] == ["AWS::IAM::RolePolicy Template/Extra"]
    assert role.boundary is None
    assert role.boundary_unavailable == "arn:aws:iam::111111111111:policy/org-boundary"
    # The identity policy allows it, but the boundary cannot be read: never an Allow.
    result = explain_call(app, role, "s3:GetObject", "arn:aws:s3:::b/k", Caller("r"))
    assert not result.allowed
    assert result.outcome == "Unknown"
    assert [c.code for c in result.causes] == ["boundary-not-available"]


def test_template_file_and_missing_path(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n"
        "      RoleName: yaml-role\n      AssumeRolePolicyDocument: {}\n",
        encoding="utf-8",
    )
    assert find_role(load_app(path), "yaml-role").stack == "t"
    with pytest.raises(InputError, match="no such file or folder"):
        load_app(tmp_path / "missing")
