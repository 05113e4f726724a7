"""IAMR-SET-009: the member template of every StackSet can be read, so its roles are checked.

A StackSet creates its member template's roles in other accounts. The tools read that
template (:mod:`cdk_iam_roles.stacksets`) and check its roles like any other; when it
cannot be read (a URL outside the assembly, a parameter, text that is not a template),
its roles were not checked, which is an error, never silence.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView
from cdk_iam_roles.stacksets import STACK_SET_TYPE, read_member

INFO = RuleInfo(
    id="IAMR-SET-009",
    severity=Severity.ERROR,
    what="The member template of each StackSet is in the template or the cloud assembly.",
    why=(
        "The roles a StackSet deploys to other accounts are checked only when their "
        "template can be read; a template kept elsewhere (an S3 URL, a parameter) was not "
        "checked and may let anyone in."
    ),
    fix=(
        "Synthesize the member template into the app (OrgRoleRollout, or a file asset), "
        "or check that template separately and acknowledge this finding."
    ),
    doc=(
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/"
        "aws-resource-cloudformation-stackset.html"
    ),
    scopes=frozenset({Scope.TEMPLATE}),
)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each StackSet whose member template cannot be read."""
    for logical_id, _ in view.stack.resources_of_type(STACK_SET_TYPE):
        member = read_member(view.stack, logical_id)
        if isinstance(member, str):
            yield view.finding(INFO, logical_id, f"the StackSet's roles were not checked: {member}")


RULE = TemplateRule(INFO, check)
