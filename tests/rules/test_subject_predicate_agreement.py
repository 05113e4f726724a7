"""One judge of OIDC subject patterns: the template rules and the constructors agree.

``GenericOidc(issuer=GitHub's issuer, subjects=["repo:*"])`` was accepted at construction
while the plugin refused the same trust at synth (issue 10). Both now call
:func:`cdk_iam_roles.trust.subjects.subject_pattern_issue` and report the same rule ID.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rule_templates import GITHUB, findings, github_trust

from cdk_iam_roles.trust.identities import GenericOidc
from cdk_iam_roles.trust.subjects import SubjectIssueKind, subject_pattern_issue

ISSUER = "https://token.actions.githubusercontent.com"
SUBJECT_RULES = {"IAMR-OIDC-003", "IAMR-OIDC-007"}


def template_ids(pattern: str) -> set[str]:
    tpl = github_trust(
        {
            "StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"},
            "StringLike": {f"{GITHUB}:sub": pattern},
        }
    )
    return {f.rule_id for f in findings(tpl)} & SUBJECT_RULES


def construct_ids(pattern: str) -> set[str]:
    oidc = GenericOidc(issuer=ISSUER, audiences=["sts.amazonaws.com"], subjects=[pattern])
    return {p.rule_id for p in oidc.problems()} & SUBJECT_RULES


@pytest.mark.parametrize(
    ("pattern", "kind", "rule_id"),
    [
        ("*", SubjectIssueKind.MATCHES_EVERYTHING, "IAMR-OIDC-003"),
        ("repo:*", SubjectIssueKind.ANY_OWNER, "IAMR-OIDC-003"),
        ("repo:*/app:ref:refs/heads/main", SubjectIssueKind.ANY_OWNER, "IAMR-OIDC-003"),
        ("repo:acme@*/app@*", SubjectIssueKind.IMMUTABLE_ID_WILDCARD, "IAMR-OIDC-007"),
        ("repo:acme@123/app@*:*", SubjectIssueKind.IMMUTABLE_ID_WILDCARD, "IAMR-OIDC-007"),
        ("repo:acme/app*", SubjectIssueKind.NEIGHBOUR_GLOB, "IAMR-OIDC-003"),
        (
            "repo:acme/app:ref:refs/heads/release-*",
            SubjectIssueKind.NEIGHBOUR_GLOB,
            "IAMR-OIDC-003",
        ),
    ],
)
def test_patterns_that_pin_nothing(pattern: str, kind: SubjectIssueKind, rule_id: str) -> None:
    issue = subject_pattern_issue(pattern)
    assert issue is not None
    assert issue.kind is kind
    assert template_ids(pattern) == {rule_id}
    assert construct_ids(pattern) == {rule_id}


@pytest.mark.parametrize(
    "pattern",
    [
        "repo:acme/app:ref:refs/heads/main",
        "repo:acme/app:*",
        "repo:acme/app:ref:refs/heads/release/*",
        "repo:acme@1/app@2:environment:prod",
        "repo:acme@1/app@2:*",
    ],
)
def test_bounded_patterns_pass_both(pattern: str) -> None:
    assert subject_pattern_issue(pattern) is None
    assert template_ids(pattern) == set()
    assert construct_ids(pattern) == set()


def test_generic_oidc_with_githubs_issuer_and_repo_star_is_refused_at_construction() -> None:
    oidc = GenericOidc(issuer=ISSUER, audiences=["sts.amazonaws.com"], subjects=["repo:*"])
    assert [(p.argument, p.rule_id) for p in oidc.problems()] == [
        ("GenericOidc.subjects", "IAMR-OIDC-003")
    ]


_PIECES = st.sampled_from(["repo", ":", "/", "@", "*", "acme", "app", "123", "-", "ref"])


@given(st.lists(_PIECES, min_size=1, max_size=8).map("".join))
def test_property_the_two_faces_never_disagree(pattern: str) -> None:
    # Whatever the template rules refuse, the constructor refuses with the same ID.
    assert template_ids(pattern) == construct_ids(pattern)
