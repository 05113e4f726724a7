"""Construct-time rules of CrossAccountRole (IAMR-CA-*)."""

from __future__ import annotations

from cdk_iam_roles.rules.model import RuleInfo, Severity

_THIRD_PARTY = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html"
)
_PRINCIPALS = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "reference_policies_elements_principal.html#principal-accounts"
)
_CROSS_ACCOUNT = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_aws-accounts.html"
)
_TAGS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html"

EXTERNAL_ID_REQUIRED = RuleInfo(
    id="IAMR-CA-001",
    severity=Severity.ERROR,
    what="A role for a third party (third_party=True) requires sts:ExternalId.",
    why=(
        "Without an external ID, any customer of the vendor can ask the vendor to act on "
        "your role (the confused deputy problem)."
    ),
    fix="Pass the ID the vendor issued you.",
    doc=_THIRD_PARTY,
)
NO_PRINCIPAL = RuleInfo(
    id="IAMR-CA-002",
    severity=Severity.ERROR,
    what="A CrossAccountRole trusts at least one principal ARN or account.",
    why="A role that trusts nobody can never be assumed.",
    fix="Pass trusted_principals=[role or user ARN] (preferred) or trusted_accounts=[account ID].",
    doc=_CROSS_ACCOUNT,
)
ACCOUNT_INVALID = RuleInfo(
    id="IAMR-CA-003",
    severity=Severity.ERROR,
    what="Each of trusted_accounts is a 12-digit AWS account ID.",
    why=(
        "IAM rejects a trust policy whose AWS principal is not an account, and a wildcard "
        "trusts everyone."
    ),
    fix="Pass the 12-digit ID of the account whose principals may assume the role.",
    doc=_PRINCIPALS,
)
PRINCIPAL_INVALID = RuleInfo(
    id="IAMR-CA-004",
    severity=Severity.ERROR,
    what=(
        "Each of trusted_principals is the exact ARN of an IAM role or user "
        "(arn:PARTITION:iam::ACCOUNT:role/NAME or :user/NAME), without wildcards."
    ),
    why=(
        "IAM accepts no wildcard in a Principal ARN (only '*', which trusts everyone); an "
        "account root ARN trusts the whole account and belongs in trusted_accounts."
    ),
    fix="Pass the exact role or user ARN, e.g. arn:aws:iam::222222222222:role/deployer.",
    doc=_PRINCIPALS,
)
PARTITION_MISMATCH = RuleInfo(
    id="IAMR-CA-005",
    severity=Severity.ERROR,
    what="Trusted ARNs are in the partition of the stack's region.",
    why="A principal of another partition (aws-cn, aws-us-gov, …) can never assume a role here.",
    fix="Use the ARN of a principal in the stack's partition.",
    doc="https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html",
)
ORG_ID_INVALID = RuleInfo(
    id="IAMR-CA-006",
    severity=Severity.ERROR,
    what=(
        "organization_id is an AWS Organizations ID: 'o-' and 10 to 32 lower-case letters "
        "or digits."
    ),
    why=(
        "aws:PrincipalOrgID is compared with the caller's organization ID; any other "
        "value never matches."
    ),
    fix="Pass the ID shown in the Organizations console, e.g. 'o-a1b2c3d4e5'.",
    doc=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "reference_policies_condition-keys.html#condition-keys-principalorgid"
    ),
)
EXTERNAL_ID_INVALID = RuleInfo(
    id="IAMR-CA-007",
    severity=Severity.ERROR,
    what="Each of external_ids is 2 to 1,224 of letters, digits and +=,.@:/_-.",
    why="STS rejects other external IDs, so the role could never be assumed with them.",
    fix="Copy the external ID exactly as the vendor or the caller passes it.",
    doc="https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html",
)
WHOLE_ACCOUNT = RuleInfo(
    id="IAMR-CA-008",
    severity=Severity.WARNING,
    what="The role trusts whole accounts (trusted_accounts).",
    why=(
        "Trusting an account delegates the decision to that account: every principal there "
        "whose identity policy allows sts:AssumeRole on this role can assume it."
    ),
    fix=(
        "Prefer trusted_principals with the exact role ARNs that need access; acknowledge "
        "this warning if the other account's administrators should decide."
    ),
    doc=_PRINCIPALS,
)
SESSION_TAGS_INVALID = RuleInfo(
    id="IAMR-CA-009",
    severity=Severity.ERROR,
    what=(
        "allow_session_tags=True comes with session_tag_keys: 1 to 50 tag keys of 1 to 128 "
        "characters, none starting with 'aws:'."
    ),
    why=(
        "Session tags become aws:PrincipalTag values that other policies trust; allowing "
        "sts:TagSession without limiting the keys lets a caller set any tag it likes."
    ),
    fix="Pass session_tag_keys=['team', ...] with the keys the callers may set.",
    doc=_TAGS,
)
GRANTEE_NOT_TRUSTED = RuleInfo(
    id="IAMR-CA-010",
    severity=Severity.ERROR,
    what=(
        "grant_assume_to() is used for an identity in a trusted account, whose stack can "
        "name this role (same environment, or the role has a role_name)."
    ),
    why=(
        "Across accounts both sides must allow the call; granting sts:AssumeRole to an "
        "identity that the trust policy does not name never works."
    ),
    fix="Add the grantee's account or ARN to the role's trust, or grant a trusted identity.",
    doc=_CROSS_ACCOUNT,
)
SWITCH_INVALID = RuleInfo(
    id="IAMR-CA-011",
    severity=Severity.ERROR,
    what=(
        "The switches third_party, require_mfa, allow_session_tags and "
        "require_source_identity are True or False."
    ),
    why="Any other value is a mistake that would be read as true or false by accident.",
    fix="Pass True or False.",
    doc=_CROSS_ACCOUNT,
)
