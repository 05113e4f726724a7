"""IAMR-TRUST-006: a condition that pins the caller names accounts, not a wildcard.

A positive condition on ``aws:PrincipalArn``, ``aws:PrincipalAccount``,
``aws:PrincipalOrgID``, ``aws:PrincipalOrgPaths``, ``aws:SourceAccount``,
``aws:SourceArn``, ``aws:SourceOrgID``, ``aws:SourceOrgPaths`` or ``aws:SourceOwner``
reads as a pin, but with a wildcard or a policy variable in the account or organization
part (``StringLike aws:PrincipalOrgID o-*``, ``ArnLike aws:SourceArn
arn:aws:lambda:*:*:function:*``) it matches every account: the role is no narrower than
without it. The predicate is :mod:`cdk_iam_roles.trust.pins`; ``CrossAccountRole`` and
``ServiceRole`` refuse the same values at construction under this ID. A statement open to
``"*"`` and pinned by nothing else is reported by IAMR-TRUST-001 instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules._trust import allow_statements
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, is_unknown, principal_values, statement_label
from cdk_iam_roles.trust.pins import PinKind, pin_checks, stand_in_statement

INFO = RuleInfo(
    id="IAMR-TRUST-006",
    severity=Severity.ERROR,
    what=(
        "A trust condition on a caller-pinning key (aws:PrincipalArn, aws:PrincipalAccount, "
        "aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:Source*) has a wildcard or policy "
        "variable in the account or organization part."
    ),
    why=(
        "A value such as 'o-*', '*', 'arn:aws:iam::*:role/*' or 'arn:aws:lambda:*:*:function:x' "
        "matches every account or organization, so the condition pins nothing while it reads "
        "as if it did; AWS calls wildcards in these keys a security risk with no valid use."
    ),
    fix=(
        "Spell the account ID, organization ID or the ARN's account field exactly (use "
        "ArnLike for ARNs and put wildcards only in the resource part)."
    ),
    doc=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "reference_policies_elements_condition_operators.html#Conditions_ARN"
    ),
    scopes=frozenset({Scope.TEMPLATE, Scope.CONSTRUCT}),
)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each pin condition of an Allow trust statement whose value matches any account."""
    for role in view.roles:
        for index, statement in allow_statements(role):
            if "Condition" not in statement:
                continue
            checks = pin_checks(stand_in_statement(view, role, index, statement))
            wildcards = [c for c in checks if c.verdict.kind is PinKind.WILDCARD]
            if not wildcards:
                continue
            values = principal_values(statement, "AWS")
            open_to_anyone = "*" in values and not any(is_unknown(v) for v in values)
            if open_to_anyone and not any(c.verdict.pins for c in checks):
                continue  # IAMR-TRUST-001 reports the statement
            for found in wildcards:
                yield view.finding(
                    INFO,
                    role.logical_id,
                    f"trust policy {statement_label(statement, index)}: {found.entry.operator} "
                    f"{found.entry.key} pins nothing: {found.verdict.reason}",
                )


RULE = TemplateRule(INFO, check)
