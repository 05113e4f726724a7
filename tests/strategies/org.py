"""Strategies for OrgRoleRollout: OU and root IDs as the Organizations API writes them."""

from __future__ import annotations

import re

from hypothesis import strategies as st

# https://docs.aws.amazon.com/organizations/latest/APIReference/API_OrganizationalUnit.html
OU_PATTERN = re.compile(r"\Aou-[0-9a-z]{4,32}-[0-9a-z]{8,32}\Z")
ROOT_PATTERN = re.compile(r"\Ar-[0-9a-z]{4,32}\Z")

OU_IDS = st.from_regex(OU_PATTERN)
ROOT_IDS = st.from_regex(ROOT_PATTERN)
# Near misses: wrong case, short parts, missing dash, other prefixes, stray characters.
NEAR_OU_IDS = st.one_of(
    st.from_regex(r"\Aou-[0-9a-z]{0,3}-[0-9a-z]{8,12}\Z"),
    st.from_regex(r"\Aou-[0-9a-z]{4,8}-[0-9a-z]{0,7}\Z"),
    st.from_regex(r"\AOU-[0-9a-z]{4,8}-[0-9a-z]{8,12}\Z"),
    st.from_regex(r"\Aou[0-9a-z]{4,8}[0-9a-z]{8,12}\Z"),
    st.from_regex(r"\Ao-[0-9a-z]{10,20}\Z"),
    st.from_regex(r"\Aou-[0-9a-z]{4,8}-[0-9a-z]{4,8}[ _*A-Z][0-9a-z]{4,8}\Z"),
)
ANY_TEXT = st.text(max_size=40)
