"""Words for workload identities: OIDC providers (GitHub Actions and its 2026 provider
keys, GitLab CI, EKS, Terraform Cloud, CircleCI, Bitbucket Pipelines, Buildkite) and IAM
Roles Anywhere (pure Python, used by :mod:`._words`).

Example:
    >>> values = {"token.actions.githubusercontent.com:repository_id": ["123"],
    ...     "token.actions.githubusercontent.com:ref": ["refs/heads/main"]}
    >>> github_words("GitHub Actions, repository acme/shop, environment prod",
    ...     "token.actions.githubusercontent.com", lambda k: values.get(k, []))
    'GitHub Actions, repository acme/shop (ID 123), environment prod from main'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

__all__ = ["ci_words", "github_words", "oidc_words", "roles_anywhere_words"]

Lookup = Callable[[str], list[str]]

# https://circleci.com/docs/openid-connect-tokens/
_CIRCLECI_SUB = re.compile(r"org/([^/]+)/project/([^/]+)/user/(.+)")
# https://support.atlassian.com/bitbucket-cloud/docs/deploy-on-aws-using-bitbucket-pipelines-openid-connect/
_BITBUCKET_ISSUER = re.compile(
    r"api\.bitbucket\.org/2\.0/workspaces/([^/]+)/pipelines-config/identity/oidc", re.I
)
# https://buildkite.com/docs/pipelines/security/oidc/aws
_BUILDKITE_SUB = re.compile(r"organization:([^:]+):pipeline:([^:]+):(.*)")
_WORKFLOW = re.compile(r"([^/]+/[^/]+)/\.github/workflows/([^@]+)@(.+)")


def _join(items: Sequence[str]) -> str:
    unique = list(dict.fromkeys(items))
    return ", ".join(unique[:-1]) + " or " + unique[-1] if len(unique) > 1 else "".join(unique)


def _short_ref(ref: str) -> str:
    for prefix in ("refs/heads/", "refs/tags/"):
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return ref


def github_words(words: str, issuer: str, get: Lookup) -> str:
    """GitHub's words, completed by the provider keys the trust pins (AWS STS, 2026)."""
    ids = get(f"{issuer}:repository_id")
    if ids:
        match = re.search(r"repository ([^,;]+)", words)
        if match:
            words = words.replace(match.group(0), f"{match.group(0)} (ID {_join(ids)})", 1)
        else:
            words += f", repository ID {_join(ids)}"
    refs = get(f"{issuer}:ref")
    if refs:
        words += f" from {_join([_short_ref(r) for r in refs])}"
    workflows = get(f"{issuer}:job_workflow_ref")
    if workflows:
        shown = []
        for ref in workflows:
            match = _WORKFLOW.fullmatch(ref)
            if match is None:
                shown.append(ref)
                continue
            repo, file, at = match.groups()
            tail = "" if at == "refs/heads/main" else f"@{_short_ref(at)}"
            shown.append(f"{repo} {file}{tail}")
        words += f", through {_join(shown)}"
    actors = get(f"{issuer}:actor_id")
    if actors:
        words += f", started by account ID {_join(actors)}"
    return words


def ci_words(host: str, subjects: Sequence[str], audiences: Sequence[str]) -> str | None:
    """Words for CircleCI, Bitbucket Pipelines and Buildkite trusts, or ``None``."""
    if host.startswith("oidc.circleci.com/org/"):
        found: dict[str, list[str]] = {}
        for subject in subjects:
            match = _CIRCLECI_SUB.fullmatch(subject)
            if match:
                user = match.group(3)
                found.setdefault(match.group(2), []).append(
                    "any user" if user == "*" else f"user {user}"
                )
        org = host[len("oidc.circleci.com/org/") :]
        parts = [f"project {project} ({_join(users)})" for project, users in found.items()]
        return f"CircleCI organization {org}, " + (_join(parts) if parts else "any project")
    bitbucket = _BITBUCKET_ISSUER.fullmatch(host)
    if bitbucket:
        repos = [s.split(":", 1)[0].strip("{}") for s in subjects]
        what = f"repository {_join(repos)}" if repos else "any repository"
        return f"Bitbucket Pipelines workspace {bitbucket.group(1)}, {what}"
    if host == "agent.buildkite.com":
        found = {}
        for subject in subjects:
            match = _BUILDKITE_SUB.fullmatch(subject)
            if match:
                org, pipeline, rest = match.groups()
                branch = re.match(r"ref:refs/heads/([^:]+):", rest)
                found.setdefault(f"{org}/{pipeline}", []).append(
                    f"branch {branch.group(1)}" if branch else "any branch"
                )
        parts = [f"pipeline {p} ({_join(b)})" for p, b in found.items()]
        return "Buildkite, " + (_join(parts) if parts else "any pipeline of any organization")
    return None


def roles_anywhere_words(get: Lookup) -> str:
    """``certificates from trust anchor X with CN build-01`` for a Roles Anywhere trust."""
    anchors = get("aws:SourceArn")
    names = [a.rsplit("/", 1)[-1] if a.startswith("arn:") else a for a in anchors]
    text = (
        f"IAM Roles Anywhere: certificates from trust anchor {_join(names)}"
        if names
        else "IAM Roles Anywhere: certificates from any trust anchor of the account"
    )
    fields: list[str] = []
    for prefix, label in (
        ("aws:PrincipalTag/x509Subject/", ""),
        ("aws:PrincipalTag/x509Issuer/", "issuer "),
        ("aws:PrincipalTag/x509SAN/", "SAN "),
    ):
        for field in ("CN", "OU", "O", "C", "ST", "L", "DC", "DNS", "URI", "Name"):
            values = get(prefix + field)
            if values:
                fields.append(f"{label}{field} {_join(values)}")
    return text + (" with " + " and ".join(fields) if fields else ", any certificate")


