"""``cdk-iam-roles diff BASE HEAD``: what an IAM change does to access, proved or shown.

BASE and HEAD are two ``cdk.out`` folders or templates (JSON or YAML), in any
combination. Roles are matched by construct path, then logical ID, then role name; each
gets a trust verdict and a permissions verdict: ``no-new-access`` (proved),
``new-access`` (with a witness request that the evaluator allows under HEAD and denies
under BASE) or ``unknown`` (never counted as no new access). Exit 0 when every role is
proved to gain nothing, 1 on new or undecided access, 2 on unusable input. Never loads
``aws_cdk`` or ``jsii``.

Two template files are two versions of one stack: HEAD is read under BASE's stack name
(a template file's stack is named after the file), so ``main.template.yaml`` and
``branch.template.yaml`` give the same names to the same resources; a template compared
with a ``cdk.out`` folder of one stack takes that stack's name likewise.

A part of HEAD that was not read (a transform such as SAM, a nested stack or StackSet
member whose template was not read, a resource that is not one:
:mod:`cdk_iam_roles.rules.coverage`) may deploy roles nobody compared. When the template
deciding its content differs from BASE's (the whole template for a transform, which
rewrites it; the resource itself for a nested stack, a StackSet or an odd resource), it
is undecided (never no new access); when it is as in BASE, what it deploys is taken as
unchanged, as for a managed policy outside the app. Each is listed in the report's
``unread`` list (:class:`~cdk_iam_roles.analysis.symbolic._diff.UnreadPart`), apart from
the roles.

Example:
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> configure(parser)
    >>> parser.parse_args(["old.json", "new.json", "--format", "md"]).format
    'md'
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from cdk_iam_roles.analysis.assembly import App, load_app
from cdk_iam_roles.analysis.symbolic._diff import Change, DiffReport, UnreadPart, diff_apps
from cdk_iam_roles.analysis.symbolic._render import (
    render_json,
    render_markdown,
    render_sarif,
    render_text,
)
from cdk_iam_roles.cfn import StackTemplate
from cdk_iam_roles.rules.coverage import unread_parts
from cdk_iam_roles.rules.model import Finding

NAME = "diff"
HELP = (
    "Compare two versions of an app (cdk.out folders or templates): for each role, prove "
    "that the change grants no new access, or show a request it newly allows."
)

EPILOG = """\
exit codes:
  0  no role gains access (proved for every role)
  1  a role gains access, or whether it does could not be decided (unknown)
  2  unusable input (one line on stderr)

examples:
  cdk-iam-roles diff base/cdk.out cdk.out
  cdk-iam-roles diff main.template.yaml branch.template.yaml --format md > comment.md
"""

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
    """Both apps, read so that the same role has the same names on both sides.

    A side without an environment takes the other side's (one template compared with a
    ``cdk.out`` folder), so the same role has the same ARN on both; a template file
    takes the other side's stack name (see the module's documentation).
    """
    base, head = load_app(base_path), load_app(head_path)
    base_env, head_env = _environment(base), _environment(head)
    head_env_given = any(not s.account for s in head.stacks) and base_env[0] is not None
    base_env_given = (
        not head_env_given and any(not s.account for s in base.stacks) and head_env[0] is not None
    )
    head_name = _rename(head_path, head, base_path, base)
    base_name = None if head_name else _rename(base_path, base, head_path, head)
    if head_env_given or head_name:
        env = base_env if head_env_given else (None, None)
        head = _read(head_path, head_name, account=env[0], region=env[1])
    if base_env_given or base_name:
        env = head_env if base_env_given else (None, None)
        base = _read(base_path, base_name, account=env[0], region=env[1])
    return base, head


def _own_stack(path: str, app: App) -> str | None:
    """The name of the one stack the app at ``path`` deploys itself (StackSet members
    and nested stacks aside), or ``None`` when it deploys several."""
    own = [s.name for s in app.stacks if not s.deployment]
    own = [name for name in own if not any(name.startswith(o + "/") for o in own)]
    return own[0] if len(own) == 1 else None


def _rename(path: str, app: App, other_path: str, other: App) -> str | None:
    """The stack name the template file at ``path`` should be read under: the other
    side's one stack, when it is named otherwise; ``None`` to keep the names."""
    if os.path.isdir(path):
        return None  # a cloud assembly names its stacks itself
    mine, theirs = _own_stack(path, app), _own_stack(other_path, other)
    if mine is None or theirs is None or mine == theirs or "/" in theirs:
        return None
    return theirs


def _read(path: str, name: str | None, *, account: str | None, region: str | None) -> App:
    """The app at ``path`` with the environment given and, when ``name`` is given, the
    template file's stack named ``name`` (the file is read through a link of that name)."""
    if name is None:
        return load_app(path, account=account, region=region)
    with tempfile.TemporaryDirectory(prefix="cdk-iam-roles-") as folder:
        link = Path(folder) / f"{name}.template"
        try:
            link.symlink_to(Path(path).resolve())
        except OSError:  # no symbolic links here: the names stay as the files give them
            return load_app(path, account=account, region=region)
        app = load_app(link, account=account, region=region)
    for stack in app.stacks:
        if stack.source.startswith(folder):
            stack.source = path
    return app


def _unread(base: App, head: App, head_path: str, report: DiffReport) -> None:
    """Each part of HEAD that was not read, in ``report.unread``: undecided unless what
    decides its content is as in BASE, or the app acknowledges it (see the module's
    documentation)."""
    gaps, acknowledged = unread_parts(head.stacks, [head_path])
    before = {s.name: s for s in base.stacks}
    after = {s.name: s for s in head.stacks}
    found: list[tuple[Finding, str | None]] = [(finding, None) for finding in gaps]
    found += [(finding, ack.reason) for finding, ack in acknowledged]
    for finding, reason in sorted(found, key=lambda pair: pair[0].path):
        old, new = before.get(finding.stack), after[finding.stack]
        change: Change = "added" if old is None else "changed"
        if old is not None and _source_of(finding, old) == _source_of(finding, new):
            change = "unchanged"
        report.unread.append(
            UnreadPart(
                finding.stack,
                finding.path,
                finding.logical_id,
                finding.rule_id,
                finding.message,
                change,
                reason,
            )
        )


def _source_of(finding: Finding, stack: StackTemplate) -> object:
    """What decides what an unread part deploys: the whole template for a transform
    (it rewrites the template), else the resource's own definition."""
    if finding.rule_id == "IAMR-DOC-006":
        return stack.template
    return stack.resources.get(finding.logical_id)


def run(args: argparse.Namespace) -> int:
    """Diff, print, and return 0 (no new access) or 1 (new or undecided access)."""
    base, head = _load_pair(args.base, args.head)
    report = diff_apps(base, head)
    _unread(base, head, args.head, report)
    report.base_label, report.head_label = args.base, args.head
    report.sources = {s.name: s.source for s in head.stacks if s.source}
    for stack in base.stacks:
        if stack.source:
            report.sources.setdefault(stack.name, stack.source)
    print(_RENDER[args.format](report), end="" if args.format == "md" else "\n")
    return report.exit_code
