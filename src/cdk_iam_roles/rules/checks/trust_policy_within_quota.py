"""IAMR-SIZE-001: a trust policy fits the role trust policy length quota.

IAM counts a trust policy's characters without whitespace; the default quota is 2,048
and can be raised to 8,192 (``RuleSettings.trust_policy_max_chars``). A longer policy
fails ``CreateRole``/``UpdateAssumeRolePolicy`` and so the deployment.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, minified_length

INFO = RuleInfo(
    id="IAMR-SIZE-001",
    severity=Severity.ERROR,
    what=(
        "A role's trust policy is longer than the trust policy quota (2,048 characters "
        "without whitespace by default)."
    ),
    why="IAM refuses the trust policy and the stack fails to deploy.",
    fix=(
        "Merge statements and principals, use aws:PrincipalOrgID instead of long account "
        "lists, or raise the quota and set trust_policy_max_chars."
    ),
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length",
    scopes=frozenset({Scope.TEMPLATE}),
)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each role whose trust policy exceeds ``settings.trust_policy_max_chars``."""
    limit = view.settings.trust_policy_max_chars
    for role in view.roles:
        document = role.properties.get("AssumeRolePolicyDocument")
        if document is None:
            continue
        length = minified_length(document)
        if length > limit:
            yield view.finding(
                INFO,
                role.logical_id,
                f"trust policy is {length} characters without whitespace; the quota is {limit}",
            )


RULE = TemplateRule(INFO, check)
