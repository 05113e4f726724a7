"""Seeded generator of policy/request pairs for the differential test against the oracle.

Every case is plain JSON (so the Node driver can read it) and is generated from one
`random.Random(seed)`, so a seed always gives the same corpus. Cases are tagged with the
features they exercise (operators, modifiers, variables, principal forms, layers) so the
test can show coverage.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from cdk_iam_roles.analysis import PolicySet, Request

SEED = 20261130
ACCOUNT = "111122223333"
OTHER = "444455556666"
V2012 = "2012-10-17"

Case = dict[str, Any]

USER = f"arn:aws:iam::{ACCOUNT}:user/team/alice"
USER2 = f"arn:aws:iam::{ACCOUNT}:user/bob"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app/Deploy"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/Deploy/ci-run"
OTHER_SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/Audit/s1"
FED_USER = f"arn:aws:sts::{ACCOUNT}:federated-user/carol"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
X_USER = f"arn:aws:iam::{OTHER}:user/eve"
X_ROLE = f"arn:aws:iam::{OTHER}:role/Partner"
X_SESSION = f"arn:aws:sts::{OTHER}:assumed-role/Partner/p1"
SERVICES = ("lambda.amazonaws.com", "ec2.amazonaws.com")
QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders"

# Condition operators by family; negated forms included.
OPERATORS: dict[str, tuple[str, ...]] = {
    "string": (
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
    ),
    "numeric": (
        "NumericEquals",
        "NumericNotEquals",
        "NumericLessThan",
        "NumericLessThanEquals",
        "NumericGreaterThan",
        "NumericGreaterThanEquals",
    ),
    "date": (
        "DateEquals",
        "DateNotEquals",
        "DateLessThan",
        "DateLessThanEquals",
        "DateGreaterThan",
        "DateGreaterThanEquals",
    ),
    "bool": ("Bool",),
    "binary": ("BinaryEquals",),
    "ip": ("IpAddress", "NotIpAddress"),
    "arn": ("ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"),
    "null": ("Null",),
}
ALL_OPERATORS = tuple(op for ops in OPERATORS.values() for op in ops)

KEYS: dict[str, tuple[str, ...]] = {
    "string": ("aws:PrincipalTag/env", "aws:RequestTag/team", "s3:prefix", "aws:TagKeys"),
    "numeric": ("aws:MultiFactorAuthAge", "s3:max-keys"),
    "date": ("aws:CurrentTime", "aws:TokenIssueTime"),
    "bool": ("aws:SecureTransport", "aws:MultiFactorAuthPresent"),
    "binary": ("aws:BinaryKey",),
    "ip": ("aws:SourceIp",),
    "arn": ("aws:SourceArn", "aws:PrincipalArn"),
    "null": ("aws:PrincipalTag/env", "aws:TagKeys", "aws:SourceIp"),
}
MULTI_KEYS = frozenset({"aws:TagKeys"})

POLICY_VALUES: dict[str, tuple[Any, ...]] = {
    "string": ("prod", "Prod", "dev", "prod-*", "p?od", "*", "team-a", "TEAM-A", "a*b"),
    "numeric": ("0", "10", "900", "3600", "12.5", "-5", 900),
    "date": (
        "2020-01-01T00:00:00Z",
        "2021-06-15T12:00:00Z",
        "2020-01-01",
        "2024-03-01T10:00:00+02:00",
        "1577836800",
        "1623758400",
    ),
    "bool": ("true", "false", True, False),
    "binary": ("QUJD", "REVG", "QUJDRA=="),
    "ip": ("10.0.0.0/8", "192.168.1.0/24", "203.0.113.7", "2001:db8::/32", "0.0.0.0/0"),
    "arn": (
        "arn:aws:s3:::bucket-*",
        f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:*",
        f"arn:aws:lambda:*:{ACCOUNT}:function:f?",
        f"arn:aws:iam::{ACCOUNT}:role/*",
        f"arn:aws:*:*:{ACCOUNT}:*",
        f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f1",
    ),
    "null": ("true", "false", True),
}
CONTEXT_VALUES: dict[str, tuple[str, ...]] = {
    "string": ("prod", "Prod", "dev", "prod-eu", "pod", "team-a", "team-A", "axb", "a*b"),
    "numeric": ("0", "9", "10", "899", "900", "901", "3600", "12.5", "-5", "abc"),
    "date": (
        "2020-01-01T00:00:00Z",
        "2019-12-31T23:59:59Z",
        "2021-06-15T12:00:00Z",
        "2024-03-01T08:00:00Z",
        "1577836800",
        "1700000000",
    ),
    "bool": ("true", "false", "TRUE"),
    "binary": ("QUJD", "REVG", "QUJDRA=="),
    "ip": ("10.1.2.3", "192.168.1.20", "203.0.113.7", "2001:db8::5", "172.16.0.1"),
    "arn": (
        "arn:aws:s3:::bucket-1",
        f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f1",
        f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:f2",
        f"arn:aws:iam::{ACCOUNT}:role/x",
        f"arn:aws:sqs:us-east-1:{OTHER}:q",
        "not-an-arn",
    ),
}


def policy(*statements: dict[str, Any], version: str | None = V2012) -> dict[str, Any]:
    """Wrap statements in a policy document (Version left out when ``None``)."""
    document: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        document = {"Version": version, **document}
    return document


def to_python(case: Case) -> tuple[Request, PolicySet]:
    """Turn a JSON case into the evaluator's `Request` and `PolicySet`."""
    return Request(**case["request"]), PolicySet(**case["policies"])


