"""``cdk-iam-roles profiles PATH``: ``~/.aws/config`` profiles for the roles people assume.

One ``[profile <stack>-<role-name>]`` per role that trusts IAM users, roles or accounts,
with ``role_arn``, ``source_profile``, and ``mfa_serial``, ``external_id``,
``duration_seconds`` and ``role_session_name`` as the trust requires. A role whose
values AWS would not accept (a control character, a malformed ARN or external ID) gets
no profile and a one-line warning on stderr. Exit 0, or 2 on unusable input.

Example:
    ``cdk-iam-roles profiles cdk.out --source-profile me >> ~/.aws/config``
"""

from __future__ import annotations

import argparse
import sys

from cdk_iam_roles.catalog import ProfileOptions, build_catalog, profile_report
from cdk_iam_roles.cfn import load_stacks

NAME = "profiles"
HELP = "Print ~/.aws/config profiles for the roles that IAM users, roles or accounts assume."


def _seconds(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {value}")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the profiles options."""
    parser.add_argument("path", metavar="PATH", help="a cdk.out folder or a template file")
    parser.add_argument(
        "--source-profile",
        default="default",
        metavar="NAME",
        help="profile whose credentials assume the roles (default: default)",
    )
    parser.add_argument(
        "--mfa-serial", metavar="ARN", help="your MFA device's ARN, for roles that require MFA"
    )
    parser.add_argument("--region", metavar="R", help="region to write into every profile")
    parser.add_argument(
        "--duration-seconds",
        type=_seconds,
        metavar="S",
        help="session length to ask for (default 3600; kept within each role's maximum)",
    )
    parser.add_argument(
        "--user-name",
        metavar="NAME",
        help="your IAM user name, for roles whose trust requires it as the session name",
    )


def run(args: argparse.Namespace) -> int:
    """Print the profiles; returns the exit code."""
    options = ProfileOptions(
        source_profile=args.source_profile,
        mfa_serial=args.mfa_serial,
        region=args.region,
        duration_seconds=args.duration_seconds,
        user_name=args.user_name,
    )
    report = profile_report(build_catalog(load_stacks(args.path)), options)
    for skipped in report.skipped:
        print(f"cdk-iam-roles: {skipped.warning}", file=sys.stderr)
    sys.stdout.write(report.text)
    return 0
