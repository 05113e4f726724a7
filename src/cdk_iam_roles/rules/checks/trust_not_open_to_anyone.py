"""IAMR-TRUST-001: a trust policy must not let anyone assume the role.

``"Principal": "*"`` (or ``{"AWS": "*"}``) in an Allow lets every AWS principal in
every account call ``sts:AssumeRole`` unless a condition pins the caller to an
organization, an account or an ARN. Whether a condition pins is decided by
:mod:`cdk_iam_roles.trust.pins`: ``StringLike aws:PrincipalOrgID o-*``, ``ArnLike
aws:PrincipalArn arn:aws:iam::*:role/*``, ``…IfExists``, ``ForAllValues:``, negated
operators and ``Null`` pin nothing, and a pattern whose value is unknown before
deployment cannot be checked (an error too: never judged safe). ``sts:ExternalId`` does
not pin the caller: it is a shared string, not an identity.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules._trust import allow_statements
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, is_unknown, principal_values, statement_label
from cdk_iam_roles.trust.pins import PinKind, pin_checks, stand_in_statement

INFO = RuleInfo(
    id="IAMR-TRUST-001",
    severity=Severity.ERROR,
    what='A trust policy allows any AWS principal ("*") without a condition pinning the caller.',
    why=(
        "Anyone with an AWS account could assume the role. Only a positive condition on "
        "aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:PrincipalAccount, aws:PrincipalArn "
        "or an aws:Source* key whose value names the account or organization pins the "
        "caller; a wildcard there ('o-*', 'arn:aws:iam::*:role/*'), IfExists, ForAllValues, "
        "a negated operator or Null pins nothing, and sts:ExternalId is a shared string, "
        "not an identity."
    ),
    fix=(
        "Name the trusted account or role ARNs as the principal (CrossAccountRole), or add "
        "a StringEquals condition on aws:PrincipalOrgID or aws:PrincipalArn."
    ),
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
    scopes=frozenset({Scope.TEMPLATE}),
)


def _message(label: str, checks_text: list[str], unknown: bool) -> str:
    head = f'trust policy {label} allows Principal "*"'
    if not checks_text:
        return (
            f"{head} with no condition on aws:PrincipalOrgID, aws:PrincipalAccount or "
            "aws:PrincipalArn"
        )
    if unknown:
        return (
            f"{head} and could not be checked: its pin conditions are not known before "
            "deployment: " + "; ".join(checks_text)
        )
    return f"{head} and no condition pins the caller: " + "; ".join(checks_text)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each Allow statement of a trust policy open to ``*`` without a pinning condition."""
    for role in view.roles:
        for index, statement in allow_statements(role):
            values = principal_values(statement, "AWS")
            if any(is_unknown(v) for v in values):
                continue  # the principal is not known; never judged by accident
            if "*" not in values:
                continue
            checks = pin_checks(stand_in_statement(view, role, index, statement))
            if any(c.verdict.pins for c in checks):
                continue
            unknown = any(c.verdict.kind is PinKind.UNKNOWN for c in checks)
            yield view.finding(
                INFO,
                role.logical_id,
                _message(
                    statement_label(statement, index), [c.describe() for c in checks], unknown
                ),
            )


RULE = TemplateRule(INFO, check)
