"""IAMR-OIDC-004: the web-identity audience is compared exactly (warning).

The audience is a client ID chosen by you or fixed by the provider; a pattern
(``StringLike``) or a set operator (``ForAnyValue:``) on it widens the set of tokens
accepted for no benefit.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules._trust import web_identity_statements
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, statement_label

INFO = RuleInfo(
    id="IAMR-OIDC-004",
    severity=Severity.WARNING,
    what="A web-identity aud condition uses StringLike or a ForAnyValue/ForAllValues operator.",
    why=(
        "An audience is one exact client ID; a pattern or a set operator accepts more "
        "tokens than intended (ForAllValues even matches a token without the claim)."
    ),
    fix="Use StringEquals ISSUER:aud with the exact client ID(s).",
    doc=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "reference_policies_condition-single-vs-multi-valued-context-keys.html"
    ),
    scopes=frozenset({Scope.TEMPLATE}),
)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each audience condition written with a pattern or set operator."""
    for item in web_identity_statements(view):
        for entry in item.entries_for("aud"):
            if entry.base == "stringlike" or entry.qualifier:
                yield view.finding(
                    INFO,
                    item.role.logical_id,
                    f"trust policy {statement_label(item.statement, item.index)} compares "
                    f"{entry.key} with {entry.operator}",
                )


RULE = TemplateRule(INFO, check)
