"""How risky a role of the catalog is, so a reviewer reads the dangerous ones first.

A role's risk is the highest of what it shows, in this order:

1. ``critical``: anyone can assume it, its trust policy could not be read, or a rule
   reported an error on it;
2. ``high``: it can administer the account (``*`` on ``*``, ``iam:*``, or an AWS managed
   policy that grants administration), principals of another account can assume it, or
   who can assume it is unknown offline (a principal known only at deployment, such as
   ``!ImportValue`` of another stack's role ARN: it may be a person, or another account);
3. ``elevated``: people (IAM users, roles, SAML sign-in) can assume it, or a warning was
   reported;
4. ``normal``: everything else (service roles, pinned workload identities).

Example:
    >>> from cdk_iam_roles.catalog.model import build_catalog
    >>> from cdk_iam_roles.cfn import StackTemplate
    >>> tpl = {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
    ...     "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow",
    ...     "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}}}}}
    >>> role = build_catalog([StackTemplate.from_template(tpl, name="S")]).roles[0]
    >>> risk_of(role).level, risk_of(role).reasons[0]
    ('critical', 'anyone can assume it')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cdk_iam_roles.catalog.model import RoleEntry
from cdk_iam_roles.rules.model import Severity

__all__ = ["LEVELS", "Risk", "RiskLevel", "by_risk", "risk_of"]

RiskLevel = Literal["critical", "high", "elevated", "normal"]
LEVELS: tuple[RiskLevel, ...] = ("critical", "high", "elevated", "normal")

# AWS managed policies that administer an account or its identities.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html
_ADMIN_POLICIES = frozenset(
    {"AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "AWSOrganizationsFullAccess"}
)


@dataclass(frozen=True, slots=True)
class Risk:
    """The risk of one role.

    Args:
        level: ``critical``, ``high``, ``elevated`` or ``normal``.
        reasons: why, most serious first (empty for ``normal``).
    """

    level: RiskLevel
    reasons: tuple[str, ...]

    @property
    def rank(self) -> int:
        """0 for ``critical`` … 3 for ``normal``: sort by it."""
        return LEVELS.index(self.level)


def _administers(role: RoleEntry) -> bool:
    allowed = role.permissions.allowed
    if "*" in allowed.get("*", ()) or "*" in allowed:
        return True
    if any(a in ("*", "iam:*") for a in allowed.get("iam", ())):
        return True
    names = {
        p.removesuffix(" (AWS managed)").rsplit("/", 1)[-1]
        for p in role.permissions.managed_policies
        if p.endswith(" (AWS managed)")
    }
    return bool(names & _ADMIN_POLICIES)


def _other_account(role: RoleEntry) -> bool:
    for assumer in role.assumers:
        if assumer.kind not in ("account", "iam-user", "iam-role", "assumed-role"):
            continue
        parts = assumer.principal.split(":")
        account = parts[4] if len(parts) > 5 else assumer.principal
        if account.isdigit() and account != role.account:
            return True
    return False


def risk_of(role: RoleEntry) -> Risk:
    """The risk of ``role`` with its reasons (see the module docstring)."""
    reasons: list[tuple[int, str]] = []
    if any(a.kind == "anyone" for a in role.assumers):
        reasons.append((0, "anyone can assume it"))
    if role.trust_unknown:
        reasons.append((0, "its trust policy could not be read"))
    errors = role.count(Severity.ERROR)
    if errors:
        reasons.append((0, f"{errors} error finding{'s' if errors != 1 else ''}"))
    if _administers(role):
        reasons.append((1, "administrator permissions"))
    if _other_account(role):
        reasons.append((1, "trusted by another account"))
    if role.callers_unknown:
        # Never rated as if only services could assume it.
        reasons.append((1, "who can assume it is unknown offline"))
    if role.human_assumable:
        reasons.append((2, "people can assume it"))
    warnings = role.count(Severity.WARNING)
    if warnings:
        reasons.append((2, f"{warnings} warning{'s' if warnings != 1 else ''}"))
    if not reasons:
        return Risk("normal", ())
    reasons.sort(key=lambda r: r[0])
    return Risk(LEVELS[reasons[0][0]], tuple(text for _, text in reasons))


def by_risk(roles: list[RoleEntry]) -> list[tuple[RoleEntry, Risk]]:
    """``roles`` with their risk, most risky first (stable within a level)."""
    rated = [(role, risk_of(role)) for role in roles]
    return sorted(rated, key=lambda pair: pair[1].rank)
