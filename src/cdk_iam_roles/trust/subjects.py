"""OIDC subject patterns that pin nothing: one predicate for the rules and the constructors.

A ``StringLike`` pattern on a token's ``sub`` claim is meant to narrow the trust to one
owner, repository, project or branch namespace. Some patterns look narrow and are not:

* ``*`` matches every subject of the issuer, and ``repo:*`` (a bare claim type followed
  by a wildcard) every repository of every owner on GitHub; ``repo:*/app:*`` matches
  ``app`` of any owner;
* ``repo:acme@*/app@*`` puts a wildcard where GitHub's immutable subject carries the
  owner's and the repository's numeric IDs, which throws away the point of the IDs: a
  deleted and re-created (or transferred) ``acme/app`` matches again
  (https://docs.github.com/en/actions/reference/security/oidc);
* ``repo:acme/app*`` matches the neighbour ``repo:acme/app-evil``: IAM's ``*`` matches
  any characters, ``/`` and ``:`` included
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String).

:func:`subject_pattern_issue` is the one judge of such patterns. The template rules
IAMR-OIDC-003 (:mod:`cdk_iam_roles.rules.checks.web_identity_subject_glob_bounded`) and
IAMR-OIDC-007 (:mod:`cdk_iam_roles.rules.checks.web_identity_immutable_id_exact`) report
what it finds in templates; the identity classes report the same finding, with the same
rule ID, at construction. So what the plugin refuses at synth is refused when the role
is built.

Example:
    >>> subject_pattern_issue("repo:acme@*/app@*").kind
    <SubjectIssueKind.IMMUTABLE_ID_WILDCARD: 'immutable-id-wildcard'>
    >>> subject_pattern_issue("repo:acme/app:ref:refs/heads/release/*") is None
    True
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

__all__ = ["SubjectIssue", "SubjectIssueKind", "subject_pattern_issue"]

_WILDCARDS = "*?"
# A claim type with nothing after it: 'repo:', 'project_path:', 'organization:'. A value in
# braces is an ID, not a claim type: Bitbucket's sub starts '{REPOSITORY_UUID}:'.
_BARE_CLAIM_TYPE = re.compile(r"[^:/*?{}]*:")
# '@' followed by a wildcard: where GitHub's immutable form puts a numeric ID.
_ID_WILDCARD = re.compile(r"@[*?]")


class SubjectIssueKind(enum.StrEnum):
    """How a subject pattern fails to pin its workload."""

    MATCHES_EVERYTHING = "matches-everything"
    """The pattern starts with a wildcard: every subject of the issuer."""
    ANY_OWNER = "any-owner"
    """A bare claim type then a wildcard (``repo:*``): every owner of the platform."""
    IMMUTABLE_ID_WILDCARD = "immutable-id-wildcard"
    """A wildcard in place of an immutable numeric ID (``acme@*``)."""
    NEIGHBOUR_GLOB = "neighbour-glob"
    """A wildcard that does not follow ``:`` or ``/``: neighbouring names match."""


@dataclass(frozen=True, slots=True)
class SubjectIssue:
    """What is wrong with a subject pattern.

    Args:
        kind: the family of the problem (decides the rule ID that reports it).
        reason: a short explanation, phrased to follow "too broad: ".
    """

    kind: SubjectIssueKind
    reason: str


def subject_pattern_issue(pattern: str) -> SubjectIssue | None:
    """Why a ``StringLike`` subject pattern pins nothing, or ``None`` when it is bounded.

    A pattern without ``*`` or ``?`` is exact and always bounded. Otherwise the first
    applicable reason wins, in this order: matches everything, any owner, a wildcard in
    place of an immutable ID, a wildcard that does not follow ``:`` or ``/``.

    Args:
        pattern: the subject value as IAM reads it under ``StringLike``.

    Example:
        >>> subject_pattern_issue("repo:*").reason
        "it matches every subject of type 'repo:'"
        >>> subject_pattern_issue("repo:org/app*").kind.value
        'neighbour-glob'
        >>> subject_pattern_issue("repo:org/app:*") is None
        True
    """
    positions = [i for i, ch in enumerate(pattern) if ch in _WILDCARDS]
    if not positions:
        return None
    prefix = pattern[: positions[0]]
    if prefix == "":
        return SubjectIssue(SubjectIssueKind.MATCHES_EVERYTHING, "it matches every subject")
    if _BARE_CLAIM_TYPE.fullmatch(prefix):
        return SubjectIssue(
            SubjectIssueKind.ANY_OWNER, f"it matches every subject of type {prefix!r}"
        )
    found = _ID_WILDCARD.search(pattern)
    if found is not None:
        return SubjectIssue(
            SubjectIssueKind.IMMUTABLE_ID_WILDCARD,
            f"the wildcard at position {found.start() + 1} stands in for an immutable ID",
        )
    for position in positions:
        if pattern[position - 1] not in ":/*?":
            return SubjectIssue(
                SubjectIssueKind.NEIGHBOUR_GLOB,
                f"the wildcard at position {position} does not follow ':' or '/'",
            )
    return None
