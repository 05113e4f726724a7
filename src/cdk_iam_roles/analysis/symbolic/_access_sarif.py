"""Show external-access verdicts as a SARIF 2.1.0 log, for code-scanning tools.

One result per role that is not proved ``internal``: ``IAMR-ACCESS-001`` (error) when a
caller outside the zone of trust can assume the role, with the witness request in the
message and in ``properties.witness``; ``IAMR-ACCESS-002`` (warning) when it could not be
decided (never left out: an undecided role is not reported clean). A role acknowledged
with ``--acknowledge`` stays in the log with a ``suppressions`` entry of kind
``external`` (the acknowledgement lives outside the source, on the command line or in a
file), status ``accepted`` and the reason as its justification, which code-scanning
tools show as dismissed. Internal roles give no result.
https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/sarif-v2.1.0-os.html#_Toc34317885

Example:
    >>> from cdk_iam_roles.analysis.assembly import load_app
    >>> from cdk_iam_roles.analysis.symbolic._access import external_access
    >>> tpl = {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
    ...     "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
    ...     {"Effect": "Allow", "Action": "sts:AssumeRole",
    ...      "Principal": {"AWS": "arn:aws:iam::222222222222:root"}}]}}}}}
    >>> role = load_app(tpl, account="111111111111").roles[0]
    >>> log = access_sarif([(external_access(role), "template.json")])
    >>> [r["ruleId"] for r in log["runs"][0]["results"]]
    ['IAMR-ACCESS-001']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cdk_iam_roles import __version__
from cdk_iam_roles.analysis.symbolic._access import RoleAccess
from cdk_iam_roles.analysis.symbolic._render import SARIF_SCHEMA, who

ACCESS_RULES = {
    "IAMR-ACCESS-001": "A principal outside the zone of trust can assume the role.",
    "IAMR-ACCESS-002": (
        "Whether a principal outside the zone of trust can assume the role could not be "
        "decided offline."
    ),
}
"""SARIF rule IDs of ``access``: external access, undecided."""

_LEVEL = {"IAMR-ACCESS-001": "error", "IAMR-ACCESS-002": "warning"}


def _message(result: RoleAccess) -> str:
    role = result.role
    text = f"{role.path} ({role.logical_id} in {role.stack}): {result.access}"
    if result.witness is not None:
        text += f"; {who(result.witness)} can assume it: {result.witness.describe()}"
    else:
        text += f"; {result.reason}"
    if result.federated:
        text += "; federated: " + "; ".join(result.federated)
    return text


def access_sarif(results: Sequence[tuple[RoleAccess, str | None]]) -> dict[str, Any]:
    """A SARIF 2.1.0 log of external-access verdicts.

    Args:
        results: each role's verdict with the template file it was read from (``None``
            when unknown: the result then has a logical location only). Required.

    Returns:
        The log as JSON data (one run; the tool's rules, one result per role that is
        external or undecided, ordered by role path).

    Example:
        >>> access_sarif([])["runs"][0]["results"]
        []
    """
    ids = list(ACCESS_RULES)
    rules = [
        {
            "id": rule_id,
            "name": rule_id.replace("-", ""),
            "shortDescription": {"text": text},
            "helpUri": "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-concepts.html",
            "defaultConfiguration": {"level": _LEVEL[rule_id]},
            "properties": {"tags": ["security", "iam"]},
        }
        for rule_id, text in ACCESS_RULES.items()
    ]
    shown: list[dict[str, Any]] = []
    for result, source in sorted(results, key=lambda pair: pair[0].role.path):
        if result.access == "internal":
            continue
        rule_id = "IAMR-ACCESS-001" if result.access == "external" else "IAMR-ACCESS-002"
        role = result.role
        location: dict[str, Any] = {
            "logicalLocations": [
                {"name": role.logical_id, "fullyQualifiedName": role.path, "kind": "resource"}
            ]
        }
        if source:
            location["physicalLocation"] = {"artifactLocation": {"uri": source.replace("\\", "/")}}
        entry: dict[str, Any] = {
            "ruleId": rule_id,
            "ruleIndex": ids.index(rule_id),
            "level": _LEVEL[rule_id],
            "message": {"text": _message(result)},
            "locations": [location],
            "properties": {
                "access": result.access,
                "roleName": role.role_name,
                "witness": None if result.witness is None else result.witness.to_dict(),
                "federated": list(result.federated),
            },
        }
        if result.acknowledged is not None:
            entry["suppressions"] = [
                {"kind": "external", "status": "accepted", "justification": result.acknowledged}
            ]
        shown.append(entry)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "cdk-iam-roles access",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "results": shown,
            }
        ],
    }
