"""GitLab CI/CD jobs as an OIDC identity (pure Python)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cdk_iam_roles.errors import Problem
from cdk_iam_roles.rules.construct import web_identity as rules
from cdk_iam_roles.trust.identities._common import (
    _HOST,
    _audience_problems,
    _is_pattern,
    _name_problem,
    _ref_list,
    _strings,
    _unique,
)
from cdk_iam_roles.trust.identities.base import Identity, OidcClaims
from cdk_iam_roles.trust.tokens import is_token

# GitLab paths: letters, digits, '_', '-', '.'; not starting with '-' or ending in '.'.
# https://docs.gitlab.com/user/reserved_names/
_GITLAB_SEGMENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


@dataclass(frozen=True, kw_only=True, slots=True)
class GitLabCI(Identity):
    """GitLab CI/CD jobs of one project (issuer ``https://HOST``).

    Renders ``sub`` = ``project_path:GROUP/PROJECT:ref_type:branch:ref:B`` (``ref_type:tag``
    for tags) and ``aud`` = ``audience`` (default ``https://HOST``, the value GitLab's AWS
    guide uses in ``id_tokens``).
    https://docs.gitlab.com/ci/cloud_services/aws/

    Args:
        project_path: ``group/project`` or ``group/subgroup/project`` (exact).
        branches: branch names; ``release/*`` is a ``StringLike`` pattern (default: none).
        tags: tag names, patterns as for branches (default: none).
        host: the GitLab host name (default ``"gitlab.com"``).
        audience: the ``aud`` the job's ``id_tokens`` requests (default ``https://`` + host).

    Example:
        >>> GitLabCI(project_path="acme/app", branches=["main"]).claims().subjects
        ('project_path:acme/app:ref_type:branch:ref:main',)
    """

    project_path: str
    branches: Sequence[str] = ()
    tags: Sequence[str] = ()
    host: str = "gitlab.com"
    audience: str | None = None

    def _input_problems(self) -> list[Problem]:
        found: list[Problem] = []
        me = "GitLabCI"
        path = self.project_path
        if not isinstance(path, str):
            found.append(rules.NAME_INVALID.problem(f"{me}.project_path", "must be a string", path))
        elif not is_token(path):
            if "*" in path or "?" in path:
                found.append(
                    rules.NAME_WILDCARD.problem(
                        f"{me}.project_path", "must not contain a wildcard", path
                    )
                )
            else:
                segments = path.split("/")
                if len(segments) < 2 or not all(
                    _GITLAB_SEGMENT.fullmatch(s) and not s.endswith((".", ".git", ".atom"))
                    for s in segments
                ):
                    found.append(
                        rules.NAME_INVALID.problem(
                            f"{me}.project_path",
                            "must be 'group/project' (subgroups allowed) of letters, digits, "
                            "'_', '-' and '.'",
                            path,
                        )
                    )
        host_problem = _name_problem(
            me, "host", self.host, _HOST, "a host name such as 'gitlab.com'"
        )
        if host_problem:
            found.append(host_problem)
        branches = _ref_list(me, "branches", self.branches, found)
        tags = _ref_list(me, "tags", self.tags, found)
        if not branches and not tags:
            found.append(
                rules.SCOPE_MISSING.problem(
                    f"{me}.branches", "(or tags) must say which jobs may assume the role", None
                )
            )
        if self.audience is not None:
            found.extend(_audience_problems(me, "audience", [self.audience]))
        return found

    def claims(self) -> OidcClaims:
        issuer = f"https://{self.host}"
        base = f"project_path:{self.project_path}"
        subjects = [f"{base}:ref_type:branch:ref:{b}" for b in _strings(self.branches)[0]]
        subjects += [f"{base}:ref_type:tag:ref:{t}" for t in _strings(self.tags)[0]]
        return OidcClaims(
            issuer_url=issuer,
            audiences=(self.audience if self.audience is not None else issuer,),
            subjects=_unique([s for s in subjects if not _is_pattern(s)]),
            subject_patterns=_unique([s for s in subjects if _is_pattern(s)]),
            key_prefix=self.host,
        )
