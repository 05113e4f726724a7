"""Show a diff report: text, JSON, a Markdown pull-request comment, SARIF.

The Markdown is written for a reviewer with ten seconds: widened roles first, each with
its witness in plain words ("a GitHub Actions workflow in acme/other can now assume
deploy-prod"), then what could not be decided, then the rest folded away.

Example:
    >>> from cdk_iam_roles.analysis.symbolic._verdict import Witness
    >>> who(Witness("arn:aws:iam::222222222222:role/any-role", "sts:AssumeRole", "r"))
    'any role in account 222222222222'
"""

from __future__ import annotations

import json
from typing import Any

from cdk_iam_roles import __version__
from cdk_iam_roles.analysis.symbolic._diff import DiffReport, RoleDiff, UnreadPart
from cdk_iam_roles.analysis.symbolic._verdict import Verdict, Witness

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

RULES = {
    "IAMR-DIFF-001": "A change lets a new caller assume the role (trust widened).",
    "IAMR-DIFF-002": "A change lets the role's sessions do more (permissions widened).",
    "IAMR-DIFF-003": "Whether a change widens access could not be decided offline.",
}
"""SARIF rule IDs of the diff: trust widened, permissions widened, undecided."""

_GITHUB = "token.actions.githubusercontent.com"
_DERIVED = {"aws:principalarn", "aws:principalaccount", "aws:principaltype"}


def who(witness: Witness) -> str:
    """The caller of a witness in plain words.

    Example:
        >>> who(Witness("lambda.amazonaws.com", "sts:AssumeRole", "r"))
        'the service lambda.amazonaws.com'
    """
    principal = witness.principal
    claims = {k.lower(): v for k, v in witness.context.items()}
    federated = witness.action.lower() == "sts:assumerolewithwebidentity"
    if ":oidc-provider/" in principal or federated:
        host = principal.split(":oidc-provider/", 1)[-1]
        sub = claims.get(f"{host.lower()}:sub")
        if host == _GITHUB:
            return _github(sub)

        return f"an identity of {host}" + (f" with sub {sub!r}" if sub else "")
    if ":saml-provider/" in principal:
        return f"a user signed in through {principal.rsplit('/', 1)[-1]}"
    if principal.startswith("arn:"):
        fields = principal.split(":", 5)
        account, resource = fields[4], fields[5]
        if resource.startswith("role/any-role") or resource == "root":
            return f"any role in account {account}"
        if resource.startswith("user/any-user"):
            return f"any IAM user in account {account}"
        if resource.startswith("assumed-role/"):
            return f"a session of role {resource.split('/')[1]} in account {account}"
        return f"{resource.replace('/', ' ', 1)} in account {account}"
    if "." in principal:
        return f"the service {principal}"
    return principal


def _github(sub: Any) -> str:
    """A GitHub Actions subject in words: "a workflow in acme/other (ref:refs/heads/x)"."""
    if not isinstance(sub, str):
        return "any GitHub Actions workflow"
    if sub.startswith("repo:"):
        parts = sub.split(":", 2)
        where = f"a GitHub Actions workflow in {parts[1]}"
        return where + (f" ({parts[2]})" if len(parts) == 3 else "")
    return f"a GitHub Actions workflow with sub {sub!r}"


def in_words(role: RoleDiff, part: str, verdict: Verdict) -> str:
    """One line: who can now do what, or why it is unknown."""
    name = role.role_name if not role.role_name.startswith("{") else role.path
    witness = verdict.witness
    if verdict.verdict == "new-access" and witness is not None:
        if part == "trust":
            text = f"{who(witness)} can now assume {name}"
        else:
            text = f"{name} can now call {witness.action} on {witness.resource}"
        extra = {
            k: v
            for k, v in witness.context.items()
            if not k.lower().endswith((":sub", ":aud")) and k.lower() not in _DERIVED
        }
        if extra:
            text += " (with " + ", ".join(f"{k}={_show(v)}" for k, v in extra.items()) + ")"
        return text
    return f"{name}: {verdict.reason}"


def _show(value: Any) -> str:
    return value if isinstance(value, str) else "[" + ", ".join(value) + "]"


def render_text(report: DiffReport) -> str:
    """Plain text, one block per role that is not proved unchanged."""
    lines: list[str] = []
    for role in _ordered(report.roles):
        lines.append(f"{role.path} ({role.logical_id} in {role.stack}): {role.change}")
        for part in ("trust", "permissions"):
            verdict: Verdict = getattr(role, part)
            lines.append(f"  {part}: {verdict.verdict}: {in_words(role, part, verdict)}")
            if verdict.witness is not None:
                lines.append(f"    witness: {verdict.witness.describe()}")
    for gap in sorted(report.unread, key=lambda p: (not p.undecided, p.path)):
        lines.append(f"{gap.path} (in {gap.stack}): not read, {gap.change}")
        lines.append(f"  {gap.verdict.verdict}: {_unread_words(gap)}")
    lines.extend(f"note: {n}" for n in report.notes)
    widened = sum(r.widened for r in report.roles)
    unknown = sum(not r.clean and not r.widened for r in report.roles)
    summary = (
        f"{len(report.roles)} roles: {widened} with new access, {unknown} undecided, "
        f"{len(report.roles) - widened - unknown} proved no new access"
    )
    if report.unread:
        undecided = sum(p.undecided for p in report.unread)
        summary += f"; {len(report.unread)} part(s) not read, {undecided} undecided"
    lines.append(summary)
    return "\n".join(lines)


