"""The ``cdk-iam-roles`` command line: a thin face over the rules and the analysis layer.

Each subcommand lives in a module of :mod:`cdk_iam_roles.commands` that defines
``NAME``, ``HELP``, ``configure(parser)`` and ``run(args) -> int``. Nothing here (or in
those modules at import time) loads ``aws_cdk`` or ``jsii``, so the command starts fast.

Exit codes: 0 success (clean, allowed), 1 a negative result (error findings, denied),
2 unusable input, a failed write to standard output or an internal error (a one-line
reason on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any, TextIO

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


def _command_names() -> list[str]:
    """The command modules' names (each module's ``NAME`` is its module name)."""
    return sorted(
        m.name
        for m in pkgutil.iter_modules(commands.__path__)
        if not m.ispkg and not m.name.startswith("_")
    )


def _command_modules(only: str | None = None) -> list[ModuleType]:
    names = [only] if only is not None else _command_names()
    return [importlib.import_module(f"{commands.__name__}.{n}") for n in names]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse's own usage errors exit 2, which is also our "unusable input" code.
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNUSABLE, f"{self.prog}: error: {message}\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser with every subcommand, or with command ``only``.

    Loading one command's module (and what it imports) instead of all of them keeps
    ``cdk-iam-roles check`` from paying for the evaluator and the symbolic engine.
    """
    parser = _Parser(
        prog="cdk-iam-roles",
        description="Check, explain and catalog the IAM roles of a CDK app or template.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module in _command_modules(only):
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
    """Run the command line; returns the exit code.

    Never a traceback: unusable input is one line and exit 2; so is a failed write to
    standard output (``> /dev/full``; a closed pipe exits 2 silently) and, as a last
    resort, any unexpected exception ("internal error", to report). Exit 1 stays what
    the command decided (findings, denied).
    """
    stdout = sys.stdout
    try:
        given = list(sys.argv[1:] if argv is None else argv)
        only = given[0] if given and given[0] in _command_names() else None
        args = build_parser(only).parse_args(given)
        sys.stdout = _Stdout(stdout)
        code: int = args._run(args)
        sys.stdout.flush()  # a write error surfaces here, not at interpreter exit
    except InputError as exc:
        return _fail(str(exc))
    except BrokenPipeError:  # the reader went away (`| head`): nothing to say
        _silence(stdout)
        return EXIT_UNUSABLE
    except _StdoutError as exc:
        _silence(stdout)
        return _fail(f"cannot write to standard output ({exc})")
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last resort: one line, never exit 1 ("findings")
        return _fail(f"internal error: {type(exc).__name__}: {exc} (please report)")
    finally:
        sys.stdout = stdout
    return code


class _StdoutError(Exception):
    """A write to standard output failed (a full disk, an I/O error)."""


class _Stdout:
    """Standard output while a command runs: tells its write errors from any other."""

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text) if self._stream is not None else len(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise _StdoutError(exc.strerror or str(exc)) from None

    def flush(self) -> None:
        try:
            if self._stream is not None:
                self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise _StdoutError(exc.strerror or str(exc)) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _fail(message: str) -> int:
    # One line whatever the message holds (a file name may contain a newline).
    line = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
    with contextlib.suppress(OSError):
        print(f"cdk-iam-roles: {line}", file=sys.stderr)
    return EXIT_UNUSABLE


def _silence(stream: TextIO | None) -> None:
    """Point standard output at /dev/null, so that the interpreter's own flush at exit
    does not fail again (and print a traceback of its own)."""
    # Not possible when stdout was replaced (tests) or closed: then nothing to silence.
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())  # type: ignore[union-attr]
        os.close(devnull)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