# --- OIDC ---------------------------------------------------------------------------

# GitHub's subject claim: repo:OWNER/REPO:ref:refs/heads/B, :ref:refs/tags/T,
# :environment:E, :pull_request.
# https://docs.github.com/en/actions/reference/security/oidc#example-subject-claims
_GITHUB_SUB = re.compile(r"repo:([^:]+):(.*)")
# GitLab: project_path:GROUP/PROJECT:ref_type:branch|tag:ref:NAME.
# https://docs.gitlab.com/ci/secrets/id_token_authentication/
_GITLAB_SUB = re.compile(r"project_path:([^:]+):ref_type:([^:]+):ref:(.*)")
# EKS IRSA: system:serviceaccount:NAMESPACE:NAME; issuer oidc.eks.REGION.amazonaws.com/id/ID.
# https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
_EKS_SUB = re.compile(r"system:serviceaccount:([^:]+):(.+)")
_EKS_ISSUER = re.compile(r"oidc\.eks\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/id/([^/]+)", re.I)
# HCP Terraform: organization:O:project:P:workspace:W:run_phase:plan|apply.
# https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/workload-identity-tokens
_TFC_SUB = re.compile(r"organization:([^:]+):project:([^:]+):workspace:([^:]+):run_phase:(.+)")


def _github_subject(rest: str) -> str:
    if rest.startswith("ref:refs/heads/"):
        return f"branch {rest[len('ref:refs/heads/') :]}"
    if rest.startswith("ref:refs/tags/"):
        return f"tag {rest[len('ref:refs/tags/') :]}"
    if rest.startswith("environment:"):
        return f"environment {rest[len('environment:') :]}"
    if rest == "pull_request":
        return "pull requests"
    if rest == "*":
        return "any branch, tag, environment or pull request"
    return f"subject {rest}"


def oidc_words(issuer: str, subjects: list[str], audiences: list[str]) -> str:
    """An OIDC provider and the subjects and audiences it is pinned to, in words (GitHub
    Actions, GitLab CI, EKS service accounts, Terraform Cloud, else the issuer itself)."""
    original = issuer[len("https://") :] if issuer.lower().startswith("https://") else issuer
    host = original.lower()
    subject_text = "" if subjects else "any subject (no sub condition)"
    if host.startswith("token.actions.githubusercontent.com") or (
        subjects and all(_GITHUB_SUB.fullmatch(s) for s in subjects)
    ):
        by_repo: dict[str, list[str]] = {}
        for subject in subjects:
            match = _GITHUB_SUB.fullmatch(subject)
            if match:
                by_repo.setdefault(match.group(1), []).append(_github_subject(match.group(2)))
            else:
                by_repo.setdefault("?", []).append(f"subject {subject}")
        parts = [
            (f"repository {repo}, " if repo != "?" else "") + _join(what)
            for repo, what in by_repo.items()
        ]
        return "GitHub Actions, " + ("; ".join(parts) if parts else subject_text)
    if subjects and all(_GITLAB_SUB.fullmatch(s) for s in subjects):
        by_project: dict[str, list[str]] = {}
        for subject in subjects:
            match = _GITLAB_SUB.fullmatch(subject)
            assert match is not None
            project, ref_type, ref = match.groups()
            by_project.setdefault(project, []).append(f"{ref_type} {ref}")
        where = "" if host == "gitlab.com" else f" on {host}"
        return "; ".join(
            f"GitLab CI{where} project {project}, {_join(refs)}"
            for project, refs in by_project.items()
        )
    eks = _EKS_ISSUER.fullmatch(original)
    if eks or (subjects and all(_EKS_SUB.fullmatch(s) for s in subjects)):
        accounts = []
        for subject in subjects:
            match = _EKS_SUB.fullmatch(subject)
            accounts.append(f"{match.group(1)}/{match.group(2)}" if match else subject)
        cluster = f"cluster {eks.group(2)} ({eks.group(1)})" if eks else f"cluster issuer {host}"
        who = _join(accounts) if accounts else subject_text
        return f"EKS service account {who} in {cluster}"
    if subjects and all(_TFC_SUB.fullmatch(s) for s in subjects):
        by_workspace: dict[str, list[str]] = {}
        for subject in subjects:
            match = _TFC_SUB.fullmatch(subject)
            assert match is not None
            org, project, workspace, phase = match.groups()
            by_workspace.setdefault(f"{org}/{project}/{workspace}", []).append(phase)
        name = "Terraform Cloud" if host == "app.terraform.io" else f"Terraform ({host})"
        return "; ".join(
            f"{name} {ws} ({'/'.join(dict.fromkeys(phases))})"
            for ws, phases in by_workspace.items()
        )
    who = _join(subjects) if subjects else subject_text
    aud = f", audience {_join(audiences)}" if audiences else ", any audience (no aud condition)"
    return f"OIDC provider {original}, subject {who}{aud}"
