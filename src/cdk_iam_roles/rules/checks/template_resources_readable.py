"""IAMR-DOC-008: every resource of a template can be read.

A resource that is not an object, or whose ``Type`` is not a string, is refused by
CloudFormation; the rules cannot tell what it is (it may be a role), so they skip it.
A skipped resource must not leave the template looking clean: this rule names it.
A ``Type`` written as a YAML tag the loader does not know (``!Rain::Module``, which a
pre-processor replaces before CloudFormation sees the template) is read as
``{"Fn::Rain::Module": …}`` and named as the tag. An ``Fn::ForEach::`` loop is not a
resource: IAMR-DOC-006 reports it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from cdk_iam_roles.rules.checks.template_transforms_expanded import FOR_EACH
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
    if isinstance(value, Mapping) and len(value) == 1:
        (key,) = value
        # A namespaced tag (!Rain::Module) is no CloudFormation function: a tool's.
        if isinstance(key, str) and key.startswith("Fn::") and "::" in key[len("Fn::") :]:
            tag = key[len("Fn::") :]
            return f"!{tag} (a tag a pre-processor replaces: check its output)"
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
        if isinstance(logical_id, str) and logical_id.startswith(FOR_EACH):
            continue  # a loop of AWS::LanguageExtensions: IAMR-DOC-006
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
