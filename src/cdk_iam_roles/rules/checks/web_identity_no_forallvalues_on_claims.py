"""IAMR-OIDC-008: no ``ForAllValues:`` on a token claim key in an Allow trust statement.

``ForAllValues:`` is true when the key is absent from the request (there is no value that
fails), so ``ForAllValues:StringEquals ISSUER:job_workflow_ref = …`` lets in every token
that does not carry the claim, or that names it differently.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules._trust import web_identity_statements
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, condition_entries, statement_label

INFO = RuleInfo(
    id="IAMR-OIDC-008",
    severity=Severity.ERROR,
    what="An Allow web-identity trust statement uses ForAllValues: on a token claim key.",
    why=(
        "ForAllValues: is true when the claim is absent or misspelled, so the condition "
        "pins nothing for a token without that claim."
    ),
    fix=(
        "Use StringEquals (or StringLike with a bounded pattern) on the claim; keep "
        "ForAnyValue: for multi-valued claims that must hold one of the values."
    ),
    doc=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "reference_policies_condition-single-vs-multi-valued-context-keys.html"
    ),
    scopes=frozenset({Scope.TEMPLATE, Scope.CONSTRUCT}),
)


def is_claim_key(key: str) -> bool:
    """A key an OIDC token supplies (``ISSUER:claim``), not a global ``aws:`` or ``sts:`` key."""
    lowered = key.lower()
    return ":" in lowered and not lowered.startswith(("aws:", "sts:"))


def check(view: TemplateView) -> Iterator[Finding]:
    """Each ``ForAllValues:`` entry on a claim key of a web-identity Allow statement."""
    for item in web_identity_statements(view):
        for entry in condition_entries(item.statement):
            if entry.qualifier == "forallvalues" and is_claim_key(entry.key):
                yield view.finding(
                    INFO,
                    item.role.logical_id,
                    f"trust policy {statement_label(item.statement, item.index)}: "
                    f"{entry.operator} {entry.key} is true for a token without that claim",
                )


RULE = TemplateRule(INFO, check)
