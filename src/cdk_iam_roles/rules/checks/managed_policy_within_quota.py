"""IAMR-SIZE-003: a customer managed policy fits the 6,144-character quota."""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, minified_length

INFO = RuleInfo(
    id="IAMR-SIZE-003",
    severity=Severity.ERROR,
    what="A customer managed policy is longer than 6,144 characters without whitespace.",
    why="IAM refuses the policy version and the deployment fails.",
    fix="Split the policy into several managed policies, or merge statements.",
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length",
    scopes=frozenset({Scope.TEMPLATE}),
)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each ``AWS::IAM::ManagedPolicy`` longer than ``settings.managed_policy_max_chars``."""
    limit = view.settings.managed_policy_max_chars
    for logical_id, props in view.resources_of_type("AWS::IAM::ManagedPolicy"):
        document = props.get("PolicyDocument")
        if document is None:
            continue
        length = minified_length(document)
        if length > limit:
            yield view.finding(
                INFO,
                logical_id,
                f"managed policy is {length} characters without whitespace; the quota is {limit}",
            )


RULE = TemplateRule(INFO, check)
