"""Validators of concrete values shared by the patterns (pure Python).

Each returns ``None`` when the value is fine, or a short description of what is wrong
that a pattern turns into a :class:`~cdk_iam_roles.errors.Problem`. CDK tokens are
never judged: every validator accepts a token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cdk_iam_roles.defaults import (
    EXTERNAL_ID_MAX,
    EXTERNAL_ID_MIN,
    PARTITIONS,
    ROLE_NAME_MAX,
    ROLE_PATH_MAX,
    SESSION_NAME_MAX,
    SESSION_NAME_MIN,
)
from cdk_iam_roles.trust.tokens import is_token

__all__ = [
    "Arn",
    "check_account_id",
    "check_external_id",
    "check_plain_text",
    "check_role_name",
    "check_role_path",
    "check_service_principal",
    "check_session_name",
    "parse_arn",
]

_ACCOUNT = re.compile(r"^\d{12}$")
_ROLE_NAME = re.compile(r"^[\w+=,.@-]+$", re.ASCII)
_PATH = re.compile(r"^/([\x21-\x7e]*/)?$")
_EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]+$", re.ASCII)
_SESSION_NAME = re.compile(r"^[\w+=,.@-]+$", re.ASCII)
# Service principals: "<name>.amazonaws.com" (the legacy China form ends in ".cn"); a few
# services use "amazon.com". https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services
_SERVICE = re.compile(
    r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*"
    r"\.(amazonaws\.com(\.cn)?|amazon\.com)$"
)


# Control characters (C0, DEL, C1) and the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def check_plain_text(value: str) -> str | None:
    """Plain text: no control characters and no leading or trailing whitespace.

    Every string argument of every pattern and identity class goes through this check
    first (rule IAMR-ROLE-008), so a value such as ``"222222222222\\n"`` is refused
    before a pattern-specific check (whose regular expression might let a trailing
    newline through) ever sees it. CDK tokens are plain text and pass.

    Example:
        >>> check_plain_text("222222222222\\n")
        'holds a control character (\\\\n); remove it'
        >>> check_plain_text(" deploy") is None
        False
        >>> check_plain_text("deploy") is None
        True
    """
    found = _CONTROL.search(value)
    if found is not None:
        return f"holds a control character ({found.group(0)!r}); remove it".replace("'", "")
    if value != value.strip():
        return "has leading or trailing whitespace; strip it"
    return None


@dataclass(frozen=True, slots=True)
class Arn:
    """The fields of an ARN: ``arn:partition:service:region:account:resource``."""

    partition: str
    service: str
    region: str
    account: str
    resource: str


def parse_arn(value: str) -> Arn | None:
    """The fields of ``value``, or ``None`` when it is not an ARN.

    Example:
        >>> parse_arn("arn:aws:iam::111111111111:role/deploy").resource
        'role/deploy'
    """
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[1] or not parts[2] or not parts[5]:
        return None
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5])


def check_account_id(value: str) -> str | None:
    """A 12-digit account ID."""
    if is_token(value) or _ACCOUNT.fullmatch(value):
        return None
    return "must be a 12-digit AWS account ID"


def check_role_name(value: str) -> str | None:
    """1–64 of ``[\\w+=,.@-]`` (API_CreateRole)."""
    if is_token(value):
        return None
    if not 1 <= len(value) <= ROLE_NAME_MAX:
        return f"must be 1 to {ROLE_NAME_MAX} characters long"
    if not _ROLE_NAME.fullmatch(value):
        return "may contain only letters, digits and +=,.@_-"
    return None


def check_role_path(value: str) -> str | None:
    """``/`` or ``/…/`` of printable ASCII, at most 512; ``/aws-service-role/`` is reserved."""
    if is_token(value):
        return None
    if len(value) > ROLE_PATH_MAX:
        return f"must be at most {ROLE_PATH_MAX} characters long"
    if not _PATH.fullmatch(value):
        return "must be '/' or start and end with '/' and hold only printable ASCII"
    if value.startswith(("/aws-service-role/", "/aws-reserved/")):
        return "is reserved for roles that AWS manages"
    return None


def check_external_id(value: str) -> str | None:
    """2–1,224 of ``[\\w+=,.@:/-]`` (API_AssumeRole)."""
    if is_token(value):
        return None
    if not EXTERNAL_ID_MIN <= len(value) <= EXTERNAL_ID_MAX:
        return f"must be {EXTERNAL_ID_MIN} to {EXTERNAL_ID_MAX} characters long"
    if not _EXTERNAL_ID.fullmatch(value):
        return "may contain only letters, digits and +=,.@:/_-"
    return None


def check_session_name(value: str) -> str | None:
    """2–64 of ``[\\w+=,.@-]`` (RoleSessionName, SourceIdentity)."""
    if is_token(value):
        return None
    if not SESSION_NAME_MIN <= len(value) <= SESSION_NAME_MAX:
        return f"must be {SESSION_NAME_MIN} to {SESSION_NAME_MAX} characters long"
    if not _SESSION_NAME.fullmatch(value):
        return "may contain only letters, digits and +=,.@_-"
    return None


def check_service_principal(value: str) -> str | None:
    """A service principal name such as ``lambda.amazonaws.com``.

    Example:
        >>> check_service_principal("lambda")
        "must be a service principal such as 'lambda.amazonaws.com'"
    """
    if is_token(value):
        return None
    if value == "*" or "*" in value:
        return "must name one service; wildcards are not allowed"
    if value.startswith("arn:"):
        return "must be a service principal name, not an ARN"
    if not _SERVICE.fullmatch(value):
        short = value.strip().lower().split(".")[0] or "lambda"
        return f"must be a service principal such as '{short}.amazonaws.com'"
    return None


def check_partition(value: str) -> str | None:
    """A known AWS partition name."""
    if is_token(value) or value in PARTITIONS:
        return None
    return "must be a known AWS partition (" + ", ".join(sorted(PARTITIONS)) + ")"
