"""``cdk-iam-roles check PATH``: run the rules over a cdk.out or a template.

Reads every stack of a cloud assembly (nested stages and nested stacks too) or one
template (JSON or YAML), runs every template rule, and prints the findings as text,
JSON or SARIF 2.1.0. Exit codes: 0 no error-level finding, 1 error findings, 2
unusable input (one line on stderr, no traceback). It never imports ``aws_cdk``.

Findings that the app acknowledged (``cdk.Acknowledgment`` with the ID
``cdk-iam-roles::<rule ID>``, on the role or any construct above it) are shown as
acknowledged with their reason and do not count for the exit code;
``--ignore-acknowledgments`` counts them again (see
:mod:`cdk_iam_roles.rules.acknowledgments` for where the assembly records them).

Example:
    >>> from cdk_iam_roles.cli import main
    >>> main(["check", "cdk.out", "--format", "sarif"])  # doctest: +SKIP
    0
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from cdk_iam_roles import __version__
from cdk_iam_roles._printable import one_line
from cdk_iam_roles.cfn import StackTemplate
from cdk_iam_roles.errors import InputError
from cdk_iam_roles.organisation import load_organisation
from cdk_iam_roles.rules.acknowledgments import (
    Acknowledgment,
    Acknowledgments,
    acknowledgment_id,
    read_app_acknowledgments,
    split_acknowledged,
)
from cdk_iam_roles.rules.engine import check_stack, has_errors
from cdk_iam_roles.rules.model import Finding, RuleInfo, Severity
from cdk_iam_roles.rules.org import OrgStandard
from cdk_iam_roles.rules.registry import all_rules, template_rules
from cdk_iam_roles.rules.view import RuleSettings
from cdk_iam_roles.stacksets import describe_all

__all__ = ["HELP", "NAME", "configure", "run", "sarif_report"]

NAME = "check"
HELP = "Run the rules over a cdk.out folder or a CloudFormation template (JSON or YAML)."
EPILOG = """\
exit codes:
  0  no error-level finding
  1  error-level findings
  2  unusable input (one line on stderr)

examples:
  cdk-iam-roles check cdk.out
  cdk-iam-roles check template.yaml --format sarif --min-severity warning > findings.sarif
"""

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
# SARIF's result levels: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}

Acknowledged = tuple[Finding, Acknowledgment]
"""A finding and the acknowledgment that accepts it."""


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``check`` arguments."""
    defaults = RuleSettings()
    parser.add_argument(
        "path",
        nargs="+",
        help="cdk.out folders or template files (JSON or YAML), one per app (read as one "
        "organisation)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "sarif"),
        default="text",
        help="output format (default: text)",
    )
    parser.add_argument(
        "--min-severity",
        choices=("error", "warning", "info"),
        default="info",
        help="least severe finding to print (default: info, which lists unknown values)",
    )
    parser.add_argument(
        "--ignore-acknowledgments",
        action="store_true",
        help="count findings the app acknowledged (cdk.Acknowledgment) as findings again",
    )
    parser.add_argument(
        "--disable",
        action="append",
        default=[],
        metavar="RULE_ID",
        help="a rule ID not to run (repeat, or separate with commas)",
    )
    parser.add_argument(
        "--trust-policy-max-chars",
        type=_positive,
        default=defaults.trust_policy_max_chars,
        help=f"trust policy quota, characters without whitespace "
        f"(default: {defaults.trust_policy_max_chars})",
    )
    parser.add_argument(
        "--inline-policies-max-chars",
        type=_positive,
        default=defaults.inline_policies_max_chars,
        help=f"inline policies of a role together (default: {defaults.inline_policies_max_chars})",
    )
    parser.add_argument(
        "--managed-policy-max-chars",
        type=_positive,
        default=defaults.managed_policy_max_chars,
        help=f"one managed policy (default: {defaults.managed_policy_max_chars})",
    )
    parser.add_argument(
        "--org-standard",
        metavar="MODULE:NAME",
        help="also enforce an OrgStandard importable as MODULE:NAME "
        "(e.g. acme_iam_standard:STANDARD)",
    )
    parser.add_argument(
        "--managed-policies-per-role",
        type=_positive,
        default=defaults.managed_policies_per_role,
        help=f"managed policies per role (default: {defaults.managed_policies_per_role})",
    )


