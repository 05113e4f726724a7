"""``cdk-iam-roles diff BASE HEAD``: what an IAM change does to access, proved or shown.

BASE and HEAD are two ``cdk.out`` folders or templates (JSON or YAML), in any
combination. Roles are matched by construct path, then logical ID, then role name; each
gets a trust verdict and a permissions verdict: ``no-new-access`` (proved),
``new-access`` (with a witness request that the evaluator allows under HEAD and denies
under BASE) or ``unknown`` (never counted as no new access). Exit 0 when every role is
proved to gain nothing, 1 on new or undecided access, 2 on unusable input. Never loads
``aws_cdk`` or ``jsii``.

Example:
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> configure(parser)
    >>> parser.parse_args(["old.json", "new.json", "--format", "md"]).format
    'md'
"""

from __future__ import annotations

import argparse

from cdk_iam_roles.analysis.assembly import App, load_app
from cdk_iam_roles.analysis.symbolic._diff import diff_apps
from cdk_iam_roles.analysis.symbolic._render import (
    render_json,
    render_markdown,
    render_sarif,
    render_text,
)

NAME = "diff"
HELP = (
    "Compare two versions of an app (cdk.out folders or templates): for each role, prove "
    "that the change grants no new access, or show a request it newly allows."
)

_RENDER = {"text": render_text, "json": render_json, "md": render_markdown, "sarif": render_sarif}


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``diff`` to ``parser``."""
    parser.add_argument("base", metavar="BASE", help="the app before the change")
    parser.add_argument("head", metavar="HEAD", help="the app after the change")
    parser.add_argument("--format", choices=tuple(_RENDER), default="text")


def _environment(app: App) -> tuple[str | None, str | None]:
    accounts = {s.account for s in app.stacks if s.account}
    regions = {s.region for s in app.stacks if s.region}
    return (
        next(iter(accounts)) if len(accounts) == 1 else None,
        next(iter(regions)) if len(regions) == 1 else None,
    )


def _load_pair(base_path: str, head_path: str) -> tuple[App, App]:
    """Both apps; a side without an environment takes the other side's (one template
    compared with a ``cdk.out`` folder), so the same role has the same ARN on both."""
    base, head = load_app(base_path), load_app(head_path)
    base_env, head_env = _environment(base), _environment(head)
    if any(not s.account for s in head.stacks) and base_env[0]:
        head = load_app(head_path, account=base_env[0], region=base_env[1])
    elif any(not s.account for s in base.stacks) and head_env[0]:
        base = load_app(base_path, account=head_env[0], region=head_env[1])
    return base, head


def run(args: argparse.Namespace) -> int:
    """Diff, print, and return 0 (no new access) or 1 (new or undecided access)."""
    base, head = _load_pair(args.base, args.head)
    report = diff_apps(base, head)
    report.base_label, report.head_label = args.base, args.head
    report.sources = {s.name: s.source for s in head.stacks if s.source}
    for stack in base.stacks:
        if stack.source:
            report.sources.setdefault(stack.name, stack.source)
    print(_RENDER[args.format](report), end="" if args.format == "md" else "\n")
    return report.exit_code
