"""Construct-time rules of OrgRoleRollout, the StackSet rollout of roles (IAMR-SET-*)."""

from __future__ import annotations

from cdk_iam_roles.rules.model import RuleInfo, Severity

_STACK_SET = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/"
    "aws-resource-cloudformation-stackset.html"
)
_TARGETS = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html"
)
_PREFERENCES = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/"
    "API_StackSetOperationPreferences.html"
)

NO_TARGET = RuleInfo(
    id="IAMR-SET-001",
    severity=Severity.ERROR,
    what="An OrgRoleRollout targets at least one organizational unit (or the root).",
    why="A service-managed StackSet without deployment targets deploys the roles nowhere.",
    fix="Pass organizational_units=['ou-ab12-34cd5678'] (or the root ID 'r-ab12').",
    doc=_TARGETS,
)
OU_INVALID = RuleInfo(
    id="IAMR-SET-002",
    severity=Severity.ERROR,
    what=(
        "Each of organizational_units is an OU ID ('ou-' + 4 to 32 lower-case letters or "
        "digits + '-' + 8 to 32 more) or the organization root ID ('r-' + 4 to 32)."
    ),
    why="CloudFormation rejects any other deployment target, and the rollout fails.",
    fix="Copy the ID from the Organizations console, e.g. 'ou-ab12-34cd5678'.",
    doc="https://docs.aws.amazon.com/organizations/latest/APIReference/API_OrganizationalUnit.html",
)
ACCOUNT_INVALID = RuleInfo(
    id="IAMR-SET-003",
    severity=Severity.ERROR,
    what="Each of exclude_accounts is a 12-digit AWS account ID.",
    why="CloudFormation rejects other account IDs, and a typo would exclude nobody.",
    fix="Pass the 12-digit ID of each account to leave out.",
    doc=_TARGETS,
)
PERCENTAGE_INVALID = RuleInfo(
    id="IAMR-SET-004",
    severity=Severity.ERROR,
    what=(
        "max_concurrent_percentage is a whole number from 1 to 100 and "
        "failure_tolerance_percentage one from 0 to 100."
    ),
    why="CloudFormation accepts no other StackSet operation preferences.",
    fix="Pass whole numbers in range, e.g. max_concurrent_percentage=25.",
    doc=_PREFERENCES,
)
NAME_COLLISION = RuleInfo(
    id="IAMR-SET-005",
    severity=Severity.ERROR,
    what=(
        "A fixed role_name is created once per member account: not twice in one member "
        "template, not by two rollouts of one app, and not in more than one region."
    ),
    why=(
        "IAM role names are unique in an account and IAM is global: a second stack "
        "instance (another region, another rollout reaching the same account) fails with "
        "'already exists' and the rollout stops in that account."
    ),
    fix=(
        "Give each role its own name, deploy IAM roles to one region, or leave role_name "
        "unset so that CloudFormation generates a unique name."
    ),
    doc="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
)
REGION_INVALID = RuleInfo(
    id="IAMR-SET-006",
    severity=Severity.ERROR,
    what="regions is a non-empty list of distinct region names such as 'eu-west-1'.",
    why="A StackSet deploys one stack instance per region; a misspelt region fails the rollout.",
    fix="Pass region names, or leave regions unset for the stack's own region.",
    doc=_STACK_SET,
)
NO_ROLES = RuleInfo(
    id="IAMR-SET-007",
    severity=Severity.ERROR,
    what="build is a callable that creates at least one IAM role in the member scope.",
    why="A rollout without roles deploys an empty stack to every account.",
    fix="Pass build=lambda scope: ServiceRole(scope, 'Audit', ...) (or any role pattern).",
    doc=_STACK_SET,
)
SETTING_INVALID = RuleInfo(
    id="IAMR-SET-008",
    severity=Severity.ERROR,
    what=(
        "auto_deploy, retain_stacks_on_account_removal and delegated_admin are True or "
        "False; retain_stacks_on_account_removal needs auto_deploy; stack_set_name is "
        "a letter then letters, digits and '-' (at most 128); description is at most 1,024 "
        "characters."
    ),
    why=(
        "CloudFormation reads RetainStacksOnAccountRemoval only with auto-deployment on and "
        "rejects other StackSet names; any other switch value is a mistake."
    ),
    fix="Pass True or False, and a name such as 'audit-role'.",
    doc=_STACK_SET,
)