def _org_standard(spec: str | None) -> OrgStandard | None:
    """Import ``package.module:NAME`` and return the OrgStandard it names."""
    if spec is None:
        return None
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise InputError(f"--org-standard: expected MODULE:NAME, got {spec!r}")
    # Like other MODULE:NAME options, a module in the current folder is found too.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise InputError(f"--org-standard: cannot import {module_name!r} ({exc})") from None
    value = getattr(module, attribute, None)
    if not isinstance(value, OrgStandard):
        raise InputError(f"--org-standard: {spec} is not an OrgStandard")
    return value


def _settings(args: argparse.Namespace) -> RuleSettings:
    disabled: set[str] = set()
    for item in args.disable:
        disabled.update(part.strip() for part in str(item).split(",") if part.strip())
    known = {r.info.id for r in template_rules()}
    unknown = sorted(disabled - known)
    if unknown:
        raise InputError(f"--disable: not a template rule ID: {', '.join(unknown)}")
    return RuleSettings(
        trust_policy_max_chars=args.trust_policy_max_chars,
        inline_policies_max_chars=args.inline_policies_max_chars,
        managed_policy_max_chars=args.managed_policy_max_chars,
        managed_policies_per_role=args.managed_policies_per_role,
        disabled=frozenset(disabled),
    )


def run(args: argparse.Namespace) -> int:
    """Check the stacks at ``args.path``; 0 clean, 1 error findings (2 via InputError)."""
    settings = _settings(args)
    standard = _org_standard(args.org_standard)
    rules = (*template_rules(), *(standard.rules() if standard is not None else ()))
    stacks = load_organisation(args.path)
    limit = _RANK[Severity(args.min_severity)]
    found: list[Finding] = []
    for stack in stacks:
        found.extend(check_stack(stack, settings=settings, rules=rules))
    acks = (
        Acknowledgments()
        if args.ignore_acknowledgments
        else read_app_acknowledgments(stacks, args.path)
    )
    findings, acknowledged = split_acknowledged(found, acks)
    shown = [f for f in findings if _RANK[f.severity] <= limit]
    shown_acked = [a for a in acknowledged if _RANK[a[0].severity] <= limit]
    if args.format == "json":
        print(json.dumps(json_report(stacks, shown, acknowledged=shown_acked), indent=2))
    elif args.format == "sarif":
        print(json.dumps(sarif_report(stacks, shown, acknowledged=shown_acked), indent=2))
    else:
        print(text_report(stacks, shown, acknowledged=shown_acked))
    return 1 if has_errors(findings) else 0


def _summary(stacks: Sequence[StackTemplate], findings: Sequence[Finding]) -> dict[str, int]:
    roles = sum(1 for s in stacks for _ in s.resources_of_type("AWS::IAM::Role"))
    return {
        "stacks": len(stacks),
        "roles": roles,
        "errors": sum(1 for f in findings if f.severity is Severity.ERROR),
        "warnings": sum(1 for f in findings if f.severity is Severity.WARNING),
        "info": sum(1 for f in findings if f.severity is Severity.INFO),
    }


def text_report(
    stacks: Sequence[StackTemplate],
    findings: Sequence[Finding],
    *,
    acknowledged: Sequence[Acknowledged] = (),
) -> str:
    """Findings as lines for a terminal, acknowledged ones after, a summary line last."""
    lines: list[str] = []
    # Template values go through one_line: they never move the terminal's cursor or
    # start a line of their own.
    for f in findings:
        where = f"{one_line(f.path)}: {one_line(f.message)}"
        lines.append(f"{str(f.severity).upper():7} {f.rule_id:16} {where}")
        lines.append(f"{'':7} {'':16} fix: {one_line(f.fix)}")
    for f, ack in acknowledged:
        where = f"{one_line(f.path)}: {one_line(f.message)} ({f.severity})"
        lines.append(f"{'ACK':7} {f.rule_id:16} {where}")
        scope = one_line(ack.scope) or "the app"
        lines.append(f"{'':7} {'':16} acknowledged on {scope}: {one_line(ack.reason)}")
    for name, where in describe_all(stacks):
        lines.append(
            f"StackSet member template {one_line(name)}: checked once, deployed to "
            f"{one_line(where)}"
        )
    s = _summary(stacks, findings)
    lines.append(
        f"{s['errors']} error(s), {s['warnings']} warning(s), {s['info']} info"
        + (f", {len(acknowledged)} acknowledged" if acknowledged else "")
        + f" in {s['stacks']} stack(s), {s['roles']} role(s)"
    )
    return "\n".join(lines)


