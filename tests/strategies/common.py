"""Strategies shared by the pattern property tests."""

from __future__ import annotations

from hypothesis import strategies as st

ACCOUNT_IDS = st.from_regex(r"\A[0-9]{12}\Z")
BAD_ACCOUNT_IDS = st.one_of(
    st.from_regex(r"\A[0-9]{1,11}\Z"),
    st.from_regex(r"\A[0-9]{13,20}\Z"),
    st.from_regex(r"\A[0-9]{0,6}[a-z][0-9a-z]{0,6}\Z"),
)
ROLE_NAMES = st.from_regex(r"\A[A-Za-z0-9+=,.@_-]{1,64}\Z")
BAD_ROLE_NAMES = st.one_of(
    st.from_regex(r"\A[A-Za-z0-9]{65,80}\Z"),
    st.from_regex(r"\A[A-Za-z0-9]{0,10}[ /:*#][A-Za-z0-9]{0,10}\Z"),
    st.just(""),
)
ANY_JUNK = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.binary(max_size=5),
)
