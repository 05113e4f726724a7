"""IAMR-MFA-001: an MFA requirement in an Allow is not written with ``BoolIfExists``.

``aws:MultiFactorAuthPresent`` is absent from requests signed with long-term access
keys. ``BoolIfExists aws:MultiFactorAuthPresent true`` therefore matches those requests:
an access key alone passes the "MFA" check.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import (
    TemplateView,
    condition_entries,
    is_true,
    statement_label,
    statements_of,
)

INFO = RuleInfo(
    id="IAMR-MFA-001",
    severity=Severity.ERROR,
    what="An Allow statement requires MFA with BoolIfExists aws:MultiFactorAuthPresent = true.",
    why=(
        "Requests made with long-term access keys carry no aws:MultiFactorAuthPresent key, "
        "and ...IfExists matches when the key is absent: access keys pass without MFA."
    ),
    fix="Use Bool aws:MultiFactorAuthPresent = true (and NumericLessThan aws:MultiFactorAuthAge).",
    doc=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "reference_policies_condition-keys.html#condition-keys-multifactorauthpresent"
    ),
    scopes=frozenset({Scope.TEMPLATE}),
)

MFA_PRESENT = "aws:multifactorauthpresent"


def check(view: TemplateView) -> Iterator[Finding]:
    """Each Allow statement (trust or identity policy) with ``BoolIfExists … true``."""
    documents = [(r.logical_id, r.trust_policy, "trust policy") for r in view.roles]
    documents += [(lid, doc, "policy") for lid, doc in view.identity_policies()]
    for logical_id, document, what in documents:
        for index, statement in enumerate(statements_of(document)):
            if statement.get("Effect") != "Allow":
                continue
            for entry in condition_entries(statement):
                if (
                    entry.key_lower == MFA_PRESENT
                    and entry.base == "bool"
                    and entry.if_exists
                    and any(is_true(v) for v in entry.values)
                ):
                    yield view.finding(
                        INFO,
                        logical_id,
                        f"{what} {statement_label(statement, index)} requires MFA with "
                        f"{entry.operator}, which access keys without MFA satisfy",
                    )


RULE = TemplateRule(INFO, check)