def _recase(rng: random.Random, key: str) -> str:
    # Context key names are case-insensitive: vary their spelling between policy and request.
    if rng.random() < 0.3:
        return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in key)
    return key


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, options: Any) -> Any:
        return self.rng.choice(list(options))

    def clause(self, family: str | None = None) -> tuple[str, str, Any, str, set[str]]:
        """Return (operator, key, values, family, tags) for one random condition clause."""
        rng = self.rng
        family = family or self.pick(OPERATORS)
        base = self.pick(OPERATORS[family])
        key = self.pick(KEYS[family])
        tags = {base, f"family:{family}"}
        operator = base
        if family != "null":
            if rng.random() < 0.25:
                prefix = self.pick(("ForAnyValue", "ForAllValues"))
                operator = f"{prefix}:{operator}"
                tags.add(prefix)
            if rng.random() < 0.2:
                operator += "IfExists"
                tags.add("IfExists")
        count = rng.choice((1, 1, 2, 3))
        values = [self.pick(POLICY_VALUES[family]) for _ in range(count)]
        return (
            operator,
            key,
            values[0] if count == 1 and rng.random() < 0.5 else values,
            family,
            tags,
        )

    def context_value(self, family: str, key: str, tags: set[str]) -> Any:
        rng = self.rng
        source = CONTEXT_VALUES["string" if family == "null" else family]
        roll = rng.random()
        if key in MULTI_KEYS or roll < 0.15:
            length = rng.choice((0, 1, 2, 2, 3))
            tags.add(f"context:list{min(length, 2)}")
            return [self.pick(source) for _ in range(length)]
        return self.pick(source)


