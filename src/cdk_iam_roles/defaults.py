"""Named secure defaults and AWS limits, each with the AWS page that motivates it.

The patterns, the rules and the analysis layer read these constants, so a limit is
stated once.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "CONSOLE_SWITCH_ROLE_MAX_CHARS",
    "DEFAULT_ELEVATED_MAX_SESSION_SECONDS",
    "DEFAULT_MFA_MAX_AGE_SECONDS",
    "EXTERNAL_ID_MAX",
    "EXTERNAL_ID_MIN",
    "MAX_SESSION_DURATION_MAX_SECONDS",
    "MAX_SESSION_DURATION_MIN_SECONDS",
    "PARTITIONS",
    "ROLE_CHAINING_MAX_SECONDS",
    "ROLE_NAME_MAX",
    "ROLE_PATH_MAX",
    "SESSION_NAME_MAX",
    "SESSION_NAME_MIN",
    "TRUST_ACTIONS",
    "TRUST_POLICY_DEFAULT_MAX_CHARS",
]

# https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
ROLE_NAME_MAX: Final = 64
ROLE_PATH_MAX: Final = 512
# Switching roles in the console takes path + name of at most 64 characters.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
CONSOLE_SWITCH_ROLE_MAX_CHARS: Final = 64
MAX_SESSION_DURATION_MIN_SECONDS: Final = 3600
MAX_SESSION_DURATION_MAX_SECONDS: Final = 43200

# Role chaining caps a session at one hour whatever the role's MaxSessionDuration says.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining
ROLE_CHAINING_MAX_SECONDS: Final = 3600

# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
TRUST_POLICY_DEFAULT_MAX_CHARS: Final = 2048

# https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
EXTERNAL_ID_MIN: Final = 2
EXTERNAL_ID_MAX: Final = 1224
SESSION_NAME_MIN: Final = 2
SESSION_NAME_MAX: Final = 64

# Human elevation: short sessions and fresh MFA. AWS's own example uses one hour of MFA
# age; we default to 15 minutes for elevated roles and a one-hour session.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
DEFAULT_MFA_MAX_AGE_SECONDS: Final = 900
DEFAULT_ELEVATED_MAX_SESSION_SECONDS: Final = 3600

# https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
PARTITIONS: Final = frozenset(
    {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}
)

# The actions a role trust policy governs, lower-cased (IAM compares actions without
# case): assuming the role, and tagging, source identity and context set while doing so.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required
TRUST_ACTIONS: Final = frozenset(
    {
        "sts:assumerole",
        "sts:assumerolewithsaml",
        "sts:assumerolewithwebidentity",
        "sts:tagsession",
        "sts:setsourceidentity",
        "sts:setcontext",
    }
)

# SAML keys that "can have a value that is a list" (marked [] in "Available keys for
# SAML-based AWS STS federation"); a condition on them needs a set operator, since
# "multivalued context keys require a condition set operator". Lower case.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-saml
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
SAML_MULTIVALUED_KEYS: Final = frozenset(
    {
        "saml:cn",
        "saml:edupersonaffiliation",
        "saml:edupersonassurance",
        "saml:edupersonentitlement",
        "saml:edupersonnickname",
        "saml:edupersonorgunitdn",
        "saml:edupersonscopedaffiliation",
        "saml:edupersontargetedid",
        "saml:eduorghomepageuri",
        "saml:eduorgidentityauthnpolicyuri",
        "saml:eduorglegalname",
        "saml:eduorgsuperioruri",
        "saml:eduorgwhitepagesuri",
    }
)
