"""Property: the symbolic verdict and a brute-force search over requests never contradict.

Random pairs of trust policies (and of identity policies) are drawn from a small
vocabulary of principals, actions, resources, condition operators and values. A
brute-force search evaluates every request built from the same vocabulary (plus values
that no policy names) with the concrete evaluator. If the engine says
``no-new-access``, no request may be allowed by B and denied by A; if it says
``new-access``, its witness must be allowed by B and denied by A.
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cdk_iam_roles.analysis import PolicySet, Request, evaluate
from cdk_iam_roles.analysis.assembly import RoleInfo
from cdk_iam_roles.analysis.symbolic import compare_permissions, compare_trust
from cdk_iam_roles.analysis.symbolic._callers import class_allows_key
from cdk_iam_roles.analysis.symbolic._questions import ALLOW_ALL, _actions_for

ROLE = "arn:aws:iam::111111111111:role/target"
GITHUB = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
SUB = "token.actions.githubusercontent.com:sub"

PRINCIPALS: list[Any] = [
    {"AWS": "222222222222"},
    {"AWS": "arn:aws:iam::222222222222:role/ci"},
    {"AWS": ["arn:aws:iam::333333333333:root", "arn:aws:iam::222222222222:user/alice"]},
    "*",
    {"Service": "lambda.amazonaws.com"},
    {"Federated": GITHUB},
]
CONDITIONS: list[tuple[str, str, Any]] = [
    ("StringEquals", "sts:ExternalId", "vendor-1"),
    ("StringLike", "sts:ExternalId", "vendor-*"),
    ("StringNotEquals", "sts:ExternalId", "vendor-1"),
    ("StringEqualsIfExists", "sts:ExternalId", "vendor-2"),
    ("Null", "sts:ExternalId", "false"),
    ("Bool", "aws:MultiFactorAuthPresent", "true"),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", "false"),
    ("NumericLessThan", "aws:MultiFactorAuthAge", "900"),
    ("NumericGreaterThanEquals", "aws:MultiFactorAuthAge", "300"),
    ("StringEquals", "aws:PrincipalOrgID", "o-abc"),
    ("StringLike", SUB, "repo:acme/*"),
    ("StringEquals", SUB, "repo:acme/web:ref:refs/heads/main"),
    ("StringLike", SUB, "repo:acme/web:*"),
    ("ArnLike", "aws:PrincipalArn", "arn:aws:iam::222222222222:role/c*"),
    ("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", "o-abc/r-1/*"),
    ("ForAllValues:StringEquals", "aws:TagKeys", "team"),
    ("StringEqualsIgnoreCase", "aws:RequestTag/team", "Blue"),
    ("DateLessThan", "aws:CurrentTime", "2030-01-01T00:00:00Z"),
    ("IpAddress", "aws:SourceIp", "10.0.0.0/8"),
]
ACTIONS = ["sts:AssumeRole", "sts:TagSession", "sts:AssumeRoleWithWebIdentity", "sts:*"]


@st.composite
def trust_statement(draw: st.DrawFn) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"])),
        "Principal": draw(st.sampled_from(PRINCIPALS)),
        "Action": draw(st.sampled_from(ACTIONS)),
    }
    chosen = draw(st.lists(st.sampled_from(CONDITIONS), max_size=2, unique_by=lambda c: c[:2]))
    if chosen:
        block: dict[str, dict[str, Any]] = {}
        for operator, key, value in chosen:
            block.setdefault(operator, {})[key] = value
        statement["Condition"] = block
    return statement


trust_policy = st.builds(
    lambda statements: {"Version": "2012-10-17", "Statement": statements},
    st.lists(trust_statement(), min_size=1, max_size=3),
)

CALLERS = [
    ("arn:aws:iam::222222222222:role/ci", "aws"),
    ("arn:aws:sts::222222222222:assumed-role/ci/session", "aws"),
    ("arn:aws:iam::222222222222:role/other", "aws"),
    ("arn:aws:iam::222222222222:user/alice", "aws"),
    ("arn:aws:iam::333333333333:role/x", "aws"),
    ("arn:aws:iam::444444444444:role/x", "aws"),
    ("lambda.amazonaws.com", "service"),
    ("ec2.amazonaws.com", "service"),
    (GITHUB, "oidc:token.actions.githubusercontent.com"),
]
VALUES: dict[str, list[Any]] = {
    "sts:ExternalId": [None, "vendor-1", "vendor-2", "vendor-3", "other"],
    "aws:MultiFactorAuthPresent": [None, "true", "false"],
    "aws:MultiFactorAuthAge": [None, "100", "500", "1000"],
    "aws:PrincipalOrgID": [None, "o-abc", "o-xyz"],
    SUB: [None, "repo:acme/web:ref:refs/heads/main", "repo:acme/web:pull_request", "repo:evil/x"],
    "aws:PrincipalOrgPaths": [None, ["o-abc/r-1/ou-1/"], ["o-xyz/r-2/"], []],
    "aws:TagKeys": [None, ["team"], ["team", "cost"], []],
    "aws:RequestTag/team": [None, "blue", "red"],
    "aws:CurrentTime": [None, "2026-01-01T00:00:00Z", "2031-01-01T00:00:00Z"],
    "aws:SourceIp": [None, "10.1.2.3", "192.0.2.1"],
}


def _used_keys(*policies: dict[str, Any]) -> list[str]:
    keys: set[str] = set()
    for policy in policies:
        for statement in policy["Statement"]:
            for block in statement.get("Condition", {}).values():
                keys.update(block)
    return sorted(keys - {"aws:PrincipalArn"})


def _requests(keys: list[str]) -> Any:
    # Each kind of caller reaches a role through its own API (the engine's domain).
    for (principal, cls), action in itertools.product(CALLERS, ACTIONS[:3]):
        if action not in _actions_for(cls):
            continue
        allowed = [k for k in keys if class_allows_key(cls, k)]
        pools = [VALUES[k] for k in allowed]
        for combo in itertools.product(*pools):
            context: dict[str, Any] = {
                k: v for k, v in zip(allowed, combo, strict=True) if v is not None
            }
            if cls == "aws":
                account = principal.split(":")[4]
                role = principal.split("/")[1] if "assumed-role" in principal else None
                context["aws:PrincipalArn"] = (
                    f"arn:aws:iam::{account}:role/{role}" if role else principal
                )
            yield Request(principal, action, ROLE, "111111111111", context)


def _trust_allows(policy: dict[str, Any] | None, request: Request) -> bool:
    return evaluate(request, PolicySet(identity=[ALLOW_ALL], resource=policy)).allowed


@settings(max_examples=60)
@given(base=trust_policy, head=trust_policy)
def test_trust_verdict_never_contradicts_brute_force(
    base: dict[str, Any], head: dict[str, Any]
) -> None:
    assume(len(_used_keys(base, head)) <= 3)  # keeps the brute force within seconds
    verdict = compare_trust(base, head, role_arn=ROLE, account="111111111111")
    if verdict.verdict == "new-access":
        witness = verdict.witness
        assert witness is not None
        request = Request(
            witness.principal, witness.action, witness.resource, "111111111111", witness.context
        )
        assert _trust_allows(head, request)
        assert not _trust_allows(base, request)
        return
    if verdict.verdict == "unknown":
        return
    keys = _used_keys(base, head)
    for request in _requests(keys):
        if _trust_allows(head, request):
            assert _trust_allows(base, request), (
                f"proved no new access, but {request} is allowed by HEAD only"
            )


IDENTITY_ACTIONS = ["s3:GetObject", "s3:Get*", "s3:*", "s3:PutObject", "*"]
RESOURCES = ["arn:aws:s3:::b/*", "arn:aws:s3:::b/x", "*", "arn:aws:s3:::c/*"]


@st.composite
def identity_statement(draw: st.DrawFn) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"])),
        draw(st.sampled_from(["Action", "Action", "NotAction"])): draw(
            st.sampled_from(IDENTITY_ACTIONS)
        ),
        draw(st.sampled_from(["Resource", "Resource", "NotResource"])): draw(
            st.sampled_from(RESOURCES)
        ),
    }
    if draw(st.booleans()):
        operator, key, value = draw(st.sampled_from(CONDITIONS[:9] + CONDITIONS[15:]))
        statement["Condition"] = {operator: {key: value}}
    return statement


identity_policy = st.builds(
    lambda statements: {"Version": "2012-10-17", "Statement": statements},
    st.lists(identity_statement(), min_size=1, max_size=3),
)


def _role(identity: dict[str, Any], boundary: dict[str, Any] | None) -> RoleInfo:
    from cdk_iam_roles.analysis.assembly import AttachedPolicy

    return RoleInfo(
        stack="S",
        logical_id="R",
        path="S/R",
        role_name="target",
        role_path="/",
        arn=ROLE,
        account="111111111111",
        partition="aws",
        trust=None,
        identity_policies=[AttachedPolicy("inline", identity)],
        boundary=AttachedPolicy("boundary", boundary) if boundary else None,
    )


@settings(max_examples=60)
@given(
    base=identity_policy,
    head=identity_policy,
    base_boundary=st.none() | identity_policy,
    head_boundary=st.none() | identity_policy,
)
def test_permissions_verdict_never_contradicts_brute_force(
    base: dict[str, Any],
    head: dict[str, Any],
    base_boundary: dict[str, Any] | None,
    head_boundary: dict[str, Any] | None,
) -> None:
    keys = _used_keys(base, head, *(b for b in (base_boundary, head_boundary) if b))
    assume(len(keys) <= 3)
    old, new = _role(base, base_boundary), _role(head, head_boundary)
    verdict = compare_permissions(old, new)
    session = new.session_arn()
    # A resource outside the app may have a policy of its own that names the role.
    outside = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": session}, "Action": "*", "Resource": "*"}
        ],
    }

    def allows(role: RoleInfo, request: Request, resource: Any = None) -> bool:
        policies = PolicySet(
            identity=[p.document for p in role.identity_policies],
            boundary=role.boundary.document if role.boundary else None,
            resource=resource,
        )
        return evaluate(request, policies).allowed

    if verdict.verdict == "new-access":
        witness = verdict.witness
        assert witness is not None
        request = Request(
            witness.principal, witness.action, witness.resource, None, witness.context
        )
        assert any(
            allows(new, request, rp) and not allows(old, request, rp) for rp in (None, outside)
        )
        return
    if verdict.verdict == "unknown":
        return
    pools = [VALUES[k] for k in keys]
    actions = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "ec2:RunInstances"]
    resources = ["arn:aws:s3:::b/x", "arn:aws:s3:::b/y", "arn:aws:s3:::c/x", "arn:aws:s3:::d"]
    for action, resource in itertools.product(actions, resources):
        for combo in itertools.product(*pools):
            context = {k: v for k, v in zip(keys, combo, strict=True) if v is not None}
            request = Request(session, action, resource, None, context)
            if allows(new, request):
                assert allows(old, request), f"proved, but {request} is allowed by HEAD only"
