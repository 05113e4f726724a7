"""Template text made safe to show: one line, every invisible character made visible.

A template is untrusted input. Its values reach terminals, Markdown, HTML, Mermaid and
INI files, where a control character can move the cursor or start a line of its own,
and a format character (such as U+202E, right-to-left override) can make the text read
as something else. :func:`one_line` collapses whitespace runs (newlines, tabs, U+2028 …)
to one space and writes any other character that is not printable as its escape.

Example:
    >>> one_line("a\\n b\\x1b[2Jc\\u202ed")
    'a b\\\\x1b[2Jc\\\\u202ed'
"""

from __future__ import annotations

__all__ = ["one_line"]


def one_line(text: str) -> str:
    """``text`` on one line of printable characters (see the module docstring).

    Args:
        text: any text.
    """
    joined = " ".join(text.split())
    if joined.isprintable():
        return joined
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in joined
    )
