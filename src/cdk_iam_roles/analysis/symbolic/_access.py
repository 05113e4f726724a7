"""External access, offline: can anyone outside the zone of trust assume a role?

The zone of trust is a set of accounts and AWS Organizations (and the role's own
account). A role is ``external`` when its trust policy admits a caller outside the zone
(shown by a witness request the evaluator confirms), ``internal`` when the engine proves
it admits no one outside, and ``unknown`` otherwise. AWS service principals count as
inside the zone, as IAM Access Analyzer counts them (the confused-deputy rules cover
them); federated identities (OIDC, SAML) are outside it, and each federated trust is
listed with the exact identities its conditions admit.
https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-concepts.html

Example:
    >>> from cdk_iam_roles.analysis.assembly import load_app
    >>> tpl = {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
    ...     "RoleName": "vendor", "AssumeRolePolicyDocument": {"Version": "2012-10-17",
    ...     "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
    ...     "Principal": {"AWS": "arn:aws:iam::222222222222:root"}}]}}}}}
    >>> app = load_app(tpl, account="111111111111", region="eu-west-1")
    >>> external_access(app.roles[0], trusted_accounts=["222222222222"]).access
    'internal'
    >>> external_access(app.roles[0]).access
    'external'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from cdk_iam_roles.analysis.assembly import RoleInfo
from cdk_iam_roles.analysis.symbolic._callers import FRESH_ACCOUNT
from cdk_iam_roles.analysis.symbolic._questions import trust_verdict
from cdk_iam_roles.analysis.symbolic._verdict import Witness
from cdk_iam_roles.cfn import Hole, Unknown, hole_marker, is_unresolved, text_identity
from cdk_iam_roles.cfn_words import value_words

AccessName: TypeAlias = Literal["external", "internal", "unknown"]


@dataclass(slots=True)
class RoleAccess:
    """One role's external-access verdict.

    Args:
        role: the role. Required.
        access: ``external``, ``internal`` or ``unknown``. Required.
        reason: why, in words. Required.
        witness: for ``external``, a caller outside the zone the trust admits. Default
            ``None``.
        federated: each federated trust and the identities it admits, in words.
            Default: none.
        acknowledged: the reason given when the external access is by design. Default
            ``None``.
    """

    role: RoleInfo
    access: AccessName
    reason: str
    witness: Witness | None = None
    federated: list[str] = field(default_factory=list)
    acknowledged: str | None = None

    @property
    def blocking(self) -> bool:
        """External (or undecided) access that nobody acknowledged."""
        return self.access != "internal" and self.acknowledged is None

    def to_dict(self) -> dict[str, Any]:
        """JSON data for ``access --format json``."""
        return {
            "stack": self.role.stack,
            "path": self.role.path,
            "logical_id": self.role.logical_id,
            "role_name": self.role.role_name,
            "access": self.access,
            "witness": None if self.witness is None else self.witness.to_dict(),
            "reason": self.reason,
            "federated": list(self.federated),
            "acknowledged": self.acknowledged,
        }


def zone_policy(accounts: Iterable[str], organizations: Iterable[str]) -> dict[str, Any]:
    """A trust policy that admits exactly the zone of trust (services aside).

    Example:
        >>> zone_policy(["111111111111"], [])["Statement"][0]["Principal"]
        {'AWS': ['111111111111']}
    """
    statements: list[dict[str, Any]] = []
    accounts = sorted(set(accounts))
    organizations = sorted(set(organizations))
    if accounts:
        statements.append({"Effect": "Allow", "Principal": {"AWS": accounts}, "Action": "*"})
    if organizations:
        statements.append(
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "*",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": organizations}},
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def federated_identities(trust: Mapping[str, Any] | None) -> list[str]:
    """Each federated trust statement as "provider: the identities its conditions admit".

    Example:
        >>> federated_identities({"Statement": [{"Effect": "Allow", "Principal": {
        ...     "Federated": "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"},
        ...     "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringLike": {
        ...     "token.actions.githubusercontent.com:sub": "repo:acme/web:*"}}}]})
        ['token.actions.githubusercontent.com: sub StringLike repo:acme/web:*']
    """
    if not isinstance(trust, Mapping):
        return []
    raw = trust.get("Statement")
    found: list[str] = []
    for statement in raw if isinstance(raw, list) else [raw]:
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        if not isinstance(principal, Mapping) or "Federated" not in principal:
            continue
        providers = principal["Federated"]
        for provider in providers if isinstance(providers, list) else [providers]:
            if is_unresolved(provider):
                found.append(f"a provider that depends on {value_words(provider)}")
                continue
            name = str(provider).split(":oidc-provider/", 1)[-1].split(":saml-provider/", 1)[-1]
            parts: list[str] = []
            condition = statement.get("Condition")
            if isinstance(condition, Mapping):
                for operator, block in condition.items():
                    if not isinstance(block, Mapping):
                        continue
                    for key, values in block.items():
                        shown = values if isinstance(values, list) else [values]
                        short = str(key).rsplit(":", 1)[-1]
                        texts = [_text(v) for v in shown]
                        parts.append(f"{short} {operator} {' | '.join(texts)}")
            found.append(f"{name}: " + ("; ".join(parts) if parts else "ANY identity"))
    return found


def _text(value: Any) -> str:
    """A condition value in words: itself, or what it depends on when known only then."""
    return f"({value_words(value)})" if is_unresolved(value) else str(value)


def external_access(
    role: RoleInfo,
    *,
    trusted_accounts: Iterable[str] = (),
    trusted_orgs: Iterable[str] = (),
) -> RoleAccess:
    """Whether a caller outside the zone of trust can assume ``role``.

    Args:
        role: the role. Required.
        trusted_accounts: account IDs inside the zone (the role's own account always
            is). Default: none.
        trusted_orgs: organization IDs (``o-…``) inside the zone. Default: none.

    Example:
        >>> from cdk_iam_roles.analysis.assembly import load_app
        >>> tpl = {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
        ...     "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
        ...     {"Effect": "Allow", "Action": "sts:AssumeRole",
        ...      "Principal": {"Service": "ec2.amazonaws.com"}}]}}}}}
        >>> external_access(load_app(tpl, account="111111111111").roles[0]).access
        'internal'
    """
    accounts = list(trusted_accounts)
    if role.trust is None:
        what = f"the trust policy {role.trust_unreadable or 'cannot be read'}"
        return RoleAccess(role, "unknown", what)
    trust, account = role.trust, role.account
    if not (account and account.isdigit()):
        # AWS::AccountId is the account the stack is deployed in, whatever it is: the
        # role's own account, which is inside the zone. A stand-in that no policy and no
        # trusted account names takes its place.
        # https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html
        account = own_account_stand_in(trust, accounts)
        trust = with_own_account(trust, account)
    accounts.append(account)
    federated = federated_identities(trust)
    zone = zone_policy(accounts, trusted_orgs)
    verdict = trust_verdict(
        zone,
        trust,
        role_arn=role.arn,
        account=account,
        partition=role.partition,
        services=False,
        labels=("the zone of trust", "the trust policy"),
        undecided="a caller outside the zone of trust may be able to assume it",
    )
    if verdict.verdict == "new-access":
        return RoleAccess(role, "external", verdict.reason, verdict.witness, federated)
    if verdict.verdict == "no-new-access":
        return RoleAccess(
            role,
            "internal",
            "proved: only callers inside the zone of trust (and AWS services) can assume it",
            None,
            federated,
        )
    return RoleAccess(role, "unknown", verdict.reason, None, federated)


def own_account_stand_in(trust: Mapping[str, Any], trusted: Iterable[str]) -> str:
    """A 12-digit account ID that neither the trust policy nor the zone names.

    Example:
        >>> own_account_stand_in({"Statement": []}, ["000000000000"])
        '000000000001'
    """
    taken = {*re.findall(r"\d{12}", repr(trust)), *trusted, FRESH_ACCOUNT}
    number = 0
    while f"{number:012d}" in taken:
        number += 1
    return f"{number:012d}"


def with_own_account(value: Any, account: str) -> Any:
    """``value`` with each unknown that only ``AWS::AccountId`` kept unknown resolved in
    ``account`` (``!Ref AWS::AccountId``, ``!Sub arn:aws:iam::${AWS::AccountId}:root``).

    Example:
        >>> with_own_account({"AWS": [Unknown("AWS::AccountId")]}, "000000000000")
        {'AWS': ['000000000000']}
    """
    if isinstance(value, Unknown):
        return _resolved_in(value, account)
    if isinstance(value, Mapping):
        return {k: with_own_account(v, account) for k, v in value.items()}
    if isinstance(value, list):
        return [with_own_account(v, account) for v in value]
    return value


_OWN = Unknown("AWS::AccountId")
# How the account stands in the text of an Fn::Sub or Fn::Join it is part of, and how
# any other unknown part does (see cfn.text_identity).
_OWN_IN_TEXT = text_identity(hole_marker(0), [Hole(_OWN)])
_OTHER_IN_TEXT = re.compile(r"<\w+ (?:<unknown: |ResourceRef\()")


def _resolved_in(value: Unknown, account: str) -> Any:
    if value == _OWN:
        return account
    if not value.expression or not value.reason.startswith(("Fn::Sub over ", "Fn::Join over ")):
        return value
    text = value.expression.replace(_OWN_IN_TEXT, account)
    return value if _OTHER_IN_TEXT.search(text) else text
