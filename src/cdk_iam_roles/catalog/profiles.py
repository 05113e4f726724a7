"""``~/.aws/config`` profiles for the roles people assume (pure Python).

For every role of a :class:`~cdk_iam_roles.catalog.model.Catalog` that people assume with
``sts:AssumeRole`` (:attr:`~cdk_iam_roles.catalog.model.RoleEntry.profile_assumable`: it
trusts IAM users, roles or accounts; not services, service-only roles of its stack, OIDC
or SAML, whose people sign in through their identity provider instead), one
``[profile <stack>-<role-name>]`` section with what the trust requires: ``role_arn``,
``source_profile``, ``mfa_serial`` when MFA is required, ``external_id`` when exactly one
external ID is accepted, ``duration_seconds`` within the role's ``MaxSessionDuration``,
and ``role_session_name`` when the trust pins it. What the tool cannot fill in is said in
a ``#`` comment next to the setting, and a role without a concrete ARN is skipped with a
comment saying why. The settings are the AWS CLI's:
https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html

Templates are untrusted: every value is checked against what AWS accepts for its setting
(:mod:`cdk_iam_roles.catalog._profile_values`) before it is written, and comments show
template text escaped on one line. A role with a value that fails (a newline in an
external ID, say, which would add a line such as ``credential_process = …``) gets no
profile: :func:`profile_report` lists it among ``skipped``, and the command line warns.

Example:
    >>> from cdk_iam_roles.cfn import StackTemplate
    >>> from cdk_iam_roles.catalog.model import build_catalog
    >>> tpl = {"Resources": {"Audit": {"Type": "AWS::IAM::Role", "Properties": {
    ...     "RoleName": "audit", "AssumeRolePolicyDocument": {"Statement": [{
    ...         "Effect": "Allow", "Action": "sts:AssumeRole",
    ...         "Principal": {"AWS": "arn:aws:iam::222222222222:root"}}]}}}}}
    >>> stack = StackTemplate.from_template(tpl, name="Org", account="111111111111",
    ...                                     region="eu-west-1")
    >>> print(render_profiles(build_catalog([stack]), source_profile="me"), end="")
    # ~/.aws/config profiles for the roles people can assume (cdk-iam-roles profiles)
    <BLANKLINE>
    # Org/Audit: assumable by any principal in account 222222222222
    [profile Org-audit]
    role_arn = arn:aws:iam::111111111111:role/audit
    source_profile = me
    duration_seconds = 3600
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cdk_iam_roles._printable import one_line
from cdk_iam_roles.catalog._profile_values import escape_value, setting_problem
from cdk_iam_roles.catalog._words import Assumer, ConditionEntry
from cdk_iam_roles.catalog.model import Catalog, RoleEntry
from cdk_iam_roles.errors import InputError

__all__ = [
    "DEFAULT_DURATION_SECONDS",
    "MIN_DURATION_SECONDS",
    "ProfileOptions",
    "ProfileReport",
    "SkippedProfile",
    "profile_report",
    "render_profiles",
]

# AssumeRole's DurationSeconds: at least 900 seconds, at most the role's
# MaxSessionDuration; the CLI asks for 3600 when duration_seconds is not set.
# https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
MIN_DURATION_SECONDS = 900
DEFAULT_DURATION_SECONDS = 3600
# What a trust means by ``${aws:username}``: the caller's IAM user name.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
_USERNAME_VARIABLE = "${aws:username}"
_MFA_PLACEHOLDER_USER = "USERNAME"


@dataclass(frozen=True, slots=True)
class ProfileOptions:
    """What the caller knows that the template does not.

    Args:
        source_profile: the profile with the credentials that assume the roles
            (default ``default``).
        mfa_serial: the ARN of your MFA device (default: a placeholder, with a comment,
            on roles that require MFA).
        region: a ``region`` for every profile (default: none written).
        duration_seconds: the session length to ask for (default 3600; never above the
            role's maximum or below 900).
        user_name: your IAM user name, for trusts that pin ``sts:RoleSessionName`` to
            ``${aws:username}`` (default: a placeholder with a comment).
    """

    source_profile: str = "default"
    mfa_serial: str | None = None
    region: str | None = None
    duration_seconds: int | None = None
    user_name: str | None = None


@dataclass(frozen=True, slots=True)
class SkippedProfile:
    """A role that got no profile because a value would not be safe to write.

    Args:
        path: the role's construct path (escaped: one printable line).
        setting: the setting whose value failed (``role_arn``, ``external_id`` …).
        value: the value, quoted and escaped.
        problem: what is wrong with it.
    """

    path: str
    setting: str
    value: str
    problem: str

    @property
    def warning(self) -> str:
        """One line for stderr."""
        return (
            f"warning: no profile for {self.path}: its {self.setting} {self.value} {self.problem}"
        )


@dataclass(frozen=True, slots=True)
class ProfileReport:
    """The profiles text and the roles left out of it for unsafe values.

    Args:
        text: the INI text.
        skipped: the roles skipped, each with the setting and value at fault.
    """

    text: str
    skipped: tuple[SkippedProfile, ...]


def _profile_name(role: RoleEntry) -> str:
    raw = f"{role.stack}-{role.role_name or role.logical_id}"
    return re.sub(r"[^A-Za-z0-9_.@+-]+", "-", raw, flags=re.ASCII).strip("-") or "role"


def _comment(text: str) -> str:
    return "# " + one_line(text)


_Line = str | tuple[str, str]
"""A comment (``str``) or a setting (``(key, value)``) of one profile."""


def _values(assumers: Sequence[Assumer], key: str, *operators: str) -> list[str]:
    out: list[str] = []
    for assumer in assumers:
        for entry in assumer.conditions:
            if entry.key.lower() == key.lower() and (not operators or entry.operator in operators):
                out.extend(v for v in entry.values if v not in out)
    return out


def _requires_mfa(entries: Sequence[ConditionEntry]) -> bool:
    # MFA conditions: Bool aws:MultiFactorAuthPresent true, or a Numeric test on
    # aws:MultiFactorAuthAge (absent without MFA, so the test fails).
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
    for entry in entries:
        key = entry.key.lower()
        if (
            key == "aws:multifactorauthpresent"
            and entry.operator == "Bool"
            and "true" in (v.lower() for v in entry.values)
        ):
            return True
        if key == "aws:multifactorauthage" and entry.operator.startswith("Numeric"):
            return True
    return False


def _mfa_account(role: RoleEntry, humans: Sequence[Assumer]) -> str:
    accounts = set()
    for assumer in humans:
        match = re.match(r"arn:[^:]+:(?:iam|sts)::(\d{12}):", assumer.principal, re.ASCII)
        if match:
            accounts.add(match.group(1))
        elif re.fullmatch(r"\d{12}", assumer.principal, re.ASCII):
            accounts.add(assumer.principal)
    return accounts.pop() if len(accounts) == 1 else "ACCOUNT"


def _skip_reason(role: RoleEntry) -> str:
    if role.role_name is None and role.role_name_display == "generated":
        return "its name is generated by CloudFormation (give the role a role_name)"
    if role.role_name is None:
        return f"its name is {role.role_name_display}"
    if role.deployment:
        return f"a StackSet deploys it to {role.deployment}: one role per member account"
    if role.account is None:
        return "the stack's account is not known (an environment-agnostic stack)"
    if role.region is None:
        return "the stack's region, hence its partition, is not known"
    return f"its path {role.iam_path} is not known"


def _section(role: RoleEntry, name: str, options: ProfileOptions) -> list[_Line]:
    humans = [a for a in role.assumers if a.assume_role_caller]
    entries = [e for a in humans for e in a.conditions]
    where = role.path
    if role.arn is None:
        return [_comment(f"{where}: no profile, because {_skip_reason(role)}.")]
    lines: list[_Line] = [_comment(f"{where}: assumable by " + "; ".join(a.words for a in humans))]
    lines.append(("profile", name))
    lines.append(("role_arn", role.arn))
    lines.append(("source_profile", options.source_profile))
    if options.region:
        lines.append(("region", options.region))
    if _requires_mfa(entries):
        if options.mfa_serial:
            lines.append(("mfa_serial", options.mfa_serial))
        else:
            partition = role.arn.split(":", 2)[1]
            account = _mfa_account(role, humans)
            lines.append(
                _comment(
                    "The trust requires MFA: replace the placeholder with your MFA device's "
                    "ARN (or pass --mfa-serial)."
                )
            )
            lines.append(
                ("mfa_serial", f"arn:{partition}:iam::{account}:mfa/{_MFA_PLACEHOLDER_USER}")
            )
    external = _values(humans, "sts:ExternalId", "StringEquals")
    other_external = [
        e for e in entries if e.key.lower() == "sts:externalid" and e.operator != "StringEquals"
    ]
    if len(external) == 1 and not other_external:
        lines.append(("external_id", external[0]))
    elif external or other_external:
        accepted = ", ".join(external) or "; ".join(e.words() for e in other_external)
        lines.append(
            _comment(
                f"The trust accepts several external IDs ({accepted}): add "
                "external_id = <the one you were given>."
            )
        )
    lines.extend(_duration_lines(role, options))
    lines.extend(_session_name_lines(humans, entries, options))
    if any(e.key.lower() == "sts:sourceidentity" for e in entries):
        lines.append(
            _comment(
                "The trust requires a source identity, which a config profile cannot set: "
                "use aws sts assume-role --source-identity."
            )
        )
    return lines


def _duration_lines(role: RoleEntry, options: ProfileOptions) -> list[_Line]:
    wanted = options.duration_seconds or DEFAULT_DURATION_SECONDS
    maximum = role.max_session_seconds
    lines: list[_Line] = []
    if maximum is None:
        maximum = DEFAULT_DURATION_SECONDS
        lines.append(
            _comment(
                f"The role's MaxSessionDuration is {role.max_session_display}: asking for "
                "at most 1 hour, which every role allows."
            )
        )
    duration = max(MIN_DURATION_SECONDS, min(wanted, maximum))
    if duration != wanted:
        lines.append(
            _comment(
                f"Asked for {wanted} seconds; the role allows {MIN_DURATION_SECONDS}–"
                f"{maximum} seconds."
            )
        )
    lines.append(("duration_seconds", str(duration)))
    return lines


def _session_name_lines(
    humans: Sequence[Assumer], entries: Sequence[ConditionEntry], options: ProfileOptions
) -> list[_Line]:
    names = _values(humans, "sts:RoleSessionName", "StringEquals")
    if names == [_USERNAME_VARIABLE]:
        if options.user_name:
            return [("role_session_name", options.user_name)]
        return [
            _comment(
                "The trust requires the session name to be your IAM user name "
                "(${aws:username}): replace the placeholder (or pass --user-name)."
            ),
            ("role_session_name", "YOUR_IAM_USER_NAME"),
        ]
    if len(names) == 1 and "${" not in names[0]:
        return [("role_session_name", names[0])]
    others = [e for e in entries if e.key.lower() == "sts:rolesessionname"]
    if others:
        return [
            _comment(
                "The trust restricts the session name ("
                + "; ".join(e.words() for e in others)
                + "): add a matching role_session_name."
            )
        ]
    return []


def _check_options(options: ProfileOptions) -> None:
    """Refuse a caller's value that would not be a valid setting (exit 2 on the CLI)."""
    given = {
        "source_profile": options.source_profile,
        "mfa_serial": options.mfa_serial,
        "region": options.region,
        "role_session_name": options.user_name,
    }
    flags = {"role_session_name": "user_name"}
    for key, value in given.items():
        if value is None:
            continue
        problem = setting_problem(key, value)
        if problem is not None:
            raise InputError(f"{flags.get(key, key)} {escape_value(value)} {problem}")


def _render_section(role: RoleEntry, lines: list[_Line]) -> tuple[list[str], SkippedProfile | None]:
    """The section's text, or only a comment when one of its values is unsafe."""
    for line in lines:
        if isinstance(line, tuple):
            key, value = line
            problem = setting_problem(key, value)
            if problem is not None:
                skipped = SkippedProfile(
                    path=one_line(role.path),
                    setting="profile name" if key == "profile" else key,
                    value=escape_value(value),
                    problem=problem,
                )
                return [
                    _comment(
                        f"{role.path}: no profile, because its {skipped.setting} "
                        f"{skipped.value} {problem}."
                    )
                ], skipped
    text = [
        line
        if isinstance(line, str)
        else f"[profile {line[1]}]"
        if line[0] == "profile"
        else f"{line[0]} = {line[1]}"
        for line in lines
    ]
    return text, None


def profile_report(catalog: Catalog, options: ProfileOptions | None = None) -> ProfileReport:
    """AWS CLI profiles for every human-assumable role, and the roles skipped as unsafe.

    Args:
        catalog: the catalog.
        options: what the caller knows (default: :class:`ProfileOptions` defaults).

    Raises:
        InputError: an option holds a value that is not a valid setting.

    Example:
        >>> from cdk_iam_roles.catalog.model import Catalog
        >>> profile_report(Catalog(())).skipped
        ()
    """
    options = options or ProfileOptions()
    _check_options(options)
    out = [
        _comment("~/.aws/config profiles for the roles people can assume (cdk-iam-roles profiles)")
    ]
    roles = catalog.profile_assumable
    if not roles:
        out.append(_comment("No role of this app trusts IAM users, roles or accounts."))
    used: dict[str, int] = {}
    skipped: list[SkippedProfile] = []
    for role in roles:
        name = _profile_name(role)
        used[name] = used.get(name, 0) + 1
        if used[name] > 1:
            name = f"{name}-{used[name]}"
        out.append("")
        text, skip = _render_section(role, _section(role, name, options))
        out.extend(text)
        if skip is not None:
            skipped.append(skip)
    return ProfileReport(text="\n".join(out) + "\n", skipped=tuple(skipped))


def render_profiles(
    catalog: Catalog,
    *,
    source_profile: str = "default",
    mfa_serial: str | None = None,
    region: str | None = None,
    duration_seconds: int | None = None,
    user_name: str | None = None,
) -> str:
    """AWS CLI profiles (INI text) for every human-assumable role of ``catalog``.

    A role with a value that AWS would not accept for its setting (a control character,
    a malformed ARN or external ID …) gets a comment instead of a profile; use
    :func:`profile_report` to get those roles as a list.

    Args:
        catalog: the catalog.
        source_profile: ``source_profile`` of every profile (default ``default``).
        mfa_serial: your MFA device's ARN (default: a placeholder where MFA is required).
        region: ``region`` of every profile (default: not written).
        duration_seconds: session length to ask for (default 3600, kept within the
            role's maximum).
        user_name: your IAM user name, for trusts that pin the session name to it
            (default: a placeholder where required).

    Raises:
        InputError: an option holds a value that is not a valid setting.
    """
    options = ProfileOptions(source_profile, mfa_serial, region, duration_seconds, user_name)
    return profile_report(catalog, options).text
