"""Strategies for ServiceRole and ServiceLinkedRole inputs."""

from __future__ import annotations

from hypothesis import strategies as st

from cdk_iam_roles.trust.confused_deputy import CONFUSED_DEPUTY_SERVICES

KNOWN_SERVICES = st.sampled_from(
    sorted(
        {
            "lambda.amazonaws.com",
            "ec2.amazonaws.com",
            "edgelambda.amazonaws.com",
            "pods.eks.amazonaws.com",
            "codebuild.amazonaws.com",
            "glue.amazonaws.com",
            *CONFUSED_DEPUTY_SERVICES,
        }
    )
)
GOOD_SERVICE_ARGS = st.one_of(KNOWN_SERVICES, st.lists(KNOWN_SERVICES, min_size=1, max_size=4))
BAD_SERVICES = st.one_of(
    st.just("*"),
    st.just(""),
    st.from_regex(r"\A[a-z]{2,12}\Z"),
    st.from_regex(r"\A[A-Z][a-z]{2,8}\.amazonaws\.com\Z"),
    st.from_regex(r"\Aarn:aws:iam::[0-9]{12}:root\Z"),
    st.from_regex(r"\A[a-z]{2,8} [a-z]{2,8}\.amazonaws\.com\Z"),
    st.integers(),
    st.none(),
)
SUFFIXES = st.from_regex(r"\A[A-Za-z0-9+=,.@_-]{1,64}\Z")
BAD_SUFFIXES = st.one_of(
    st.from_regex(r"\A[A-Za-z0-9]{65,80}\Z"),
    st.from_regex(r"\A[a-z]{0,5}[ /:*#!][a-z]{0,5}\Z"),
    st.just(""),
    st.integers(),
)
