"""IAMR-DOC-004: say which permission and resource policies could not be read offline.

An identity or resource policy built from values known only at deployment (a parameter,
an import, a custom resource) cannot be checked by the policy rules; this warning names
it, so a reviewer knows what was not looked at.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView

INFO = RuleInfo(
    id="IAMR-DOC-004",
    severity=Severity.WARNING,
    what="A permissions or resource policy cannot be read offline.",
    why="The policy rules could not check it; what it grants is known only at deployment.",
    fix="Write the policy in the template, or review the deployed policy.",
    doc="https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html",
    scopes=frozenset({Scope.TEMPLATE}),
)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each identity or resource policy whose document is unknown offline."""
    for entry in view.documents:
        if entry.kind != "trust" and entry.read.status == "unknown":
            yield view.finding(
                INFO,
                entry.logical_id,
                f"{entry.kind} policy {entry.element} could not be checked: {entry.read.reason}",
            )


RULE = TemplateRule(INFO, check)
