"""IAMR-MFA-004: MFA required from role principals is met only by MFA sessions (warning).

A role's session carries ``aws:MultiFactorAuthPresent`` only when the caller passed an
MFA code when that session was created. Role chaining from an ordinary role session
(a CI role, an SSO permission set without MFA context) therefore fails the condition.
"""

from __future__ import annotations

from collections.abc import Iterator

from cdk_iam_roles.cfn import ResourceRef
from cdk_iam_roles.rules._trust import allow_statements
from cdk_iam_roles.rules.checks.mfa_not_required_from_federation import requires_mfa
from cdk_iam_roles.rules.model import Finding, RuleInfo, Scope, Severity, TemplateRule
from cdk_iam_roles.rules.view import TemplateView, principal_values, statement_label

INFO = RuleInfo(
    id="IAMR-MFA-004",
    severity=Severity.WARNING,
    what="A trust statement requires MFA from an IAM role or assumed-role principal.",
    why=(
        "A role session carries MFA only if it was itself created with an MFA code; "
        "sessions of most roles (CI, services, Identity Center) never meet the condition."
    ),
    fix=(
        "Trust IAM users (ElevatedUserRole), or drop the MFA condition for role callers and "
        "enforce MFA where their sessions are created."
    ),
    doc=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "id_credentials_mfa_configure-api-require.html"
    ),
    # Also raised as a warning by CrossAccountRole(require_mfa=True) with role principals.
    scopes=frozenset({Scope.TEMPLATE, Scope.CONSTRUCT}),
)


def check(view: TemplateView) -> Iterator[Finding]:
    """Each Allow trust statement naming role ARNs and requiring MFA."""
    for role in view.roles:
        for index, statement in allow_statements(role):
            key = requires_mfa(statement)
            if key is None:
                continue
            roles = [
                str(v)
                for v in principal_values(statement, "AWS")
                if (isinstance(v, str) and (":role/" in v or ":assumed-role/" in v))
                or (isinstance(v, ResourceRef) and v.logical_id in view.role_ids)
            ]
            if roles:
                yield view.finding(
                    INFO,
                    role.logical_id,
                    f"trust policy {statement_label(statement, index)} requires {key} from "
                    f"role principal(s) {', '.join(roles)}",
                )


RULE = TemplateRule(INFO, check)
