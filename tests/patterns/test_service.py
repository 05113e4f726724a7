"""ServiceRole and ServiceLinkedRole: the trust and resources they synthesize."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Annotations, Match

from cdk_iam_roles import RoleConfigError, ServiceLinkedRole, ServiceRole
from helpers import (
    ACCOUNT,
    new_stack,
    resources_of_type,
    synth,
    synthesized_trust_matches_model,
    trust_of,
)


def _only_statement(doc: dict[str, Any]) -> dict[str, Any]:
    assert len(doc["Statement"]) == 1
    statement: dict[str, Any] = doc["Statement"][0]
    return statement


class TestServiceRoleTrust:
    def test_allow_listed_service_gets_source_account_by_default(self) -> None:
        stack = new_stack()
        ServiceRole(stack, "Flow", service="states.amazonaws.com")
        assert _only_statement(trust_of(synth(stack), "Flow")) == {
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            "Effect": "Allow",
            "Principal": {"Service": "states.amazonaws.com"},
        }

    def test_source_arn_adds_arn_like(self) -> None:
        stack = new_stack()
        arn = f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:checkout"
        ServiceRole(stack, "Flow", service="states.amazonaws.com", source_arn=arn)
        condition = _only_statement(trust_of(synth(stack), "Flow"))["Condition"]
        assert condition == {
            "StringEquals": {"aws:SourceAccount": ACCOUNT},
            "ArnLike": {"aws:SourceArn": arn},
        }

    def test_explicit_source_account_replaces_the_stack_account(self) -> None:
        stack = new_stack()
        ServiceRole(stack, "Flow", service="states.amazonaws.com", source_account="222222222222")
        condition = _only_statement(trust_of(synth(stack), "Flow"))["Condition"]
        assert condition == {"StringEquals": {"aws:SourceAccount": "222222222222"}}

    def test_environment_agnostic_stack_uses_the_account_pseudo_parameter(self) -> None:
        stack = new_stack(env=None)
        ServiceRole(stack, "Flow", service="states.amazonaws.com")
        condition = _only_statement(trust_of(synth(stack), "Flow"))["Condition"]
        assert condition == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}

    def test_service_not_on_the_allow_list_gets_no_condition(self) -> None:
        # Lambda does not document sending aws:SourceAccount when it assumes the
        # execution role: a condition would lock the function out.
        stack = new_stack()
        ServiceRole(stack, "Fn", service="lambda.amazonaws.com")
        assert _only_statement(trust_of(synth(stack), "Fn")) == {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
        }

    def test_protection_can_be_turned_off_explicitly(self) -> None:
        stack = new_stack()
        ServiceRole(stack, "Flow", service="states.amazonaws.com", confused_deputy_protection=False)
        assert "Condition" not in _only_statement(trust_of(synth(stack), "Flow"))

    def test_ecs_takes_the_wildcard_cluster_arn(self) -> None:
        stack = new_stack()
        arn = f"arn:aws:ecs:us-east-1:{ACCOUNT}:*"
        ServiceRole(stack, "Task", service="ecs-tasks.amazonaws.com", source_arn=arn)
        condition = _only_statement(trust_of(synth(stack), "Task"))["Condition"]
        assert condition["ArnLike"] == {"aws:SourceArn": arn}

    def test_eks_pod_identity_may_tag_sessions(self) -> None:
        stack = new_stack()
        ServiceRole(stack, "Pod", service="pods.eks.amazonaws.com")
        statement = _only_statement(trust_of(synth(stack), "Pod"))
        assert statement["Action"] == ["sts:AssumeRole", "sts:TagSession"]
        assert statement["Principal"] == {"Service": "pods.eks.amazonaws.com"}

    def test_several_services_are_grouped_by_identical_trust(self) -> None:
        stack = new_stack()
        ServiceRole(
            stack,
            "Multi",
            service=["lambda.amazonaws.com", "edgelambda.amazonaws.com", "states.amazonaws.com"],
        )
        statements = trust_of(synth(stack), "Multi")["Statement"]
        assert statements == [
            {
                "Action": "sts:AssumeRole",
                "Effect": "Allow",
                "Principal": {"Service": ["edgelambda.amazonaws.com", "lambda.amazonaws.com"]},
            },
            {
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
                "Effect": "Allow",
                "Principal": {"Service": "states.amazonaws.com"},
            },
        ]

    def test_explicit_conditions_are_not_applied_to_services_that_do_not_send_them(
        self,
    ) -> None:
        stack = new_stack()
        role = ServiceRole(
            stack,
            "Mixed",
            service=["ecs-tasks.amazonaws.com", "lambda.amazonaws.com"],
            source_arn=f"arn:aws:ecs:us-east-1:{ACCOUNT}:*",
        )
        statements = trust_of(synth(stack), "Mixed")["Statement"]
        lambda_statement = next(
            s for s in statements if s["Principal"]["Service"] == "lambda.amazonaws.com"
        )
        assert "Condition" not in lambda_statement
        Annotations.from_stack(stack).has_warning(
            f"/{role.node.path}", Match.string_like_regexp(r"lambda\.amazonaws\.com.*IAMR-SVC-006")
        )


class TestServiceRoleResources:
    def test_ec2_gets_an_instance_profile(self) -> None:
        stack = new_stack()
        role = ServiceRole(stack, "Web", service="ec2.amazonaws.com", path="/web/")
        template = synth(stack)
        profiles = resources_of_type(template, "AWS::IAM::InstanceProfile")
        assert len(profiles) == 1
        (profile,) = profiles.values()
        role_id = stack.get_logical_id(role.node.default_child)  # type: ignore[arg-type]
        assert profile["Properties"] == {"Roles": [{"Ref": role_id}], "Path": "/web/"}
        assert isinstance(role.instance_profile, iam.InstanceProfile)

    def test_other_services_get_no_instance_profile(self) -> None:
        stack = new_stack()
        role = ServiceRole(stack, "Fn", service="lambda.amazonaws.com")
        assert role.instance_profile is None
        assert not resources_of_type(synth(stack), "AWS::IAM::InstanceProfile")

    def test_instance_profile_can_be_declined_for_ec2(self) -> None:
        stack = new_stack()
        role = ServiceRole(stack, "Web", service="ec2.amazonaws.com", instance_profile=False)
        assert role.instance_profile is None
        assert not resources_of_type(synth(stack), "AWS::IAM::InstanceProfile")

    def test_it_is_a_real_role(self) -> None:
        stack = new_stack()
        role = ServiceRole(
            stack,
            "Fn",
            service="lambda.amazonaws.com",
            role_name="order-worker",
            max_session_duration=cdk.Duration.hours(2),
        )
        role.add_to_policy(iam.PolicyStatement(actions=["s3:GetObject"], resources=["*"]))
        assert isinstance(role, iam.Role)
        props = next(iter(resources_of_type(synth(stack), "AWS::IAM::Role").values()))
        assert props["Properties"]["RoleName"] == "order-worker"
        assert props["Properties"]["MaxSessionDuration"] == 7200
        policies = resources_of_type(synth(stack), "AWS::IAM::Policy")
        assert len(policies) == 1

    def test_revoke_sessions_issued_before(self) -> None:
        stack = new_stack()
        role = ServiceRole(stack, "Fn", service="lambda.amazonaws.com")
        role.revoke_sessions_issued_before("2026-11-30T10:00:00+01:00")
        (policy,) = resources_of_type(synth(stack), "AWS::IAM::Policy").values()
        assert policy["Properties"]["PolicyDocument"]["Statement"] == [
            {
                "Action": "*",
                "Condition": {"DateLessThan": {"aws:TokenIssueTime": "2026-11-30T09:00:00Z"}},
                "Effect": "Deny",
                "Resource": "*",
            }
        ]

    def test_revoke_sessions_refuses_a_naive_time(self) -> None:
        from datetime import datetime

        stack = new_stack()
        role = ServiceRole(stack, "Fn", service="lambda.amazonaws.com")
        with pytest.raises(RoleConfigError, match=r"IAMR-ROLE-005"):
            role.revoke_sessions_issued_before(datetime(2026, 1, 1))


class TestServiceRoleRefusals:
    @pytest.mark.parametrize(
        ("kwargs", "expected"),
        [
            ({"service": []}, r"service must name a service \(got none\).*\[IAMR-SVC-001\]"),
            (
                {"service": "lambda"},
                r"service must be a service principal such as 'lambda\.amazonaws\.com' "
                r"\(got 'lambda'\).*\[IAMR-SVC-002\]",
            ),
            ({"service": "*"}, r"wildcards are not allowed \(got '\*'\).*\[IAMR-SVC-002\]"),
            (
                {"service": "arn:aws:iam::111111111111:root"},
                r"not an ARN.*\[IAMR-SVC-002\]",
            ),
            (
                {"service": "states.amazonaws.com", "source_account": "1234"},
                r"source_account must be a 12-digit AWS account ID \(got '1234'\).*IAMR-SVC-003",
            ),
            (
                {"service": "states.amazonaws.com", "source_arn": "states:checkout"},
                r"source_arn must be an ARN.*IAMR-SVC-004",
            ),
            (
                {
                    "service": "states.amazonaws.com",
                    "source_arn": "arn:aws-cn:states:cn-north-1:111111111111:stateMachine:x",
                },
                r"must be in the stack's partition 'aws'.*IAMR-SVC-004",
            ),
            (
                {
                    "service": "ecs-tasks.amazonaws.com",
                    "source_arn": "arn:aws:ecs:us-east-1:111111111111:cluster/prod",
                },
                r"must have the wildcard form .*ecs.*IAMR-SVC-004",
            ),
            (
                {
                    "service": "states.amazonaws.com",
                    "source_account": "111111111111",
                    "confused_deputy_protection": False,
                },
                r"confused_deputy_protection is False.*IAMR-SVC-005",
            ),
            (
                {"service": "lambda.amazonaws.com", "role_name": "has space"},
                r"role_name may contain only.*IAMR-ROLE-001",
            ),
            ({"service": "lambda.amazonaws.com", "path": "app"}, r"path must be.*IAMR-ROLE-002"),
            (
                {"service": "lambda.amazonaws.com", "path": "/aws-service-role/x/"},
                r"path is reserved.*IAMR-ROLE-002",
            ),
            (
                {"service": "lambda.amazonaws.com", "max_session_duration": cdk.Duration.hours(13)},
                r"max_session_duration must be between 1 and 12 hours "
                r"\(got '46800 seconds'\).*IAMR-ROLE-003",
            ),
        ],
    )
    def test_refusal(self, kwargs: dict[str, Any], expected: str) -> None:
        stack = new_stack()
        with pytest.raises(RoleConfigError, match=expected) as info:
            ServiceRole(stack, "Bad", **kwargs)
        assert str(info.value).startswith("Test/Bad: ")
        # Nothing half-built is left in the tree.
        assert stack.node.try_find_child("Bad") is None

    def test_all_problems_are_reported_together(self) -> None:
        stack = new_stack()
        with pytest.raises(RoleConfigError) as info:
            ServiceRole(stack, "Bad", service=["lambda", "*"], source_account="1", path="x")
        assert info.value.rule_ids == (
            "IAMR-SVC-002",
            "IAMR-SVC-002",
            "IAMR-SVC-003",
            "IAMR-ROLE-002",
        )
        assert str(info.value).startswith("Test/Bad: 4 problems:\n  - service")

    def test_wrong_types_are_config_errors(self) -> None:
        stack = new_stack()
        with pytest.raises(RoleConfigError, match="IAMR-SVC-002"):
            ServiceRole(stack, "Bad", service=[42])  # type: ignore[list-item]
        with pytest.raises(RoleConfigError, match="IAMR-SVC-003"):
            ServiceRole(stack, "Bad2", service="states.amazonaws.com", source_account=111)  # type: ignore[arg-type]

    def test_tokens_are_not_judged(self) -> None:
        stack = new_stack()
        param = cdk.CfnParameter(stack, "Account", type="String")
        ServiceRole(
            stack, "Flow", service="states.amazonaws.com", source_account=param.value_as_string
        )
        condition = _only_statement(trust_of(synth(stack), "Flow"))["Condition"]
        assert condition == {"StringEquals": {"aws:SourceAccount": {"Ref": "Account"}}}


class TestServiceLinkedRole:
    def test_adopt_is_the_default_and_uses_the_custom_resource(self) -> None:
        stack = new_stack()
        slr = ServiceLinkedRole(stack, "Beanstalk", service="elasticbeanstalk.amazonaws.com")
        template = synth(stack)
        assert not resources_of_type(template, "AWS::IAM::ServiceLinkedRole")
        (custom,) = resources_of_type(template, "Custom::ServiceLinkedRole").values()
        assert custom["Properties"]["ServiceName"] == "elasticbeanstalk.amazonaws.com"
        assert slr.if_exists == "adopt"
        assert slr.role.role_arn == slr.role_arn
        (logical_id,) = resources_of_type(template, "Custom::ServiceLinkedRole")
        assert stack.resolve(slr.role_arn) == {"Fn::GetAtt": [logical_id, "Arn"]}
        assert stack.resolve(slr.role_name) == {"Fn::GetAtt": [logical_id, "RoleName"]}

    def test_adopting_roles_share_one_provider(self) -> None:
        stack = new_stack()
        ServiceLinkedRole(stack, "A", service="elasticbeanstalk.amazonaws.com")
        ServiceLinkedRole(stack, "B", service="autoscaling.amazonaws.com", custom_suffix="app1")
        template = synth(stack)
        assert len(resources_of_type(template, "Custom::ServiceLinkedRole")) == 2
        handlers = [
            f
            for f in resources_of_type(template, "AWS::Lambda::Function").values()
            if "service-linked" in f["Properties"].get("Description", "")
        ]
        assert len(handlers) == 1

    def test_the_handler_adopts_and_deletes_only_what_it_created(self) -> None:
        stack = new_stack()
        ServiceLinkedRole(stack, "A", service="elasticbeanstalk.amazonaws.com")
        template = synth(stack)
        (handler,) = [
            f
            for f in resources_of_type(template, "AWS::Lambda::Function").values()
            if "service-linked" in f["Properties"].get("Description", "")
        ]
        code = handler["Properties"]["Code"]["ZipFile"]
        assert "has been taken" in code
        assert 'physical.startswith("created:")' in code

    def test_fail_gives_the_plain_resource(self) -> None:
        stack = new_stack()
        ServiceLinkedRole(
            stack,
            "Scaling",
            service="autoscaling.amazonaws.com",
            custom_suffix="app1",
            description="for app1",
            if_exists="fail",
        )
        template = synth(stack)
        (resource,) = resources_of_type(template, "AWS::IAM::ServiceLinkedRole").values()
        assert resource["Properties"] == {
            "AWSServiceName": "autoscaling.amazonaws.com",
            "CustomSuffix": "app1",
            "Description": "for app1",
        }
        assert not resources_of_type(template, "Custom::ServiceLinkedRole")

    @pytest.mark.parametrize(
        ("kwargs", "expected"),
        [
            ({"service": "elasticbeanstalk"}, r"service must be a service principal.*IAMR-SLR-001"),
            (
                {"service": "autoscaling.amazonaws.com", "custom_suffix": "a b"},
                r"custom_suffix must be.*\(got 'a b'\).*IAMR-SLR-002",
            ),
            (
                {"service": "autoscaling.amazonaws.com", "custom_suffix": "x" * 65},
                r"custom_suffix.*IAMR-SLR-002",
            ),
            (
                {"service": "autoscaling.amazonaws.com", "description": "x" * 1001},
                r"description must be at most.*IAMR-SLR-003",
            ),
            (
                {"service": "autoscaling.amazonaws.com", "if_exists": "replace"},
                r"if_exists must be 'adopt' or 'fail' \(got 'replace'\).*IAMR-SLR-004",
            ),
        ],
    )
    def test_refusal(self, kwargs: dict[str, Any], expected: str) -> None:
        stack = new_stack()
        with pytest.raises(RoleConfigError, match=expected):
            ServiceLinkedRole(stack, "Bad", **kwargs)


def test_snapshot_of_service_patterns(json_snapshot: Any) -> None:
    stack = new_stack()
    ServiceRole(stack, "Flow", service="states.amazonaws.com")
    ServiceRole(stack, "Web", service="ec2.amazonaws.com")
    ServiceRole(stack, "Pod", service="pods.eks.amazonaws.com")
    ServiceLinkedRole(stack, "Scaling", service="autoscaling.amazonaws.com", if_exists="fail")
    assert synth(stack) == json_snapshot


@pytest.mark.parametrize(
    "kwargs",
    [
        {"service": "states.amazonaws.com"},
        {"service": "pods.eks.amazonaws.com"},
        {"service": ["lambda.amazonaws.com", "states.amazonaws.com"]},
        {"service": "ec2.amazonaws.com.cn"},
    ],
    ids=["native-service", "native-tagging", "generic-multi", "generic-legacy-cn"],
)
def test_synthesized_trust_is_the_model(kwargs: dict[str, Any]) -> None:
    stack = new_stack()
    role = ServiceRole(stack, "Role", **kwargs)
    assert synthesized_trust_matches_model(stack, role)


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"source_account": "*"}, "source_account"),
        ({"source_account": "1111111111*"}, "source_account"),
        ({"source_arn": "arn:aws:states:*:*:stateMachine:*"}, "source_arn"),
        ({"source_arn": "arn:aws:states:us-east-1:11111111111?:stateMachine:x"}, "source_arn"),
        ({"source_arn": "*"}, "source_arn"),
    ],
)
def test_wildcard_source_pins_are_refused_under_the_template_rule_id(
    kwargs: dict[str, Any], argument: str
) -> None:
    """The same predicate and ID as IAMR-TRUST-006 on the template."""
    stack = new_stack()
    with pytest.raises(RoleConfigError) as info:
        ServiceRole(stack, "Flow", service="states.amazonaws.com", **kwargs)
    assert info.value.rule_ids == ("IAMR-TRUST-006",)
    assert str(info.value).startswith(f"Test/Flow: {argument} pins nothing")


def test_source_arn_pattern_in_the_resource_part_is_accepted() -> None:
    stack = new_stack()
    ServiceRole(
        stack,
        "Flow",
        service="states.amazonaws.com",
        source_arn="arn:aws:states:*:111111111111:stateMachine:checkout-*",
    )
    template = synth(stack)
    from cdk_iam_roles.cfn import StackTemplate
    from cdk_iam_roles.rules import check_stack

    found = check_stack(StackTemplate.from_template(template, name="Test", account="111111111111"))
    assert [f.rule_id for f in found if f.severity.value != "info"] == []
