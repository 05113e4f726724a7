"""Strategies for CrossAccountRole and ElevatedUserRole inputs."""

from __future__ import annotations

from hypothesis import strategies as st

from cdk_iam_roles.patterns.elevated_user import identity_center_role_arn
from strategies.common import ACCOUNT_IDS, ANY_JUNK, BAD_ACCOUNT_IDS

_PATHS = st.one_of(st.just(""), st.from_regex(r"\A([a-z0-9]{1,8}/){1,2}\Z"))
_NAMES = st.from_regex(r"\A[A-Za-z0-9+=,.@_-]{1,64}\Z")


def _iam_arn(kind: str, partition: str = "aws") -> st.SearchStrategy[str]:
    return st.builds(
        lambda account, path, name: f"arn:{partition}:iam::{account}:{kind}/{path}{name}",
        ACCOUNT_IDS,
        _PATHS,
        _NAMES,
    )


ROLE_ARNS = _iam_arn("role")
USER_ARNS = _iam_arn("user")
PRINCIPAL_ARNS = st.one_of(ROLE_ARNS, USER_ARNS)
ORG_IDS = st.from_regex(r"\Ao-[a-z0-9]{10,32}\Z")
EXTERNAL_IDS = st.one_of(
    st.from_regex(r"\A[A-Za-z0-9_+=,.@:/-]{2,64}\Z"),
    st.just("x" * 1224),
)
TAG_KEYS = st.from_regex(r"\A[A-Za-z0-9_.:/=+@-]{1,40}\Z").filter(
    lambda key: not key.lower().startswith("aws:")
)
PERMISSION_SETS = st.from_regex(r"\A[A-Za-z0-9+=,.@_-]{1,32}\Z")
SSO_PATTERNS = st.builds(identity_center_role_arn, ACCOUNT_IDS, PERMISSION_SETS)

BAD_PRINCIPALS = st.one_of(
    st.just("*"),
    st.builds(lambda a: f"arn:aws:iam::{a}:root", ACCOUNT_IDS),
    st.builds(lambda a: f"arn:aws:iam::{a}:role/*", ACCOUNT_IDS),
    st.builds(lambda a, n: f"arn:aws:iam::{a}:role/{n}*", ACCOUNT_IDS, _NAMES),
    st.builds(lambda a, n: f"arn:aws:sts::{a}:assumed-role/{n}/s", ACCOUNT_IDS, _NAMES),
    st.builds(lambda a, n: f"arn:aws:iam::{a}:role/{n}", BAD_ACCOUNT_IDS, _NAMES),
    _iam_arn("role", "aws-cn"),
    _iam_arn("user", "aws-us-gov"),
    st.from_regex(r"\A[a-z]{1,20}\Z"),
    st.integers(),
)
BAD_EXTERNAL_IDS = st.one_of(
    st.from_regex(r"\A[a-z0-9]\Z"),
    st.just("x" * 1225),
    st.from_regex(r"\A[a-z]{1,10}[ #*!?][a-z]{1,10}\Z"),
    st.just(""),
)
BAD_ORG_IDS = st.one_of(
    st.from_regex(r"\Ao-[a-z0-9]{1,9}\Z"),
    st.from_regex(r"\Ao-[a-z0-9]{33,40}\Z"),
    st.from_regex(r"\A[a-z0-9]{10,20}\Z"),
    st.from_regex(r"\Ao-[A-Z]{10,12}\Z"),
    ANY_JUNK.filter(lambda v: v is not None and not isinstance(v, str)),
)
BAD_USERS = st.one_of(
    ROLE_ARNS,
    SSO_PATTERNS,
    st.builds(lambda a: f"arn:aws:iam::{a}:user/*", ACCOUNT_IDS),
    st.builds(lambda a: f"arn:aws:iam::{a}:root", ACCOUNT_IDS),
    _iam_arn("user", "aws-cn"),
    st.from_regex(r"\A[a-z]{1,20}\Z"),
    st.integers(),
)
