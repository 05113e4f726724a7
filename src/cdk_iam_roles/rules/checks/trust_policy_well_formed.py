"""IAMR-DOC-003: every element of a trust policy has the type IAM expects.

A ``Statement`` that is a number, a ``Principal`` that is a list, an ``Action`` that is an
object, an empty statement list, invalid JSON text: IAM refuses such a document (the
deployment fails) or the rules would skip the odd element. Either way the role has not
been checked, so each problem is an error naming the element.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView

INFO = RuleInfo(
    id="IAMR-DOC-003",
    severity=Severity.ERROR,
    what="A trust policy is malformed: an element has the wrong type, or the JSON text is invalid.",
    why=(
        "IAM rejects the document, and what the role trusts cannot be checked: "
        "a malformed trust policy is never reported clean."
    ),
    fix="Correct the element named in the finding (see the IAM policy grammar).",
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html",
    scopes=frozenset({Scope.TEMPLATE}),
)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each problem of each malformed trust policy."""
    for entry in view.documents:
        if entry.kind == "trust" and entry.read.status == "malformed":
            for problem in entry.read.problems:
                yield view.finding(INFO, entry.logical_id, f"trust policy is malformed: {problem}")


RULE = TemplateRule(INFO, check)
