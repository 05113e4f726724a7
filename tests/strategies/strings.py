"""Strategies for hostile and unusual text: padding, control characters, unicode, CDK tokens.

Every string argument of every pattern must refuse a value with a control character or
with leading or trailing whitespace (rule IAMR-ROLE-008), and must accept a CDK token.
:func:`not_plain` turns a good value of an argument into one that is not plain text in
every way a copy-paste or a template can: a trailing newline, a carriage return, a NUL,
a Unicode line separator, a non-breaking space in front.
"""

from __future__ import annotations

import aws_cdk as cdk
from hypothesis import strategies as st

from cdk_iam_roles.trust.validate import check_plain_text

# Characters that Python's str.strip() removes and that are not control characters, so
# they reach the whitespace half of the check (U+0085 and U+2028/9 are both: they count
# as control characters).
_SPACES = (" ", "\u00a0", "\u1680", "\u2003", "\u202f", "\u205f", "\u3000")
# The control characters people meet: line ends, NUL, escape, DEL, a C1 control, and the
# Unicode line and paragraph separators (line breaks to JavaScript and many parsers).
_NAMED_CONTROLS = ("\n", "\r", "\r\n", "\x00", "\t", "\x0b", "\x0c", "\x1b", "\x7f", "\x85")
_UNICODE_BREAKS = ("\u2028", "\u2029")

WHITESPACE = st.sampled_from(_SPACES)
CONTROL_CHARACTERS = st.one_of(
    st.sampled_from(_NAMED_CONTROLS + _UNICODE_BREAKS),
    st.characters(categories=["Cc"]),
)
"""One control character (or CR LF), always refused wherever it stands."""

UNICODE_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0xA0, categories=["L", "M", "N", "P", "S"]),
    min_size=1,
    max_size=20,
)
"""Printable non-ASCII text (letters, marks, digits, punctuation, symbols): plain text."""

ANY_TEXT = st.text(max_size=30)
"""Any text at all, plain or not."""


@st.composite
def padded(draw: st.DrawFn, base: str) -> str:
    """``base`` with whitespace (and nothing else wrong) before it, after it, or both."""
    before = draw(st.text(WHITESPACE, max_size=2))
    after = draw(st.text(WHITESPACE, max_size=2))
    if not before and not after:
        after = draw(WHITESPACE)
    return before + base + after


@st.composite
def with_control(draw: st.DrawFn, base: str) -> str:
    """``base`` with a control character at the start, inside or (most often) at the end."""
    control = draw(CONTROL_CHARACTERS)
    where = draw(st.sampled_from(["end", "end", "start", "inside"]))
    if where == "end":
        return base + control
    if where == "start":
        return control + base
    cut = draw(st.integers(min_value=0, max_value=len(base)))
    return base[:cut] + control + base[cut:]


def not_plain(base: str) -> st.SearchStrategy[str]:
    """A corruption of the good value ``base`` that IAMR-ROLE-008 refuses."""
    return st.one_of(padded(base), with_control(base)).filter(
        lambda value: check_plain_text(value) is not None
    )


# Tokens are made once: each is a marker string in the CDK's global token map, valid in
# every app, and making one costs a call into Node.
_TOKEN_POOL = (
    cdk.Aws.ACCOUNT_ID,
    cdk.Aws.REGION,
    cdk.Aws.PARTITION,
    cdk.Aws.STACK_NAME,
    cdk.Token.as_string(cdk.Fn.ref("DeployParameter")),
    cdk.Token.as_string({"Ref": "AWS::URLSuffix"}),
    cdk.Fn.import_value("Shared-Export"),
    cdk.Fn.get_att("Queue", "Arn").to_string(),
)
TOKENS = st.sampled_from(_TOKEN_POOL)
"""A CDK string token (``Aws.ACCOUNT_ID``, ``Token.as_string(Fn.ref(...))``, an import)."""
