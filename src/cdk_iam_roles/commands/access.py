"""``cdk-iam-roles access PATH...``: which roles can be assumed from outside the zone of trust.

The zone of trust is given by ``--trusted-account`` and ``--trusted-org`` (each role's own
account always belongs to it). Each role is ``external`` (with a witness: a caller
outside the zone that the trust policy admits, confirmed by the evaluator), ``internal``
(proved) or ``unknown``. Federated trusts are listed with the identities they admit.
External access by design (a vendor role, a CI role) is acknowledged per role with
``--acknowledge ROLE=REASON`` or a file of such lines. A part of the app that could not
be read (a transform such as SAM, a nested stack or StackSet member whose template was
not read, a resource that is not one: :mod:`cdk_iam_roles.rules.coverage`) may deploy
roles nobody judged, so it is listed as ``not read`` and counts as undecided access
unless acknowledged the same way by its path (``Stack/Transform=REASON``). Exit 0 when
nothing unacknowledged admits external (or undecided) access, 1 otherwise, 2 on unusable
input. Output as text, JSON or SARIF 2.1.0 (``--format sarif``, for code scanning).
``--account`` and ``--region`` give a bare template the environment it lacks (its
``AWS::URLSuffix``, ``AWS::Partition`` …). Never loads ``aws_cdk`` or ``jsii``.

Example:
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> configure(parser)
    >>> parser.parse_args(["cdk.out", "--trusted-org", "o-abc123"]).trusted_org
    ['o-abc123']
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdk_iam_roles.analysis.assembly import load_app
from cdk_iam_roles.analysis.symbolic._access import RoleAccess, external_access
from cdk_iam_roles.analysis.symbolic._access_sarif import ACCESS_RULES, access_sarif
from cdk_iam_roles.analysis.symbolic._render import who
from cdk_iam_roles.errors import InputError
from cdk_iam_roles.rules.coverage import unread_parts
from cdk_iam_roles.rules.model import Finding

NAME = "access"
HELP = (
    "List the roles that principals outside your accounts and organizations can assume "
    "(offline, proved or shown by a witness request)."
)

EPILOG = """\
exit codes:
  0  no role admits a principal outside the zone of trust
  1  a role admits one (or could not be decided, or part of the app was not read)
     and is not acknowledged
  2  unusable input (one line on stderr)

examples:
  cdk-iam-roles access cdk.out --trusted-account 111111111111 --trusted-org o-abc123def4
  cdk-iam-roles access cdk.out --trusted-org o-abc123def4 --acknowledge Vendor/Role=vendor
  cdk-iam-roles access cdk.out --trusted-org o-abc123def4 --format sarif > access.sarif
"""

_ACCOUNT = re.compile(r"\d{12}", re.ASCII)
# Organization IDs: "o-" and 10 to 32 lower-case letters or digits.
# https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html
_ORG = re.compile(r"o-[a-z0-9]{10,32}", re.ASCII)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``access`` to ``parser``."""
    parser.add_argument("paths", metavar="PATH", nargs="+", help="cdk.out folders or templates")
    parser.add_argument(
        "--trusted-account",
        action="append",
        default=[],
        metavar="ID",
        help="an account inside the zone of trust (repeatable)",
    )
    parser.add_argument(
        "--trusted-org",
        action="append",
        default=[],
        metavar="o-…",
        help="an AWS Organization inside the zone of trust (repeatable)",
    )
    parser.add_argument(
        "--acknowledge",
        action="append",
        default=[],
        metavar="ROLE=REASON",
        help=(
            "accept external access to ROLE (construct path, logical ID or role name), "
            "or a part of the app that was not read (its path, e.g. Stack/Transform)"
        ),
    )
    parser.add_argument(
        "--acknowledgements",
        metavar="FILE",
        help="a file of ROLE=REASON lines (or a JSON object ROLE → reason)",
    )
    parser.add_argument(
        "--account",
        metavar="ID",
        help="the account of stacks whose environment does not say (a bare template)",
    )
    parser.add_argument(
        "--region",
        metavar="R",
        help="the region of stacks whose environment does not say (a bare template)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "sarif"),
        default="text",
        help="text (default), json, or sarif (SARIF 2.1.0 for code scanning)",
    )


