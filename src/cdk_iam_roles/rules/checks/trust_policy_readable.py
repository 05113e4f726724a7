"""IAMR-DOC-002: a trust policy that cannot be read offline is never judged safe.

A trust policy given as a parameter, an import, a custom resource's output, or JSON text
built from such values (``Fn::Sub`` over a fragment that is not a plain string) is known
only at deployment. The other trust rules cannot look at it, so this rule says, at error
level, that the role could not be checked.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView

INFO = RuleInfo(
    id="IAMR-DOC-002",
    severity=Severity.ERROR,
    what=(
        "A role's trust policy cannot be read offline (it is built from values known "
        "only at deployment)."
    ),
    why=(
        "Who may assume the role cannot be checked: it may trust anyone. A trust policy "
        "that is never checked must not pass as clean."
    ),
    fix=(
        "Write the trust policy in the template (object or JSON string) with literal "
        "principals, or acknowledge the finding after reviewing the deployed policy."
    ),
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-trust-policy",
    scopes=frozenset({Scope.TEMPLATE}),
)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each role whose trust policy is unknown offline."""
    for entry in view.documents:
        if entry.kind == "trust" and entry.read.status == "unknown":
            yield view.finding(
                INFO,
                entry.logical_id,
                f"the trust policy could not be checked: {entry.read.reason}",
            )


RULE = TemplateRule(INFO, check)
