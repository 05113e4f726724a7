"""IAMR-DOC-005: every element of a permissions or resource policy has the right type.

The identity-policy and resource-policy twin of IAMR-DOC-003: a malformed document fails
the deployment and cannot be checked, so each problem is an error naming the element.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView

INFO = RuleInfo(
    id="IAMR-DOC-005",
    severity=Severity.ERROR,
    what=(
        "A permissions or resource policy is malformed: an element has the wrong type, "
        "or the JSON text is invalid."
    ),
    why="IAM rejects the document (the deployment fails) and it cannot be checked.",
    fix="Correct the element named in the finding (see the IAM policy grammar).",
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html",
    scopes=frozenset({Scope.TEMPLATE}),
)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each problem of each malformed identity or resource policy."""
    for entry in view.documents:
        if entry.kind != "trust" and entry.read.status == "malformed":
            for problem in entry.read.problems:
                yield view.finding(
                    INFO,
                    entry.logical_id,
                    f"{entry.kind} policy {entry.element} is malformed: {problem}",
                )


RULE = TemplateRule(INFO, check)
