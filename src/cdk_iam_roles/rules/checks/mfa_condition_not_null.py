"""IAMR-MFA-002: an Allow does not test ``aws:MultiFactorAuthPresent`` with ``Null``.

``Null aws:MultiFactorAuthPresent = false`` only says the key is present, which is true
of every request made with temporary credentials, with or without MFA; ``= true``
allows exactly the requests that carry no MFA information.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules.checks.mfa_condition_not_if_exists import MFA_PRESENT
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, condition_entries, statement_label, statements_of

INFO = RuleInfo(
    id="IAMR-MFA-002",
    severity=Severity.ERROR,
    what="An Allow statement tests aws:MultiFactorAuthPresent with the Null operator.",
    why=(
        "Null only tests whether the key exists: temporary credentials always carry it "
        "(false without MFA), so the condition does not require MFA."
    ),
    fix="Use Bool aws:MultiFactorAuthPresent = true in the Allow (Null belongs in a Deny).",
    doc=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "reference_policies_condition-keys.html#condition-keys-multifactorauthpresent"
    ),
    scopes=frozenset({Scope.TEMPLATE}),
)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each Allow statement (trust or identity policy) with ``Null`` on the MFA key."""
    documents = [(r.logical_id, r.trust_policy, "trust policy") for r in view.roles]
    documents += [(lid, doc, "policy") for lid, doc in view.identity_policies()]
    for logical_id, document, what in documents:
        for index, statement in enumerate(statements_of(document)):
            if statement.get("Effect") != "Allow":
                continue
            for entry in condition_entries(statement):
                if entry.key_lower == MFA_PRESENT and entry.base == "null":
                    yield view.finding(
                        INFO,
                        logical_id,
                        f"{what} {statement_label(statement, index)} tests "
                        f"{entry.key} with Null, which does not require MFA",
                    )


RULE = TemplateRule(INFO, check)
