"""IAMR-DOC-008: every resource of a template can be read.

A resource that is not an object, or whose ``Type`` is not a string, is refused by
CloudFormation; the rules cannot tell what it is (it may be a role), so they skip it.
A skipped resource must not leave the template looking clean: this rule names it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView

INFO = RuleInfo(
    id="IAMR-DOC-008",
    severity=Severity.ERROR,
    what="A resource of the template is not an object, or its Type is not a string.",
    why=(
        "CloudFormation refuses the template, and the rules could not tell what the "
        "resource is (it may be a role): it was not checked."
    ),
    fix="Write the resource as an object with a Type such as AWS::IAM::Role.",
    doc="https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html",
    scopes=frozenset({Scope.TEMPLATE}),
)


def _kind(value: object) -> str:
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "missing"
    return f"a {type(value).__name__}"


def check(view: TemplateView) -> Iterator[Finding]:
    """Each resource that is not an object or has no string Type."""
    for logical_id, resource in view.stack.resources.items():
        if not isinstance(resource, Mapping):
            yield view.finding(
                INFO, str(logical_id), f"the resource is {_kind(resource)}, not an object"
            )
        elif not isinstance(resource.get("Type"), str):
            yield view.finding(
                INFO,
                str(logical_id),
                f"the resource's Type is {_kind(resource.get('Type'))}, not a string: "
                "it was not checked",
            )


RULE = TemplateRule(INFO, check)
