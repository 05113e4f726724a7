"""Confused-deputy advice only where AWS documents it, with the keys that page shows
(issue 12), and ServiceRole's organization-wide keys."""

from __future__ import annotations

from typing import Any

import pytest
from rule_templates import ACCOUNT, findings, role, statement, template

from cdk_iam_roles import RoleConfigError, ServiceRole
from cdk_iam_roles.trust.confused_deputy import CONFUSED_DEPUTY_SERVICES
from helpers import new_stack, synth, trust_of

ECS = {"Service": "ecs-tasks.amazonaws.com"}


def deputy(tpl: dict[str, Any]) -> list[str]:
    return [f.message for f in findings(tpl, "IAMR-DEPUTY-001")]


def task_definition(**props: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::ECS::TaskDefinition",
        "Properties": {"ContainerDefinitions": [{"Name": "app", "Image": "nginx"}], **props},
    }


def test_every_entry_cites_an_aws_page_for_its_principal() -> None:
    for principal, entry in CONFUSED_DEPUTY_SERVICES.items():
        assert entry.citation.startswith("https://docs.aws.amazon.com/"), principal
        assert entry.advice().startswith("add ")


def test_ecs_task_role_is_warned() -> None:
    tpl = template(
        R=role(statement(ECS)), T=task_definition(TaskRoleArn={"Fn::GetAtt": ["R", "Arn"]})
    )
    assert len(deputy(tpl)) == 1


def test_ecs_task_execution_role_is_not_warned() -> None:
    # task_execution_IAM_role.html shows a bare trust policy: the keys are not documented.
    tpl = template(
        R=role(statement(ECS)), T=task_definition(ExecutionRoleArn={"Fn::GetAtt": ["R", "Arn"]})
    )
    assert deputy(tpl) == []


def test_an_ecs_role_of_unknown_kind_is_not_warned() -> None:
    assert deputy(template(R=role(statement(ECS)))) == []


def test_emr_cluster_service_role_is_not_warned() -> None:
    tpl = template(
        R=role(statement({"Service": "elasticmapreduce.amazonaws.com"})),
        C={
            "Type": "AWS::EMR::Cluster",
            "Properties": {
                "Name": "c",
                "ServiceRole": {"Ref": "R"},
                "JobFlowRole": "EMR_EC2_DefaultRole",
                "Instances": {},
            },
        },
    )
    assert deputy(tpl) == []


def test_sagemaker_advice_names_source_arn_only() -> None:
    (message,) = deputy(template(R=role(statement({"Service": "sagemaker.amazonaws.com"}))))
    assert "ArnLike aws:SourceArn = arn:${Partition}:sagemaker" in message
    assert "aws:SourceAccount = your account" not in message


def test_states_advice_names_both_keys() -> None:
    (message,) = deputy(template(R=role(statement({"Service": "states.amazonaws.com"}))))
    assert "aws:SourceAccount = your account" in message
    assert "stateMachine:*" in message


def test_codedeploy_advice_cites_its_confused_deputy_page() -> None:
    # https://docs.aws.amazon.com/codedeploy/latest/userguide/security_confused_deputy.html
    entry = CONFUSED_DEPUTY_SERVICES["codedeploy.amazonaws.com"]
    assert entry.citation.endswith("codedeploy/latest/userguide/security_confused_deputy.html")
    assert entry.source_account
    assert entry.source_arn
    group = {
        "Type": "AWS::CodeDeploy::DeploymentGroup",
        "Properties": {"ApplicationName": "app", "ServiceRoleArn": {"Fn::GetAtt": ["R", "Arn"]}},
    }
    tpl = template(R=role(statement({"Service": "codedeploy.amazonaws.com"})), G=group)
    (message,) = deputy(tpl)
    assert "aws:SourceAccount = your account" in message
    assert ":deploymentgroup:*" in message


# --- ServiceRole: aws:SourceOrgID / aws:SourceOrgPaths -----------------------------


def test_source_org_id_replaces_the_account_pin() -> None:
    stack = new_stack("Org")
    ServiceRole(stack, "Flow", service="states.amazonaws.com", source_org_id="o-a1b2c3d4e5")
    (statement_,) = trust_of(synth(stack), "Flow")["Statement"]
    assert statement_["Condition"] == {"StringEquals": {"aws:SourceOrgID": "o-a1b2c3d4e5"}}


def test_source_org_paths_use_for_any_value() -> None:
    stack = new_stack("OrgPaths")
    path = "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"
    ServiceRole(stack, "Flow", service="states.amazonaws.com", source_org_paths=[path])
    (statement_,) = trust_of(synth(stack), "Flow")["Statement"]
    assert statement_["Condition"] == {"ForAnyValue:StringLike": {"aws:SourceOrgPaths": path}}


def test_source_org_is_not_applied_to_a_service_that_sends_only_source_arn() -> None:
    stack = new_stack("OrgSm")
    ServiceRole(stack, "Sm", service="sagemaker.amazonaws.com", source_org_id="o-a1b2c3d4e5")
    (statement_,) = trust_of(synth(stack), "Sm")["Statement"]
    assert "Condition" not in statement_


@pytest.mark.parametrize(
    "kwargs",
    [
        {"source_org_id": "o-*"},
        {"source_org_id": "a1b2c3d4e5"},
        {"source_org_paths": "o-a1b2c3d4e5/r-ab12/"},
        {"source_org_paths": ["*"]},
        {"source_org_id": "o-a1b2c3d4e5", "source_account": ACCOUNT},
    ],
)
def test_source_org_refusals(kwargs: dict[str, Any]) -> None:
    with pytest.raises(RoleConfigError) as error:
        ServiceRole(new_stack("Bad"), "Flow", service="states.amazonaws.com", **kwargs)
    assert "IAMR-SVC-008" in error.value.rule_ids