def _conditions_case(b: _Builder, index: int) -> Case:
    rng = b.rng
    tags: set[str] = set()
    context: dict[str, Any] = {}

    def block(count: int) -> dict[str, dict[str, Any]]:
        result: dict[str, dict[str, Any]] = {}
        for _ in range(count):
            operator, key, values, family, clause_tags = b.clause()
            tags.update(clause_tags)
            policy_key = _recase(rng, key)
            result.setdefault(operator, {})[policy_key] = values
            if key.lower() not in {k.lower() for k in context} and rng.random() > 0.2:
                context[_recase(rng, key)] = b.context_value(family, key, tags)
            elif key.lower() not in {k.lower() for k in context}:
                tags.add("context:absent")
        return result

    principal = b.pick((USER, SESSION))
    statements: list[dict[str, Any]] = []
    allow: dict[str, Any] = {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": QUEUE}
    with_deny = rng.random() < 0.35
    if not with_deny or rng.random() < 0.5:
        allow["Condition"] = block(rng.choice((1, 1, 2, 3)))
    statements.append(allow)
    if with_deny:
        tags.add("effect:Deny")
        statements.append(
            {
                "Sid": "GuardRail",
                "Effect": "Deny",
                "Action": "sqs:*",
                "Resource": "*",
                "Condition": block(rng.choice((1, 2))),
            }
        )
    return {
        "id": f"cond-{index}",
        "family": "conditions",
        "mode": "authorize",
        "tags": sorted(tags),
        "request": {
            "principal": principal,
            "action": "sqs:SendMessage",
            "resource": QUEUE,
            "context": context,
        },
        "policies": {"identity": [policy(*statements)]},
    }


_VARIABLE_RESOURCES = (
    ("arn:aws:s3:::home/${aws:username}/*", "arn:aws:s3:::home/{username}/notes.txt"),
    ("arn:aws:s3:::home/${aws:username, 'shared'}/*", "arn:aws:s3:::home/shared/a"),
    ("arn:aws:s3:::team-${aws:PrincipalTag/team}/*", "arn:aws:s3:::team-{team}/x"),
    ("arn:aws:s3:::docs/${aws:PrincipalTag/team, 'none'}/*", "arn:aws:s3:::docs/none/x"),
    (f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}", f"arn:aws:iam::{ACCOUNT}:user/{{username}}"),
    ("arn:aws:s3:::lit/${*}/x", "arn:aws:s3:::lit/*/x"),
    ("arn:aws:s3:::lit/a${?}c", "arn:aws:s3:::lit/abc"),
    ("arn:aws:s3:::cost$/${$}", "arn:aws:s3:::cost$/$"),
    (
        "arn:aws:sqs:*:${aws:PrincipalAccount}:*",
        f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders",
    ),
    (
        "arn:aws:sqs:${aws:RequestedRegion}:" + ACCOUNT + ":orders",
        f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders",
    ),
    (
        f"arn:aws:sqs:us-east-1:{ACCOUNT}:${{aws:username}}",
        f"arn:aws:sqs:us-east-1:{ACCOUNT}:alice",
    ),
    # As AWS's managed policy AmazonTimestreamInfluxDBServiceRolePolicy writes it.
    ("arn:aws:kms:*:${aws:PrincipalAccount}:key/*", f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k1"),
)
_VARIABLE_CONDITIONS = (
    ("StringEquals", "aws:PrincipalTag/owner", "${aws:username}"),
    ("StringEquals", "aws:PrincipalTag/owner", "${aws:username, 'alice'}"),
    ("StringNotEquals", "aws:PrincipalTag/owner", "${aws:username}"),
    ("StringEqualsIgnoreCase", "aws:PrincipalTag/owner", "${aws:username}"),
    ("StringLike", "aws:PrincipalTag/owner", "${aws:username}*"),
    ("StringLike", "aws:PrincipalTag/owner", "a${*}"),
    ("StringEquals", "aws:PrincipalTag/owner", "a${*}"),
    ("StringLike", "aws:PrincipalTag/owner", "al${?}ce"),
    ("StringEquals", "aws:PrincipalTag/owner", "a${$}"),
    ("StringLike", "aws:PrincipalTag/owner", "a${$}"),
    ("StringEquals", "aws:PrincipalTag/owner", "${aws:PrincipalTag/team}"),
    ("StringEquals", "aws:PrincipalTag/owner", "${aws:TagKeys}"),
    ("ArnLike", "aws:SourceArn", "arn:aws:s3:::home/${aws:username}"),
    ("ArnEquals", "aws:SourceArn", f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"),
    ("ArnLike", "aws:SourceArn", "arn:aws:iam::${aws:PrincipalAccount}:user/*"),
    ("StringLike", "s3:prefix", "home/${aws:username}/*"),
    ("StringNotLike", "s3:prefix", "home/${aws:username}/*"),
    # Policy variables are supported with the Boolean operator (issue 11).
    ("Bool", "aws:MultiFactorAuthPresent", "${aws:SecureTransport}"),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", "${aws:SecureTransport}"),
)
_OWNER_VALUES = ("alice", "Alice", "a*", "a$", "alxce", "team-a", "bob", "alice-x")
_SOURCE_ARNS = (
    "arn:aws:s3:::home/alice",
    f"arn:aws:iam::{ACCOUNT}:user/alice",
    f"arn:aws:iam::{OTHER}:user/alice",
    "arn:aws:s3:::home/bob",
)


def _variables_case(b: _Builder, index: int) -> Case:
    rng = b.rng
    tags: set[str] = {"variables"}
    version = b.pick((V2012, V2012, V2012, "2008-10-17", None))
    tags.add(f"version:{version}")
    # Request values with wildcard characters are left out: AWS does not document whether
    # a substituted `*` acts as a wildcard (see docs/evaluator.md).
    username = b.pick(("alice", "alice", "bob", "carol"))
    context: dict[str, Any] = {}
    if rng.random() < 0.8:
        context["aws:username"] = username
    else:
        tags.add("variable:missing")
    if rng.random() < 0.6:
        context["aws:PrincipalTag/team"] = b.pick(("team-a", "ops"))
    if rng.random() < 0.7:
        context["aws:PrincipalAccount"] = b.pick((ACCOUNT, ACCOUNT, OTHER))
    if rng.random() < 0.5:
        context["aws:RequestedRegion"] = b.pick(("us-east-1", "eu-west-1"))
    if rng.random() < 0.3:
        context["aws:TagKeys"] = b.pick((["alice"], ["alice", "bob"]))
        tags.add("variable:multivalued")
    statement: dict[str, Any] = {"Effect": "Allow"}
    if rng.random() < 0.55:
        pattern, template = b.pick(_VARIABLE_RESOURCES)
        tags.add(f"resource-variable:{pattern}")
        resource = template.format(
            username=username, team=context.get("aws:PrincipalTag/team", "x")
        )
        if rng.random() < 0.25:
            resource = resource.replace("alice", "mallory")
        service = resource.split(":")[2]
        actions = {
            "s3": "s3:GetObject",
            "iam": "iam:GetUser",
            "sqs": "sqs:SendMessage",
            "kms": "kms:Decrypt",
        }
        action = actions[service]
        statement.update({"Action": action, "Resource": pattern})
        if rng.random() < 0.2:
            statement["NotResource"] = statement.pop("Resource")
            statement["Effect"] = "Deny"
            tags.add("NotResource")
    else:
        operator, key, value = b.pick(_VARIABLE_CONDITIONS)
        tags.add(f"condition-variable:{operator}:{value}")
        action, resource = "s3:GetObject", "arn:aws:s3:::home/alice/notes.txt"
        statement.update({"Action": action, "Resource": "*", "Condition": {operator: {key: value}}})
        if key == "aws:SourceArn":
            context["aws:SourceArn"] = b.pick(_SOURCE_ARNS)
        elif key == "s3:prefix":
            context["s3:prefix"] = b.pick(("home/alice/", "home/bob/x", "home/carol/"))
        elif key == "aws:MultiFactorAuthPresent":
            for name in ("aws:MultiFactorAuthPresent", "aws:SecureTransport"):
                if rng.random() < 0.85:
                    context[name] = b.pick(("true", "false"))
        elif rng.random() < 0.85:
            context["aws:PrincipalTag/owner"] = b.pick(_OWNER_VALUES)
    statements = [statement]
    if statement["Effect"] == "Deny":
        statements.insert(0, {"Effect": "Allow", "Action": "*", "Resource": "*"})
    return {
        "id": f"var-{index}",
        "family": "variables",
        "mode": "authorize",
        "tags": sorted(tags),
        "request": {
            "principal": USER,
            "action": action,
            "resource": resource,
            "context": context,
        },
        "policies": {"identity": [policy(*statements, version=version)]},
    }


_ACTION_PATTERNS = (
    "sqs:SendMessage",
    "SQS:sendmessage",
    "sqs:Send*",
    "sqs:*Message",
    "sqs:?endMessage",
    "sqs:*",
    "*",
    "s3:*",
    "sqs:Receive*",
    "sqs:S*e",
)
_RESOURCES = (
    (f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders", "sqs:SendMessage"),
    (f"arn:aws:sqs:eu-west-1:{OTHER}:orders-dlq", "sqs:SendMessage"),
    ("arn:aws:s3:::bucket-1/path/to/key.txt", "s3:GetObject"),
    ("arn:aws:s3:::bucket-1/a:b/c", "s3:GetObject"),
    (f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Orders/index/ByDate", "dynamodb:Query"),
    (f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/fn:*", "logs:PutLogEvents"),
    (f"arn:aws:iam::{ACCOUNT}:role/app/Deploy", "iam:GetRole"),
)
_RESOURCE_PATTERNS = (
    "*",
    f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders",
    f"arn:aws:sqs:us-east-1:{ACCOUNT}:Orders",
    "arn:aws:sqs:*:*:orders*",
    f"arn:aws:sqs:*:{ACCOUNT}:*",
    "arn:aws:sqs:us-east-?:*:*",
    "arn:aws:sqs:*",
    "arn:aws:sqs:us-*1:*:*",
    "arn:aws:s3:::bucket-1/*",
    "arn:aws:s3:::bucket-?/path/*",
    "arn:aws:s3:::bucket-1/a*c",
    "arn:aws:s3:::*/key.txt",
    f"arn:aws:dynamodb:*:{ACCOUNT}:table/Orders",
    f"arn:aws:dynamodb:*:{ACCOUNT}:table/Orders/*",
    f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/*",
    f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:*:*",
    f"arn:aws:iam::{ACCOUNT}:role/*",
    f"arn:aws:iam::{ACCOUNT}:role/Deploy",
    "arn:aws:*:us-east-1:*:*",
    "arn:*:*:*:*:*",
)


def _action_resource_case(b: _Builder, index: int) -> Case:
    rng = b.rng
    tags: set[str] = {"action-resource"}
    resource, action = b.pick(_RESOURCES)
    if rng.random() < 0.3:
        action = action.upper() if rng.random() < 0.5 else action.lower()
        tags.add("action-case")
    statements = []
    for _ in range(rng.choice((1, 1, 2))):
        statement: dict[str, Any] = {"Effect": "Allow"}
        actions = [b.pick(_ACTION_PATTERNS) for _ in range(rng.choice((1, 2)))]
        service = action.split(":")[0].lower()
        if rng.random() < 0.5:
            actions = [
                a.replace("sqs:", f"{service}:").replace("SQS:", f"{service}:") for a in actions
            ]
        resources = [b.pick(_RESOURCE_PATTERNS) for _ in range(rng.choice((1, 2)))]
        statement["NotAction" if rng.random() < 0.2 else "Action"] = actions
        statement["NotResource" if rng.random() < 0.2 else "Resource"] = resources
        if rng.random() < 0.25:
            statement["Effect"] = "Deny"
        tags.update(k for k in statement if k.startswith("Not"))
        statements.append(statement)
    if all(s["Effect"] == "Deny" for s in statements):
        statements.insert(0, {"Effect": "Allow", "Action": "*", "Resource": "*"})
    return {
        "id": f"act-{index}",
        "family": "action-resource",
        "mode": "authorize",
        "tags": sorted(tags),
        "request": {"principal": USER, "action": action, "resource": resource, "context": {}},
        "policies": {"identity": [policy(*statements)]},
    }


def _principal_value(b: _Builder, caller: str, tags: set[str]) -> Any:
    """A Principal element that may or may not name ``caller``."""
    account = caller.split(":")[4] if caller.startswith("arn:") else ACCOUNT
    role_of_session = None
    if ":assumed-role/" in caller:
        name = caller.split("/")[1]
        role_of_session = f"arn:aws:iam::{account}:role/{'app/' if name == 'Deploy' else ''}{name}"
    options: list[tuple[str, Any]] = [
        ("principal:*", "*"),
        ("principal:AWS*", {"AWS": "*"}),
        ("principal:account-id", {"AWS": account}),
        ("principal:account-root", {"AWS": f"arn:aws:iam::{account}:root"}),
        ("principal:other-account", {"AWS": OTHER if account == ACCOUNT else ACCOUNT}),
        ("principal:exact", {"Service": caller} if caller in SERVICES else {"AWS": caller}),
        ("principal:other-user", {"AWS": USER2}),
        (
            "principal:list",
            {"AWS": USER2, "Service": caller} if caller in SERVICES else {"AWS": [USER2, caller]},
        ),
        ("principal:service", {"Service": list(SERVICES)}),
    ]
    if role_of_session:
        options.append(("principal:role-of-session", {"AWS": role_of_session}))
        options.append(("principal:role-of-session", {"AWS": [role_of_session, USER2]}))
    if caller in SERVICES:
        options.append(("principal:service-exact", {"Service": caller}))
    tag, value = b.pick(options)
    tags.add(tag)
    return value


def _logic_case(b: _Builder, index: int) -> Case:
    """Random combination of identity, resource, boundary, session, SCP and RCP layers."""
    rng = b.rng
    tags: set[str] = {"logic"}
    caller = b.pick(
        (USER, USER, SESSION, SESSION, OTHER_SESSION, FED_USER, X_USER, X_SESSION, ROOT, *SERVICES)
    )
    tags.add(
        "caller:" + caller.split(":")[-1].split("/")[0]
        if caller.startswith("arn")
        else "caller:service"
    )
    trust = rng.random() < 0.35
    resource_account = ACCOUNT if rng.random() < 0.75 else OTHER
    if trust:
        action = "sts:AssumeRole"
        resource = f"arn:aws:iam::{resource_account}:role/Target"
        tags.add("trust")
    else:
        action = "sqs:SendMessage"
        resource = f"arn:aws:sqs:us-east-1:{resource_account}:orders"
    aws_caller = caller.startswith("arn:")
    policies: dict[str, Any] = {}
    context: dict[str, Any] = {"aws:PrincipalTag/env": b.pick(("prod", "dev"))}
    gate = {"StringEquals": {"aws:PrincipalTag/env": "prod"}}

    def maybe_gate(statement: dict[str, Any]) -> dict[str, Any]:
        if rng.random() < 0.25:
            statement["Condition"] = gate
            tags.add("gated")
        return statement

    if aws_caller:
        identity_kind = b.pick(("allow", "allow", "none", "deny", "other-action"))
        tags.add(f"identity:{identity_kind}")
        if identity_kind == "allow":
            policies["identity"] = [
                policy(maybe_gate({"Effect": "Allow", "Action": action, "Resource": "*"}))
            ]
        elif identity_kind == "deny":
            policies["identity"] = [
                policy(
                    {"Effect": "Allow", "Action": "*", "Resource": "*"},
                    maybe_gate({"Effect": "Deny", "Action": action, "Resource": resource}),
                )
            ]
        elif identity_kind == "other-action":
            policies["identity"] = [policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})]
        # Only users and roles have permissions boundaries (the root user has none).
        if caller != ROOT and rng.random() < 0.3:
            kind = b.pick(("allow", "other", "deny"))
            tags.add(f"boundary:{kind}")
            policies["boundary"] = policy(
                {
                    "Effect": "Allow",
                    "Action": action if kind == "allow" else "s3:*",
                    "Resource": "*",
                }
                if kind != "deny"
                else {"Effect": "Deny", "Action": action, "Resource": "*"},
                *([{"Effect": "Allow", "Action": "*", "Resource": "*"}] if kind == "deny" else []),
            )
        has_session = ":assumed-role/" in caller or ":federated-user/" in caller
        if has_session and rng.random() < 0.3:
            kind = b.pick(("allow", "other"))
            tags.add(f"session:{kind}")
            policies["session"] = policy(
                {
                    "Effect": "Allow",
                    "Action": action if kind == "allow" else "s3:*",
                    "Resource": "*",
                }
            )
        if rng.random() < 0.3:
            levels = []
            for _level in range(rng.choice((1, 2, 3))):
                kind = b.pick(("full", "full", "service", "deny", "none"))
                tags.add(f"scp:{kind}")
                full = {"Effect": "Allow", "Action": "*", "Resource": "*"}
                if kind == "full":
                    levels.append([policy(full)])
                elif kind == "service":
                    levels.append(
                        [
                            policy(
                                {
                                    "Effect": "Allow",
                                    "Action": [action.split(":")[0] + ":*"],
                                    "Resource": "*",
                                }
                            )
                        ]
                    )
                elif kind == "deny":
                    levels.append(
                        [
                            policy(full),
                            policy(
                                maybe_gate({"Effect": "Deny", "Action": action, "Resource": "*"})
                            ),
                        ]
                    )
                else:
                    levels.append([policy({"Effect": "Allow", "Action": "ec2:*", "Resource": "*"})])
            policies["scps"] = levels
    if rng.random() < 0.2:
        levels = []
        for _level in range(rng.choice((1, 2))):
            deny = rng.random() < 0.5
            tags.add(f"rcp:{'deny' if deny else 'empty'}")
            statements = (
                [
                    maybe_gate(
                        {"Effect": "Deny", "Principal": "*", "Action": action, "Resource": "*"}
                    )
                ]
                if deny
                else []
            )
            levels.append([policy(*statements)] if statements else [])
        policies["rcps"] = levels
    if trust or rng.random() < 0.65:
        statements: list[dict[str, Any]] = []
        statement: dict[str, Any] = {"Effect": "Allow", "Action": action}
        if not trust:
            statement["Resource"] = resource
        if rng.random() < 0.12:
            statement["NotPrincipal"] = _principal_value(b, caller, tags)
            tags.add("NotPrincipal")
            if rng.random() < 0.6:
                statement["Effect"] = "Deny"
                statements.append(
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": action,
                        **({} if trust else {"Resource": resource}),
                    }
                )
        else:
            statement["Principal"] = _principal_value(b, caller, tags)
            if rng.random() < 0.15:
                statement["Effect"] = "Deny"
        statements.append(maybe_gate(statement))
        policies["resource"] = policy(*statements)
    return {
        "id": f"logic-{index}",
        "family": "logic",
        "mode": "authorize",
        "tags": sorted(tags),
        "request": {
            "principal": caller,
            "action": action,
            "resource": resource,
            "resource_account": resource_account,
            "context": context,
        },
        "policies": policies,
    }


_BROKEN_STATEMENTS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("unknown-operator", {"Condition": {"StringEqualsMaybe": {"aws:PrincipalTag/env": "prod"}}}),
    ("unknown-set-operator", {"Condition": {"ForSomeValues:StringEquals": {"aws:TagKeys": "a"}}}),
    ("null-ifexists", {"Condition": {"NullIfExists": {"aws:TagKeys": "true"}}}),
    ("ref-in-resource", {"Resource": {"Ref": "Queue"}}),
    ("getatt-in-resource", {"Resource": {"Fn::GetAtt": ["Queue", "Arn"]}}),
    ("sub-marker", {"Resource": "arn:aws:sqs:${AWS::Region}:" + ACCOUNT + ":orders"}),
    ("token-marker", {"Resource": "${Token[TOKEN.123]}"}),
    ("logical-id-marker", {"Resource": "arn:aws:sqs:us-east-1:" + ACCOUNT + ":${QueueName}"}),
    ("ref-in-condition", {"Condition": {"StringEquals": {"aws:PrincipalTag/env": {"Ref": "Env"}}}}),
    ("bad-number", {"Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "soon"}}}),
    ("bad-date", {"Condition": {"DateLessThan": {"aws:CurrentTime": "yesterday"}}}),
    ("bad-ip", {"Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/33"}}}),
    ("bad-effect", {"Effect": "Maybe"}),
    ("missing-action", {"Action": None}),
    ("unknown-element", {"Actions": "sqs:*"}),
    ("action-without-service", {"Action": "SendMessage"}),
    ("principal-in-identity", {"Principal": "*"}),
)


def _fail_closed_case(b: _Builder, index: int) -> Case:
    rng = b.rng
    name, patch = b.pick(_BROKEN_STATEMENTS)
    effect = b.pick(("Allow", "Deny"))
    statement: dict[str, Any] = {"Effect": effect, "Action": "sqs:SendMessage", "Resource": QUEUE}
    for key, value in patch.items():
        if value is None:
            statement.pop(key, None)
        else:
            statement[key] = value
    statements = [statement]
    if effect == "Deny" or rng.random() < 0.3:
        statements.insert(0, {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"})
    return {
        "id": f"broken-{index}",
        "family": "fail-closed",
        # The validating runSimulation path: the oracle rejects what AWS would reject.
        "mode": "simulate",
        "tags": sorted({"fail-closed", f"broken:{name}", f"broken-effect:{effect}"}),
        "request": {
            "principal": USER,
            "action": "sqs:SendMessage",
            "resource": QUEUE,
            "context": {"aws:PrincipalTag/env": "prod", "aws:TagKeys": ["a"]},
        },
        "policies": {"identity": [policy(*statements)]},
    }


GITHUB = "token.actions.githubusercontent.com"
EKS = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
COGNITO = "cognito-identity.amazonaws.com"
TARGET_ROLE = f"arn:aws:iam::{ACCOUNT}:role/Target"


def _federation_case(b: _Builder, index: int) -> Case:
    """Trust policies as the role patterns write them, through the public runSimulation."""
    rng = b.rng
    tags: set[str] = {"runSimulation"}
    kind = b.pick(("github", "eks", "cognito", "saml", "external-id", "mfa", "kms", "org"))
    tags.add(f"federation:{kind}")
    context: dict[str, Any] = {}
    policies: dict[str, Any] = {}
    principal = USER
    action = "sts:AssumeRole"
    resource = TARGET_ROLE
    resource_account = ACCOUNT
    if kind == "github":
        provider = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{GITHUB}"
        principal, action = provider, "sts:AssumeRoleWithWebIdentity"
        sub_op, sub = b.pick(
            (
                ("StringEquals", "repo:acme/app:ref:refs/heads/main"),
                ("StringLike", "repo:acme/app:ref:refs/heads/release/*"),
                ("StringEquals", "repo:acme/app:environment:prod"),
            )
        )
        trust_condition = {"StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"}}
        trust_condition.setdefault(sub_op, {})[f"{GITHUB}:sub"] = sub
        policies["resource"] = policy(
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": trust_condition,
            }
        )
        if rng.random() < 0.85:
            context[f"{GITHUB}:aud"] = b.pick(("sts.amazonaws.com", "sts.amazonaws.com", "other"))
        if rng.random() < 0.85:
            context[f"{GITHUB}:sub"] = b.pick(
                (
                    "repo:acme/app:ref:refs/heads/main",
                    "repo:acme/app:ref:refs/heads/release/1.2",
                    "repo:acme/app:environment:prod",
                    "repo:acme/app-fork:ref:refs/heads/main",
                )
            )
    elif kind == "eks":
        provider = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{EKS}"
        principal, action = provider, "sts:AssumeRoleWithWebIdentity"
        policies["resource"] = policy(
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{EKS}:sub": "system:serviceaccount:payments:api",
                        f"{EKS}:aud": "sts.amazonaws.com",
                    }
                },
            }
        )
        if rng.random() < 0.85:
            context[f"{EKS}:sub"] = b.pick(
                ("system:serviceaccount:payments:api", "system:serviceaccount:default:api")
            )
        if rng.random() < 0.85:
            context[f"{EKS}:aud"] = "sts.amazonaws.com"
    elif kind == "cognito":
        principal, action = COGNITO, "sts:AssumeRoleWithWebIdentity"
        policies["resource"] = policy(
            {
                "Effect": "Allow",
                "Principal": {"Federated": COGNITO},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {f"{COGNITO}:aud": "us-east-1:pool-1"},
                    "ForAnyValue:StringLike": {f"{COGNITO}:amr": "authenticated"},
                },
            }
        )
        context[f"{COGNITO}:aud"] = b.pick(("us-east-1:pool-1", "us-east-1:pool-2"))
        context[f"{COGNITO}:amr"] = b.pick(
            (
                ["authenticated", f"{COGNITO}:login"],
                [f"{COGNITO}:login", "authenticated"],
                ["unauthenticated"],
                ["authenticated"],
            )
        )
        tags.add(f"amr-length:{len(context[f'{COGNITO}:amr'])}")
    elif kind == "saml":
        provider = f"arn:aws:iam::{ACCOUNT}:saml-provider/Okta"
        principal, action = provider, "sts:AssumeRoleWithSAML"
        policies["resource"] = policy(
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider},
                "Action": "sts:AssumeRoleWithSAML",
                "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
            }
        )
        if rng.random() < 0.8:
            context["SAML:aud"] = b.pick(
                ("https://signin.aws.amazon.com/saml", "https://example.com/saml")
            )
    elif kind in ("external-id", "mfa", "org"):
        principal = b.pick((X_USER, X_SESSION, USER))
        condition: dict[str, Any]
        if kind == "external-id":
            condition = {"StringEquals": {"sts:ExternalId": "vendor-7"}}
            if rng.random() < 0.8:
                context["sts:ExternalId"] = b.pick(("vendor-7", "vendor-8"))
        elif kind == "mfa":
            condition = {
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
                "NumericLessThan": {"aws:MultiFactorAuthAge": "900"},
                "StringEquals": {"sts:RoleSessionName": "${aws:username}"},
            }
            if rng.random() < 0.8:
                context["aws:MultiFactorAuthPresent"] = b.pick(("true", "false"))
            if rng.random() < 0.8:
                context["aws:MultiFactorAuthAge"] = b.pick(("60", "1200"))
            context["aws:username"] = "eve"
            context["sts:RoleSessionName"] = b.pick(("eve", "mallory"))
        else:
            condition = {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}
            context["aws:PrincipalOrgID"] = b.pick(("o-abc123", "o-zzz999"))
        trusted = b.pick(({"AWS": OTHER}, {"AWS": f"arn:aws:iam::{OTHER}:root"}, {"AWS": X_ROLE}))
        policies["resource"] = policy(
            {
                "Effect": "Allow",
                "Principal": trusted,
                "Action": "sts:AssumeRole",
                "Condition": condition,
            }
        )
        if rng.random() < 0.8:
            policies["identity"] = [
                policy({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": resource})
            ]
    else:  # kms
        action = "kms:Decrypt"
        resource = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        key = "kms:EncryptionContext:purpose"
        policies["resource"] = policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": USER},
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {"StringEquals": {key: "billing"}},
            }
        )
        if rng.random() < 0.85:
            context[key] = b.pick(("billing", "payroll"))
    return {
        "id": f"fed-{index}",
        "family": "federation",
        "mode": "simulate",
        "tags": sorted(tags),
        "request": {
            "principal": principal,
            "action": action,
            "resource": resource,
            "resource_account": resource_account,
            "context": context,
        },
        "policies": policies,
    }


_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
_KEY_PRINCIPALS = (
    {"AWS": ROOT},
    {"AWS": ACCOUNT},
    {"AWS": ROLE},
    {"AWS": f"arn:aws:iam::{ACCOUNT}:role/other"},
    {"AWS": OTHER},
    {"AWS": X_ROLE},
    "*",
)


def _service_rules_case(b: _Builder, index: int) -> Case:
    """sts:GetCallerIdentity (never denied) and KMS key policies (issue 11).

    https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
    https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
    """
    rng = b.rng
    tags: set[str] = {"service-rules"}
    caller = b.pick((SESSION, SESSION, USER, X_SESSION, OTHER_SESSION))
    identity: list[dict[str, Any]] = []
    if rng.random() < 0.5:
        tags.add("caller-identity")
        action, resource = b.pick(("sts:GetCallerIdentity", "sts:getcalleridentity")), "*"
        if rng.random() < 0.6:
            identity.append(
                policy({"Effect": "Deny", "Action": b.pick(("*", "sts:*")), "Resource": "*"})
            )
        if rng.random() < 0.4:
            identity.append(policy({"Effect": "Allow", "Action": "sts:Get*", "Resource": "*"}))
        policies: dict[str, Any] = {"identity": identity}
        if rng.random() < 0.3:
            policies["scps"] = [[policy({"Effect": "Deny", "Action": "*", "Resource": "*"})]]
            tags.add("scp:deny")
        resource_account = None
    else:
        tags.add("kms-key-policy")
        action = b.pick(("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"))
        resource = _KEY
        resource_account = ACCOUNT
        if rng.random() < 0.7:
            identity.append(
                policy(
                    {
                        "Effect": "Allow",
                        "Action": b.pick(("kms:*", action, "kms:Decrypt")),
                        "Resource": b.pick((_KEY, "*")),
                    }
                )
            )
        statements: list[dict[str, Any]] = []
        for _ in range(rng.choice((1, 1, 2))):
            statements.append(
                {
                    "Effect": "Allow",
                    "Principal": b.pick(_KEY_PRINCIPALS),
                    "Action": b.pick(("kms:*", action, "kms:Encrypt")),
                    "Resource": "*",
                }
            )
        if rng.random() < 0.2:
            statements.append(
                {"Effect": "Deny", "Principal": "*", "Action": action, "Resource": "*"}
            )
            tags.add("effect:Deny")
        policies = {"identity": identity, "resource": policy(*statements)}
    return {
        "id": f"svc-{index}",
        "family": "service-rules",
        "mode": "authorize",
        "tags": sorted(tags),
        "request": {
            "principal": caller,
            "action": action,
            "resource": resource,
            "resource_account": resource_account,
            "context": {},
        },
        "policies": policies,
    }


FAMILIES: tuple[tuple[str, Callable[[_Builder, int], Case], int], ...] = (
    ("conditions", _conditions_case, 1800),
    ("variables", _variables_case, 700),
    ("action-resource", _action_resource_case, 450),
    ("logic", _logic_case, 900),
    ("fail-closed", _fail_closed_case, 150),
    ("federation", _federation_case, 400),
    ("service-rules", _service_rules_case, 300),
)


def build_corpus(seed: int = SEED, scale: float = 1.0) -> list[Case]:
    """Generate the corpus deterministically from ``seed``.

    Args:
        seed: the random seed. Default `SEED`.
        scale: multiplies the number of cases of every family. Default ``1.0``
            (about 4,300 cases).
    """
    rng = random.Random(seed)
    builder = _Builder(rng)
    cases: list[Case] = []
    for _name, make, count in FAMILIES:
        for index in range(max(1, int(count * scale))):
            cases.append(make(builder, index))
    # The federation cases also go through the oracle's core `authorize` path, which
    # keeps every context key: it shows which disagreements are runSimulation's alone.
    for case in [c for c in cases if c["family"] == "federation"]:
        cases.append(
            {**case, "id": case["id"] + "-core", "mode": "authorize", "family": "federation-core"}
        )
    return cases