def json_report(
    stacks: Sequence[StackTemplate],
    findings: Sequence[Finding],
    *,
    acknowledged: Sequence[Acknowledged] = (),
) -> dict[str, Any]:
    """Findings as JSON data: ``{"tool", "version", "summary", "findings", "acknowledged",
    "stack_sets"}``.

    ``findings`` are those that count; ``acknowledged`` lists each accepted finding with
    its ``acknowledgment`` (``rule_id``, ``scope``, ``reason``); ``stack_sets`` each
    StackSet member template checked, with where it is deployed.
    """
    summary = _summary(stacks, findings)
    summary["acknowledged"] = len(acknowledged)
    return {
        "tool": "cdk-iam-roles",
        "version": __version__,
        "summary": summary,
        "findings": [f.as_dict() for f in findings],
        "acknowledged": [{**f.as_dict(), "acknowledgment": a.as_dict()} for f, a in acknowledged],
        "stack_sets": [{"stack": n, "deployment": d} for n, d in describe_all(stacks)],
    }


def _sarif_rule(info: RuleInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "name": info.id.replace("-", ""),
        "shortDescription": {"text": info.what},
        "fullDescription": {"text": f"{info.what} {info.why}"},
        "help": {"text": info.fix},
        "helpUri": info.doc,
        "defaultConfiguration": {"level": _SARIF_LEVEL[info.severity]},
        "properties": {"tags": ["security", "iam"]},
    }


def sarif_report(
    stacks: Sequence[StackTemplate],
    findings: Sequence[Finding],
    *,
    acknowledged: Sequence[Acknowledged] = (),
) -> dict[str, Any]:
    """Findings as a SARIF 2.1.0 log with one run (tool, rules, results).

    An acknowledged finding is a result with a ``suppressions`` entry (kind ``inSource``:
    the acknowledgment is in the app's code; status ``accepted``; the reason as its
    ``justification``), which code-scanning tools show as dismissed.
    """
    sources = {s.name: s.source for s in stacks}
    catalog = [r for r in all_rules() if any(t.info is r for t in template_rules())]
    known = {r.id for r in catalog}
    everything = [*((f, None) for f in findings), *acknowledged]
    extra = sorted({f.rule_id for f, _ in everything} - known)
    rules = [_sarif_rule(r) for r in catalog]
    for rule_id in extra:  # never expected: every template rule is in the catalog
        rules.append({"id": rule_id, "shortDescription": {"text": rule_id}})
    index = {r["id"]: i for i, r in enumerate(rules)}
    results: list[dict[str, Any]] = []
    for f, ack in everything:
        location: dict[str, Any] = {
            "logicalLocations": [
                {"name": f.logical_id, "fullyQualifiedName": f.path, "kind": "resource"}
            ]
        }
        source = sources.get(f.stack)
        if source:
            location["physicalLocation"] = {"artifactLocation": {"uri": _uri(source)}}
        result: dict[str, Any] = {
            "ruleId": f.rule_id,
            "ruleIndex": index[f.rule_id],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f"{f.message}. Fix: {f.fix}"},
            "locations": [location],
        }
        if ack is not None:
            # https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/sarif-v2.1.0-os.html#_Toc34317885
            result["suppressions"] = [
                {
                    "kind": "inSource",
                    "status": "accepted",
                    "justification": ack.reason,
                    "properties": {
                        "scope": ack.scope,
                        "acknowledgmentId": acknowledgment_id(ack.rule_id),
                    },
                }
            ]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "cdk-iam-roles",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }


def _uri(path: str) -> str:
    return path.replace("\\", "/")


if __name__ == "__main__":  # pragma: no cover
    from cdk_iam_roles.cli import main

    sys.exit(main(["check", *sys.argv[1:]]))
