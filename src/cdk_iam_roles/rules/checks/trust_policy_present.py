"""IAMR-DOC-001: every role has a trust policy.

``AssumeRolePolicyDocument`` is required on ``AWS::IAM::Role``; a role without one (or
with ``Ref AWS::NoValue`` in some branch of an ``Fn::If``) cannot be checked, and the
rules never report such a role as clean.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView

INFO = RuleInfo(
    id="IAMR-DOC-001",
    severity=Severity.ERROR,
    what="A role has no trust policy (AssumeRolePolicyDocument is missing).",
    why=(
        "CloudFormation requires the trust policy; without it the role cannot be "
        "deployed, and who may assume it cannot be checked."
    ),
    fix="Give the role an AssumeRolePolicyDocument that names who may assume it.",
    doc="https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html",
    scopes=frozenset({Scope.TEMPLATE}),
)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each role whose trust policy is absent."""
    for entry in view.documents:
        if entry.kind == "trust" and entry.read.status == "absent":
            yield view.finding(
                INFO,
                entry.logical_id,
                f"the role has no trust policy ({entry.read.reason}); it could not be checked",
            )


RULE = TemplateRule(INFO, check)
