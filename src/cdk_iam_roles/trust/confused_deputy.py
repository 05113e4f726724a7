"""Curated allow-list of services that send ``aws:SourceAccount`` / ``aws:SourceArn``.

Why this list exists
--------------------
When an AWS service assumes a customer's service role, some services attach the
identity of the resource they are acting for to the ``sts:AssumeRole`` request:
``aws:SourceAccount`` (the account that owns that resource) and ``aws:SourceArn``
(the resource itself). A trust-policy condition on those keys stops another
customer from steering the service into assuming *your* role (the cross-service
confused deputy problem).

The catch is that a condition on a key that is absent from the request does not
match. ``StringEquals`` / ``ArnLike`` against a missing key evaluates to false, so
the ``Allow`` statement never applies and the role becomes unassumable: the
service fails at run time with an access-denied error, often long after the stack
deployed cleanly. Not every service sends these keys, and some send them only for
some of their features. A generic "add the keys for every service principal" rule
is therefore unsafe.

``ServiceRole`` only adds the conditions by default for principals listed here,
and every entry below is backed by an AWS documentation page that shows a trust
policy (or, where noted, a trust-policy condition block) using the keys for that
principal. Anything not listed gets no automatic condition.

How to add an entry
-------------------
1. Find the AWS documentation page that shows a *trust policy* for the service
   principal with ``aws:SourceAccount`` and/or ``aws:SourceArn``. A resource
   policy (S3 bucket, KMS key, SNS topic, Lambda permission) that uses the keys is
   not enough: it proves the service sends the keys when it calls that other
   service, not when it calls ``sts:AssumeRole``.
2. Record only the keys the page actually shows. If the page shows only
   ``aws:SourceArn``, set ``source_account=False``.
3. Copy the page's ARN shape into ``source_arn_pattern`` using the placeholders
   ``${Partition}``, ``${Region}`` and ``${Account}`` (keep the page's resource
   type, e.g. ``stateMachine:*``). Set ``wildcard_arn_only=True`` when the page says
   that a specific resource ARN is not supported or that the value must have
   exactly the documented form.
4. Put the page URL in ``citation`` and describe any limitation (a feature-specific
   example, a role kind the page does not cover) in ``note``.
5. Keep ``_ENTRIES`` sorted by principal; the module checks this at import time.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "CONFUSED_DEPUTY_SERVICES",
    "ConfusedDeputySupport",
    "confused_deputy_support",
]

_CHINA_SUFFIX = ".amazonaws.com.cn"
_GLOBAL_SUFFIX = ".amazonaws.com"


@dataclass(frozen=True, slots=True)
class ConfusedDeputySupport:
    """What a service sends when it assumes a customer's role."""

    principal: str
    """Service principal, e.g. ``"states.amazonaws.com"``."""
    source_account: bool
    """The documentation shows ``aws:SourceAccount`` in this principal's trust policy."""
    source_arn: bool
    """The documentation shows ``aws:SourceArn`` in this principal's trust policy."""
    source_arn_pattern: str | None
    """Documented ARN shape, with ``${Partition}``, ``${Region}`` and ``${Account}``."""
    wildcard_arn_only: bool
    """Only the documented wildcard form matches; a specific resource ARN does not."""
    citation: str
    """AWS documentation URL showing the trust policy."""
    note: str = ""
    """Caveats: feature-specific examples, role kinds the page does not cover."""
    documented_uses: tuple[tuple[str, str], ...] = ()
    """When not empty, the only role kinds the citation covers, as (CloudFormation
    resource type, property that passes the role). A role of this principal that a
    template passes through another property (an ECS task *execution* role, an EMR
    cluster's service role) is of a kind the page does not show: no warning for it."""

    def advice(self) -> str:
        """The condition(s) the page shows for this principal, as a fix.

        Example:
            >>> confused_deputy_support("sagemaker.amazonaws.com").advice()
            'add ArnLike aws:SourceArn = arn:${Partition}:sagemaker:${Region}:${Account}:*'
        """
        parts = []
        if self.source_account:
            parts.append("StringEquals aws:SourceAccount = your account")
        if self.source_arn_pattern is not None:
            parts.append(f"ArnLike aws:SourceArn = {self.source_arn_pattern}")
        return "add " + " and ".join(parts)


