"""IAMR-OIDC-005: a trust condition under ``StringEquals`` holds no wildcard.

``StringEquals`` compares characters: ``*`` and ``?`` are literal there, so
``StringEquals sub = repo:org/app:*`` never matches a real token and the role can never
be assumed by the identity it was written for.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, condition_entries, statement_label

INFO = RuleInfo(
    id="IAMR-OIDC-005",
    severity=Severity.ERROR,
    what=(
        "A trust policy condition uses StringEquals (or StringNotEquals) with a '*' or '?' "
        "in the value."
    ),
    why=(
        "StringEquals has no wildcards: the value only matches a claim that literally "
        "contains '*', so the statement never applies (or, negated, always does)."
    ),
    fix="Use StringLike for a pattern, or spell the value exactly.",
    doc=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "reference_policies_elements_condition_operators.html#Conditions_String"
    ),
    scopes=frozenset({Scope.TEMPLATE}),
)

_EXACT = frozenset({"stringequals", "stringnotequals"})


def check(view: TemplateView) -> Iterator[Finding]:
    """Each exact-match string condition of a trust policy whose value holds a wildcard."""
    for role in view.roles:
        for index, statement in enumerate(role.trust_statements):
            for entry in condition_entries(statement):
                if entry.base not in _EXACT:
                    continue
                for value in entry.values:
                    if isinstance(value, str) and ("*" in value or "?" in value):
                        yield view.finding(
                            INFO,
                            role.logical_id,
                            f"trust policy {statement_label(statement, index)}: "
                            f"{entry.operator} {entry.key} = {value!r} treats the wildcard "
                            "as a literal character",
                        )


RULE = TemplateRule(INFO, check)
