"""IAMR-TRUST-007: a trust names the principals of another account, not the whole account.

``"Principal": {"AWS": "arn:aws:iam::222222222222:root"}`` (or the bare account ID
``222222222222``, which IAM stores as the root ARN) trusts the account as a whole: every
principal there whose identity policy allows ``sts:AssumeRole`` on the role can assume
it, so the other account's administrators decide who gets in. ``CrossAccountRole`` warns
on the same trust at construction (IAMR-CA-008). The warning is silent when the statement
also pins ``aws:PrincipalArn`` to named roles or users (as ``ElevatedUserRole`` does for
Identity Center roles), and for the stack's own account, whose administrators are the
role's own. ``aws:PrincipalOrgID`` or ``sts:ExternalId`` do not narrow it: every
principal of a member account is in the organization, and an external ID is a shared
string.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from cdk_iam_roles.rules._trust import allow_statements
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, principal_values, statement_label
from cdk_iam_roles.trust.pins import STAND_IN_ACCOUNT, pin_checks, stand_in_statement

INFO = RuleInfo(
    id="IAMR-TRUST-007",
    severity=Severity.WARNING,
    what=(
        "A trust policy trusts another account as a whole (arn:PARTITION:iam::ACCOUNT:root or "
        "a bare account ID in Principal.AWS) without pinning aws:PrincipalArn."
    ),
    why=(
        "Trusting an account delegates the decision to that account: every principal there "
        "whose identity policy allows sts:AssumeRole on this role can assume it "
        "(CrossAccountRole warns the same as IAMR-CA-008)."
    ),
    fix=(
        "Name the exact role ARNs that need access (CrossAccountRole(trusted_principals=...)), "
        "or add ArnEquals aws:PrincipalArn with them; acknowledge this warning if the other "
        "account's administrators should decide."
    ),
    doc=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "reference_policies_elements_principal.html#principal-accounts"
    ),
    scopes=frozenset({Scope.TEMPLATE}),
)

# IAM reads a bare 12-digit ID in Principal.AWS as the account's root ARN.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
_ACCOUNT = re.compile(r"^(\d{12})$")
_ROOT = re.compile(r"^arn:[^:]+:iam::(\d{12}):root$")
# A PrincipalArn value narrower than the account: a principal type and at least one
# literal character of a path or name before any wildcard.
_NARROW = re.compile(r"^(role|user|assumed-role|federated-user)/[^*?]")


def _whole_account(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    match = _ACCOUNT.match(value) or _ROOT.match(value)
    return match.group(1) if match else None


def _narrow(value: object) -> bool:
    if not isinstance(value, str):
        return False
    fields = value.split(":", 5)
    return len(fields) == 6 and _NARROW.match(fields[5]) is not None


def _pins_principal_arn(statement: Mapping[str, Any]) -> bool:
    for found in pin_checks(statement):
        if found.entry.key_lower != "aws:principalarn" or not found.verdict.pins:
            continue
        if found.entry.values and all(_narrow(v) for v in found.entry.values):
            return True
    return False


def check(view: TemplateView) -> Iterator[Finding]:
    """Each Allow trust statement naming another account's root without an ARN pin."""
    own = view.stack.account or STAND_IN_ACCOUNT
    for role in view.roles:
        for index, statement in allow_statements(role):
            principal = statement.get("Principal")
            if not isinstance(principal, Mapping) or "AWS" not in principal:
                continue
            read = stand_in_statement(view, role, index, statement)
            accounts: list[str] = []
            for value in principal_values(read, "AWS"):
                account = _whole_account(value)
                if account is not None and account != own and account not in accounts:
                    accounts.append(account)
            if not accounts or _pins_principal_arn(read):
                continue
            yield view.finding(
                INFO,
                role.logical_id,
                f"trust policy {statement_label(statement, index)} trusts the whole account "
                f"{', '.join(accounts)}: every principal there whose identity policy allows "
                "sts:AssumeRole on this role can assume it; prefer the exact role ARNs that "
                "need access",
            )


RULE = TemplateRule(INFO, check)
