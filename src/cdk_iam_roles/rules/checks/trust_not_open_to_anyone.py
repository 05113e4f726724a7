"""IAMR-TRUST-001: a trust policy must not let anyone assume the role.

``"Principal": "*"`` (or ``{"AWS": "*"}``) in an Allow lets every AWS principal in
every account call ``sts:AssumeRole`` unless a condition pins the caller to an
organization, an account or an ARN. ``sts:ExternalId`` does not pin the caller: it is
a shared string, not an identity.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cdk_iam_roles.cfn import ResourceRef, Unknown
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, as_list, principal_values

INFO = RuleInfo(
    id="IAMR-TRUST-001",
    severity=Severity.ERROR,
    what='A trust policy allows any AWS principal ("*") without a condition pinning the caller.',
    why=(
        "Anyone with an AWS account could assume the role. Only aws:PrincipalOrgID, "
        "aws:PrincipalOrgPaths, aws:PrincipalAccount or aws:PrincipalArn pin the caller; "
        "sts:ExternalId is a shared string, not an identity."
    ),
    fix=(
        "Name the trusted account or role ARNs as the principal (CrossAccountRole), or add "
        "a StringEquals condition on aws:PrincipalOrgID or aws:PrincipalArn."
    ),
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
    scopes=frozenset({Scope.TEMPLATE}),
)

# Condition keys that identify the calling principal (IAM User Guide, "AWS global
# condition context keys": principal properties).
PINNING_KEYS = frozenset(
    {"aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn"}
)
_POSITIVE_OPERATORS = frozenset(
    {"stringequals", "stringlike", "arnequals", "arnlike", "stringequalsignorecase"}
)


def _pins_caller(condition: Any) -> bool:
    if not isinstance(condition, Mapping):
        return False
    for operator, block in condition.items():
        if not isinstance(operator, str) or not isinstance(block, Mapping):
            continue
        base = operator.lower().split(":", 1)[-1]
        if base not in _POSITIVE_OPERATORS:
            continue  # negated operators and ...IfExists let an absent key through
        for key, values in block.items():
            if not isinstance(key, str) or key.lower() not in PINNING_KEYS:
                continue
            literal = [v for v in as_list(values) if isinstance(v, str)]
            if literal and all(v.strip("*?") == "" for v in literal):
                continue  # a pattern that matches everything pins nothing
            if as_list(values):
                return True
    return False


def check(view: TemplateView) -> Iterator[Finding]:
    """Each Allow statement of a trust policy open to ``*`` without a pinning condition."""
    for role in view.roles:
        for index, statement in enumerate(role.trust_statements):
            if statement.get("Effect") != "Allow":
                continue
            values = principal_values(statement, "AWS")
            if any(isinstance(v, (Unknown, ResourceRef)) for v in values):
                continue  # the principal is not known; never judged by accident
            if "*" not in values:
                continue
            if _pins_caller(statement.get("Condition")):
                continue
            sid = statement.get("Sid")
            label = f"statement {sid!r}" if isinstance(sid, str) else f"statement {index}"
            yield view.finding(
                INFO,
                role.logical_id,
                f'trust policy {label} allows Principal "*" with no condition on '
                "aws:PrincipalOrgID, aws:PrincipalAccount or aws:PrincipalArn",
            )


RULE = TemplateRule(INFO, check)
