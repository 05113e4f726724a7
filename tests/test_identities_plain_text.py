"""Every string argument of every identity class is plain text (IAMR-ROLE-008).

Issue 10: GitHub ``owner``/``repo`` and EKS ``namespace`` with a trailing newline were
accepted (``re.match(r"^…$")`` lets a final newline through) and rendered a subject that
matches no token.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdk_iam_roles.errors import RoleConfigError
from cdk_iam_roles.trust.identities import (
    CognitoIdentityPool,
    EksServiceAccount,
    GenericOidc,
    GitHubActions,
    GitLabCI,
    Identity,
    TerraformCloud,
)

EKS_ISSUER = "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
POOL = "eu-west-1:0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"

# (class, good keyword arguments, argument to spoil, index in a list argument or None)
CASES: list[tuple[type[Identity], dict[str, Any], str]] = [
    (GitHubActions, {"owner": "acme", "repo": "app", "branches": ["main"]}, "owner"),
    (GitHubActions, {"owner": "acme", "repo": "app", "branches": ["main"]}, "repo"),
    (GitHubActions, {"owner": "acme", "repo": "app", "branches": ["main"]}, "branches"),
    (GitHubActions, {"owner": "acme", "repo": "app", "environments": ["prod"]}, "environments"),
    (GitHubActions, {"owner": "acme", "repo": "app", "tags": ["v1"]}, "tags"),
    (GitLabCI, {"project_path": "acme/app", "branches": ["main"]}, "project_path"),
    (GitLabCI, {"project_path": "acme/app", "branches": ["main"]}, "host"),
    (GitLabCI, {"project_path": "acme/app", "branches": ["main"], "audience": "x"}, "audience"),
    (
        EksServiceAccount,
        {"issuer": EKS_ISSUER, "namespace": "shop", "service_account": "api"},
        "namespace",
    ),
    (
        EksServiceAccount,
        {"issuer": EKS_ISSUER, "namespace": "shop", "service_account": "api"},
        "service_account",
    ),
    (
        EksServiceAccount,
        {"issuer": EKS_ISSUER, "namespace": "shop", "service_account": "api"},
        "issuer",
    ),
    (CognitoIdentityPool, {"identity_pool_id": POOL}, "identity_pool_id"),
    (
        TerraformCloud,
        {"organization": "acme", "project": "infra", "workspace": "prod"},
        "organization",
    ),
    (
        TerraformCloud,
        {"organization": "acme", "project": "infra", "workspace": "prod"},
        "workspace",
    ),
    (TerraformCloud, {"organization": "acme", "project": "infra", "workspace": "prod"}, "hostname"),
    (
        GenericOidc,
        {"issuer": "https://auth.example.com", "audiences": ["api"], "subjects": ["svc:deploy"]},
        "subjects",
    ),
    (
        GenericOidc,
        {"issuer": "https://auth.example.com", "audiences": ["api"], "subjects": ["svc:deploy"]},
        "audiences",
    ),
]
_DEFAULTS = {"host": "gitlab.com", "hostname": "app.terraform.io"}


def _spoil(kwargs: dict[str, Any], argument: str, suffix: str) -> dict[str, Any]:
    spoiled = dict(kwargs)
    value = kwargs.get(argument, _DEFAULTS.get(argument))
    if isinstance(value, list):
        spoiled[argument] = [value[0] + suffix]
    else:
        assert isinstance(value, str)
        spoiled[argument] = value + suffix
    return spoiled


@pytest.mark.parametrize(("cls", "kwargs", "argument"), CASES)
def test_the_good_value_is_accepted(
    cls: type[Identity], kwargs: dict[str, Any], argument: str
) -> None:
    assert cls(**kwargs).problems() == []


@pytest.mark.parametrize("suffix", ["\n", "\r\n", " ", "\t", "\x00", "\u2028"])
@pytest.mark.parametrize(("cls", "kwargs", "argument"), CASES)
def test_a_trailing_control_character_or_space_is_refused(
    cls: type[Identity], kwargs: dict[str, Any], argument: str, suffix: str
) -> None:
    identity = cls(**_spoil(kwargs, argument, suffix))
    with pytest.raises(RoleConfigError) as error:
        identity.validate()
    problems = error.value.problems
    # Reported once, as text, under the argument that holds it.
    assert [(p.argument, p.rule_id) for p in problems] == [
        (f"{cls.__name__}.{argument}", "IAMR-ROLE-008")
    ]
    assert "\\" in str(error.value) or "whitespace" in str(error.value)


@pytest.mark.parametrize(
    ("identity", "argument"),
    [
        (GitHubActions(owner="acme\n", repo="app", branches=["main"]), "GitHubActions.owner"),
        (GitHubActions(owner="acme", repo="app\n", branches=["main"]), "GitHubActions.repo"),
        (
            EksServiceAccount(issuer=EKS_ISSUER, namespace="shop\n", service_account="api"),
            "EksServiceAccount.namespace",
        ),
    ],
)
def test_issue_10_trailing_newlines(identity: Identity, argument: str) -> None:
    # These three were accepted before: '^…$' lets a final newline through.
    assert [(p.argument, p.rule_id) for p in identity.problems()] == [(argument, "IAMR-ROLE-008")]


def test_the_message_shows_the_value_escaped() -> None:
    with pytest.raises(RoleConfigError) as error:
        GitHubActions(owner="acme\n", repo="app", branches=["main"]).validate()
    text = str(error.value)
    assert "\n" not in text.split("GitHubActions.owner", 1)[1].split("[IAMR-ROLE-008]")[0]
    assert "[IAMR-ROLE-008]" in text


def test_extra_condition_keys_and_values_are_checked() -> None:
    oidc = GenericOidc(
        issuer="https://auth.example.com",
        audiences=["api"],
        subjects=["svc:deploy"],
        extra_conditions={"StringEquals": {"auth.example.com:groups": "deployers\n"}},
    )
    assert [p.rule_id for p in oidc.problems()] == ["IAMR-ROLE-008"]


def test_tokens_pass() -> None:
    token = "${Token[TOKEN.123]}"
    assert EksServiceAccount(issuer=token, namespace="shop", service_account="api").problems() == []


@given(
    name=st.from_regex(r"\A[a-z][a-z0-9]{0,8}\Z"),
    junk=st.sampled_from(["\n", "\r", "\x0b", "\x0c", "\x85", " ", "\u2029", "\x7f"]),
    where=st.sampled_from(["prefix", "suffix"]),
)
def test_property_control_characters_never_pass(name: str, junk: str, where: str) -> None:
    value = junk + name if where == "prefix" else name + junk
    for identity in (
        GitHubActions(owner=value, repo="app", branches=["main"]),
        GitHubActions(owner="acme", repo=value, branches=["main"]),
        EksServiceAccount(issuer=EKS_ISSUER, namespace=value, service_account="api"),
        GitLabCI(project_path="acme/app", branches=[value]),
    ):
        assert "IAMR-ROLE-008" in [p.rule_id for p in identity.problems()]
