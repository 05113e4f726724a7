"""Run the template rules over stacks.

Example:
    >>> from cdk_iam_roles.cfn import StackTemplate
    >>> tpl = {"Resources": {"Open": {"Type": "AWS::IAM::Role", "Properties": {
    ...     "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
    ...         {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}]}}}}}
    >>> [f.rule_id for f in check_stack(StackTemplate.from_template(tpl))]
    ['IAMR-TRUST-001']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cdk_iam_roles.cfn import StackTemplate
from cdk_iam_roles.rules.model import Finding, Severity, TemplateRule
from cdk_iam_roles.rules.registry import template_rules
from cdk_iam_roles.rules.view import RuleSettings, TemplateView

__all__ = ["check_stack", "check_stacks", "check_view", "has_errors"]

_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def check_stack(
    stack: StackTemplate,
    *,
    settings: RuleSettings | None = None,
    rules: Sequence[TemplateRule] | None = None,
) -> list[Finding]:
    """All findings of the template rules on one stack, errors first.

    Rules never raise on odd input; if one fails anyway, its failure is an error-level
    finding of that rule (the stack is then not known to be safe), never an exception.

    Args:
        stack: the stack to check.
        settings: quotas and disabled rules (default: AWS's default quotas).
        rules: the rules to run (default: every template rule of the catalog).
    """
    return check_view(TemplateView(stack, settings or RuleSettings()), rules=rules)


def check_view(view: TemplateView, *, rules: Sequence[TemplateRule] | None = None) -> list[Finding]:
    """Like :func:`check_stack`, on a view a caller already holds.

    A caller that also reads the template (the catalog) shares the view, so every
    resource is resolved once.
    """
    stack, settings = view.stack, view.settings
    findings: list[Finding] = []
    for rule in rules if rules is not None else template_rules():
        if rule.info.id in settings.disabled:
            continue
        try:
            findings.extend(rule.check(view))
        except Exception as exc:  # fail closed: a rule that could not run is an error
            findings.append(
                Finding(
                    rule_id=rule.info.id,
                    severity=Severity.ERROR,
                    stack=stack.name,
                    logical_id="",
                    path=stack.name,
                    message=f"the rule could not check this stack ({type(exc).__name__}: {exc})",
                    fix="Report this with the template; the stack was not checked by this rule.",
                )
            )
    findings.sort(key=lambda f: (_ORDER[f.severity], f.stack, f.path, f.rule_id, f.message))
    return findings


def check_stacks(
    stacks: Iterable[StackTemplate], *, settings: RuleSettings | None = None
) -> list[Finding]:
    """All findings on several stacks (a whole cloud assembly)."""
    findings: list[Finding] = []
    for stack in stacks:
        findings.extend(check_stack(stack, settings=settings))
    return findings


def has_errors(findings: Iterable[Finding]) -> bool:
    """True when any finding is at error level."""
    return any(f.severity is Severity.ERROR for f in findings)
