"""Real-shaped CloudFormation templates for the diff tests (as CDK synthesizes them)."""

from __future__ import annotations

import copy
from typing import Any

ACCOUNT = "111111111111"
GITHUB = {
    "Fn::Join": [
        "",
        [
            "arn:",
            {"Ref": "AWS::Partition"},
            ":iam::",
            ACCOUNT,
            ":oidc-provider/token.actions.githubusercontent.com",
        ],
    ]
}


def role_template(
    trust_statements: list[dict[str, Any]],
    *,
    policy_statements: list[dict[str, Any]] | None = None,
    boundary_statements: list[dict[str, Any]] | None = None,
    name: str = "deploy-prod",
) -> dict[str, Any]:
    """A stack with one role, its default policy and (optionally) a boundary."""
    resources: dict[str, Any] = {
        "DeployRole1A2B3C4D": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": name,
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": trust_statements,
                },
            },
            "Metadata": {"aws:cdk:path": "Shop/DeployRole/Resource"},
        }
    }
    if policy_statements is not None:
        resources["DeployRoleDefaultPolicy5E6F7A8B"] = {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyDocument": {"Version": "2012-10-17", "Statement": policy_statements},
                "PolicyName": "DeployRoleDefaultPolicy5E6F7A8B",
                "Roles": [{"Ref": "DeployRole1A2B3C4D"}],
            },
            "Metadata": {"aws:cdk:path": "Shop/DeployRole/DefaultPolicy/Resource"},
        }
    if boundary_statements is not None:
        resources["Boundary9C8D7E6F"] = {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "PolicyDocument": {"Version": "2012-10-17", "Statement": boundary_statements},
            },
            "Metadata": {"aws:cdk:path": "Shop/Boundary/Resource"},
        }
        role = resources["DeployRole1A2B3C4D"]["Properties"]
        role["PermissionsBoundary"] = {"Ref": "Boundary9C8D7E6F"}
    return {"Resources": resources}


def github(
    sub: str | list[str], *, operator: str = "StringEquals", aud: bool = True
) -> dict[str, Any]:
    """A GitHub Actions trust statement as WebIdentityRole renders it."""
    condition: dict[str, dict[str, Any]] = {
        operator: {"token.actions.githubusercontent.com:sub": sub}
    }
    if aud:
        condition.setdefault("StringEquals", {})["token.actions.githubusercontent.com:aud"] = (
            "sts.amazonaws.com"
        )
    return {
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": condition,
        "Effect": "Allow",
        "Principal": {"Federated": copy.deepcopy(GITHUB)},
    }


def cross_account(accounts: list[str], condition: dict[str, Any] | None = None) -> dict[str, Any]:
    """A CrossAccountRole-shaped trust statement."""
    principals: Any = [
        {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, f":iam::{a}:root"]]} for a in accounts
    ]
    statement: dict[str, Any] = {
        "Action": "sts:AssumeRole",
        "Effect": "Allow",
        "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
    }
    if condition:
        statement["Condition"] = condition
    return statement
