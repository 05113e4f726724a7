"""AWS managed policy names in stacks without an environment (CDK's default form).

CDK writes ``{"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"},
":iam::aws:policy/NAME"]]}``; the name does not depend on the partition, so the catalog
shows ``NAME (AWS managed)`` — and nothing that does depend on the environment.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from raw_templates import role, stmt

from cdk_iam_roles.catalog import build_catalog
from cdk_iam_roles.catalog.risk import risk_of
from cdk_iam_roles.cfn import StackTemplate

PARTITION = {"Ref": "AWS::Partition"}


def join(*parts: Any) -> dict[str, Any]:
    return {"Fn::Join": ["", list(parts)]}


def test_a_real_environment_agnostic_stack_names_its_aws_managed_policies() -> None:
    app = cdk.App(analytics_reporting=False)
    stack = cdk.Stack(app, "Agnostic")
    iam.Role(
        stack,
        "Admin",
        assumed_by=iam.AccountRootPrincipal(),
        managed_policies=[
            iam.ManagedPolicy.from_aws_managed_policy_name("AdministratorAccess"),
            iam.ManagedPolicy.from_aws_managed_policy_name(
                "service-role/AWSLambdaBasicExecutionRole"
            ),
        ],
        permissions_boundary=iam.ManagedPolicy.from_aws_managed_policy_name("PowerUserAccess"),
    )
    template = app.synth().get_stack_by_name("Agnostic").template
    raw = next(r for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Role")[
        "Properties"
    ]["ManagedPolicyArns"]
    # The shape this test is about: the partition is a token of the template.
    assert raw[0] == join("arn:", PARTITION, ":iam::aws:policy/AdministratorAccess")
    (entry,) = build_catalog([StackTemplate.from_template(template, name="Agnostic")]).roles
    assert entry.account is None
    assert entry.permissions.managed_policies == (
        "AdministratorAccess (AWS managed)",
        "service-role/AWSLambdaBasicExecutionRole (AWS managed)",
    )
    assert entry.permissions.boundary == "PowerUserAccess (AWS managed)"
    assert "administrator permissions" in risk_of(entry).reasons


def test_arns_that_depend_on_the_environment_stay_unknown() -> None:
    resource = role(
        stmt({"Service": "lambda.amazonaws.com"}),
        ManagedPolicyArns=[
            # A customer managed policy: its account is the stack's.
            join("arn:", PARTITION, ":iam::", {"Ref": "AWS::AccountId"}, ":policy/mine"),
            # An AWS managed name built from the region is not a fixed name.
            join("arn:", PARTITION, ":iam::aws:policy/", {"Ref": "AWS::Region"}),
            {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess"},
            {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/${Name}"},
        ],
    )
    tpl = {"Parameters": {"Name": {"Type": "String"}}, "Resources": {"R": resource}}
    (entry,) = build_catalog([StackTemplate.from_template(tpl, name="S")]).roles
    labels = entry.permissions.managed_policies
    assert labels[0].startswith("unknown (")
    assert "AccountId" in labels[0]
    assert labels[1].startswith("unknown (")
    assert "Region" in labels[1]
    assert labels[2] == "ReadOnlyAccess (AWS managed)"
    assert labels[3].startswith("unknown (")
    assert not any("(AWS managed)" in label for label in (labels[0], labels[1], labels[3]))
