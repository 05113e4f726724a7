"""IAMR-DOC-007: the template of every nested stack was read, so its roles are checked.

An ``AWS::CloudFormation::Stack`` resource deploys another template, whose roles the
rules check only when that template is read. The cloud-assembly reader finds it through
the resource's ``aws:asset:path`` metadata or the asset hash of its ``TemplateURL``
(``*.assets.json``); a template read on its own has no assembly to find it in. Either
way, a nested stack whose template was not read is reported, never skipped silently.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView

INFO = RuleInfo(
    id="IAMR-DOC-007",
    severity=Severity.WARNING,
    what="The template of each nested stack was read, so its roles are checked.",
    why=(
        "A nested stack deploys the roles of its own template; when that template was "
        "not read, those roles were not checked, which a clean result must not hide."
    ),
    fix=(
        "Check the whole cloud assembly (the cdk.out folder, with its *.assets.json and "
        "nested templates) rather than one template, or check the nested template too."
    ),
    doc=(
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
        "using-cfn-nested-stacks.html"
    ),
    scopes=frozenset({Scope.TEMPLATE}),
)

_ON_ITS_OWN = (
    "a template read on its own: nested stack templates are read only from a cloud assembly"
)


def check(view: TemplateView) -> Iterator[Finding]:
    """One warning per nested stack whose template was not read."""
    skipped = view.stack.nested_skipped
    for logical_id, _ in view.stack.resources_of_type("AWS::CloudFormation::Stack"):
        why = _ON_ITS_OWN if skipped is None else skipped.get(logical_id)
        if why is not None:
            yield view.finding(
                INFO,
                logical_id,
                f"the nested stack's template was not read, so its roles were not checked: {why}",
            )


RULE = TemplateRule(INFO, check)
