"""The ``cdk-iam-roles`` command line: a thin face over the rules and the analysis layer.

Each subcommand lives in a module of :mod:`cdk_iam_roles.commands` that defines
``NAME``, ``HELP``, ``configure(parser)`` and ``run(args) -> int``. Nothing here (or in
those modules at import time) loads ``aws_cdk`` or ``jsii``, so the command starts fast.

Exit codes: 0 success (clean, allowed), 1 a negative result (error findings, denied),
2 unusable input (a one-line reason on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence
from types import ModuleType

from cdk_iam_roles import __version__, commands
from cdk_iam_roles.errors import InputError

__all__ = ["main"]

EXIT_OK = 0
EXIT_NEGATIVE = 1
EXIT_UNUSABLE = 2

_EPILOG = """\
exit codes: 0 success (clean, allowed), 1 a negative result (error findings, denied),
2 unusable input (a one-line reason on stderr). `cdk-iam-roles COMMAND --help` shows a
command's flags, exit codes and examples.
"""


def _command_modules() -> list[ModuleType]:
    names = sorted(m.name for m in pkgutil.iter_modules(commands.__path__) if not m.ispkg)
    return [
        importlib.import_module(f"{commands.__name__}.{n}") for n in names if not n.startswith("_")
    ]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse's own usage errors exit 2, which is also our "unusable input" code.
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNUSABLE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = _Parser(
        prog="cdk-iam-roles",
        description="Check, explain and catalog the IAM roles of a CDK app or template.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module in _command_modules():
        command = sub.add_parser(
            module.NAME,
            help=module.HELP,
            description=module.HELP,
            epilog=getattr(module, "EPILOG", None),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.configure(command)
        command.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args._run(args)
    except InputError as exc:
        print(f"cdk-iam-roles: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except BrokenPipeError:
        return EXIT_OK
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