def _unread_words(part: UnreadPart) -> str:
    """Why a part not read is undecided, or why it is taken to gain nothing."""
    if part.undecided:
        return part.verdict.reason
    return f"{part.reason} ({part.rule_id}); {part.verdict.reason}"


def _ordered(roles: list[RoleDiff]) -> list[RoleDiff]:
    return sorted(roles, key=lambda r: (not r.widened, r.clean, r.path))


def render_json(report: DiffReport) -> str:
    """``{"roles": [...]}`` as DESIGN.md §4 shows."""
    return json.dumps(report.to_dict(), indent=2)


def render_markdown(report: DiffReport) -> str:
    """A pull-request comment: widened roles first, witnesses in plain words."""
    widened = [r for r in _ordered(report.roles) if r.widened]
    unknown = [r for r in _ordered(report.roles) if not r.widened and not r.clean]
    clean = [r for r in _ordered(report.roles) if r.clean]
    unread = [p for p in report.unread if p.undecided]
    lines = ["## IAM access review (`cdk-iam-roles diff`)", ""]
    if not widened and not unknown and not unread:
        lines.append(f"**No new access**: proved for all {len(report.roles)} roles.")
    else:
        lines.append(
            f"**{len(widened)} role(s) gain access**, {len(unknown)} undecided, "
            f"{len(clean)} proved unchanged in access."
        )
        if unread:
            lines[-1] += f" {len(unread)} changed part(s) of HEAD were not read."
    if widened:
        lines += ["", "### New access", ""]
        for role in widened:
            for part in ("trust", "permissions"):
                verdict: Verdict = getattr(role, part)
                if verdict.verdict == "new-access":
                    lines.append(
                        f"- :warning: {in_words(role, part, verdict)} "
                        f"— `{role.path}` ({role.change}, {part})"
                    )
    if unknown or unread:
        lines += ["", "### Could not be decided offline (treated as new access)", ""]
        for role in unknown:
            for part in ("trust", "permissions"):
                verdict = getattr(role, part)
                if verdict.verdict == "unknown":
                    lines.append(f"- `{role.path}` {part}: {_md(verdict.reason)}")
        for gap in unread:
            lines.append(f"- `{gap.path}` ({gap.change}): {_md(gap.verdict.reason)}")
    if clean:
        lines += ["", f"<details><summary>Proved no new access ({len(clean)} roles)</summary>", ""]
        lines += [f"- `{r.path}` ({r.change})" for r in clean]
        lines += ["", "</details>"]
    settled = [p for p in report.unread if not p.undecided]
    if settled:
        lines += ["", f"<details><summary>Not read, as in BASE ({len(settled)})</summary>", ""]
        lines += [f"- `{p.path}`: {_md(_unread_words(p))}" for p in settled]
        lines += ["", "</details>"]
    if report.notes:
        lines += ["", "<details><summary>Reader notes</summary>", ""]
        lines += [f"- {_md(n)}" for n in report.notes]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_sarif(report: DiffReport) -> str:
    """A SARIF 2.1.0 log: one result per widened or undecided verdict."""
    ids = list(RULES)
    rules = [
        {
            "id": rule_id,
            "shortDescription": {"text": text},
            "defaultConfiguration": {"level": "warning" if rule_id.endswith("3") else "error"},
        }
        for rule_id, text in RULES.items()
    ]
    results: list[dict[str, Any]] = []
    for role in _ordered(report.roles):
        for part in ("trust", "permissions"):
            verdict: Verdict = getattr(role, part)
            if verdict.verdict == "no-new-access":
                continue
            if verdict.verdict == "unknown":
                rule_id = "IAMR-DIFF-003"
            else:
                rule_id = "IAMR-DIFF-001" if part == "trust" else "IAMR-DIFF-002"
            location: dict[str, Any] = {
                "logicalLocations": [
                    {"name": role.logical_id, "fullyQualifiedName": role.path, "kind": "resource"}
                ]
            }
            source = report.sources.get(role.stack)
            if source:
                location["physicalLocation"] = {
                    "artifactLocation": {"uri": source.replace("\\", "/")}
                }
            results.append(
                {
                    "ruleId": rule_id,
                    "ruleIndex": ids.index(rule_id),
                    "level": "warning" if rule_id == "IAMR-DIFF-003" else "error",
                    "message": {"text": f"{part}: {in_words(role, part, verdict)}"},
                    "locations": [location],
                    "properties": {
                        "witness": None if verdict.witness is None else verdict.witness.to_dict()
                    },
                }
            )
    for gap in sorted(report.unread, key=lambda p: p.path):
        if not gap.undecided:
            continue
        location = {
            "logicalLocations": [
                {"name": gap.logical_id, "fullyQualifiedName": gap.path, "kind": "resource"}
            ]
        }
        source = report.sources.get(gap.stack)
        if source:
            location["physicalLocation"] = {"artifactLocation": {"uri": source.replace("\\", "/")}}
        results.append(
            {
                "ruleId": "IAMR-DIFF-003",
                "ruleIndex": ids.index("IAMR-DIFF-003"),
                "level": "warning",
                "message": {"text": f"{gap.path} ({gap.change}): {gap.verdict.reason}"},
                "locations": [location],
                "properties": {"witness": None, "notRead": gap.rule_id},
            }
        )
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {"name": "cdk-iam-roles diff", "version": __version__, "rules": rules}
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2)
