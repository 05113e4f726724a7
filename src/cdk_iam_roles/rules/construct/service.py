"""Construct-time rules of ServiceRole and ServiceLinkedRole (IAMR-SVC-*, IAMR-SLR-*)."""

from __future__ import annotations

from cdk_iam_roles.rules.model import RuleInfo, Severity

_PRINCIPALS = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "reference_policies_elements_principal.html#principal-services"
)
_DEPUTY = "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html"
_SLR = "https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html"

SERVICE_MISSING = RuleInfo(
    id="IAMR-SVC-001",
    severity=Severity.ERROR,
    what="A ServiceRole names at least one service principal.",
    why="A role without a trusted principal can never be assumed.",
    fix="Pass service='lambda.amazonaws.com' (or a list of service principals).",
    doc=_PRINCIPALS,
)
SERVICE_INVALID = RuleInfo(
    id="IAMR-SVC-002",
    severity=Severity.ERROR,
    what="Each service is a service principal name such as 'lambda.amazonaws.com'.",
    why=(
        "IAM rejects a trust policy with a malformed service principal, and a wildcard "
        "would trust every service."
    ),
    fix="Spell the principal as the service's documentation shows, e.g. 'ecs-tasks.amazonaws.com'.",
    doc=_PRINCIPALS,
)
SOURCE_ACCOUNT_INVALID = RuleInfo(
    id="IAMR-SVC-003",
    severity=Severity.ERROR,
    what="source_account is a 12-digit account ID.",
    why="aws:SourceAccount is compared with the calling resource's account ID.",
    fix="Pass the 12-digit account ID, or leave it out to use the stack's account.",
    doc=_DEPUTY,
)
SOURCE_ARN_INVALID = RuleInfo(
    id="IAMR-SVC-004",
    severity=Severity.ERROR,
    what=(
        "source_arn is an ARN of the stack's partition; for ECS tasks it is the wildcard "
        "form arn:PARTITION:ecs:REGION:ACCOUNT:*."
    ),
    why=(
        "aws:SourceArn is compared with the ARN of the resource that makes the call; an ARN "
        "of another partition or a form the service does not send locks the role out."
    ),
    fix="Pass the ARN of the resource that uses the role, in the stack's partition.",
    doc=_DEPUTY,
)
PROTECTION_CONTRADICTION = RuleInfo(
    id="IAMR-SVC-005",
    severity=Severity.ERROR,
    what=(
        "source_account and source_arn are not given together with "
        "confused_deputy_protection=False."
    ),
    why="The conditions were asked for and turned off at once; the intent is unclear.",
    fix="Drop source_account/source_arn, or keep confused_deputy_protection=True.",
    doc=_DEPUTY,
)
KEY_NOT_SENT = RuleInfo(
    id="IAMR-SVC-006",
    severity=Severity.WARNING,
    what=(
        "source_account or source_arn is given for a service not on the list of services "
        "known to send aws:SourceAccount/aws:SourceArn."
    ),
    why=(
        "A condition on a key the service does not send makes the role impossible to "
        "assume, so the conditions are not applied to that service; this warning says so."
    ),
    fix=(
        "Check the service's documentation; if it sends the keys, add a trust statement "
        "with the condition through role.assume_role_policy and report the service."
    ),
    doc=_DEPUTY,
)
INSTANCE_PROFILE_NOT_EC2 = RuleInfo(
    id="IAMR-SVC-007",
    severity=Severity.WARNING,
    what="instance_profile=True is used only for roles that EC2 assumes.",
    why=(
        "An instance profile passes the role to EC2 instances; EC2 cannot assume a role "
        "that does not trust ec2.amazonaws.com."
    ),
    fix="Add 'ec2.amazonaws.com' to service, or drop instance_profile=True.",
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2_instance-profiles.html",
)
SOURCE_ORG_INVALID = RuleInfo(
    id="IAMR-SVC-008",
    severity=Severity.ERROR,
    what=(
        "source_org_id is an organization ID (o-…) and source_org_paths are organization "
        "paths (o-…/r-…/ou-…/, optionally ending in '*'); neither is combined with "
        "source_account."
    ),
    why=(
        "aws:SourceOrgID / aws:SourceOrgPaths pin the organization of the resource the "
        "service acts for, for roles shared across the accounts of an organization; a "
        "malformed value never matches, and with source_account both would have to hold."
    ),
    fix=(
        "Pass source_org_id='o-a1b2c3d4e5' (or source_org_paths=['o-a1b2c3d4e5/r-ab12/"
        "ou-ab12-11111111/*']) instead of source_account."
    ),
    doc=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "reference_policies_condition-keys.html#condition-keys-sourceorgid"
    ),
)

SLR_SERVICE_INVALID = RuleInfo(
    id="IAMR-SLR-001",
    severity=Severity.ERROR,
    what=(
        "A ServiceLinkedRole's service is a service principal such as "
        "'elasticbeanstalk.amazonaws.com'."
    ),
    why="CreateServiceLinkedRole rejects other names and the deployment fails.",
    fix="Pass the AWS service name from the service's service-linked role documentation.",
    doc=_SLR,
)
SLR_SUFFIX_INVALID = RuleInfo(
    id="IAMR-SLR-002",
    severity=Severity.ERROR,
    what="custom_suffix is 1 to 64 of letters, digits and +=,.@_-.",
    why="CreateServiceLinkedRole rejects other suffixes and the deployment fails.",
    fix="Use a short suffix such as 'app1'.",
    doc="https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateServiceLinkedRole.html",
)
SLR_DESCRIPTION_INVALID = RuleInfo(
    id="IAMR-SLR-003",
    severity=Severity.ERROR,
    what="description is at most 1,000 printable characters.",
    why="CreateServiceLinkedRole rejects longer descriptions and control characters.",
    fix="Shorten the description.",
    doc="https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateServiceLinkedRole.html",
)
SLR_IF_EXISTS_INVALID = RuleInfo(
    id="IAMR-SLR-004",
    severity=Severity.ERROR,
    what="if_exists is 'adopt' or 'fail'.",
    why="These are the two behaviours when the role already exists in the account.",
    fix="Pass if_exists='adopt' (default) or if_exists='fail'.",
    doc=_SLR,
)
