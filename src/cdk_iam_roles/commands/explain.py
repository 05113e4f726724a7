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

from cdk_iam_roles.analysis.assembly import App, load_app
from cdk_iam_roles.analysis.explain import Caller, explain, parse_duration, parse_pairs
from cdk_iam_roles.errors import InputError

NAME = "explain"
HELP = (
    "Simulate assuming a role (or a call made with it) and explain the decision in plain "
    "words: which statement decided, which condition failed, and what to change."
)


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
        required=True,
        help="the caller: an IAM user/role/session ARN, an account ID, an OIDC or SAML "
        "provider ARN, a service principal, or a role of the app (construct path)",
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
        help="an OIDC token claim, e.g. sub=repo:acme/web:ref:refs/heads/main (repeatable)",
    )
    parser.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a request context key, e.g. aws:PrincipalOrgID=o-abc or SAML:aud=… (repeatable)",
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
    if args.mfa_age is not None and args.mfa_age < 0:
        raise InputError(f"--mfa-age {args.mfa_age}: must be 0 or more seconds")
    caller = Caller(
        principal=args.principal,
        mfa=args.mfa,
        mfa_age=args.mfa_age,
        external_id=args.external_id,
        source_identity=args.source_identity,
        session_name=args.session_name,
        claims=parse_pairs(args.claim, "--claim"),
        context=parse_pairs(args.context, "--context"),
        duration=parse_duration(args.duration) if args.duration is not None else None,
        chained=args.chained,
    )
    app = load_app(args.path)
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
