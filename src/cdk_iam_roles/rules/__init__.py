"""The rule engine: stable rule IDs over CloudFormation JSON (pure Python).

Public entry points: :func:`check_stack`, :func:`check_stacks`, :func:`all_rules`,
:class:`RuleSettings`, :class:`Finding`, :class:`Severity`.
"""

from __future__ import annotations

from cdk_iam_roles.rules.engine import check_stack, check_stacks, has_errors
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.registry import all_rules, rule, template_rules
from cdk_iam_roles.rules.view import RuleSettings, TemplateView

__all__ = [
    "Finding",
    "RuleInfo",
    "RuleSettings",
    "Scope",
    "Severity",
    "TemplateRule",
    "TemplateView",
    "all_rules",
    "check_stack",
    "check_stacks",
    "has_errors",
    "rule",
    "template_rules",
]
