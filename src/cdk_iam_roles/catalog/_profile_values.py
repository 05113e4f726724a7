"""What ``profiles`` may write into ``~/.aws/config``: each setting checked against AWS.

A value read from a template is untrusted: a newline in an external ID would start a
new line of the config file (``credential_process = …``, code run on the reviewer's
machine). So every value is checked before it is written: no control character, line
or paragraph separator, or surrounding whitespace (:func:`check_plain_text`, the check
every constructor argument gets), and then the shape AWS documents for that setting.
A value that fails is never written; the role is skipped with a warning.

The settings are the AWS CLI's (https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html);
the values are those STS's ``AssumeRole`` accepts
(https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html): ``RoleArn``,
``ExternalId`` 2–1,224 of ``[\\w+=,.@:/-]``, ``RoleSessionName`` 2–64 of
``[\\w+=,.@-]``, ``SerialNumber`` 9–256 of ``[\\w+=/:,.@-]`` (an MFA device ARN or a
hardware device's serial number), ``DurationSeconds`` 900–43,200. Role names and paths
are IAM's (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html).

Example:
    >>> setting_problem("external_id", "vendor-42") is None
    True
    >>> setting_problem("external_id", "x\\ncredential_process = /bin/sh")
    'holds a control character (\\\\n); remove it'
    >>> escape_value("x\\ncredential_process")
    "'x\\\\ncredential_process'"
"""

from __future__ import annotations

import re

from cdk_iam_roles.defaults import (
    EXTERNAL_ID_MAX,
    EXTERNAL_ID_MIN,
    MAX_SESSION_DURATION_MAX_SECONDS,
    PARTITIONS,
    ROLE_NAME_MAX,
    ROLE_PATH_MAX,
    SESSION_NAME_MAX,
    SESSION_NAME_MIN,
)
from cdk_iam_roles.trust.validate import check_plain_text

__all__ = ["PROFILE_NAME", "escape_value", "setting_problem"]

# Profile names: a charset that no INI reader treats as markup (no brackets, "=", ";",
# "#" or whitespace), so "[profile NAME]" is read back as exactly NAME. Long enough for
# a 128-character stack name and a 64-character role name.
PROFILE_NAME = re.compile(r"[A-Za-z0-9_.@+-]{1,256}", re.ASCII)
_PARTITION = "|".join(re.escape(p) for p in sorted(PARTITIONS))
# arn:PARTITION:iam::ACCOUNT:role/PATH/NAME, the path of U+0021–U+007E.
_ROLE_ARN = re.compile(
    rf"arn:(?:{_PARTITION}):iam::\d{{12}}:role(?P<path>/(?:[\x21-\x7e]*/)?)"
    rf"(?P<name>[\w+=,.@-]{{1,{ROLE_NAME_MAX}}})",
    re.ASCII,
)
_EXTERNAL_ID = re.compile(rf"[\w+=,.@:/-]{{{EXTERNAL_ID_MIN},{EXTERNAL_ID_MAX}}}", re.ASCII)
_SESSION_NAME = re.compile(rf"[\w+=,.@-]{{{SESSION_NAME_MIN},{SESSION_NAME_MAX}}}", re.ASCII)
_SERIAL_NUMBER = re.compile(r"[\w+=/:,.@-]{9,256}", re.ASCII)
# Region names: "eu-west-1", "us-gov-west-1", "cn-north-1", "us-isob-east-1".
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}", re.ASCII)
_DURATION = re.compile(r"\d{3,5}", re.ASCII)
_MIN_DURATION_SECONDS = 900

_SHAPES: dict[str, tuple[re.Pattern[str], str]] = {
    "role_arn": (_ROLE_ARN, "is not an IAM role ARN (arn:PARTITION:iam::ACCOUNT:role/PATH/NAME)"),
    "external_id": (
        _EXTERNAL_ID,
        f"is not an external ID STS accepts ({EXTERNAL_ID_MIN}–{EXTERNAL_ID_MAX} of "
        "letters, digits and +=,.@:/-)",
    ),
    "role_session_name": (
        _SESSION_NAME,
        f"is not a session name STS accepts ({SESSION_NAME_MIN}–{SESSION_NAME_MAX} of "
        "letters, digits and +=,.@-)",
    ),
    "mfa_serial": (
        _SERIAL_NUMBER,
        "is not an MFA device ARN or serial number (9–256 of letters, digits and +=/:,.@-)",
    ),
    "source_profile": (PROFILE_NAME, "is not a profile name of letters, digits and _.@+-"),
    "profile": (PROFILE_NAME, "is not a profile name of letters, digits and _.@+-"),
    "region": (_REGION, "is not an AWS region name (such as eu-west-1)"),
    "duration_seconds": (
        _DURATION,
        f"is not a whole number of seconds from {_MIN_DURATION_SECONDS} to "
        f"{MAX_SESSION_DURATION_MAX_SECONDS}",
    ),
}


def escape_value(value: str) -> str:
    """``value`` quoted, with every control or non-ASCII character escaped (one line).

    Example:
        >>> escape_value("a\\u2028b")
        "'a\\\\u2028b'"
    """
    return repr(value).encode("ascii", "backslashreplace").decode("ascii")


def setting_problem(key: str, value: str) -> str | None:
    """What is wrong with writing ``key = value`` into a profile, or ``None``.

    Args:
        key: the setting (``role_arn``, ``external_id``, ``role_session_name``,
            ``mfa_serial``, ``source_profile``, ``region``, ``duration_seconds``), or
            ``profile`` for the name in ``[profile NAME]``.
        value: the value to write.

    Raises:
        KeyError: ``key`` is not a setting that ``profiles`` writes.

    Example:
        >>> setting_problem("role_session_name", "alice") is None
        True
        >>> setting_problem("role_arn", "arn:aws:iam::111111111111:role/a b")
        'is not an IAM role ARN (arn:PARTITION:iam::ACCOUNT:role/PATH/NAME)'
    """
    shape, message = _SHAPES[key]
    plain = check_plain_text(value)
    if plain is not None:
        return plain
    if shape.fullmatch(value) is None:
        return message
    if key == "role_arn":
        match = shape.fullmatch(value)
        if match is not None and len(match.group("path")) > ROLE_PATH_MAX:
            return f"has a path longer than {ROLE_PATH_MAX} characters"
    if key == "duration_seconds" and not (
        _MIN_DURATION_SECONDS <= int(value) <= MAX_SESSION_DURATION_MAX_SECONDS
    ):
        return message
    return None
