"""Construct-time rules of ElevatedUserRole (IAMR-EU-*)."""

from __future__ import annotations

from cdk_iam_roles.rules.model import RuleInfo, Severity

_MFA = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html"
)
_PRINCIPALS = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "reference_policies_elements_principal.html#principal-users"
)
_SSO_ROLES = (
    "https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html"
)

NO_USERS = RuleInfo(
    id="IAMR-EU-001",
    severity=Severity.ERROR,
    what="An ElevatedUserRole trusts at least one named IAM user (or Identity Center role).",
    why="A role that trusts nobody can never be assumed.",
    fix="Pass trusted_users=['arn:aws:iam::111111111111:user/alice'].",
    doc=_PRINCIPALS,
)
ROLE_AS_USER = RuleInfo(
    id="IAMR-EU-002",
    severity=Severity.ERROR,
    what="trusted_users holds IAM user ARNs unless idp_enforced_mfa=True.",
    why=(
        "A role session (Identity Center, SAML, another role) carries no MFA context unless "
        "it was created with an MFA code, so the MFA conditions would lock it out."
    ),
    fix=(
        "For Identity Center or IdP-federated roles pass idp_enforced_mfa=True (the IdP "
        "enforces MFA); otherwise trust the IAM users themselves."
    ),
    doc=_MFA,
)
USER_INVALID = RuleInfo(
    id="IAMR-EU-003",
    severity=Severity.ERROR,
    what=(
        "Each of trusted_users is the exact ARN of an IAM user in the stack's partition, "
        "without wildcards."
    ),
    why=(
        "IAM accepts no wildcard in a Principal ARN, and a user of another partition can "
        "never assume the role."
    ),
    fix="Pass user ARNs such as arn:aws:iam::111111111111:user/alice.",
    doc=_PRINCIPALS,
)
LONG_SESSION = RuleInfo(
    id="IAMR-EU-004",
    severity=Severity.ERROR,
    what=(
        "max_session_duration of an elevated role is at most one hour unless "
        "long_session_reason says why."
    ),
    why=(
        "Elevated credentials that live for hours widen the window in which a leaked "
        "session is useful."
    ),
    fix="Keep max_session_duration at Duration.hours(1), or pass long_session_reason='...'.",
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html",
)
MFA_AGE_INVALID = RuleInfo(
    id="IAMR-EU-005",
    severity=Severity.ERROR,
    what="mfa_max_age is between 1 minute and 12 hours.",
    why=(
        "aws:MultiFactorAuthAge counts seconds since the MFA sign-in: zero can never be met, "
        "and a limit beyond the longest MFA session checks nothing."
    ),
    fix="Pass a Duration such as Duration.minutes(15) (the default).",
    doc=_MFA,
)
IDP_PRINCIPAL_INVALID = RuleInfo(
    id="IAMR-EU-006",
    severity=Severity.ERROR,
    what=(
        "With idp_enforced_mfa=True, each of trusted_users is a role ARN, e.g. the Identity "
        "Center pattern arn:aws:iam::ACCOUNT:role/aws-reserved/sso.amazonaws.com/*/"
        "AWSReservedSSO_PermissionSet_*; a wildcard may stand only for the region folder "
        "and the suffix Identity Center adds."
    ),
    why=(
        "IdP-enforced MFA applies to sessions of the roles the IdP federates into; IAM users "
        "are not federated, and a broader wildcard would trust other permission sets."
    ),
    fix="Use identity_center_role_arn(account, permission_set) to build the pattern.",
    doc=_SSO_ROLES,
)
REASON_INVALID = RuleInfo(
    id="IAMR-EU-007",
    severity=Severity.ERROR,
    what="long_session_reason, when given, is a sentence of at least 10 characters.",
    why="The reason is the reviewable record of why elevated sessions may last longer.",
    fix="Say why, e.g. 'database migrations run for up to four hours'.",
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html",
)
CHAINED_LONG_SESSION = RuleInfo(
    id="IAMR-EU-008",
    severity=Severity.WARNING,
    what="idp_enforced_mfa=True with max_session_duration above one hour.",
    why=(
        "Identity Center and federated callers reach this role by role chaining, which caps "
        "every session at one hour whatever MaxSessionDuration says."
    ),
    fix="Keep max_session_duration at one hour; longer sessions will not be granted.",
    doc=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "id_roles_terms-and-concepts.html#iam-term-role-chaining"
    ),
)
ARGUMENT_TYPE = RuleInfo(
    id="IAMR-EU-009",
    severity=Severity.ERROR,
    what=(
        "idp_enforced_mfa and require_source_identity are True or False, mfa_max_age is a "
        "Duration and alarm_topic an sns.ITopic."
    ),
    why="Any other value is a mistake that would be read by accident.",
    fix="Pass values of the documented types.",
    doc=_MFA,
)
