"""``cdk-iam-roles explain``: why a principal can or cannot assume a role, in plain words.

Reads a ``cdk.out`` folder or a template, simulates the assumption (or, with ``--action``,
a call made with the role) with the offline evaluator and prints the decision: the
statement that decided, each failed condition, the classic cause and what to change.
Exit 0 allowed, 1 denied, 2 unusable input. Never loads ``aws_cdk`` or ``jsii``.

Example:
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> configure(parser)
    >>> parser.parse_args(["cdk.out", "--role", "R", "--principal", "p", "--mfa"]).mfa
    True
"""

from __future__ import annotations

import argparse
import json
import re

from cdk_iam_roles.analysis.assembly import App, load_app
from cdk_iam_roles.analysis.explain import Caller, explain, parse_duration, parse_pairs
from cdk_iam_roles.errors import InputError

NAME = "explain"
HELP = (
    "Simulate assuming a role (or a call made with it) and explain the decision in plain "
    "words: which statement decided, which condition failed, and what to change."
)
EPILOG = """\
exit codes:
  0  allowed
  1  denied (the causes and what to change are printed)
  2  unusable input (one line on stderr)

examples:
  cdk-iam-roles explain cdk.out --role break-glass \\
      --principal arn:aws:iam::111111111111:user/breakglass/alice --mfa
  cdk-iam-roles explain cdk.out --role Ops/Reports --action s3:PutObject \\
      --resource arn:aws:s3:::reports/2026/11.csv --format json
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the flags of ``explain`` to ``parser``."""
    parser.add_argument(
        "path",
        metavar="PATH",
        nargs="+",
        help="cdk.out folders or template files, one per app (read as one organisation: "
        "the caller may be a role of one app and the role one of another)",
    )
    parser.add_argument(
        "--role",
        required=True,
        help="the role: construct path (Stack/Deploy), logical ID, role name or ARN",
    )
    parser.add_argument(
        "--principal",
        help="the caller: an IAM user/role/session ARN, an account ID, an OIDC or SAML "
        "provider ARN, a service principal, or a role of the app (construct path); "
        "required to simulate an assumption, unused with --action (the role's session calls)",
    )
    parser.add_argument("--action", help="simulate a call made with the role, e.g. s3:GetObject")
    parser.add_argument(
        "--resource", help="the resource of that call: an ARN or a construct path of the app"
    )
    parser.add_argument("--mfa", action="store_true", help="the caller signed in with MFA")
    parser.add_argument(
        "--mfa-age", type=int, metavar="S", help="seconds since the MFA sign-in (implies --mfa)"
    )
    parser.add_argument("--external-id", metavar="X", help="the sts:ExternalId passed")
    parser.add_argument("--source-identity", metavar="S", help="the sts:SourceIdentity passed")
    parser.add_argument("--session-name", metavar="N", help="the RoleSessionName passed")
    parser.add_argument(
        "--claim",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an OIDC token claim or SAML attribute, e.g. sub=repo:acme/web:ref:refs/heads/main "
        "or edupersonaffiliation=staff,faculty (V1,V2 or a repeated key: several values; "
        "\\, is a literal comma)",
    )
    parser.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a request context key, e.g. aws:PrincipalOrgID=o-abc or SAML:aud=… (repeatable)",
    )
    parser.add_argument(
        "--org",
        metavar="O",
        help="the caller's organization ID (aws:PrincipalOrgID), e.g. o-a1b2c3d4e5; default: "
        "the organization the app names, for an account the app deploys to",
    )
    parser.add_argument(
        "--org-path",
        action="append",
        default=[],
        metavar="PATH",
        help="the caller's organization path (aws:PrincipalOrgPaths), e.g. "
        "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ (repeatable)",
    )
    parser.add_argument(
        "--account",
        metavar="ID",
        help="the account of stacks whose environment does not say (a bare template)",
    )
    parser.add_argument(
        "--region", metavar="R", help="the region of stacks whose environment does not say"
    )
    parser.add_argument("--duration", help="the session duration asked for: 3600, 90m, 2h")
    parser.add_argument(
        "--chained", action="store_true", help="the caller is a role session (role chaining)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    """Explain, print, and return 0 (allowed) or 1 (denied); raises InputError for 2."""
    if args.resource is not None and args.action is None:
        raise InputError("--resource needs --action (the call to simulate)")
    if args.principal is None and args.action is None:
        raise InputError("--principal is required to simulate an assumption (or pass --action)")
    if args.account is not None and not re.fullmatch(r"\d{12}", args.account):
        raise InputError(f"--account {args.account!r}: write a 12-digit account ID")
    if args.mfa_age is not None and args.mfa_age < 0:
        raise InputError(f"--mfa-age {args.mfa_age}: must be 0 or more seconds")
    caller = Caller(
        principal=args.principal or "",
        mfa=args.mfa,
        mfa_age=args.mfa_age,
        external_id=args.external_id,
        source_identity=args.source_identity,
        session_name=args.session_name,
        claims=parse_pairs(args.claim, "--claim", split_commas=True),
        context=parse_pairs(args.context, "--context"),
        duration=parse_duration(args.duration) if args.duration is not None else None,
        chained=args.chained,
        org_id=args.org,
        org_paths=tuple(args.org_path),
    )
    app = load_app(args.path, account=args.account, region=args.region)
    result = explain(app, args.role, caller, action=args.action, resource=args.resource)
    where = stack_set_deployment(app, result.role)
    if args.format == "json":
        data = result.to_dict()
        if where:  # a StackSet member role: where it is deployed
            data["deployment"] = where
        print(json.dumps(data, indent=2))
    else:
        print(result.to_text())
        if where:
            print(
                f"Deployed by a StackSet to {where}: the same role exists in each of these "
                "accounts (its account is unknown here, never the StackSet's own account)."
            )
    return result.exit_code


def stack_set_deployment(app: App, role_path: str) -> str:
    """Where the StackSet that deploys the role goes, or ``""`` for a role of its own stack.

    Example:
        >>> stack_set_deployment(load_app({"Resources": {}}), "Template/R")
        ''
    """
    names = {role.stack for role in app.roles if role.path == role_path}
    return next((s.deployment for s in app.stacks if s.name in names and s.deployment), "")
