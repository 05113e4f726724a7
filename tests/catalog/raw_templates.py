"""Hand-written CloudFormation templates with one role per principal kind (unit tests)."""

from __future__ import annotations

from typing import Any

from cdk_iam_roles.cfn import StackTemplate

ACCOUNT = "111111111111"
REGION = "eu-west-1"
GITHUB = "token.actions.githubusercontent.com"


def stmt(principal: Any, action: Any = "sts:AssumeRole", **condition: Any) -> dict[str, Any]:
    """An Allow trust statement; ``condition`` maps operator → {key: value}."""
    out: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        out["Condition"] = condition
    return out


def role(*statements: dict[str, Any], **props: Any) -> dict[str, Any]:
    """An AWS::IAM::Role resource with these trust statements and properties."""
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": list(statements)},
            **props,
        },
    }


def oidc(issuer: str) -> dict[str, str]:
    return {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{issuer}"}


WEB = "sts:AssumeRoleWithWebIdentity"

ROLES: dict[str, dict[str, Any]] = {
    "GitHubDeploy": role(
        stmt(
            oidc(GITHUB),
            WEB,
            StringEquals={
                f"{GITHUB}:aud": "sts.amazonaws.com",
                f"{GITHUB}:sub": "repo:acme/web:ref:refs/heads/main",
            },
        ),
        RoleName="gh-deploy",
    ),
    "GitLabDeploy": role(
        stmt(
            oidc("gitlab.com"),
            WEB,
            StringEquals={
                "gitlab.com:aud": "https://gitlab.com",
                "gitlab.com:sub": "project_path:g/p:ref_type:branch:ref:main",
            },
        )
    ),
    "EksPod": role(
        stmt(
            oidc("oidc.eks.eu-west-1.amazonaws.com/id/ABC123"),
            WEB,
            StringEquals={
                "oidc.eks.eu-west-1.amazonaws.com/id/ABC123:aud": "sts.amazonaws.com",
                "oidc.eks.eu-west-1.amazonaws.com/id/ABC123:sub": "system:serviceaccount:ns:sa",
            },
        )
    ),
    "CognitoUsers": role(
        stmt(
            {"Federated": "cognito-identity.amazonaws.com"},
            WEB,
            StringEquals={"cognito-identity.amazonaws.com:aud": "eu-west-1:pool-1"},
            **{"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}},
        )
    ),
    "Terraform": role(
        stmt(
            oidc("app.terraform.io"),
            WEB,
            StringEquals={
                "app.terraform.io:aud": "aws.workload.identity",
                "app.terraform.io:sub": [
                    "organization:org:project:proj:workspace:ws:run_phase:plan",
                    "organization:org:project:proj:workspace:ws:run_phase:apply",
                ],
            },
        )
    ),
    "Console": role(
        stmt(
            {"Federated": f"arn:aws:iam::{ACCOUNT}:saml-provider/Okta"},
            "sts:AssumeRoleWithSAML",
            StringEquals={"SAML:aud": "https://signin.aws.amazon.com/saml"},
        ),
        RoleName="console-readonly",
    ),
    "Admin": role(
        stmt(
            {"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"},
            Bool={"aws:MultiFactorAuthPresent": "true"},
            NumericLessThan={"aws:MultiFactorAuthAge": "900"},
            StringEquals={"sts:RoleSessionName": "${aws:username}"},
        ),
        RoleName="admin",
        MaxSessionDuration=7200,
    ),
    "Audit": role(
        stmt(
            {"AWS": "arn:aws:iam::222222222222:root"},
            StringEquals={"aws:PrincipalOrgID": "o-abc123"},
        ),
        RoleName="audit",
        Path="/org/",
    ),
    "Vendor": role(
        stmt({"AWS": "333333333333"}, StringEquals={"sts:ExternalId": "vendor-42"}),
        RoleName="vendor",
    ),
    "StatesWorker": role(
        stmt(
            {"Service": "states.amazonaws.com"},
            StringEquals={"aws:SourceAccount": ACCOUNT},
            ArnLike={"aws:SourceArn": f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:*"},
        ),
        ManagedPolicyArns=[
            {
                "Fn::Join": [
                    "",
                    ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/AWSXrayWriteOnlyAccess"],
                ]
            },
            {"Ref": "Shared"},
        ],
        Policies=[
            {
                "PolicyName": "inline",
                "PolicyDocument": {
                    "Statement": [
                        {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*"},
                        {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"},
                    ]
                },
            }
        ],
        PermissionsBoundary=f"arn:aws:iam::{ACCOUNT}:policy/boundary",
    ),
    "HandStates": role(stmt({"Service": "states.amazonaws.com"})),
    "Open": role(stmt("*")),
    "Mystery": role(
        stmt({"AWS": {"Fn::ImportValue": "TrustedArn"}}),
        RoleName={"Ref": "NameParam"},
        MaxSessionDuration={"Ref": "MaxParam"},
    ),
    "Mixed": role(
        stmt({"Service": "lambda.amazonaws.com", "AWS": f"arn:aws:iam::{ACCOUNT}:role/ops"})
    ),
}

OTHER_RESOURCES: dict[str, dict[str, Any]] = {
    "StatesWorkerDefaultPolicy": {
        "Type": "AWS::IAM::Policy",
        "Properties": {
            "PolicyName": "default",
            "Roles": [{"Ref": "StatesWorker"}],
            "PolicyDocument": {
                "Statement": [
                    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"}
                ]
            },
        },
    },
    "Shared": {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {
            "ManagedPolicyName": "shared-read",
            "PolicyDocument": {
                "Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}]
            },
        },
    },
}


def zoo_template() -> dict[str, Any]:
    """A template with every role above."""
    return {
        "Parameters": {"NameParam": {"Type": "String"}, "MaxParam": {"Type": "Number"}},
        "Resources": {**ROLES, **OTHER_RESOURCES},
    }


def zoo_stack(name: str = "Zoo", *, account: str | None = ACCOUNT) -> StackTemplate:
    """The zoo template as a stack in a fixed environment."""
    region = REGION if account else None
    return StackTemplate.from_template(zoo_template(), name=name, account=account, region=region)
