"""IAMR-SIZE-002: a role's inline policies together fit the 10,240-character quota.

All inline policies of one role count together, including the ``AWS::IAM::Policy``
resources CDK attaches for grants (``DefaultPolicy``); whitespace does not count.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, minified_length

INFO = RuleInfo(
    id="IAMR-SIZE-002",
    severity=Severity.ERROR,
    what="A role's inline policies together exceed the role policy size quota (10,240 characters).",
    why="IAM refuses the policy that crosses the quota and the deployment fails.",
    fix=(
        "Move statements into customer managed policies, or merge statements and use "
        "wildcards in resource ARNs deliberately."
    ),
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length",
    scopes=frozenset({Scope.TEMPLATE}),
)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each role whose inline policy documents together exceed the quota."""
    limit = view.settings.inline_policies_max_chars
    for role in view.roles:
        policies = view.inline_policies(role.logical_id)
        total = sum(minified_length(doc) for _, doc in policies if doc is not None)
        if total > limit:
            yield view.finding(
                INFO,
                role.logical_id,
                f"{len(policies)} inline policies total {total} characters without "
                f"whitespace; the quota is {limit}",
            )


RULE = TemplateRule(INFO, check)