_ENTRIES: tuple[ConfusedDeputySupport, ...] = (
    ConfusedDeputySupport(
        principal="appstream.amazonaws.com",
        source_account=True,
        source_arn=True,
        source_arn_pattern="arn:${Partition}:appstream:${Region}:${Account}:fleet/*",
        wildcard_arn_only=False,
        citation=(
            "https://docs.aws.amazon.com/appstream2/latest/developerguide/"
            "example-fleet-machine.html"
        ),
        note=(
            "Fleet machine role. The page shows each key in its own example; the fleet ARN "
            "pattern with a wildcard is suggested when one role serves several fleets."
        ),
    ),
    ConfusedDeputySupport(
        principal="appsync.amazonaws.com",
        source_account=True,
        source_arn=True,
        source_arn_pattern="arn:${Partition}:appsync:${Region}:${Account}:apis/*",
        wildcard_arn_only=False,
        citation=("https://docs.aws.amazon.com/appsync/latest/eventapi/adding-a-data-source.html"),
        note=(
            "Data source roles. The page shows aws:SourceAccount and aws:SourceArn (ArnEquals, "
            "one API or apis/*) in separate examples."
        ),
    ),
    ConfusedDeputySupport(
        principal="bedrock.amazonaws.com",
        source_account=True,
        source_arn=True,
        source_arn_pattern=(
            "arn:${Partition}:bedrock:${Region}:${Account}:model-customization-job/*"
        ),
        wildcard_arn_only=False,
        citation=(
            "https://docs.aws.amazon.com/bedrock/latest/userguide/model-customization-iam-role.html"
        ),
        note=(
            "The resource type in aws:SourceArn depends on the feature the role serves: the "
            "model-import role page uses model-import-job/*, other Bedrock features use their "
            "own resource types. Verify the ARN for the feature before narrowing it."
        ),
    ),
    ConfusedDeputySupport(
        principal="codedeploy.amazonaws.com",
        source_account=True,
        source_arn=True,
        source_arn_pattern="arn:${Partition}:codedeploy:${Region}:${Account}:deploymentgroup:*",
        wildcard_arn_only=False,
        citation=(
            "https://docs.aws.amazon.com/codedeploy/latest/userguide/security_confused_deputy.html"
        ),
        note=(
            "Deployment group service role. For EC2/on-premises, Lambda and ECS deployments "
            "aws:SourceArn is the deployment group ARN (deploymentgroup:APPLICATION/GROUP); for "
            "ECS blue/green deployments made through CloudFormation it is the stack's ARN, so "
            "narrow aws:SourceArn only for the first kind."
        ),
        documented_uses=(("AWS::CodeDeploy::DeploymentGroup", "ServiceRoleArn"),),
    ),
    ConfusedDeputySupport(
        principal="comprehend.amazonaws.com",
        source_account=True,
        source_arn=False,
        source_arn_pattern=None,
        wildcard_arn_only=False,
        citation=(
            "https://docs.aws.amazon.com/comprehend/latest/dg/"
            "cross-service-confused-deputy-prevention.html"
        ),
        note=(
            "Only the aws:SourceAccount trust-policy example was confirmed. The page also "
            "mentions aws:SourceArn for encrypted model endpoints, but its ARN form was not "
            "verified, so no SourceArn is recorded."
        ),
    ),
    ConfusedDeputySupport(
        principal="config.amazonaws.com",
        source_account=True,
        source_arn=True,
        source_arn_pattern="arn:${Partition}:config:${Region}:${Account}:*",
        wildcard_arn_only=True,
        citation=(
            "https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html"
        ),
        note=(
            "The trust-policy JSON shows aws:SourceAccount; the text states that aws:SourceArn "
            "is always the account/region wildcard of the configuration recorder, so a specific "
            "resource ARN would not match."
        ),
    ),
    ConfusedDeputySupport(
        principal="datasync.amazonaws.com",
        source_account=True,
        source_arn=True,
        source_arn_pattern="arn:${Partition}:datasync:${Region}:${Account}:*",
        wildcard_arn_only=False,
        citation=(
            "https://docs.aws.amazon.com/datasync/latest/userguide/"
            "cross-service-confused-deputy-prevention.html"
        ),
        note=(
            "aws:SourceArn is the DataSync location ARN; use the wildcard while the location "
            "does not exist yet (e.g. when creating an S3 location)."
        ),
    ),
    ConfusedDeputySupport(
        principal="ecs-tasks.amazonaws.com",
        source_account=True,
        source_arn=True,
        source_arn_pattern="arn:${Partition}:ecs:${Region}:${Account}:*",
        wildcard_arn_only=True,
        citation=(
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html"
        ),
        note=(
            "Scoping aws:SourceArn to a specific cluster is not supported; only the "
            "account/region wildcard works. The page documents the task role; the task "
            "execution role page (task_execution_IAM_role.html) shows a bare trust policy "
            "for the same principal, so execution roles get no warning."
        ),
        documented_uses=(("AWS::ECS::TaskDefinition", "TaskRoleArn"),),
    ),
    ConfusedDeputySupport(
        principal="elasticmapreduce.amazonaws.com",
        source_account=True,
        source_arn=True,
        source_arn_pattern="arn:${Partition}:elasticmapreduce:${Region}:${Account}:*",
        wildcard_arn_only=False,
        citation=(
            "https://docs.aws.amazon.com/emr/latest/ManagementGuide/"
            "emr-managed-notebooks-service-role.html"
        ),
        note=(
            "Shown for the EMR Notebooks and EMR Studio service roles; the cluster service "
            "role (EMR_DefaultRole_V2) page was not confirmed to show the keys, so cluster "
            "service roles get no warning."
        ),
        documented_uses=(("AWS::EMR::Studio", "ServiceRole"),),
    ),
    ConfusedDeputySupport(
        principal="fis.amazonaws.com",
        source_account=True,
        source_arn=True,
        source_arn_pattern="arn:${Partition}:fis:${Region}:${Account}:experiment/*",
        wildcard_arn_only=False,
        citation=(
            "https://docs.aws.amazon.com/fis/latest/userguide/getting-started-iam-service-role.html"
        ),
        note="Experiment role.",
    ),
    ConfusedDeputySupport(
        principal="iot.amazonaws.com",
        source_account=True,
        source_arn=True,
        source_arn_pattern="arn:${Partition}:iot:${Region}:${Account}:*",
        wildcard_arn_only=True,
        citation=(
            "https://docs.aws.amazon.com/iot/latest/developerguide/"
            "cross-service-confused-deputy-prevention.html"
        ),
        note="The page requires aws:SourceArn to have exactly the account/region wildcard form.",
    ),
    ConfusedDeputySupport(
        principal="kendra.amazonaws.com",
        source_account=True,
        source_arn=True,
        source_arn_pattern="arn:${Partition}:kendra:${Region}:${Account}:index/*",
        wildcard_arn_only=False,
        citation="https://docs.aws.amazon.com/kendra/latest/dg/iam-roles.html",
        note="Shown with StringLike on the index ARN.",
    ),
    ConfusedDeputySupport(
        principal="logs.amazonaws.com",
        source_account=False,
        source_arn=True,
        source_arn_pattern="arn:${Partition}:logs:${Region}:${Account}:*",
        wildcard_arn_only=False,
        citation=(
            "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/"
            "Subscriptions-confused-deputy.html"
        ),
        note=(
            "Documented only for the role CloudWatch Logs uses to deliver subscription data to "
            "Kinesis Data Streams / Firehose, and only with aws:SourceArn. Other logs roles "
            "(e.g. organization subscription-filter roles) are shown without conditions."
        ),
    ),
    ConfusedDeputySupport(
        principal="monitoring.rds.amazonaws.com",
        source_account=True,
        source_arn=True,
        source_arn_pattern="arn:${Partition}:rds:${Region}:${Account}:db:*",
        wildcard_arn_only=False,
        citation=(
            "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html"
        ),
        note=(
            "Enhanced Monitoring role; the page uses the DB instance ARN (db:dbname). The ARN "
            "form for Multi-AZ DB clusters was not confirmed."
        ),
    ),
    ConfusedDeputySupport(
        principal="personalize.amazonaws.com",
        source_account=True,
        source_arn=True,
        source_arn_pattern="arn:${Partition}:personalize:${Region}:${Account}:*",
        wildcard_arn_only=False,
        citation=(
            "https://docs.aws.amazon.com/personalize/latest/dg/"
            "cross-service-confused-deputy-prevention.html"
        ),
    ),
    ConfusedDeputySupport(
        principal="rds.amazonaws.com",
        source_account=True,
        source_arn=True,
        source_arn_pattern="arn:${Partition}:rds:${Region}:${Account}:db:*",
        wildcard_arn_only=False,
        citation=(
            "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/"
            "cross-service-confused-deputy-prevention.html"
        ),
        note=(
            "Feature roles (S3 import/export, SQL Server audit, ...). The examples use a DB "
            "instance ARN; cluster-level features use a cluster ARN instead."
        ),
    ),
    ConfusedDeputySupport(
        principal="sagemaker.amazonaws.com",
        source_account=False,
        source_arn=True,
        source_arn_pattern="arn:${Partition}:sagemaker:${Region}:${Account}:*",
        wildcard_arn_only=True,
        citation=(
            "https://docs.aws.amazon.com/sagemaker/latest/dg/security-confused-deputy-prevention.html"
        ),
        note=(
            "Trust-policy examples are per feature and use only aws:SourceArn. For Studio and "
            "inference the documented value must be used as-is (the asterisk is not a "
            "wildcard); training, processing, transform, Neo and pipeline jobs use their own "
            "resource types. Notebook instances are not covered, so a shared execution role "
            "may break if narrowed."
        ),
    ),
    ConfusedDeputySupport(
        principal="scheduler.amazonaws.com",
        source_account=True,
        source_arn=True,
        source_arn_pattern="arn:${Partition}:scheduler:${Region}:${Account}:schedule-group/*",
        wildcard_arn_only=False,
        citation=(
            "https://docs.aws.amazon.com/scheduler/latest/UserGuide/"
            "cross-service-confused-deputy-prevention.html"
        ),
        note="Schedule execution role; aws:SourceArn is the schedule group ARN.",
    ),
    ConfusedDeputySupport(
        principal="ssm.amazonaws.com",
        source_account=True,
        source_arn=True,
        source_arn_pattern="arn:${Partition}:ssm:${Region}:${Account}:*",
        wildcard_arn_only=False,
        citation=(
            "https://docs.aws.amazon.com/systems-manager/latest/userguide/"
            "hybrid-multicloud-service-role.html"
        ),
        note=(
            "Shown for the hybrid-activation service role and for Automation "
            "(systems-manager/latest/userguide/cross-service-confused-deputy-prevention.html), "
            "using ArnEquals with the account/region wildcard. Other SSM features that use this "
            "principal were not checked."
        ),
    ),
    ConfusedDeputySupport(
        principal="states.amazonaws.com",
        source_account=True,
        source_arn=True,
        source_arn_pattern="arn:${Partition}:states:${Region}:${Account}:stateMachine:*",
        wildcard_arn_only=False,
        citation=(
            "https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html"
        ),
        note=(
            "State machine execution role ('Prevent cross-service confused deputy issue' "
            "section); the Step Functions console also generates roles with both keys."
        ),
    ),
    ConfusedDeputySupport(
        principal="transcribe.amazonaws.com",
        source_account=True,
        source_arn=True,
        source_arn_pattern="arn:${Partition}:transcribe:${Region}:${Account}:*",
        wildcard_arn_only=False,
        citation=(
            "https://docs.aws.amazon.com/transcribe/latest/dg/"
            "security_iam_id-based-policy-examples.html"
        ),
        note=(
            "'Confused deputy prevention policy' example (StringLike on aws:SourceArn). "
            "Real-time Call Analytics uses transcribe.streaming.amazonaws.com, not listed here."
        ),
    ),
    ConfusedDeputySupport(
        principal="transfer.amazonaws.com",
        source_account=True,
        source_arn=True,
        source_arn_pattern="arn:${Partition}:transfer:${Region}:${Account}:user/*",
        wildcard_arn_only=False,
        citation="https://docs.aws.amazon.com/transfer/latest/userguide/confused-deputy.html",
        note=(
            "User roles use the user ARN (user/server-id/user-name); logging and workflow "
            "roles use the server ARN (server/*) instead."
        ),
    ),
    ConfusedDeputySupport(
        principal="vpc-flow-logs.amazonaws.com",
        source_account=True,
        source_arn=True,
        source_arn_pattern="arn:${Partition}:ec2:${Region}:${Account}:vpc-flow-log/*",
        wildcard_arn_only=False,
        citation="https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html",
        note=(
            "Role for publishing flow logs to CloudWatch Logs. aws:SourceArn is the flow log "
            "ARN, which lives in the ec2 namespace, not under the principal's own name."
        ),
    ),
)


