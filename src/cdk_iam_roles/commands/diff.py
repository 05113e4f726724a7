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

from cdk_iam_roles.analysis.assembly import load_app
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


def run(args: argparse.Namespace) -> int:
    """Diff, print, and return 0 (no new access) or 1 (new or undecided access)."""
    base = load_app(args.base)
    head = load_app(args.head)
    report = diff_apps(base, head)
    report.base_label, report.head_label = args.base, args.head
    report.sources = {s.name: s.source for s in head.stacks if s.source}
    for stack in base.stacks:
        if stack.source:
            report.sources.setdefault(stack.name, stack.source)
    print(_RENDER[args.format](report), end="" if args.format == "md" else "\n")
    return report.exit_code
