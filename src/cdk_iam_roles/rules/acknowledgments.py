"""The acknowledgments a CDK app recorded, read back from its cloud assembly (pure Python).

An app acknowledges a finding with CDK's own mechanism,
``cdk.Validations.of(scope).acknowledge(cdk.Acknowledgment(id="cdk-iam-roles::RULE",
reason=...))`` (or :func:`cdk_iam_roles.plugin.acknowledge`). CDK records it where the
assembly keeps it:

* on a stack or any construct in it: as ``aws:cdk:acknowledged-rules`` metadata of that
  construct (``{"cdk-iam-roles::RULE": reason}``), in the stack's ``*.metadata.json`` or
  manifest entry (read by :func:`cdk_iam_roles.cfn.read_assembly` into
  ``StackTemplate.acknowledged``);
* on the app or a stage (above every stack): nowhere but CDK's validation report,
  ``validation-report.json``, which lists each finding the plugin reported at synth that
  an acknowledgment suppressed, with ``acknowledgedAt`` and ``reason``.

An acknowledgment applies to the construct it was given on and every construct below
it, for its rule only; the nearest one wins, as in CDK's own report
(https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.Validations.html).

Example:
    >>> recorded = {"App/Stack/Open": {"cdk-iam-roles::IAMR-TRUST-001": "demo"}}
    >>> acks = Acknowledgments.of_scopes(recorded)
    >>> acks.find("IAMR-TRUST-001", "App/Stack/Open/Resource").reason
    'demo'
    >>> acks.find("IAMR-TRUST-001", "App/Stack/Other/Resource") is None
    True
    >>> acks.find("IAMR-TRUST-002", "App/Stack/Open/Resource") is None
    True
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdk_iam_roles.cfn import StackTemplate
from cdk_iam_roles.rules.model import Finding

__all__ = [
    "PLUGIN_NAME",
    "VALIDATION_REPORT",
    "Acknowledgment",
    "Acknowledgments",
    "acknowledgment_id",
    "read_acknowledgments",
    "read_app_acknowledgments",
    "split_acknowledged",
]

PLUGIN_NAME = "cdk-iam-roles"
"""The plugin's name; CDK derives the acknowledgment namespace from it."""
VALIDATION_REPORT = "validation-report.json"
"""CDK's validation report, written at the root of the assembly."""


def acknowledgment_id(rule_id: str) -> str:
    """The ID that acknowledges one of our rules in CDK (``cdk-iam-roles::<rule ID>``).

    Example:
        >>> acknowledgment_id("IAMR-TAG-001")
        'cdk-iam-roles::IAMR-TAG-001'
    """
    return f"{PLUGIN_NAME}::{rule_id}"


@dataclass(frozen=True, slots=True)
class Acknowledgment:
    """One acknowledgment: a rule accepted on a construct and everything below it.

    Args:
        rule_id: our rule ID, e.g. ``IAMR-TRUST-001``.
        scope: the construct path it was given on (``""`` for the app).
        reason: why it was accepted, as the app wrote it.
    """

    rule_id: str
    scope: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        """``{"rule_id", "scope", "reason"}``."""
        return {"rule_id": self.rule_id, "scope": self.scope, "reason": self.reason}


def _rule_of(qualified: str) -> str | None:
    """Our rule ID in a CDK acknowledgment ID, or ``None`` for another plugin's."""
    # CDK writes spaces of a plugin name as dashes in the namespace.
    namespace, sep, rule_id = qualified.partition("::")
    if not sep or namespace.replace(" ", "-") != PLUGIN_NAME or not rule_id:
        return None
    return rule_id.replace(" ", "-")


@dataclass(frozen=True, slots=True)
class Acknowledgments:
    """The acknowledgments of one app, by rule and scope.

    Args:
        by_rule: rule ID → construct path → acknowledgment.
    """

    by_rule: Mapping[str, Mapping[str, Acknowledgment]] = field(default_factory=dict)

    @classmethod
    def of_scopes(cls, scopes: Mapping[str, Mapping[str, str]]) -> Acknowledgments:
        """From CDK's metadata shape: construct path → {acknowledgment ID → reason}."""
        return cls.of(
            Acknowledgment(rule_id, path.strip("/"), reason)
            for path, entries in scopes.items()
            for qualified, reason in entries.items()
            if (rule_id := _rule_of(qualified)) is not None
        )

    @classmethod
    def of(cls, acks: Iterable[Acknowledgment]) -> Acknowledgments:
        """From acknowledgments (a later one for the same rule and scope wins)."""
        by_rule: dict[str, dict[str, Acknowledgment]] = {}
        for ack in acks:
            by_rule.setdefault(ack.rule_id, {})[ack.scope] = ack
        return cls(by_rule)

    def __len__(self) -> int:
        return sum(len(scopes) for scopes in self.by_rule.values())

    def all(self) -> list[Acknowledgment]:
        """Every acknowledgment, by rule then scope."""
        return [
            self.by_rule[rule][scope]
            for rule in sorted(self.by_rule)
            for scope in sorted(self.by_rule[rule])
        ]

    def find(self, rule_id: str, path: str) -> Acknowledgment | None:
        """The acknowledgment nearest above ``path`` (or on it) for ``rule_id``."""
        scopes = self.by_rule.get(rule_id)
        if not scopes:
            return None
        current = path.strip("/")
        while True:
            found = scopes.get(current)
            if found is not None:
                return found
            if not current:
                return None
            current = current.rpartition("/")[0]