def _build_index(
    entries: tuple[ConfusedDeputySupport, ...],
) -> Mapping[str, ConfusedDeputySupport]:
    principals = [entry.principal for entry in entries]
    if principals != sorted(principals):
        raise ValueError("confused-deputy entries must be sorted by principal")
    if len(set(principals)) != len(principals):
        raise ValueError("confused-deputy entries contain a duplicate principal")
    for entry in entries:
        if not entry.principal.endswith(_GLOBAL_SUFFIX):
            raise ValueError(f"{entry.principal!r} is not a '*.amazonaws.com' principal")
        if not (entry.source_account or entry.source_arn):
            raise ValueError(f"{entry.principal!r} records neither condition key")
        if entry.source_arn != (entry.source_arn_pattern is not None):
            raise ValueError(f"{entry.principal!r}: source_arn and its pattern disagree")
        if entry.wildcard_arn_only and not entry.source_arn:
            raise ValueError(f"{entry.principal!r}: wildcard_arn_only needs source_arn")
        if not entry.citation.startswith("https://docs.aws.amazon.com/"):
            raise ValueError(f"{entry.principal!r}: citation must be an AWS documentation URL")
    return types.MappingProxyType({entry.principal: entry for entry in entries})


CONFUSED_DEPUTY_SERVICES: Mapping[str, ConfusedDeputySupport] = _build_index(_ENTRIES)
"""Read-only view of the allow-list, keyed by service principal in sorted order."""


def confused_deputy_support(principal: str) -> ConfusedDeputySupport | None:
    """Return the documented confused-deputy support for ``principal``, if any.

    The legacy China-region spelling ``x.amazonaws.com.cn`` is looked up as
    ``x.amazonaws.com``. Lookup is exact otherwise (after trimming surrounding
    whitespace and lower-casing): an unknown principal returns ``None``, which
    means "add no condition".
    """
    key = principal.strip().lower()
    if key.endswith(_CHINA_SUFFIX):
        key = key[: -len(_CHINA_SUFFIX)] + _GLOBAL_SUFFIX
    return CONFUSED_DEPUTY_SERVICES.get(key)
