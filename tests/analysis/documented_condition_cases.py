"""Documented condition behaviours: the worked tables of AWS's condition pages, as cases.

Each row of a table AWS publishes ("Policy condition | Request context | Result") becomes a
`Case`. For a Deny statement AWS writes "Match" for denied and "No match" for "may be
allowed by another statement"; the cases add an identity-based allow of everything so
that "No match" reads as ``Allowed``.
"""

from __future__ import annotations

from typing import Any

from documented_case import UNDECIDED, Case, allow, deny, doc, grant

ACCOUNT = "111122223333"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/app/run"
ANYTHING = doc(allow("*"))


def _rows(
    family: str,
    statement: dict[str, Any],
    action: str,
    resource: str,
    rows: list[tuple[str, dict[str, Any], str]],
    principal: str = USER,
) -> list[Case]:
    """Cases for one policy and the rows of its table (name, context, outcome)."""
    effect = statement["Effect"]
    identity = (doc(statement), ANYTHING) if effect == "Deny" else (doc(statement),)
    return [
        Case(f"{family}: {name}", principal, action, resource, outcome, identity, context=ctx)
        for name, ctx, outcome in rows
    ]


# --- multivalued context keys: the examples page ---------------------------------------
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition_examples-multi-valued-context-keys.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
_TAG_USER = f"arn:aws:iam::{ACCOUNT}:user/bob"
_SNAPSHOT = "arn:aws:ec2:us-west-2::snapshot/snap-0123"
_INSTANCE = f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-0123"
MULTIVALUED = [
    *_rows(
        "deny ForAllValues:StringNotLike key1*",
        deny("iam:Tag*", Condition={"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}),
        "iam:TagUser",
        _TAG_USER,
        [
            ("one key1 tag", {"aws:TagKeys": ["key1:legal"]}, "Allowed"),
            ("two key1 tags", {"aws:TagKeys": ["key1:hr", "key1:personnel"]}, "Allowed"),
            ("a key2 tag", {"aws:TagKeys": ["key2:audit"]}, "ExplicitDeny"),
            ("no aws:TagKeys", {}, "ExplicitDeny"),
        ],
    ),
    *_rows(
        "deny ForAllValues:StringNotLike key1*/key2*",
        deny(
            "iam:Tag*",
            Condition={"ForAllValues:StringNotLike": {"aws:TagKeys": ["key1*", "key2*"]}},
        ),
        "iam:TagUser",
        _TAG_USER,
        [
            ("key1 and key2 tags", {"aws:TagKeys": ["key1:hr", "key2:audit"]}, "Allowed"),
            ("a key3 tag", {"aws:TagKeys": ["key3:legal"]}, "ExplicitDeny"),
        ],
    ),
    *_rows(
        "deny ForAnyValue:StringEquals webserver",
        deny(
            "ec2:CreateSnapshot",
            "arn:aws:ec2:us-west-2::snapshot/*",
            Condition={"ForAnyValue:StringEquals": {"aws:TagKeys": "webserver"}},
        ),
        "ec2:CreateSnapshot",
        _SNAPSHOT,
        [
            (
                "webserver among others",
                {"aws:TagKeys": ["environment", "webserver", "test"]},
                "ExplicitDeny",
            ),
            ("no webserver", {"aws:TagKeys": ["environment", "test"]}, "Allowed"),
            ("no aws:TagKeys", {}, "Allowed"),
        ],
    ),
    *_rows(
        "allow ForAllValues:StringEquals with Null false",
        allow(
            "ec2:DeleteTags",
            f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/*",
            Condition={
                "ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]},
                "Null": {"aws:TagKeys": "false"},
            },
        ),
        "ec2:DeleteTags",
        _INSTANCE,
        [
            ("both listed keys", {"aws:TagKeys": ["environment", "cost-center"]}, "Allowed"),
            ("one unlisted key", {"aws:TagKeys": ["environment", "dept"]}, "ImplicitDeny"),
            ("no aws:TagKeys", {}, "ImplicitDeny"),
        ],
    ),
    *_rows(
        "allow ForAnyValue:StringEquals",
        allow(
            "ec2:DeleteTags",
            f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/*",
            Condition={"ForAnyValue:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}},
        ),
        "ec2:DeleteTags",
        _INSTANCE,
        [
            ("one listed key among others", {"aws:TagKeys": ["environment", "dept"]}, "Allowed"),
            ("no listed key", {"aws:TagKeys": ["dept"]}, "ImplicitDeny"),
            ("no aws:TagKeys", {}, "ImplicitDeny"),
        ],
    ),
]

# --- set operators: the operators page and the key points ------------------------------
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
# ("The ForAllValues qualifier returns true if there are no context keys in the request or
# if the context key value resolves to a null dataset, such as an empty string.")
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
_DISTRIBUTIONS = {
    "ForAllValues:ArnLike": {
        "logs:LogGeneratingResourceArns": [
            f"arn:aws:cloudfront::{ACCOUNT}:distribution/*",
            f"arn:aws:cloudfront::{ACCOUNT}:distribution/support*",
        ]
    }
}
_DELIVERY = f"arn:aws:logs:us-east-1:{ACCOUNT}:delivery-source:cdn"
_NOT_SECRET_ALL = {"ForAllValues:StringNotEquals": {"aws:TagKeys": "secret"}}
_NOT_SECRET_ANY = {"ForAnyValue:StringNotEquals": {"aws:TagKeys": "secret"}}
SET_OPERATORS = [
    *_rows(
        "ForAllValues:ArnLike",
        allow("logs:PutDeliverySource", "*", Condition=_DISTRIBUTIONS),
        "logs:PutDeliverySource",
        _DELIVERY,
        [
            (
                "every ARN matches",
                {
                    "logs:LogGeneratingResourceArns": [
                        f"arn:aws:cloudfront::{ACCOUNT}:distribution/costcenter",
                        f"arn:aws:cloudfront::{ACCOUNT}:distribution/support2025",
                    ]
                },
                "Allowed",
            ),
            (
                "another account's distribution",
                {
                    "logs:LogGeneratingResourceArns": [
                        "arn:aws:cloudfront::777788889999:distribution/costcenter"
                    ]
                },
                "ImplicitDeny",
            ),
            ("no key", {}, "Allowed"),
        ],
    ),
    *_rows(
        "ForAllValues on an empty string",
        allow("ec2:CreateTags", Condition={"ForAllValues:StringEquals": {"aws:TagKeys": "env"}}),
        "ec2:CreateTags",
        _INSTANCE,
        [("an empty string is a null dataset", {"aws:TagKeys": ""}, "Allowed")],
    ),
    *_rows(
        "ForAllValues on a single-valued key",
        allow(
            "s3:ListBucket",
            Condition={"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
        ),
        "s3:ListBucket",
        "arn:aws:s3:::amzn-s3-demo-bucket",
        [
            ("missing key: overly permissive", {}, "Allowed"),
            ("another organization", {"aws:PrincipalOrgID": "o-zzzzzzzzzz"}, "ImplicitDeny"),
        ],
    ),
    *_rows(
        "ForAllValues:StringNotEquals",
        allow("ec2:CreateTags", Condition=_NOT_SECRET_ALL),
        "ec2:CreateTags",
        _INSTANCE,
        [
            ("no value is listed", {"aws:TagKeys": ["env", "team"]}, "Allowed"),
            ("one value is listed", {"aws:TagKeys": ["env", "secret"]}, "ImplicitDeny"),
        ],
    ),
    *_rows(
        "ForAnyValue:StringNotEquals",
        allow("ec2:CreateTags", Condition=_NOT_SECRET_ANY),
        "ec2:CreateTags",
        _INSTANCE,
        [
            ("one value is not listed", {"aws:TagKeys": ["secret", "env"]}, "Allowed"),
            ("every value is listed", {"aws:TagKeys": ["secret"]}, "ImplicitDeny"),
        ],
    ),
]

# --- the operators page's tables ---------------------------------------------------------
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
_KEYS = f"arn:aws:iam::{ACCOUNT}:user/*"
_PREPROD = {
    "StringEqualsIgnoreCase": {"aws:RequestTag/environment": ["preprod", "storage"]},
    "ForAnyValue:StringEquals": {"aws:TagKeys": "environment"},
}
_BLOB = "QmluYXJ5VmFsdWVJbkJhc2U2NA=="
_SOME = "arn:aws:someservice:*:111122223333:finance/*"
_SOME_VALUE = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/d.txt"
OPERATOR_TABLES = [
    *_rows(
        "StringEquals job-category",
        allow(
            "iam:*AccessKey*",
            _KEYS,
            Condition={"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}},
        ),
        "iam:CreateAccessKey",
        _TAG_USER,
        [
            ("iamuser-admin", {"aws:PrincipalTag/job-category": "iamuser-admin"}, "Allowed"),
            ("dev-ops", {"aws:PrincipalTag/job-category": "dev-ops"}, "ImplicitDeny"),
            ("no tag", {}, "ImplicitDeny"),
        ],
    ),
    *_rows(
        "StringEqualsIgnoreCase and ForAnyValue",
        allow("ec2:CreateTags", "arn:aws:ec2:*:*:instance/*", Condition=_PREPROD),
        "ec2:CreateTags",
        _INSTANCE,
        [
            (
                "PreProd in any case",
                {
                    "aws:TagKeys": ["environment", "costcenter"],
                    "aws:RequestTag/environment": "PreProd",
                },
                "Allowed",
            ),
            (
                "tag key Environment is case-sensitive",
                {"aws:TagKeys": ["Environment"], "aws:RequestTag/Environment": "preprod"},
                "ImplicitDeny",
            ),
            ("no RequestTag", {"aws:TagKeys": ["environment"]}, "ImplicitDeny"),
        ],
    ),
    *_rows(
        "Bool SecureTransport deny",
        deny(
            "s3:ReplicateObject",
            "arn:aws:s3:::amzn-s3-demo-bucket/*",
            Condition={"Bool": {"aws:SecureTransport": "false"}},
        ),
        "s3:ReplicateObject",
        "arn:aws:s3:::amzn-s3-demo-bucket/a",
        [
            ("false", {"aws:SecureTransport": "false"}, "ExplicitDeny"),
            ("true", {"aws:SecureTransport": "true"}, "Allowed"),
            ("no key", {}, "Allowed"),
        ],
    ),
    *_rows(
        "BinaryEquals",
        allow("s3:GetObject", Condition={"BinaryEquals": {"key": _BLOB}}),
        "s3:GetObject",
        "arn:aws:s3:::amzn-s3-demo-bucket/a",
        [
            ("the same bytes", {"key": _BLOB}, "Allowed"),
            ("other bytes", {"key": "ASIAIOSFODNN7EXAMPLE"}, "ImplicitDeny"),
        ],
    ),
    *_rows(
        "StringLike matches across colons",
        allow("s3:GetObject", Condition={"StringLike": {"aws:SourceArn": _SOME}}),
        "s3:GetObject",
        "arn:aws:s3:::amzn-s3-demo-bucket/a",
        [("the first * spans fields", {"aws:SourceArn": _SOME_VALUE}, "Allowed")],
    ),
    *_rows(
        "ArnLike checks each field",
        allow("s3:GetObject", Condition={"ArnLike": {"aws:SourceArn": _SOME}}),
        "s3:GetObject",
        "arn:aws:s3:::amzn-s3-demo-bucket/a",
        [("the first * stays in the region", {"aws:SourceArn": _SOME_VALUE}, "ImplicitDeny")],
    ),
    *_rows(
        "ArnEquals SourceArn",
        allow(
            "sqs:SendMessage",
            Condition={"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-west-2:123456789012:T"}},
        ),
        "sqs:SendMessage",
        f"arn:aws:sqs:us-west-2:{ACCOUNT}:q",
        [
            (
                "another account",
                {"aws:SourceArn": "arn:aws:sns:us-west-2:777788889999:T"},
                "ImplicitDeny",
            ),
            ("no key", {}, "ImplicitDeny"),
        ],
    ),
    *_rows(
        "StringLikeIfExists instance type",
        allow(
            "ec2:RunInstances",
            Condition={"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}},
        ),
        "ec2:RunInstances",
        _INSTANCE,
        [
            ("t1.micro", {"ec2:InstanceType": "t1.micro"}, "Allowed"),
            ("m2.micro", {"ec2:InstanceType": "m2.micro"}, "ImplicitDeny"),
            ("no key", {}, "Allowed"),
        ],
    ),
    *_rows(
        "Deny StringNotEqualsIfExists",
        deny("s3:*", Condition={"StringNotEqualsIfExists": {"aws:ResourceTag/team": "ops"}}),
        "s3:GetObject",
        "arn:aws:s3:::amzn-s3-demo-bucket/a",
        [
            ("denied without the key", {}, "ExplicitDeny"),
            ("the listed value", {"aws:ResourceTag/team": "ops"}, "Allowed"),
        ],
    ),
    *_rows(
        "Null TokenIssueTime false",
        allow("ec2:*", Condition={"Null": {"aws:TokenIssueTime": "false"}}),
        "ec2:DescribeInstances",
        "*",
        [
            ("temporary credentials", {"aws:TokenIssueTime": "2024-05-01T10:00:00Z"}, "Allowed"),
            ("long-term credentials", {}, "ImplicitDeny"),
        ],
    ),
    *_rows(
        "DateGreaterThan TokenIssueTime",
        allow(
            "iam:*AccessKey*",
            _KEYS,
            Condition={"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}},
        ),
        "iam:ListAccessKeys",
        _TAG_USER,
        [
            ("issued in 2020", {"aws:TokenIssueTime": "2020-06-01T00:00:00Z"}, "Allowed"),
            ("an IAM user has no token", {}, "ImplicitDeny"),
        ],
    ),
    *_rows(
        "NumericLessThanEquals max-keys",
        allow(
            "s3:ListBucket",
            "arn:aws:s3:::amzn-s3-demo-bucket",
            Condition={"NumericLessThanEquals": {"s3:max-keys": "10"}},
        ),
        "s3:ListBucket",
        "arn:aws:s3:::amzn-s3-demo-bucket",
        [
            ("10", {"s3:max-keys": "10"}, "Allowed"),
            ("11", {"s3:max-keys": "11"}, "ImplicitDeny"),
        ],
    ),
]

# --- IP address operators -------------------------------------------------------------------
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
# "If you specify an IP address without the associated routing prefix, IAM uses the
# default prefix value of /32." For an IPv6 address that reading (a /32 network) and the
# host reading (/128) differ; where they give different answers the case is undecided.
_OFFICE = {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}}
IP_ADDRESSES = [
    *_rows(
        "IPv4 and IPv6 ranges",
        allow("s3:GetObject", Condition=_OFFICE),
        "s3:GetObject",
        "arn:aws:s3:::amzn-s3-demo-bucket/a",
        [
            ("203.0.113.1", {"aws:SourceIp": "203.0.113.1"}, "Allowed"),
            ("198.51.100.1", {"aws:SourceIp": "198.51.100.1"}, "ImplicitDeny"),
            ("in the IPv6 /64", {"aws:SourceIp": "2001:db8:1234:5678::abcd"}, "Allowed"),
            ("outside the IPv6 /64", {"aws:SourceIp": "2001:db8:1234:5679::1"}, "ImplicitDeny"),
        ],
    ),
    *_rows(
        "a bare IPv4 address is a /32",
        allow("s3:GetObject", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.5"}}),
        "s3:GetObject",
        "arn:aws:s3:::amzn-s3-demo-bucket/a",
        [
            ("the address", {"aws:SourceIp": "203.0.113.5"}, "Allowed"),
            ("its neighbour", {"aws:SourceIp": "203.0.113.6"}, "ImplicitDeny"),
        ],
    ),
    *_rows(
        "a bare IPv6 address",
        allow("s3:GetObject", Condition={"IpAddress": {"aws:SourceIp": "2001:db8::1"}}),
        "s3:GetObject",
        "arn:aws:s3:::amzn-s3-demo-bucket/a",
        [
            ("the address", {"aws:SourceIp": "2001:db8::1"}, "Allowed"),
            ("in its /32 only", {"aws:SourceIp": "2001:db8::2"}, UNDECIDED),
            ("outside its /32", {"aws:SourceIp": "2001:db9::1"}, "ImplicitDeny"),
        ],
    ),
    *_rows(
        "deny NotIpAddress with a bare IPv6 address",
        deny("s3:*", Condition={"NotIpAddress": {"aws:SourceIp": "2001:db8::1"}}),
        "s3:GetObject",
        "arn:aws:s3:::amzn-s3-demo-bucket/a",
        [("in its /32 only", {"aws:SourceIp": "2001:db8::2"}, UNDECIDED)],
    ),
]

# --- several keys and values ------------------------------------------------------------------
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
# The bucket policy names account 222222222222: across accounts the caller's own
# identity-based policy must allow too, so the bucket policy's conditions decide.
_TEAM = "222222222222"
_BUCKET = "arn:aws:s3:::amzn-s3-demo-bucket"
_ANA_MARY = [f"arn:aws:iam::{_TEAM}:user/Ana", f"arn:aws:iam::{_TEAM}:user/Mary"]
_TAGS = {
    "aws:PrincipalTag/department": ["finance", "hr", "legal"],
    "aws:PrincipalTag/role": ["audit", "security"],
}


def _team_case(name: str, operator: str, user: str, tags: dict[str, str], outcome: str) -> Case:
    caller = f"arn:aws:iam::{_TEAM}:user/{user}"
    bucket_policy = doc(
        grant(
            {"AWS": f"arn:aws:iam::{_TEAM}:root"},
            "s3:ListBucket",
            _BUCKET,
            Condition={"StringEquals": _TAGS, operator: {"aws:PrincipalArn": _ANA_MARY}},
        )
    )
    return Case(
        f"{operator}: {name}",
        caller,
        "s3:ListBucket",
        _BUCKET,
        outcome,
        (doc(allow("s3:ListBucket")),),
        bucket_policy,
        context={**tags, "aws:PrincipalArn": caller},
        resource_account=ACCOUNT,
    )


_LEGAL_AUDIT = {"aws:PrincipalTag/department": "legal", "aws:PrincipalTag/role": "audit"}
_HR_AUDIT = {"aws:PrincipalTag/department": "hr", "aws:PrincipalTag/role": "audit"}
_HR_PAYROLL = {"aws:PrincipalTag/department": "hr", "aws:PrincipalTag/role": "payroll"}
_ECS = {
    "StringEquals": {"aws:RequestTag/environment": ["production", "prod-backup"]},
    "ArnEquals": {
        "ecs:cluster": [
            f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/default1",
            f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/default2",
        ]
    },
}
MULTIPLE_KEYS = [
    _team_case("every key holds", "ArnLike", "Mary", _LEGAL_AUDIT, "Allowed"),
    _team_case("another user", "ArnLike", "Nikki", _HR_AUDIT, "ImplicitDeny"),
    _team_case("another role tag", "ArnLike", "Mary", _HR_PAYROLL, "ImplicitDeny"),
    _team_case(
        "no role tag", "ArnLike", "Mary", {"aws:PrincipalTag/department": "hr"}, "ImplicitDeny"
    ),
    _team_case("a user not listed", "ArnNotLike", "Nikki", _LEGAL_AUDIT, "Allowed"),
    _team_case("a listed user", "ArnNotLike", "Mary", _HR_AUDIT, "ImplicitDeny"),
    *_rows(
        "one block, two single-valued keys",
        allow("ecs:RunTask", Condition=_ECS),
        "ecs:RunTask",
        f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/web:1",
        [
            (
                "prod-backup on default2",
                {
                    "aws:RequestTag/environment": "prod-backup",
                    "ecs:cluster": f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/default2",
                },
                "Allowed",
            ),
            (
                "the tag under another key",
                {
                    "aws:RequestTag/webserver": "production",
                    "ecs:cluster": f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/default2",
                },
                "ImplicitDeny",
            ),
        ],
    ),
]

# --- policy variables ---------------------------------------------------------------------------
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
_TEAM_TAG = {"StringNotEquals": {"s3:ExistingObjectTag/Team": "${aws:PrincipalTag/Team}"}}
_PROJECT = (
    "arn:aws:sns:*:*:${aws:PrincipalTag/access-project}-"
    "${aws:PrincipalTag/access-application}-${aws:PrincipalTag/access-environment}-*"
)
_PROJECT_TAGS = {
    "aws:PrincipalTag/access-project": "alpha",
    "aws:PrincipalTag/access-application": "web",
    "aws:PrincipalTag/access-environment": "dev",
}
_TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:alpha-web-dev-orders"
_TEAM_BUCKET = "arn:aws:s3:::amzn-s3-demo-bucket-${aws:PrincipalTag/team, 'company-wide'}"
_HOME = {"StringLike": {"s3:prefix": ["home/", "home/${aws:username}/"]}}
VARIABLES = [
    *_rows(
        "deny unless the object's team is the principal's",
        deny("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/*", Condition=_TEAM_TAG),
        "s3:GetObject",
        "arn:aws:s3:::amzn-s3-demo-bucket/report",
        [
            ("principal tag not set", {"s3:ExistingObjectTag/Team": "blue"}, "ExplicitDeny"),
            (
                "the same team",
                {"s3:ExistingObjectTag/Team": "blue", "aws:PrincipalTag/Team": "blue"},
                "Allowed",
            ),
            (
                "another team",
                {"s3:ExistingObjectTag/Team": "blue", "aws:PrincipalTag/Team": "red"},
                "ExplicitDeny",
            ),
        ],
    ),
    *_rows(
        "three tag variables and a wildcard in a topic name",
        allow("sns:DeleteTopic", _PROJECT),
        "sns:DeleteTopic",
        _TOPIC,
        [
            ("every tag matches", _PROJECT_TAGS, "Allowed"),
            (
                "another environment",
                {**_PROJECT_TAGS, "aws:PrincipalTag/access-environment": "prod"},
                "ImplicitDeny",
            ),
            (
                "one tag missing",
                {k: v for k, v in _PROJECT_TAGS.items() if "application" not in k},
                "ImplicitDeny",
            ),
        ],
    ),
    *_rows(
        "a default value",
        allow("s3:ListBucket", _TEAM_BUCKET),
        "s3:ListBucket",
        "arn:aws:s3:::amzn-s3-demo-bucket-company-wide",
        [
            ("no team tag", {}, "Allowed"),
            (
                "a team tag replaces the default",
                {"aws:PrincipalTag/team": "yellow"},
                "ImplicitDeny",
            ),
        ],
    ),
    *_rows(
        "a default value, the team's bucket",
        allow("s3:ListBucket", _TEAM_BUCKET),
        "s3:ListBucket",
        "arn:aws:s3:::amzn-s3-demo-bucket-yellow",
        [("team yellow", {"aws:PrincipalTag/team": "yellow"}, "Allowed")],
    ),
    *_rows(
        "home prefix by user name",
        allow("s3:ListBucket", _BUCKET, Condition=_HOME),
        "s3:ListBucket",
        _BUCKET,
        [
            (
                "the user's own prefix",
                {"aws:username": "alice", "s3:prefix": "home/alice/"},
                "Allowed",
            ),
            ("no aws:username", {"s3:prefix": "home/alice/"}, "ImplicitDeny"),
        ],
    ),
    *_rows(
        "a variable in a Date operator",
        allow(
            "s3:GetObject",
            Condition={"DateLessThan": {"aws:CurrentTime": "${aws:TokenIssueTime}"}},
        ),
        "s3:GetObject",
        "arn:aws:s3:::amzn-s3-demo-bucket/a",
        [
            (
                "not supported",
                {
                    "aws:CurrentTime": "2024-01-01T00:00:00Z",
                    "aws:TokenIssueTime": "2024-06-01T00:00:00Z",
                },
                UNDECIDED,
            )
        ],
        principal=SESSION,
    ),
]

CONDITION_FAMILIES: dict[str, tuple[str, list[Case]]] = {
    "multivalued-key-examples": (
        "IAM: Multivalued context key examples; Single-valued vs. multivalued context keys",
        MULTIVALUED,
    ),
    "set-operator-edges": (
        "IAM: Condition operators (multivalued ARN and string operators); "
        "Single-valued vs. multivalued context keys (key points)",
        SET_OPERATORS,
    ),
    "operator-tables": ("IAM: Condition operators (the evaluation tables)", OPERATOR_TABLES),
    "ip-address": ("IAM: Condition operators, IP address condition operators", IP_ADDRESSES),
    "multiple-keys-and-values": (
        "IAM: Conditions with multiple context keys or values; Single-valued context key "
        "policy examples",
        MULTIPLE_KEYS,
    ),
    "policy-variables": ("IAM: Variables and tags", VARIABLES),
}
