"""IAMR-OIDC-006: a Cognito identity pool trust names the pool (``aud``) and ``amr``.

Amazon Cognito issues tokens for every identity pool with the same issuer
(``cognito-identity.amazonaws.com``). Without ``aud`` any identity pool in any account
can hand out credentials for the role; without ``amr`` unauthenticated (guest)
identities are accepted as well as signed-in ones.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules._trust import web_identity_statements
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import (
    TemplateView,
    condition_entries,
    condition_unresolved,
    statement_label,
)

INFO = RuleInfo(
    id="IAMR-OIDC-006",
    severity=Severity.ERROR,
    what=(
        "A trust policy for cognito-identity.amazonaws.com lacks a condition on "
        "cognito-identity.amazonaws.com:aud or on cognito-identity.amazonaws.com:amr."
    ),
    why=(
        "Without aud, identities of any identity pool (any account) can assume the role; "
        "without amr, guest identities are trusted like authenticated ones."
    ),
    fix=(
        "Add StringEquals cognito-identity.amazonaws.com:aud = the pool ID and "
        "ForAnyValue:StringLike cognito-identity.amazonaws.com:amr = authenticated "
        "(CognitoIdentityPool renders both)."
    ),
    doc="https://docs.aws.amazon.com/cognito/latest/developerguide/iam-roles.html",
    scopes=frozenset({Scope.TEMPLATE}),
)

_AUD = "cognito-identity.amazonaws.com:aud"
_AMR = "cognito-identity.amazonaws.com:amr"
_POSITIVE = frozenset({"stringequals", "stringlike", "stringequalsignorecase"})


def check(view: TemplateView) -> Iterator[Finding]:
    """Each Cognito trust statement missing ``aud`` or ``amr``."""
    for item in web_identity_statements(view):
        if not item.is_cognito or condition_unresolved(item.statement):
            continue
        present = {
            e.key_lower
            for e in condition_entries(item.statement)
            if e.base in _POSITIVE and not e.if_exists and e.values
        }
        missing = [key for key in (_AUD, _AMR) if key not in present]
        if missing:
            yield view.finding(
                INFO,
                item.role.logical_id,
                f"trust policy {statement_label(item.statement, item.index)} trusts Cognito "
                f"identities without a condition on {' and '.join(missing)}",
            )


RULE = TemplateRule(INFO, check)
