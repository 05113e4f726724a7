"""``cdk-iam-roles catalog PATH``: who can assume each role, how, for how long, with what.

Reads a ``cdk.out`` folder or one template and writes the role catalog as Markdown,
JSON (``docs/catalog.schema.json``), Mermaid, HTML or a terminal summary. Exit 0 with
a catalog (findings are part of it, not a failure), 2 on unusable input.

Example:
    ``cdk-iam-roles catalog cdk.out --format html --output roles.html``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cdk_iam_roles.catalog import FORMATS, build_catalog, render
from cdk_iam_roles.errors import InputError
from cdk_iam_roles.organisation import load_organisation
from cdk_iam_roles.rules.acknowledgments import read_app_acknowledgments

NAME = "catalog"
HELP = "List who can assume each role, on which conditions, for how long, with what permissions."
EPILOG = """\
exit codes:
  0  the catalog was printed (or written)
  2  unusable input (one line on stderr)

examples:
  cdk-iam-roles catalog cdk.out --format md > roles.md
  cdk-iam-roles catalog cdk.out --format html --output roles.html
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the catalog options."""
    parser.add_argument(
        "path",
        metavar="PATH",
        nargs="+",
        help="cdk.out folders or template files, one per app (read as one organisation)",
    )
    parser.add_argument(
        "--format",
        choices=list(FORMATS),
        default="md",
        help="md (default, for pull requests), json, mermaid, html or summary",
    )
    parser.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")


def run(args: argparse.Namespace) -> int:
    """Build and print (or write) the catalog; returns the exit code."""
    stacks = load_organisation(args.path)
    # What the app acknowledged (cdk.Acknowledgment) is listed apart, as `check` does.
    acks = read_app_acknowledgments(stacks, args.path)
    text = render(build_catalog(stacks, acknowledgments=acks), args.format)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{args.output}: cannot write it ({exc.strerror})") from None
    else:
        sys.stdout.write(text)
    return 0