def _acknowledgements(args: argparse.Namespace) -> dict[str, str]:
    pairs: list[str] = list(args.acknowledge)
    found: dict[str, str] = {}
    if args.acknowledgements:
        path = Path(args.acknowledgements)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise InputError(f"--acknowledgements {path}: {error.strerror}") from error
        if text.lstrip().startswith("{"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as error:
                raise InputError(f"--acknowledgements {path}: not JSON ({error.msg})") from error
            found.update({str(k): str(v) for k, v in data.items()})
        else:
            pairs += [
                line
                for line in text.splitlines()
                if line.strip() and not line.lstrip().startswith("#")
            ]
    for pair in pairs:
        role, sep, reason = pair.partition("=")
        if not sep or not role.strip() or not reason.strip():
            raise InputError(f"acknowledgement {pair!r}: expected ROLE=REASON")
        found[role.strip()] = reason.strip()
    return found


def _validate(args: argparse.Namespace) -> None:
    for account in args.trusted_account:
        if not _ACCOUNT.fullmatch(account):
            raise InputError(f"--trusted-account {account!r}: expected 12 digits")
    if args.account is not None and not _ACCOUNT.fullmatch(args.account):
        raise InputError(f"--account {args.account!r}: expected 12 digits")
    for org in args.trusted_org:
        if not _ORG.fullmatch(org):
            raise InputError(
                f"--trusted-org {org!r}: expected an organization ID like o-abc123defg"
            )


@dataclass(slots=True)
class Unread:
    """A part of an app that was not read, so roles it deploys were judged by nobody.

    Args:
        finding: the finding that says so (:mod:`cdk_iam_roles.rules.coverage`). Required.
        source: the template file it is in, when known. Default ``None``.
        acknowledged: why it is accepted, when it is. Default ``None``.
    """

    finding: Finding
    source: str | None = None
    acknowledged: str | None = None

    @property
    def reason(self) -> str:
        """What was not read, and what that leaves undecided."""
        return (
            f"{self.finding.message} ({self.finding.rule_id}); whether the roles it "
            "deploys admit a principal outside the zone of trust is not decided"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON data for ``access --format json``."""
        return {
            "stack": self.finding.stack,
            "path": self.finding.path,
            "rule_id": self.finding.rule_id,
            "reason": self.reason,
            "acknowledged": self.acknowledged,
        }


@dataclass(slots=True)
class Analysis:
    """Every role's verdict (with its template file) and every part not read."""

    roles: list[tuple[RoleAccess, str | None]]
    unread: list[Unread]

    @property
    def blocking(self) -> bool:
        """Whether anything unacknowledged admits (or may admit) an outsider."""
        return any(r.blocking for r, _ in self.roles) or any(
            u.acknowledged is None for u in self.unread
        )


def analyse(
    paths: Sequence[str],
    *,
    trusted_accounts: Sequence[str] = (),
    trusted_orgs: Sequence[str] = (),
    acknowledged: dict[str, str] | None = None,
) -> list[RoleAccess]:
    """The external-access verdict of every role of the apps at ``paths``."""
    found = _analyse(
        paths,
        trusted_accounts=trusted_accounts,
        trusted_orgs=trusted_orgs,
        acknowledged=acknowledged,
    )
    return [result for result, _ in found.roles]


def _analyse(
    paths: Sequence[str],
    *,
    trusted_accounts: Sequence[str] = (),
    trusted_orgs: Sequence[str] = (),
    acknowledged: dict[str, str] | None = None,
    account: str | None = None,
    region: str | None = None,
) -> Analysis:
    """Each role's verdict with the template file it was read from (for SARIF), and the
    parts of the apps that were not read."""
    acknowledged = acknowledged or {}
    found = Analysis([], [])
    used: set[str] = set()
    for path in paths:
        app = load_app(path, account=account, region=region)
        sources = {s.name: s.source for s in app.stacks if s.source}
        for role in app.roles:
            result = external_access(
                role, trusted_accounts=trusted_accounts, trusted_orgs=trusted_orgs
            )
            for name in (role.path, role.logical_id, role.role_name):
                if name in acknowledged:
                    result.acknowledged = acknowledged[name]
                    used.add(name)
            found.roles.append((result, sources.get(role.stack)))
        gaps, app_acknowledged = unread_parts(app.stacks, [path])
        for finding, ack in app_acknowledged:
            source = sources.get(finding.stack)
            found.unread.append(Unread(finding, source, f"{ack.reason} (acknowledged in the app)"))
        for finding in gaps:
            gap = Unread(finding, sources.get(finding.stack))
            if finding.path in acknowledged:
                gap.acknowledged = acknowledged[finding.path]
                used.add(finding.path)
            found.unread.append(gap)
    unknown = sorted(set(acknowledged) - used)
    if unknown:
        raise InputError(f"acknowledged role(s) not found: {', '.join(unknown)}")
    return found


def _text(found: Analysis) -> str:
    lines: list[str] = []
    order = {"external": 0, "unknown": 1, "internal": 2}
    results = [result for result, _ in found.roles]
    for result in sorted(results, key=lambda r: (order[r.access], r.role.path)):
        role = result.role
        tag = result.access + (" (acknowledged)" if result.acknowledged else "")
        lines.append(f"{role.path} ({role.logical_id} in {role.stack}): {tag}")
        if result.witness is not None:
            lines.append(f"  {who(result.witness)} can assume it: {result.witness.describe()}")
        elif result.access == "unknown":
            lines.append(f"  {result.reason}")
        lines.extend(f"  federated: {f}" for f in result.federated)
        if result.acknowledged:
            lines.append(f"  acknowledged: {result.acknowledged}")
    for gap in sorted(found.unread, key=lambda g: g.finding.path):
        tag = "not read" + (" (acknowledged)" if gap.acknowledged else "")
        lines.append(f"{gap.finding.path} (in {gap.finding.stack}): {tag}")
        lines.append(f"  {gap.reason}")
        if gap.acknowledged:
            lines.append(f"  acknowledged: {gap.acknowledged}")
    external = sum(r.access == "external" for r in results)
    blocking = sum(r.blocking for r in results) + sum(not g.acknowledged for g in found.unread)
    summary = f"{len(results)} roles: {external} external"
    if found.unread:
        summary += f", {len(found.unread)} part(s) not read"
    lines.append(f"{summary}, {blocking} not acknowledged")
    return "\n".join(lines)


def _sarif(found: Analysis) -> dict[str, Any]:
    """The SARIF log of the roles, plus one undecided result per part not read."""
    log = access_sarif(found.roles)
    undecided = "IAMR-ACCESS-002"
    results: list[dict[str, Any]] = log["runs"][0]["results"]
    for gap in sorted(found.unread, key=lambda g: g.finding.path):
        location: dict[str, Any] = {
            "logicalLocations": [
                {
                    "name": gap.finding.logical_id,
                    "fullyQualifiedName": gap.finding.path,
                    "kind": "resource",
                }
            ]
        }
        if gap.source:
            location["physicalLocation"] = {
                "artifactLocation": {"uri": gap.source.replace("\\", "/")}
            }
        entry: dict[str, Any] = {
            "ruleId": undecided,
            "ruleIndex": list(ACCESS_RULES).index(undecided),
            "level": "warning",
            "message": {"text": f"{gap.finding.path} (in {gap.finding.stack}): {gap.reason}"},
            "locations": [location],
            "properties": {"access": "not-read", "ruleOfFinding": gap.finding.rule_id},
        }
        if gap.acknowledged is not None:
            entry["suppressions"] = [
                {"kind": "external", "status": "accepted", "justification": gap.acknowledged}
            ]
        results.append(entry)
    return log


def run(args: argparse.Namespace) -> int:
    """Analyse, print, and return 0 (nothing unacknowledged) or 1."""
    _validate(args)
    found = _analyse(
        args.paths,
        trusted_accounts=args.trusted_account,
        trusted_orgs=args.trusted_org,
        acknowledged=_acknowledgements(args),
        account=args.account,
        region=args.region,
    )
    if args.format == "json":
        data = {
            "roles": [r.to_dict() for r, _ in found.roles],
            "unread": [g.to_dict() for g in found.unread],
        }
        print(json.dumps(data, indent=2))
    elif args.format == "sarif":
        print(json.dumps(_sarif(found), indent=2))
    else:
        print(_text(found))
    return 1 if found.blocking else 0
