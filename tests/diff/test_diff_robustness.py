"""Odd policy shapes never crash the engine: they yield a verdict (``unknown`` at worst)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cdk_iam_roles.analysis.assembly import AttachedPolicy, RoleInfo
from cdk_iam_roles.analysis.symbolic import compare_permissions, compare_trust
from cdk_iam_roles.cfn import Unknown

KEYS = [
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
    "AWS",
    "Service",
    "Federated",
    "StringEquals",
    "StringLike",
    "ForAnyValue:StringLike",
    "NumericLessThan",
    "Bool",
    "IpAddress",
    "DateLessThan",
    "Null",
    "sts:ExternalId",
    "aws:SourceIp",
    "aws:TagKeys",
    "aws:PrincipalArn",
    "Statement",
    "Version",
]
LEAVES = st.one_of(
    st.sampled_from(
        [
            "*",
            "sts:AssumeRole",
            "s3:*",
            "arn:aws:iam::1:root",
            "222222222222",
            "Allow",
            "Deny",
            "true",
            "10.0.0.0/8",
            "2020-01-01",
            "${aws:username}",
            "a*b?",
        ]
    ),
    st.text(max_size=5),
    st.integers(),
    st.booleans(),
    st.none(),
    st.builds(Unknown, st.just("Ref Param")),
)
JSON = st.recursive(
    LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)
    ),
    max_leaves=20,
)
STATEMENT = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Deny"]),
        "Action": st.sampled_from(["sts:AssumeRole", "*", "s3:*"]),
    },
    optional={"Principal": JSON, "Condition": JSON, "Resource": JSON, "NotPrincipal": JSON},
)
DOCUMENT = st.one_of(
    st.dictionaries(st.sampled_from(KEYS), JSON, max_size=3),
    st.builds(lambda s: {"Version": "2012-10-17", "Statement": s}, st.lists(STATEMENT, max_size=3)),
)


def _role(document: dict[str, Any]) -> RoleInfo:
    return RoleInfo(
        "S",
        "R",
        "S/R",
        "r",
        "/",
        "arn:aws:iam::111111111111:role/r",
        "111111111111",
        "aws",
        None,
        [AttachedPolicy("p", document)],
    )


@settings(max_examples=150)
@given(base=DOCUMENT, head=DOCUMENT)
def test_any_shape_yields_a_verdict(base: dict[str, Any], head: dict[str, Any]) -> None:
    trust = compare_trust(base, head, role_arn="arn:aws:iam::111111111111:role/r")
    permissions = compare_permissions(_role(base), _role(head))
    for verdict in (trust, permissions):
        assert verdict.verdict in ("no-new-access", "new-access", "unknown")
        assert (verdict.witness is not None) == (verdict.verdict == "new-access")