def _from_report(directory: Path) -> list[Acknowledgment]:
    """Acknowledgments above every stack, from CDK's validation report (when it is not
    older than the assembly's manifest: a stale report acknowledges nothing)."""
    report = directory / VALIDATION_REPORT
    manifest = directory / "manifest.json"
    try:
        if not report.is_file() or report.stat().st_mtime < manifest.stat().st_mtime:
            return []
        data: Any = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return []
    found: list[Acknowledgment] = []
    plugins = data.get("pluginReports") if isinstance(data, Mapping) else None
    for plugin in plugins if isinstance(plugins, list) else []:
        if not isinstance(plugin, Mapping) or plugin.get("pluginName") != PLUGIN_NAME:
            continue
        suppressed = plugin.get("suppressedViolations")
        for entry in suppressed if isinstance(suppressed, list) else []:
            if not isinstance(entry, Mapping):
                continue
            qualified, scope, reason = (
                entry.get("acknowledgedId"),
                entry.get("acknowledgedAt"),
                entry.get("reason"),
            )
            # CDK leaves acknowledgedAt out for the app itself (its path is "").
            scope = "" if scope is None else scope
            if not (isinstance(qualified, str) and isinstance(scope, str)):
                continue
            rule_id = _rule_of(qualified)
            if rule_id is not None and isinstance(reason, str):
                found.append(Acknowledgment(rule_id, scope.strip("/"), reason))
    return found


def read_acknowledgments(stacks: Sequence[StackTemplate], path: str | Path) -> Acknowledgments:
    """Every acknowledgment of our rules that the app recorded in its assembly.

    Args:
        stacks: the assembly's stacks (from :func:`cdk_iam_roles.cfn.load_stacks`).
        path: the ``cdk.out`` folder (a template file has no acknowledgments).

    Example:
        >>> read_acknowledgments([], "template.json").by_rule
        {}
    """
    acks: list[Acknowledgment] = []
    target = Path(path)
    if target.is_dir():
        # The report fills the gap above the stacks; metadata is read last, so it wins.
        stack_paths = {s.name for s in stacks}
        acks.extend(
            ack
            for ack in _from_report(target)
            if not any(ack.scope == p or ack.scope.startswith(p + "/") for p in stack_paths)
        )
    merged: dict[str, dict[str, str]] = {}
    for stack in stacks:
        for scope, entries in stack.acknowledged.items():
            merged.setdefault(scope, {}).update(entries)
    acks.extend(Acknowledgments.of_scopes(merged).all())
    return Acknowledgments.of(acks)


def read_app_acknowledgments(
    stacks: Sequence[StackTemplate], paths: Sequence[str | Path]
) -> Acknowledgments:
    """The acknowledgments of every app given (one PATH per app), together.

    Example:
        >>> len(read_app_acknowledgments([], ["a.json", "b.json"]))
        0
    """
    return Acknowledgments.of(
        ack for path in paths for ack in read_acknowledgments(stacks, path).all()
    )


def split_acknowledged(
    findings: Sequence[Finding], acks: Acknowledgments
) -> tuple[list[Finding], list[tuple[Finding, Acknowledgment]]]:
    """The findings no acknowledgment accepts, and those one does (with it).

    An acknowledgment accepts the findings of its rule on the construct it was given on
    and on every construct below it (the nearest one wins), as CDK's report does. Used by
    ``check`` and the catalog alike, so they cannot disagree on what is acknowledged.

    Example:
        >>> split_acknowledged([], Acknowledgments())
        ([], [])
    """
    open_findings: list[Finding] = []
    acknowledged: list[tuple[Finding, Acknowledgment]] = []
    for finding in findings:
        ack = acks.find(finding.rule_id, finding.path) if len(acks) else None
        if ack is None:
            open_findings.append(finding)
        else:
            acknowledged.append((finding, ack))
    return open_findings, acknowledged
