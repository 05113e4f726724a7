"""``cdk-iam-roles access PATH...``: which roles can be assumed from outside the zone of trust.

The zone of trust is given by ``--trusted-account`` and ``--trusted-org`` (each role's own
account always belongs to it). Each role is ``external`` (with a witness: a caller
outside the zone that the trust policy admits, confirmed by the evaluator), ``internal``
(proved) or ``unknown``. Federated trusts are listed with the identities they admit.
External access by design (a vendor role, a CI role) is acknowledged per role with
``--acknowledge ROLE=REASON`` or a file of such lines. Exit 0 when no role admits
unacknowledged external (or undecided) access, 1 when one does, 2 on unusable input.
Output as text, JSON or SARIF 2.1.0 (``--format sarif``, for code scanning). Never
loads ``aws_cdk`` or ``jsii``.

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
from pathlib import Path

from cdk_iam_roles.analysis.assembly import load_app
from cdk_iam_roles.analysis.symbolic._access import RoleAccess, external_access
from cdk_iam_roles.analysis.symbolic._access_sarif import access_sarif
from cdk_iam_roles.analysis.symbolic._render import who
from cdk_iam_roles.errors import InputError

NAME = "access"
HELP = (
    "List the roles that principals outside your accounts and organizations can assume "
    "(offline, proved or shown by a witness request)."
)

EPILOG = """\
exit codes:
  0  no role admits a principal outside the zone of trust
  1  a role admits one (or could not be decided) and is not acknowledged
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
        help="accept external access to ROLE (construct path, logical ID or role name)",
    )
    parser.add_argument(
        "--acknowledgements",
        metavar="FILE",
        help="a file of ROLE=REASON lines (or a JSON object ROLE → reason)",
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


def _validate(accounts: Sequence[str], orgs: Sequence[str]) -> None:
    for account in accounts:
        if not _ACCOUNT.fullmatch(account):
            raise InputError(f"--trusted-account {account!r}: expected 12 digits")
    for org in orgs:
        if not _ORG.fullmatch(org):
            raise InputError(
                f"--trusted-org {org!r}: expected an organization ID like o-abc123defg"
            )


def analyse(
    paths: Sequence[str],
    *,
    trusted_accounts: Sequence[str] = (),
    trusted_orgs: Sequence[str] = (),
    acknowledged: dict[str, str] | None = None,
) -> list[RoleAccess]:
    """The external-access verdict of every role of the apps at ``paths``."""
    return [
        result
        for result, _ in _analyse(
            paths,
            trusted_accounts=trusted_accounts,
            trusted_orgs=trusted_orgs,
            acknowledged=acknowledged,
        )
    ]


def _analyse(
    paths: Sequence[str],
    *,
    trusted_accounts: Sequence[str] = (),
    trusted_orgs: Sequence[str] = (),
    acknowledged: dict[str, str] | None = None,
) -> list[tuple[RoleAccess, str | None]]:
    """Each role's verdict with the template file it was read from (for SARIF)."""
    acknowledged = acknowledged or {}
    results: list[tuple[RoleAccess, str | None]] = []
    used: set[str] = set()
    for path in paths:
        app = load_app(path)
        sources = {s.name: s.source for s in app.stacks if s.source}
        for role in app.roles:
            result = external_access(
                role, trusted_accounts=trusted_accounts, trusted_orgs=trusted_orgs
            )
            for name in (role.path, role.logical_id, role.role_name):
                if name in acknowledged:
                    result.acknowledged = acknowledged[name]
                    used.add(name)
            results.append((result, sources.get(role.stack)))
    unknown = sorted(set(acknowledged) - used)
    if unknown:
        raise InputError(f"acknowledged role(s) not found: {', '.join(unknown)}")
    return results


def _text(results: Sequence[RoleAccess]) -> str:
    lines: list[str] = []
    order = {"external": 0, "unknown": 1, "internal": 2}
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
    external = sum(r.access == "external" for r in results)
    blocking = sum(r.blocking for r in results)
    lines.append(f"{len(results)} roles: {external} external, {blocking} not acknowledged")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Analyse, print, and return 0 (nothing unacknowledged) or 1."""
    _validate(args.trusted_account, args.trusted_org)
    pairs = _analyse(
        args.paths,
        trusted_accounts=args.trusted_account,
        trusted_orgs=args.trusted_org,
        acknowledged=_acknowledgements(args),
    )
    results = [result for result, _ in pairs]
    if args.format == "json":
        print(json.dumps({"roles": [r.to_dict() for r in results]}, indent=2))
    elif args.format == "sarif":
        print(json.dumps(access_sarif(pairs), indent=2))
    else:
        print(_text(results))
    return 1 if any(r.blocking for r in results) else 0
