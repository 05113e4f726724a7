"""Validation helpers shared by the identity classes (pure Python, private)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence

from cdk_iam_roles.errors import Problem
from cdk_iam_roles.rules.checks import web_identity_immutable_id_exact as immutable_id_exact
from cdk_iam_roles.rules.checks import web_identity_subject_glob_bounded as glob_bounded
from cdk_iam_roles.rules.construct import web_identity as rules
from cdk_iam_roles.rules.construct.role import PLAIN_TEXT
from cdk_iam_roles.trust.subjects import SubjectIssueKind, subject_pattern_issue
from cdk_iam_roles.trust.tokens import is_token
from cdk_iam_roles.trust.validate import check_plain_text

_HOST = re.compile(
    r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$"
)
_IAM_VALUE = re.compile(r"^[^\x00-\x1f\x7f]+$")
# Characters git refuses in ref names (besides '*', handled as a pattern).
# https://git-scm.com/docs/git-check-ref-format
_GIT_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?\[\\]")


def _strings(value: object) -> tuple[list[str], list[object]]:
    """Split a string / sequence argument into its strings and anything that is not one."""
    if value is None:
        return [], []
    if isinstance(value, str):
        return [value], []
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        good = [v for v in value if isinstance(v, str)]
        bad = [v for v in value if not isinstance(v, str)]
        return good, bad
    return [], [value]


def _unique(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _name_problem(
    owner: str, argument: str, value: object, pattern: re.Pattern[str], what: str
) -> Problem | None:
    """A name argument: a string of the platform's charset, never a wildcard."""
    arg = f"{owner}.{argument}"
    if not isinstance(value, str):
        return rules.NAME_INVALID.problem(arg, "must be a string", value)
    if is_token(value):
        return None
    if "*" in value or "?" in value:
        return rules.NAME_WILDCARD.problem(arg, "must not contain a wildcard", value)
    if not pattern.fullmatch(value):
        return rules.NAME_INVALID.problem(arg, f"must be {what}", value)
    return None


def _ref_problem(value: str) -> str | None:
    """What is wrong with a branch or tag name or pattern (``release/*``), if anything."""
    if is_token(value):
        return None
    if not value:
        return "must not be empty"
    if value.startswith("refs/"):
        return "must be the short name, without 'refs/heads/' or 'refs/tags/'"
    if "${" in value:
        return "must not contain '${' (IAM reads it as a policy variable)"
    if value == "*" or value.startswith("*"):
        return "must not be or start with a wildcard; name the ref or a prefix such as 'release/*'"
    for index, char in enumerate(value):
        if char == "*" and value[index - 1] != "/":
            return (
                "may hold a wildcard only right after '/' (such as 'release/*'): "
                f"{value!r} also matches neighbouring names"
            )
    if _GIT_FORBIDDEN.search(value):
        return "is not a valid git ref name (no spaces, '~^:?[\\' or control characters)"
    if (
        ".." in value
        or "@{" in value
        or "//" in value
        or value.startswith(("/", "-", "."))
        or value.endswith(("/", ".", ".lock"))
    ):
        return "is not a valid git ref name"
    return None


def _subject_problem(value: str) -> str | None:
    """A GenericOidc subject: exact, or with a wildcard right after '/' or ':'."""
    if is_token(value):
        return None
    if not value or not _IAM_VALUE.fullmatch(value):
        return "must be non-empty text without control characters"
    if "${" in value:
        return "must not contain '${' (IAM reads it as a policy variable)"
    if "?" in value:
        return "must not contain '?' (a StringLike wildcard)"
    return None  # where a '*' may stand: _subject_pattern_problems, shared with the rules


def _subject_pattern_problems(argument: str, patterns: Iterable[str]) -> list[Problem]:
    """The template rules' verdict on subject patterns, as construct-time problems.

    The judge is :func:`cdk_iam_roles.trust.subjects.subject_pattern_issue`, and each
    problem carries the rule ID the template rule reports for it (IAMR-OIDC-003 or
    IAMR-OIDC-007): what the plugin refuses at synth is refused at construction.
    """
    found: list[Problem] = []
    for pattern in patterns:
        if is_token(pattern):
            continue
        issue = subject_pattern_issue(pattern)
        if issue is None:
            continue
        info = (
            immutable_id_exact.INFO
            if issue.kind is SubjectIssueKind.IMMUTABLE_ID_WILDCARD
            else glob_bounded.INFO
        )
        found.append(
            info.problem(
                argument, f"is a subject pattern that pins nothing ({issue.reason})", pattern
            )
        )
    return found


def _is_pattern(value: str) -> bool:
    return "*" in value and not is_token(value)


def _ref_list(owner: str, argument: str, value: object, found: list[Problem]) -> list[str]:
    good, bad = _strings(value)
    for item in bad:
        found.append(rules.PATTERN_UNSAFE.problem(f"{owner}.{argument}", "must be strings", item))
    for item in good:
        problem = _ref_problem(item)
        if problem:
            fix = None
            if item.startswith("refs/"):
                short = item.split("/", 2)[-1]
                fix = f"Pass the short name, e.g. {short!r}."
            found.append(
                rules.PATTERN_UNSAFE.problem(f"{owner}.{argument}", problem, item, fix=fix)
            )
    return good


def _audience_problems(owner: str, argument: str, values: object) -> list[Problem]:
    found: list[Problem] = []
    good, bad = _strings(values)
    arg = f"{owner}.{argument}"
    for item in bad:
        found.append(rules.AUDIENCE_INVALID.problem(arg, "must be strings", item))
    if not good and not bad:
        found.append(rules.AUDIENCE_INVALID.problem(arg, "must name at least one audience", None))
    for item in good:
        if is_token(item):
            continue
        if not item or not _IAM_VALUE.fullmatch(item):
            found.append(rules.AUDIENCE_INVALID.problem(arg, "must be non-empty text", item))
        elif "*" in item or "?" in item or "${" in item:
            found.append(rules.AUDIENCE_INVALID.problem(arg, "must be exact (no wildcard)", item))
    return found


def _texts(value: object, depth: int = 0) -> Iterator[str]:
    """Every string in an argument: itself, sequence items, mapping keys and values."""
    if depth > 4:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _texts(key, depth + 1)
            yield from _texts(item, depth + 1)
    elif isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        for item in value:
            yield from _texts(item, depth + 1)


def _plain_text_problems(owner: str, identity: object) -> list[Problem]:
    """IAMR-ROLE-008 for every string of every argument of a dataclass identity.

    Runs before the provider-specific checks, so ``"acme\\n"`` is refused as text with a
    control character whatever a name pattern would have made of it.
    """
    found: list[Problem] = []
    for spec in dataclasses.fields(identity):  # type: ignore[arg-type]
        for text in _texts(getattr(identity, spec.name)):
            problem = check_plain_text(text)
            if problem is not None:
                found.append(PLAIN_TEXT.problem(f"{owner}.{spec.name}", problem, text))
    return found
