"""IAMR-DOC-006: a template whose macros create resources the rules never see.

A ``Transform`` (the SAM transform ``AWS::Serverless-2016-10-31``, ``AWS::Include``, a
custom macro) rewrites the template at deployment: the roles and policies it creates
(for instance the execution role of each ``AWS::Serverless::Function``) are not in the
file the rules read. The rules read what ``AWS::LanguageExtensions`` adds
(``Fn::ToJsonString``, ``Fn::FindInMap`` defaults), so that transform alone is fine,
except for its loops: an ``Fn::ForEach::NAME`` entry of ``Resources`` creates one
resource per item of its collection at deployment, and the rules do not expand it, so
each loop is reported (under its own key, so that it can be acknowledged alone).
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html
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

# Read by the rules themselves (Fn::ToJsonString, Fn::FindInMap DefaultValue), loops aside.
_READ = frozenset({"AWS::LanguageExtensions"})

FOR_EACH = "Fn::ForEach::"
"""How a loop of the ``AWS::LanguageExtensions`` transform starts its key in ``Resources``."""


def _transforms(view: TemplateView) -> Iterator[tuple[str, str]]:
    """(where, what) for each transform, macro or loop the rules do not expand."""
    for value in as_list(view.stack.template.get("Transform")):
        if isinstance(value, str):
            yield "Transform", value
        elif isinstance(value, Mapping) and isinstance(value.get("Name"), str):
            yield "Transform", value["Name"]
        else:
            yield "Transform", "an unnamed transform"
    for logical_id, resource in view.stack.resources.items():
        if isinstance(logical_id, str) and logical_id.startswith(FOR_EACH):
            yield logical_id, f"{logical_id} (a loop of AWS::LanguageExtensions)"
        elif isinstance(resource, Mapping) and resource.get("Fn::Transform") is not None:
            yield "Transform", f"Fn::Transform in {logical_id}"


def check(view: TemplateView) -> Iterator[Finding]:
    """One warning per transform (or loop) the rules cannot expand."""
    for where, name in dict.fromkeys(_transforms(view)):
        if name not in _READ:
            yield view.finding(
                INFO,
                where,
                f"the template uses {name}: the resources it creates at deployment "
                "(roles included) are not checked",
            )


RULE = TemplateRule(INFO, check)
