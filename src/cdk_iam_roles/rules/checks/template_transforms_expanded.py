"""IAMR-DOC-006: a template whose macros create resources the rules never see.

A ``Transform`` (the SAM transform ``AWS::Serverless-2016-10-31``, ``AWS::Include``, a
custom macro) rewrites the template at deployment: the roles and policies it creates
(for instance the execution role of each ``AWS::Serverless::Function``) are not in the
file the rules read. The rules read what ``AWS::LanguageExtensions`` adds
(``Fn::ToJsonString``, ``Fn::FindInMap`` defaults), so that transform alone is fine.
Checking the processed template (``sam build`` output, or the template CloudFormation
shows after processing) checks those roles too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, as_list

INFO = RuleInfo(
    id="IAMR-DOC-006",
    severity=Severity.WARNING,
    what="The template uses a transform or macro whose resources (roles included) are not checked.",
    why=(
        "The transform creates roles and policies at deployment that are not in the "
        "template file: they were not checked, which a clean result must not hide."
    ),
    fix=(
        "Check the processed template (e.g. the output of `sam build` or of the "
        "CloudFormation console's processed template view)."
    ),
    doc="https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-reference.html",
    scopes=frozenset({Scope.TEMPLATE}),
)

# Read by the rules themselves (Fn::ToJsonString, Fn::FindInMap DefaultValue).
_READ = frozenset({"AWS::LanguageExtensions"})


def _transforms(view: TemplateView) -> Iterator[str]:
    for value in as_list(view.stack.template.get("Transform")):
        if isinstance(value, str):
            yield value
        elif isinstance(value, Mapping) and isinstance(value.get("Name"), str):
            yield value["Name"]
        else:
            yield "an unnamed transform"
    for logical_id, resource in view.stack.resources.items():
        if isinstance(resource, Mapping) and resource.get("Fn::Transform") is not None:
            yield f"Fn::Transform in {logical_id}"


def check(view: TemplateView) -> Iterator[Finding]:
    """One warning per transform the rules cannot expand."""
    for name in dict.fromkeys(_transforms(view)):
        if name not in _READ:
            yield view.finding(
                INFO,
                "Transform",
                f"the template uses {name}: the resources it creates at deployment "
                "(roles included) are not checked",
            )


RULE = TemplateRule(INFO, check)
