"""IAMR-TRUST-005: a trust policy names principals by ARN, not by a deleted one's unique ID.

When a role or user that a trust policy names is deleted, IAM replaces its ARN in the
policy with the principal's unique ID (``AROA…`` for a role, ``AIDA…`` for a user). A
principal recreated with the same name gets a new ID, so the trust no longer lets it in,
and a template that holds such an ID can never work for the intended caller.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cdk_iam_roles.rules._trust import allow_statements
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, principal_values, statement_label

INFO = RuleInfo(
    id="IAMR-TRUST-005",
    severity=Severity.ERROR,
    what="A trust policy names a principal by a unique ID (AROA…, AIDA…) instead of an ARN.",
    why=(
        "IAM writes the unique ID in place of the ARN when the named role or user is "
        "deleted; the principal recreated under the same name has a new ID and is refused."
    ),
    fix=(
        "Put the principal's ARN back into the trust (e.g. trusted_principals=["
        "'arn:aws:iam::ACCOUNT:role/NAME']) and deploy that change."
    ),
    doc=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "reference_policies_elements_principal.html#principal-roles"
    ),
    scopes=frozenset({Scope.TEMPLATE}),
)

# Unique-ID prefixes of principals: AROA (role), AIDA (user).
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
UNIQUE_ID = re.compile(r"A(ROA|IDA)[A-Z0-9]{12,}")


def check(view: TemplateView) -> Iterator[Finding]:
    """Each AWS principal of an Allow trust statement that is a unique ID."""
    for role in view.roles:
        for index, statement in allow_statements(role):
            for value in principal_values(statement, "AWS"):
                if isinstance(value, str) and UNIQUE_ID.fullmatch(value):
                    kind = "role" if value.startswith("AROA") else "user"
                    yield view.finding(
                        INFO,
                        role.logical_id,
                        f"trust policy {statement_label(statement, index)} names the unique ID "
                        f"{value} of a deleted {kind}",
                    )


RULE = TemplateRule(INFO, check)
