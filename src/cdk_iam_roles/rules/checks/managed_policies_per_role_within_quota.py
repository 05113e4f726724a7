"""IAMR-SIZE-004: a role has no more managed policies attached than the quota allows.

The default quota is 10 managed policies per role; it can be raised to 20
(``RuleSettings.managed_policies_per_role``).
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView

INFO = RuleInfo(
    id="IAMR-SIZE-004",
    severity=Severity.ERROR,
    what="A role has more managed policies attached than the quota (10 by default).",
    why="IAM refuses the attachment beyond the quota and the deployment fails.",
    fix=(
        "Combine policies into fewer customer managed policies, or raise the quota (up to "
        "20) and set managed_policies_per_role."
    ),
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entities",
    scopes=frozenset({Scope.TEMPLATE}),
)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each role with more attached managed policies than ``settings.managed_policies_per_role``."""
    limit = view.settings.managed_policies_per_role
    for role in view.roles:
        count = len(view.managed_policies(role.logical_id))
        if count > limit:
            yield view.finding(
                INFO,
                role.logical_id,
                f"{count} managed policies are attached; the quota is {limit}",
            )


RULE = TemplateRule(INFO, check)
