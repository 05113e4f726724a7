"""The role-use table matches the CloudFormation resource schemas cfn-lint ships."""

from __future__ import annotations

from typing import Any

import pytest
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

from cdk_iam_roles.rules.service_roles import ROLE_USES, RoleUse, values_at


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        target: Any = schema
        for part in ref[2:].split("/"):
            target = target[part]
        node = target
    return node


def _property_exists(schema: dict[str, Any], path: str) -> bool:
    node: dict[str, Any] = schema
    for part in path.split("."):
        many = part.endswith("[]")
        name = part[:-2] if many else part
        properties = _resolve(schema, node).get("properties", {})
        if name not in properties:
            return False
        node = _resolve(schema, properties[name])
        if many:
            if node.get("type") != "array" and "items" not in node:
                return False
            node = _resolve(schema, node["items"])
    return True


@pytest.mark.parametrize("use", ROLE_USES, ids=lambda u: f"{u.resource_type}.{u.property_path}")
def test_every_path_exists_in_the_resource_schema(use: RoleUse) -> None:
    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", use.resource_type).schema
    assert _property_exists(schema, use.property_path)


@pytest.mark.parametrize("use", ROLE_USES, ids=lambda u: f"{u.resource_type}.{u.property_path}")
def test_every_entry_is_cited_and_names_service_principals(use: RoleUse) -> None:
    assert use.citation.startswith("https://docs.aws.amazon.com/")
    assert use.principals
    assert all(p.endswith(".amazonaws.com") for p in use.principals)


def test_table_covers_the_services_the_issue_names() -> None:
    pairs = {(u.resource_type, u.property_path) for u in ROLE_USES}
    assert {
        ("AWS::Lambda::Function", "Role"),
        ("AWS::IAM::InstanceProfile", "Roles[]"),
        ("AWS::ECS::TaskDefinition", "TaskRoleArn"),
        ("AWS::ECS::TaskDefinition", "ExecutionRoleArn"),
        ("AWS::CodeBuild::Project", "ServiceRole"),
        ("AWS::StepFunctions::StateMachine", "RoleArn"),
        ("AWS::Glue::Job", "Role"),
        ("AWS::Events::Rule", "Targets[].RoleArn"),
    } <= pairs
    assert len(ROLE_USES) >= 40


def test_values_at_walks_lists_and_skips_missing() -> None:
    props = {"A": {"B": [{"C": 1}, {"D": 2}, "x"]}}
    assert list(values_at(props, "A.B[].C")) == [1]
    assert list(values_at(props, "Missing.C")) == []
