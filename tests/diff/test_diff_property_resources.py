"""Property: with resource policies of the app, the permissions verdict never contradicts
a brute-force search with the evaluator (identity policy + the bucket policy)."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cdk_iam_roles.analysis import PolicySet, Request, evaluate
from cdk_iam_roles.analysis.assembly import find_resource_policy, load_app
from cdk_iam_roles.analysis.symbolic import diff_apps

ACCOUNT = "111111111111"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/target"
BUCKET = "arn:aws:s3:::acme-data"

PRINCIPALS = [
    {"AWS": ROLE_ARN},
    {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    "*",
    {"AWS": "arn:aws:iam::222222222222:root"},
]
ACTIONS = ["s3:GetObject", "s3:*", "s3:PutObject"]
RESOURCES = [f"{BUCKET}/*", BUCKET, "*"]
CONDITIONS = [
    None,
    {"Bool": {"aws:SecureTransport": "true"}},
    {"StringEquals": {"aws:PrincipalTag/team": "blue"}},
]


@st.composite
def statement(draw: st.DrawFn, resource_policy: bool) -> dict[str, Any]:
    found: dict[str, Any] = {
        "Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"])),
        "Action": draw(st.sampled_from(ACTIONS)),
        "Resource": draw(st.sampled_from(RESOURCES[:2] if resource_policy else RESOURCES)),
    }
    if resource_policy:
        key = draw(st.sampled_from(["Principal", "Principal", "NotPrincipal"]))
        principal = draw(st.sampled_from(PRINCIPALS))
        if key == "NotPrincipal" and principal == "*":
            principal = {"AWS": "arn:aws:iam::222222222222:root"}
        found[key] = principal
    condition = draw(st.sampled_from(CONDITIONS))
    if condition:
        found["Condition"] = condition
    return found


def _template(identity: list[dict[str, Any]], bucket: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "Resources": {
            "Target": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": "target",
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "lambda.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                            }
                        ],
                    },
                    "Policies": [
                        {
                            "PolicyName": "p",
                            "PolicyDocument": {"Version": "2012-10-17", "Statement": identity},
                        }
                    ],
                },
            },
            "Data": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "acme-data"}},
            "DataPolicy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {
                    "Bucket": {"Ref": "Data"},
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": bucket},
                },
            },
        }
    }


side = st.tuples(
    st.lists(statement(False), min_size=1, max_size=2),
    st.lists(statement(True), min_size=1, max_size=2),
)


def _allowed(app: Any, request: Request) -> bool:
    role = app.roles[0]
    covering = find_resource_policy(app, request.resource)
    policies = PolicySet(
        identity=[p.document for p in role.identity_policies],
        resource=covering.document if covering else None,
    )
    return evaluate(request, policies).allowed


@settings(max_examples=60)
@given(base=side, head=side)
def test_permissions_with_a_bucket_policy_never_contradict_brute_force(
    base: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    head: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    old = load_app(_template(*base), account=ACCOUNT, region="eu-west-1")
    new = load_app(_template(*head), account=ACCOUNT, region="eu-west-1")
    (role,) = diff_apps(old, new).roles
    verdict = role.permissions
    session = new.roles[0].session_arn()
    if verdict.verdict == "new-access":
        witness = verdict.witness
        assert witness is not None
        request = Request(
            witness.principal, witness.action, witness.resource, None, witness.context
        )
        if find_resource_policy(new, witness.resource) is not None:
            assert _allowed(new, request)
            assert not _allowed(old, request)
        return
    if verdict.verdict == "unknown":
        return
    contexts = [
        {},
        {"aws:SecureTransport": "true"},
        {"aws:PrincipalTag/team": "blue"},
        {"aws:SecureTransport": "true", "aws:PrincipalTag/team": "blue"},
    ]
    resources = [f"{BUCKET}/key", BUCKET, "arn:aws:s3:::other/key"]
    for action, resource, context in itertools.product(
        ["s3:GetObject", "s3:PutObject", "s3:ListBucket"], resources, contexts
    ):
        request = Request(session, action, resource, None, context)
        if _allowed(new, request):
            assert _allowed(old, request), f"proved, but {request} is allowed by HEAD only"
