"""IAMR-OIDC-003: a wildcard in a web-identity subject stops at a ``:`` or ``/`` boundary.

``StringLike`` on the subject with ``*``, ``repo:*`` or a pattern such as
``repo:org/app*`` matches far more than intended: every repository on GitHub, or the
neighbour repository ``org/app-evil``. A wildcard right after ``/`` or ``:`` keeps the
match inside one owner, repository or branch namespace.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cdk_iam_roles.rules._trust import web_identity_statements
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, statement_label

INFO = RuleInfo(
    id="IAMR-OIDC-003",
    severity=Severity.ERROR,
    what=(
        "A web-identity subject pattern is '*', a bare claim type such as 'repo:*', or has a "
        "wildcard that does not follow ':' or '/'."
    ),
    why=(
        "StringLike then matches subjects of other owners or neighbouring repositories "
        "('repo:org/app*' also matches 'repo:org/app-evil'), letting their workflows in."
    ),
    fix=(
        "Spell the subject exactly, or put the wildcard right after a '/' or ':' "
        "(repo:OWNER/REPO:ref:refs/heads/release/*)."
    ),
    doc=(
        "https://docs.github.com/en/actions/security-for-github-actions/"
        "security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services"
    ),
    scopes=frozenset({Scope.TEMPLATE}),
)

_BARE_CLAIM_TYPE = re.compile(r"[^:/*?]*:")


def unbounded_reason(pattern: str) -> str | None:
    """Why a StringLike subject pattern is too broad, or ``None`` when it is bounded.

    Example:
        >>> unbounded_reason("repo:org/app*"), unbounded_reason("repo:org/app:*")
        ("the wildcard at position 12 does not follow ':' or '/'", None)
    """
    positions = [i for i, ch in enumerate(pattern) if ch in "*?"]
    if not positions:
        return None
    prefix = pattern[: positions[0]]
    if prefix == "":
        return "it matches every subject"
    if _BARE_CLAIM_TYPE.fullmatch(prefix):
        return f"it matches every subject of type {prefix!r}"
    for position in positions:
        if pattern[position - 1] not in ":/*?":
            return f"the wildcard at position {position} does not follow ':' or '/'"
    return None


def check(view: TemplateView) -> Iterator[Finding]:
    """Each subject pattern under a ``…StringLike`` operator that is not bounded."""
    for item in web_identity_statements(view):
        for entry in item.entries_for("sub"):
            if entry.base != "stringlike":
                continue  # wildcards under StringEquals: IAMR-OIDC-005
            for value in entry.values:
                if not isinstance(value, str):
                    continue  # an unknown value is not judged
                reason = unbounded_reason(value)
                if reason is not None:
                    yield view.finding(
                        INFO,
                        item.role.logical_id,
                        f"trust policy {statement_label(item.statement, item.index)}: "
                        f"{entry.key} pattern {value!r} is too broad ({reason})",
                    )


RULE = TemplateRule(INFO, check)
