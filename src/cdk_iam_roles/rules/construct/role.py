"""Construct-time rules shared by every role pattern (IAMR-ROLE-*)."""

from __future__ import annotations

from cdk_iam_roles.rules.model import RuleInfo, Severity

_API = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html"

ROLE_NAME = RuleInfo(
    id="IAMR-ROLE-001",
    severity=Severity.ERROR,
    what="role_name is 1 to 64 of letters, digits and +=,.@_-.",
    why="CloudFormation fails the deployment of a role whose name IAM rejects.",
    fix="Shorten the name or drop the characters IAM does not allow.",
    doc=_API,
)
ROLE_PATH = RuleInfo(
    id="IAMR-ROLE-002",
    severity=Severity.ERROR,
    what="path is '/' or '/…/' of printable ASCII, at most 512, and not an AWS-reserved path.",
    why="IAM rejects other paths; /aws-service-role/ and /aws-reserved/ belong to AWS.",
    fix="Use a path such as '/app/' that starts and ends with '/'.",
    doc=_API,
)
MAX_SESSION = RuleInfo(
    id="IAMR-ROLE-003",
    severity=Severity.ERROR,
    what="max_session_duration is between 1 and 12 hours.",
    why="IAM accepts MaxSessionDuration of 3,600 to 43,200 seconds only.",
    fix="Pass a Duration between Duration.hours(1) and Duration.hours(12).",
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html",
)
CONSOLE_NAME = RuleInfo(
    id="IAMR-ROLE-004",
    severity=Severity.WARNING,
    what="path plus role_name of a human-assumable role fit the console's 64 characters.",
    why="The console's switch-role page cannot switch to a role whose path and name are longer.",
    fix="Shorten the path or the name if people switch to this role in the console.",
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
)
REVOKE_WHEN = RuleInfo(
    id="IAMR-ROLE-005",
    severity=Severity.ERROR,
    what="revoke_sessions_issued_before takes a timezone-aware datetime or ISO 8601 text.",
    why=(
        "The deny compares aws:TokenIssueTime with a point in time; a naive datetime has "
        "no time zone and would revoke at the wrong hour."
    ),
    fix="Pass datetime.now(timezone.utc) or text such as '2026-11-30T12:00:00Z'.",
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html",
)
DESCRIPTION = RuleInfo(
    id="IAMR-ROLE-006",
    severity=Severity.ERROR,
    what="description is text of at most 1,000 printable Latin-1 characters.",
    why=(
        "IAM rejects longer role descriptions and characters outside its character set, "
        "and the deployment fails."
    ),
    fix="Shorten the description and write it in printable Latin-1 characters.",
    doc=_API,
)
ARGUMENT_TYPE = RuleInfo(
    id="IAMR-ROLE-007",
    severity=Severity.ERROR,
    what="Each keyword argument has the type its documentation states (a flag is True or False).",
    why="A value of another type is a mistake whose meaning cannot be guessed safely.",
    fix="Pass a value of the documented type.",
    doc="https://docs.aws.amazon.com/cdk/api/v2/python/aws_cdk.aws_iam/Role.html",
)
PLAIN_TEXT = RuleInfo(
    id="IAMR-ROLE-008",
    severity=Severity.ERROR,
    what=(
        "Every string argument is plain text: no control characters (newline, carriage "
        "return, tab, NUL …), no invisible format characters (zero-width, bidirectional "
        "overrides) and no leading or trailing whitespace."
    ),
    why=(
        "A stray newline or space never belongs in an ARN, a name or a condition value: "
        "it renders a principal or condition that matches nothing (the role silently does "
        "not work) or, copied into a config file, injects a line of its own."
    ),
    fix="Strip the value and remove the control characters.",
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
)
