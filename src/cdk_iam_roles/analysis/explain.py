"""Explain why a caller can or cannot assume a role of an app, or call an action with it.

Pure Python: never imports ``aws_cdk`` or ``jsii``. :func:`explain_assume` and
:func:`explain_call` turn a role of an :class:`~cdk_iam_roles.analysis.assembly.App` and a
simulated :class:`Caller` into a `Request` and a `PolicySet`, run
:func:`cdk_iam_roles.analysis.evaluate`, and describe the decision in plain words: the
statement that decided, each failed condition, the classic cause behind it and what to
change. The command ``cdk-iam-roles explain`` and :mod:`cdk_iam_roles.testing` print it.

Example:
    >>> from cdk_iam_roles.analysis.assembly import find_role, load_app
    >>> tpl = {"Resources": {"Admin": {"Type": "AWS::IAM::Role", "Properties": {
    ...     "RoleName": "admin", "AssumeRolePolicyDocument": {"Version": "2012-10-17",
    ...     "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
    ...     "Principal": {"AWS": "arn:aws:iam::111111111111:user/alice"},
    ...     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}}}}}
    >>> app = load_app(tpl, account="111111111111", region="eu-west-1")
    >>> result = explain_assume(app, find_role(app, "admin"),
    ...     Caller("arn:aws:iam::111111111111:user/alice"))
    >>> result.allowed, [cause.code for cause in result.causes]
    (False, ['mfa-missing'])
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from cdk_iam_roles.analysis import (
    ConditionFailure,
    ContextValue,
    Decision,
    PolicySet,
    Request,
    StatementRef,
    Unevaluable,
    evaluate,
)
from cdk_iam_roles.analysis.assembly import (
    App,
    RoleInfo,
    find_resource_policy,
    find_role,
    is_placeholder,
)
from cdk_iam_roles.cfn import StackTemplate, Unknown
from cdk_iam_roles.errors import InputError
from cdk_iam_roles.rules import Finding, check_stack

__all__ = [
    "Caller",
    "Cause",
    "Explanation",
    "explain",
    "explain_assume",
    "explain_call",
    "parse_duration",
    "parse_pairs",
]

# Role chaining limits a session to one hour whatever MaxSessionDuration says.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining
CHAINED_MAX_SECONDS = 3600
# DurationSeconds: minimum 900 seconds.
# https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
MIN_DURATION_SECONDS = 900
# A trust principal shown as a unique ID (AROA… for roles, AIDA… for users) means the
# role or user it named was deleted; a new one of the same name has a new ID.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
# https://repost.aws/knowledge-center/iam-resource-policy-format
_UNIQUE_ID = re.compile(r"^A(RO|ID)A[A-Z0-9]{12,}$")
_WEB_IDENTITY_PROVIDERS = (
    "cognito-identity.amazonaws.com",
    "accounts.google.com",
    "graph.facebook.com",
    "www.amazon.com",
)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who makes the simulated request, and what its request carries.

    Args:
        principal: an ARN (IAM user, role, ``assumed-role`` session, OIDC or SAML
            provider, account root), a 12-digit account ID, a service principal, or the
            construct path / logical ID of a role of the app. Required.
        mfa: the caller authenticated with MFA. Default False.
        mfa_age: seconds since the MFA authentication (implies ``mfa``). Default
            ``None`` (0 when ``mfa``).
        external_id: the ``sts:ExternalId`` passed. Default ``None``.
        source_identity: the ``sts:SourceIdentity`` passed. Default ``None``.
        session_name: the ``RoleSessionName`` passed. Default ``None``.
        claims: OIDC token claims (``sub``, ``aud``, ``amr`` …); a key without a ``:`` is
            prefixed with the provider (``token.actions.githubusercontent.com:sub``).
            Default: none.
        context: further request context keys (``aws:PrincipalOrgID``, ``SAML:aud`` …).
            Default: none.
        duration: the requested session duration in seconds. Default ``None``.
        chained: the caller is itself a role session (role chaining); a role or
            ``assumed-role`` principal always is. Default False.

    Example:
        >>> Caller("arn:aws:iam::111111111111:user/alice", mfa_age=300).mfa_age
        300
    """

    principal: str
    mfa: bool = False
    mfa_age: int | None = None
    external_id: str | None = None
    source_identity: str | None = None
    session_name: str | None = None
    claims: Mapping[str, ContextValue] = field(default_factory=dict)
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    duration: int | None = None
    chained: bool = False


@dataclass(frozen=True, slots=True)
class Cause:
    """A classic reason for a denial, named so it can be tested for and looked up.

    Args:
        code: stable identifier (``mfa-missing``, ``external-id-wrong`` …). Required.
        message: what happened, in plain words. Required.
        fix: what to change. Required.

    Example:
        >>> Cause("mfa-missing", "no MFA", "use MFA").code
        'mfa-missing'
    """

    code: str
    message: str
    fix: str


@dataclass(frozen=True, slots=True)
class Explanation:
    """The decision on one simulated request, in words.

    Args:
        allowed: whether the request would succeed. Required.
        outcome: the evaluator's outcome (``Allowed``, ``ExplicitDeny``,
            ``ImplicitDeny``), or ``Refused`` when the policies allow it but STS refuses
            the request (a session duration above the limit). Required.
        mode: ``"assume"`` (assuming the role) or ``"call"`` (a call made with it).
            Required.
        role: the role's construct path. Required.
        role_arn: the role's ARN (placeholders where generated). Required.
        principal: the request principal as evaluated. Required.
        action: the action evaluated. Required.
        resource: the resource evaluated. Required.
        deciding: the statements that decided, each with the policy it sits in.
            Default: none.
        failed_conditions: each failed condition in words. Default: none.
        causes: the classic causes found. Default: none.
        notes: caveats and requirements (e.g. the statement a caller outside the app
            needs), and the rule engine's findings on the role (``rule ID (severity):
            message``). Default: none.
        decision: the evaluator's `Decision`. Default ``None``.

    Example:
        >>> Explanation(False, "ImplicitDeny", "assume", "S/R", "arn", "p", "a", "r").exit_code
        1
    """

    allowed: bool
    outcome: str
    mode: Literal["assume", "call"]
    role: str
    role_arn: str
    principal: str
    action: str
    resource: str
    deciding: tuple[str, ...] = ()
    failed_conditions: tuple[str, ...] = ()
    causes: tuple[Cause, ...] = ()
    notes: tuple[str, ...] = ()
    decision: Decision | None = None

    @property
    def exit_code(self) -> int:
        """0 when allowed, 1 when denied (the command line's exit code)."""
        return 0 if self.allowed else 1

    def to_dict(self) -> dict[str, Any]:
        """The explanation as JSON-ready data (the command's ``--format json``).

        Example:
            >>> Explanation(True, "Allowed", "assume", "S/R", "arn", "p", "a", "r").to_dict()[
            ...     "allowed"]
            True
        """
        return {
            "allowed": self.allowed,
            "outcome": self.outcome,
            "mode": self.mode,
            "role": self.role,
            "role_arn": self.role_arn,
            "principal": self.principal,
            "action": self.action,
            "resource": self.resource,
            "deciding_statements": list(self.deciding),
            "failed_conditions": list(self.failed_conditions),
            "causes": [{"code": c.code, "message": c.message, "fix": c.fix} for c in self.causes],
            "notes": list(self.notes),
            "reasons": [r.message for r in self.decision.reasons] if self.decision else [],
        }

    def to_text(self) -> str:
        """The explanation as plain text, for people.

        Example:
            >>> print(Explanation(True, "Allowed", "assume", "S/R", "arn:r", "p",
            ...     "sts:AssumeRole", "arn:r").to_text().splitlines()[0])
            ALLOWED: p can assume S/R (arn:r) with sts:AssumeRole
        """
        verb = "can" if self.allowed else "cannot"
        head = "ALLOWED" if self.allowed else "DENIED"
        if self.mode == "assume":
            first = f"{self.principal} {verb} assume {self.role} ({self.role_arn})"
            first += f" with {self.action}"
        else:
            first = f"{self.role} {verb} call {self.action} on {self.resource}"
            first += f" (as {self.principal})"
        lines = [f"{head}: {first}"]
        lines.append(f"Outcome: {self.outcome}")
        if self.deciding:
            lines.append("Decided by:")
            lines.extend(f"  - {item}" for item in self.deciding)
        if self.failed_conditions:
            lines.append("Failed conditions:")
            lines.extend(f"  - {item}" for item in self.failed_conditions)
        if self.causes:
            lines.append("Why:")
            for cause in self.causes:
                lines.append(f"  - {cause.message} [{cause.code}]")
                lines.append(f"    What to change: {cause.fix}")
        if self.notes:
            lines.append("Notes:")
            lines.extend(f"  - {note}" for note in self.notes)
        return "\n".join(lines)


def parse_duration(text: str) -> int:
    """Seconds in a duration written ``3600``, ``90m``, ``2h`` or ``1h30m``.

    Args:
        text: the duration. Required.

    Raises:
        InputError: the text is not a duration.

    Example:
        >>> parse_duration("1h30m")
        5400
    """
    match = re.fullmatch(r"\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s?)?\s*", text)
    if not text.strip() or match is None or not any(match.groups()):
        raise InputError(f"--duration {text!r}: not a duration (write 3600, 90m, 2h or 1h30m)")
    hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def parse_pairs(items: Iterable[str], flag: str) -> dict[str, ContextValue]:
    """``KEY=VALUE`` items as a mapping; a key given twice becomes a multivalued key.

    Args:
        items: the items as typed. Required.
        flag: the flag they came from, for messages (``--claim``). Required.

    Raises:
        InputError: an item has no ``=`` or an empty key.

    Example:
        >>> parse_pairs(["amr=authenticated", "amr=graph.facebook.com", "aud=x"], "--claim")
        {'amr': ['authenticated', 'graph.facebook.com'], 'aud': 'x'}
    """
    found: dict[str, list[str]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"{flag} {item!r}: write KEY=VALUE")
        found.setdefault(key.strip(), []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in found.items()}


# -- the caller -------------------------------------------------------------------------


@dataclass(slots=True)
class _Resolved:
    """The caller as the request sees it."""

    principal: str
    kind: Literal["user", "role", "root", "service", "web", "saml", "other"]
    account: str | None
    principal_arn: str | None
    role: RoleInfo | None
    chained: bool
    provider_prefix: str | None = None


def _resolve_caller(app: App, caller: Caller) -> _Resolved:
    text = caller.principal.strip()
    session = caller.session_name or "session"
    if re.fullmatch(r"\d{12}", text):
        text = f"arn:aws:iam::{text}:root"
    if not text.startswith("arn:") and "." not in text:
        try:
            role = find_role(app, text)
        except InputError as error:
            raise InputError(
                f"--principal {caller.principal!r}: neither an ARN, an account ID, a service "
                f"principal nor a role of the app ({error})"
            ) from None
        return _Resolved(
            role.session_arn(session), "role", role.account, role.arn, role, chained=True
        )
    if not text.startswith("arn:"):
        if text in _WEB_IDENTITY_PROVIDERS:
            return _Resolved(text, "web", None, None, None, False, text)
        return _Resolved(text, "service", None, None, None, False)
    parts = text.split(":", 5)
    if len(parts) != 6:
        raise InputError(f"--principal {caller.principal!r}: not a valid ARN")
    _, partition, service, _region, account, resource = parts
    if service == "iam" and resource.startswith("oidc-provider/"):
        prefix = resource.removeprefix("oidc-provider/")
        return _Resolved(text, "web", account, None, None, False, prefix)
    if service == "iam" and resource.startswith("saml-provider/"):
        return _Resolved(text, "saml", account, None, None, False)
    if service == "iam" and resource.startswith("user/"):
        return _Resolved(text, "user", account, text, None, caller.chained)
    if service == "iam" and resource == "root":
        return _Resolved(text, "root", account, text, None, caller.chained)
    if service == "iam" and resource.startswith("role/"):
        in_app = app.role_for_principal(text)
        name = resource.rsplit("/", 1)[-1]
        principal = f"arn:{partition}:sts::{account}:assumed-role/{name}/{session}"
        return _Resolved(principal, "role", account, in_app.arn if in_app else text, in_app, True)
    if service == "sts" and resource.startswith("assumed-role/"):
        session_of = app.role_for_principal(text)
        name = resource.split("/")[1] if "/" in resource else ""
        arn = session_of.arn if session_of else f"arn:{partition}:iam::{account}:role/{name}"
        return _Resolved(text, "role", account, arn, session_of, True)
    return _Resolved(text, "other", account or None, text, None, caller.chained)


def _context(caller: Caller, who: _Resolved, *, assume: bool) -> dict[str, ContextValue]:
    """The request context a real request of this caller would carry."""
    context: dict[str, ContextValue] = {}
    # Global keys of IAM principals.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
    if who.principal_arn is not None:
        context["aws:PrincipalArn"] = who.principal_arn
    if who.account is not None and who.kind in ("user", "role", "root", "other"):
        context["aws:PrincipalAccount"] = who.account
    if who.kind == "user" and who.principal_arn:
        context["aws:username"] = who.principal_arn.rsplit("/", 1)[-1]
    wants_mfa = caller.mfa or caller.mfa_age is not None
    # MFA context: present only when the credentials were created with MFA; never for
    # OIDC/SAML federation; not present at all for long-term access keys.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
    # A role session (role chaining) carries MFA context only when that session was
    # itself created with MFA, so --mfa on a chained caller means exactly that.
    if who.kind in ("user", "root", "role", "other"):
        if wants_mfa:
            context["aws:MultiFactorAuthPresent"] = "true"
            context["aws:MultiFactorAuthAge"] = str(caller.mfa_age or 0)
        elif who.kind == "role" or who.chained:
            context["aws:MultiFactorAuthPresent"] = "false"
    if assume:
        if caller.external_id is not None:
            context["sts:ExternalId"] = caller.external_id
        if caller.source_identity is not None:
            context["sts:SourceIdentity"] = caller.source_identity
        if caller.session_name is not None:
            context["sts:RoleSessionName"] = caller.session_name
    for key, value in caller.claims.items():
        if ":" not in key and who.provider_prefix:
            key = f"{who.provider_prefix}:{key}"
        context[key] = value
    context.update(caller.context)
    return context


# -- wording ----------------------------------------------------------------------------

_OPERATOR_WORDS = {
    "stringequals": "equal",
    "stringequalsignorecase": "equal (ignoring case)",
    "stringlike": "match",
    "stringnotequals": "differ from",
    "stringnotlike": "not match",
    "bool": "be",
    "numericlessthan": "be less than",
    "numericlessthanequals": "be at most",
    "numericgreaterthan": "be greater than",
    "numericgreaterthanequals": "be at least",
    "numericequals": "equal",
    "arnlike": "match",
    "arnequals": "equal",
    "datelessthan": "be before",
    "dategreaterthan": "be after",
    "ipaddress": "be in",
    "notipaddress": "be outside",
}


def _words(failure: ConditionFailure) -> str:
    base = failure.operator.split(":")[-1].lower().removesuffix("ifexists")
    if base == "null":
        state = "absent" if failure.expected == ("true",) else "present"
        shown = "present" if failure.actual is not None else "absent"
        return f"{failure.key} must be {state} (Null); it is {shown} in the request"
    verb = _OPERATOR_WORDS.get(base, f"satisfy {failure.operator}")
    expected = ", ".join(repr(v) for v in failure.expected)
    one = len(failure.expected) == 1
    wanted = f"{failure.key} must {verb} {expected if one else 'one of ' + expected}"
    wanted += f" ({failure.operator})"
    if failure.actual is None:
        return f"{wanted}; the request does not carry {failure.key}"
    actual = ", ".join(repr(v) for v in failure.actual)
    return f"{wanted}; the request has {actual}"


@dataclass(slots=True)
class _Labels:
    """Names the policies of one evaluation in words."""

    resource: str
    identity: list[str]
    boundary: str

    def policy(self, ref: StatementRef) -> str:
        """The policy a statement sits in, in words (its type and construct path)."""
        if ref.kind == "resource":
            return self.resource
        if ref.kind == "identity" and ref.policy_index < len(self.identity):
            return self.identity[ref.policy_index]
        if ref.kind == "boundary":
            return self.boundary
        return f"{ref.kind} policy #{ref.policy_index}"

    def label(self, ref: StatementRef) -> str:
        statement = f'statement "{ref.sid}"' if ref.sid else f"statement #{ref.statement_index}"
        return f"{self.policy(ref)}, {statement} ({ref.effect})"

    def problem(self, problem: Unevaluable) -> str:
        """What cannot be evaluated, named by the policy it sits in."""
        ref = problem.statement
        where = self.label(ref) if ref is not None else f"{problem.policy_kind} policy"
        return f"{where}: {problem.element}: {problem.detail}"


def _describe(decision: Decision, labels: _Labels) -> tuple[tuple[str, ...], tuple[str, ...]]:
    deciding: list[str] = []
    failed: list[str] = []
    for reason in decision.reasons:
        if reason.statement is not None:
            text = labels.label(reason.statement)
            if reason.code == "condition-not-met":
                text += ": would allow it, but its conditions do not hold"
            elif reason.code == "unevaluable" and reason.unevaluable is not None:
                problem = reason.unevaluable
                text += f": {problem.element}: {problem.detail}"
                text += (
                    " (cannot be evaluated, so it grants nothing)"
                    if reason.statement.effect == "Allow"
                    else " (a Deny that cannot be evaluated is assumed to deny)"
                )
            elif reason.code == "unevaluable":
                text += f": {reason.message}"
            if text not in deciding:
                deciding.append(text)
        elif reason.code != "condition-not-met":
            deciding.append(reason.message)
        failed.extend(_words(f) for f in reason.conditions if _words(f) not in failed)
    return tuple(deciding), tuple(failed)


def _failures(decision: Decision) -> list[ConditionFailure]:
    return [f for reason in decision.reasons for f in reason.conditions]


def _trust_unique_ids(trust: Mapping[str, Any] | None) -> list[str]:
    found: list[str] = []
    statements = trust.get("Statement") if trust else None
    for statement in statements if isinstance(statements, list) else [statements]:
        principal = statement.get("Principal") if isinstance(statement, Mapping) else None
        values = principal.get("AWS") if isinstance(principal, Mapping) else None
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str) and _UNIQUE_ID.match(value):
                found.append(value)
    return found


def _assume_action(who: _Resolved) -> str:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_request.html
    if who.kind == "web":
        return "sts:AssumeRoleWithWebIdentity"
    if who.kind == "saml":
        return "sts:AssumeRoleWithSAML"
    return "sts:AssumeRole"


def _caller_statement(action: str, role_arn: str) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": role_arn}


def _mfa_causes(
    failures: Sequence[ConditionFailure], who: _Resolved, caller: Caller
) -> list[Cause]:
    causes: list[Cause] = []
    mfa_keys = ("aws:multifactorauthpresent", "aws:multifactorauthage")
    mfa_failures = [f for f in failures if f.key.lower() in mfa_keys]
    if not mfa_failures:
        return causes
    if who.kind in ("web", "saml"):
        causes.append(
            Cause(
                "mfa-federated",
                "the trust requires MFA, but sessions federated through OIDC or SAML never "
                "carry MFA context, so this condition can never be met",
                "Enforce MFA in the identity provider and remove the MFA condition from "
                "this trust, or trust IAM users who sign in with MFA instead.",
            )
        )
        return causes
    if who.chained and not (caller.mfa or caller.mfa_age is not None):
        causes.append(
            Cause(
                "mfa-chained",
                "the trust requires MFA, but the caller is a role session (role chaining), "
                "and a role session carries MFA only if it was itself created with MFA",
                "Create the caller's own session with MFA (AssumeRole or GetSessionToken "
                "with SerialNumber and TokenCode), or assume this role directly from an "
                "IAM user who signed in with MFA.",
            )
        )
        return causes
    mfa_present = caller.mfa or caller.mfa_age is not None
    ages = [f for f in mfa_failures if f.key.lower() == "aws:multifactorauthage"]
    if mfa_present and ages and ages[0].actual is not None:
        limit = ages[0].expected[0] if ages[0].expected else "?"
        causes.append(
            Cause(
                "mfa-too-old",
                f"MFA is too old: the caller authenticated {ages[0].actual[0]} s ago and the "
                f"trust accepts at most {limit} s",
                "Authenticate with MFA again (a fresh code) and assume the role right away.",
            )
        )
    elif not mfa_present:
        causes.append(
            Cause(
                "mfa-missing",
                "MFA is missing: the trust requires aws:MultiFactorAuthPresent, and the "
                "request was made without MFA",
                "Assume the role with MFA (pass --serial-number and --token-code to "
                "sts assume-role, or set mfa_serial in the AWS CLI profile).",
            )
        )
    return causes


# Provider claim keys AWS STS evaluates for GitHub's tokens (2026), and what a mismatch
# means. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif
PROVIDER_CLAIM_CAUSES: dict[str, tuple[str, str]] = {
    "job_workflow_ref": (
        "the workflow that ran is not the pinned reusable workflow",
        "Call the pinned reusable workflow (uses: OWNER/REPO/.github/workflows/FILE@REF) "
        "from the job, or simulate it: --claim job_workflow_ref=OWNER/REPO/.github/workflows/…",
    ),
    "repository_id": (
        "the repository is not the pinned one (by numeric ID: a renamed or re-created "
        "repository of the same name has another ID)",
        "Run from the repository whose ID the trust pins (--claim repository_id=ID).",
    ),
    "ref": (
        "the run comes from another git ref than the pinned one",
        "Run from the pinned branch or tag (--claim ref=refs/heads/main).",
    ),
    "actor_id": (
        "the account that started the run is not one the trust allows",
        "Have an allowed account start the run (--claim actor_id=ID).",
    ),
    "environment": (
        "the job's deployment environment is not the pinned one",
        "Name the pinned environment in the job (--claim environment=NAME).",
    ),
}


def _condition_causes(failures: Sequence[ConditionFailure], who: _Resolved) -> list[Cause]:
    causes: list[Cause] = []
    seen: set[str] = set()
    for failure in failures:
        key = failure.key.lower()
        expected = ", ".join(repr(v) for v in failure.expected)
        code = ""
        if key == "sts:externalid":
            if failure.actual is None:
                code, message = (
                    "external-id-missing",
                    (f"the external ID is missing: the trust requires sts:ExternalId {expected}"),
                )
            else:
                code, message = (
                    "external-id-wrong",
                    (
                        f"the external ID is wrong: the request has {failure.actual[0]!r}, the "
                        f"trust requires {expected}"
                    ),
                )
            fix = "Pass the external ID the role's owner gave you (ExternalId / --external-id)."
        elif key.endswith(":sub") and who.kind == "web":
            actual = "none" if failure.actual is None else repr(failure.actual[0])
            code, message = (
                "oidc-subject-wrong",
                (
                    f"the OIDC subject does not match: the token's sub is {actual}, the trust "
                    f"expects {expected} ({failure.operator})"
                ),
            )
            fix = (
                "Use a token whose subject the trust accepts (the repository, branch or "
                "environment of the CI run; the service account of the pod …), or add this "
                "subject to the role's trust (the identity's branches/environments/… arguments)."
            )
        elif who.kind == "web" and key.rsplit(":", 1)[-1] in PROVIDER_CLAIM_CAUSES:
            claim = key.rsplit(":", 1)[-1]
            what, fix = PROVIDER_CLAIM_CAUSES[claim]
            actual = "absent" if failure.actual is None else repr(failure.actual[0])
            code, message = (
                f"oidc-{claim.replace('_', '-')}-wrong",
                f"{what}: the token's {claim} is {actual}, the trust pins {expected} "
                f"({failure.key})",
            )
        elif key.startswith("aws:principaltag/x509"):
            # IAM Roles Anywhere maps the certificate to these tags.
            # https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html
            actual = "absent" if failure.actual is None else repr(failure.actual[0])
            field = failure.key.split("/", 1)[1]
            code, message = (
                "certificate-wrong",
                f"the certificate is not the pinned one: its {field} is {actual}, the trust "
                f"pins {expected} (IAM Roles Anywhere)",
            )
            fix = (
                "Use the certificate the trust names, or simulate it: "
                f"--context {failure.key}=VALUE."
            )
        elif key.endswith(":aud") and who.kind == "web":
            code, message = (
                "oidc-audience-wrong",
                (f"the OIDC audience does not match: the trust expects aud {expected}"),
            )
            fix = "Request the token for the audience the trust expects (sts.amazonaws.com)."
        elif key in ("aws:sourceaccount", "aws:sourcearn") and who.kind == "service":
            code, message = (
                "service-source-missing" if failure.actual is None else ("service-source-wrong"),
                (
                    f"the trust accepts {who.principal} only when it acts for {expected} "
                    f"({failure.key}, confused-deputy protection), and the simulated request "
                    + ("carries no such key" if failure.actual is None else "names another source")
                ),
            )
            fix = (
                f"Simulate the service acting for your resource: --context {failure.key}=…; "
                "in AWS the service sends it. If the role must serve another resource, pass "
                "source_arn/source_account to the role."
            )
        elif key == "sts:sourceidentity":
            code, message = "source-identity", f"sts:SourceIdentity must match {expected}"
            fix = "Set the source identity when assuming the role (--source-identity)."
        elif key == "sts:rolesessionname":
            code, message = (
                "session-name",
                (f"the role session name must match {expected} ({failure.operator})"),
            )
            fix = "Pass the session name the trust expects (--role-session-name)."
        if code and code not in seen:
            seen.add(code)
            causes.append(Cause(code, message, fix))
    return causes


def _duration_causes(role: RoleInfo, caller: Caller, chained: bool) -> list[Cause]:
    causes: list[Cause] = []
    duration = caller.duration
    if duration is None:
        return causes
    limit = role.max_session_duration
    if duration < MIN_DURATION_SECONDS:
        causes.append(
            Cause(
                "duration-below-minimum",
                f"a session of {duration} s is shorter than STS's minimum of 900 s",
                "Ask for at least 900 seconds.",
            )
        )
    if isinstance(limit, int) and duration > limit:
        causes.append(
            Cause(
                "duration-above-max",
                f"the requested duration ({duration} s) is above the role's "
                f"MaxSessionDuration ({limit} s); STS refuses the request",
                f"Ask for at most {limit} s, or raise max_session_duration on the role "
                "(up to 43,200 s) if that is intended.",
            )
        )
    if chained and duration > CHAINED_MAX_SECONDS:
        causes.append(
            Cause(
                "chained-one-hour",
                f"role chaining caps a session at one hour whatever the role allows, and "
                f"{duration} s were requested",
                "Ask for at most 3600 s, or assume this role directly from an IAM user or "
                "federated identity instead of from another role's session.",
            )
        )
    return causes


def explain_assume(app: App, role: RoleInfo, caller: Caller) -> Explanation:
    """Simulate ``caller`` assuming ``role`` and explain the decision.

    Args:
        app: the app the role belongs to (to find the caller's own policies when the
            caller is a role of the app). Required.
        role: the role to assume. Required.
        caller: who assumes it and with what. Required.

    Raises:
        InputError: the principal is neither an ARN nor a role of the app.

    Example:
        >>> from cdk_iam_roles.analysis.assembly import load_app
        >>> app = load_app({"Resources": {"Fn": {"Type": "AWS::IAM::Role", "Properties": {
        ...     "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
        ...     "Effect": "Allow", "Action": "sts:AssumeRole",
        ...     "Principal": {"Service": "lambda.amazonaws.com"}}]}}}}},
        ...     account="111111111111", region="eu-west-1")
        >>> explain_assume(app, app.roles[0], Caller("lambda.amazonaws.com")).outcome
        'Allowed'
    """
    who = _resolve_caller(app, caller)
    chained = who.chained or caller.chained
    who.chained = chained
    action = _assume_action(who)
    context = _context(caller, who, assume=True)
    notes: list[str] = list(role.notes)
    # An unknown account of the role makes the request cross-account, which needs both
    # sides to allow: the strictest reading.
    resource_account = role.account or "{unknown-account}"
    if role.account is None:
        notes.append(
            "the role's account is not known offline; the request is treated as cross-account"
        )
    if is_placeholder(role.role_name):
        notes.append(f"the role's name is generated at deployment; {role.arn} stands for its ARN")
    request = Request(who.principal, action, role.arn, resource_account, context)
    aws_identity = who.kind in ("user", "role", "root", "other")
    caller_role = who.role
    identity: list[Mapping[str, Any]] = []
    identity_labels: list[str] = []
    boundary: Mapping[str, Any] | None = None
    boundary_label = "permissions boundary"
    assumed_grant = False
    if caller_role is not None:
        for policy in caller_role.identity_policies:
            identity.append(policy.document)
            identity_labels.append(f"{policy.origin} (of caller {caller_role.path})")
        if caller_role.boundary is not None:
            boundary = caller_role.boundary.document
            boundary_label = f"permissions boundary {caller_role.boundary.origin}"
    elif aws_identity:
        # The caller's own policies are not in the app: evaluate the trust as if the
        # caller's side grants it, and say that it must.
        identity.append(
            {"Version": "2012-10-17", "Statement": [_caller_statement(action, role.arn)]}
        )
        identity_labels.append(
            "the caller's identity policy (assumed: the caller is not in this app)"
        )
        assumed_grant = True
    policies = PolicySet(identity=identity, resource=role.trust, boundary=boundary)
    decision = evaluate(request, policies)
    labels = _Labels(f"trust policy of {role.path}", identity_labels, boundary_label)
    deciding, failed = _describe(decision, labels)
    failures = _failures(decision)
    causes: list[Cause] = []
    statement_text = _statement_json(action, role.arn)

    cross = who.account != role.account
    why = "across accounts" if cross else "the trust names its account"
    if assumed_grant:
        without = evaluate(request, PolicySet(identity=(), resource=role.trust))
        if decision.allowed and not without.allowed:
            notes.append(
                f"the caller is not in this app: its own identity policy must allow {action} "
                f"on the role ({why}); "
                f"add: {statement_text}"
            )
    elif not decision.allowed and caller_role is not None:
        grant = {"Version": "2012-10-17", "Statement": [_caller_statement(action, role.arn)]}
        fixed = evaluate(request, PolicySet([*identity, grant], role.trust, boundary))
        if fixed.allowed:
            causes.append(
                Cause(
                    "caller-policy-missing",
                    f"the caller {caller_role.path} has no identity policy that allows {action} "
                    f"on {role.arn}"
                    + (
                        " (across accounts both sides must allow)"
                        if who.account != role.account
                        else ""
                    ),
                    f"Add to the caller's identity policy: {statement_text}"
                    + (" (e.g. role.add_to_policy(...) or CrossAccountRole.caller_policy())"),
                )
            )
            for unavailable in caller_role.unavailable_policies:
                notes.append(
                    f"the caller's managed policy {unavailable.arn} might grant it "
                    f"({unavailable.reason})"
                )

    causes.extend(_mfa_causes(failures, who, caller))
    causes.extend(_condition_causes(failures, who))
    if (caller.mfa or caller.mfa_age is not None) and who.kind in ("web", "saml"):
        notes.append("--mfa has no effect: OIDC and SAML federation carry no MFA context")
    if not decision.allowed:
        owner = caller_role.path if caller_role is not None else "the caller"
        policies_read = _Policies(identity, role.trust, labels, context)
        causes.extend(_deny_causes(decision, owner, "trust policy", role.path, policies_read))
        unique = _trust_unique_ids(role.trust)
        if unique:
            # IAM stores a trusted role or user as its unique ID; once that principal is
            # deleted the trust shows the ID, and a principal recreated with the same name
            # is trusted only after the trust is edited to name its ARN again (IAM turns the
            # ARN into the new ID when it saves the policy).
            # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles
            causes.append(
                Cause(
                    "trust-names-deleted-principal",
                    f"the trust policy names {', '.join(unique)}: a unique principal ID "
                    "instead of an ARN. IAM shows this when the role or user it named was "
                    "deleted; one recreated with the same name has a new ID and is not trusted",
                    f"Put the ARN of the principal to trust back into the trust policy in place "
                    f"of {', '.join(unique)} (e.g. trusted_principals=['arn:aws:iam::ACCOUNT:"
                    "role/NAME']) and deploy that change; IAM stores it as the new principal's "
                    "ID. Redeploying an unchanged template does not update the role.",
                )
            )
        causes.extend(_unevaluable_causes(decision, labels, explained=unique))
        service_cause = _service_not_trusted(decision, who, role)
        if service_cause is not None:
            causes.append(service_cause)
        if not causes and failures:
            causes.append(_conditions_cause(role))
        if not causes:
            named = who.principal_arn if who.kind == "role" and who.principal_arn else who.principal
            causes.append(_no_statement_cause(decision, named, action, role))
    duration_causes = _duration_causes(role, caller, chained)
    causes.extend(duration_causes)
    if isinstance(role.max_session_duration, Unknown) and caller.duration is not None:
        notes.append("MaxSessionDuration cannot be resolved offline; the duration was not checked")
    # STS refuses every AssumeRole* call made with the root user's credentials ("Roles may
    # not be assumed by root accounts"), whatever the trust says.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-console.html
    root_causes = (
        [
            Cause(
                "root-cannot-assume",
                f"{who.principal} is the root user of account {who.account}, and AWS never "
                "lets the root user assume a role",
                f"Assume the role as an IAM user or role of account {who.account} (a trust "
                "that names the account lets any of them in whose own policy allows it).",
            )
        ]
        if who.kind == "root"
        else []
    )
    causes.extend(root_causes)
    allowed = decision.allowed and not duration_causes and not root_causes
    outcome = decision.outcome if decision.allowed == allowed else "Refused"
    notes.extend(_rule_notes(app, role))
    return Explanation(
        allowed=allowed,
        outcome=outcome,
        mode="assume",
        role=role.path,
        role_arn=role.arn,
        principal=who.principal,
        action=action,
        resource=role.arn,
        deciding=deciding,
        failed_conditions=failed,
        causes=tuple(causes),
        notes=tuple(dict.fromkeys(notes)),
        decision=decision,
    )


# Findings per stack: an app is read once and explained many times (testing helpers).
# Keyed by the stack object, which is kept alive alongside so its id is never reused.
_FINDINGS: dict[int, tuple[StackTemplate, list[Finding]]] = {}
_FINDINGS_SIZE = 64


def _stack_findings(stack: StackTemplate) -> list[Finding]:
    cached = _FINDINGS.get(id(stack))
    if cached is not None and cached[0] is stack:
        return cached[1]
    findings = check_stack(stack)
    if len(_FINDINGS) >= _FINDINGS_SIZE:
        _FINDINGS.pop(next(iter(_FINDINGS)))
    _FINDINGS[id(stack)] = (stack, findings)
    return findings


def _rule_notes(app: App, role: RoleInfo) -> list[str]:
    """The rule engine's findings on ``role`` (as ``cdk-iam-roles check`` reports them)."""
    notes: list[str] = []
    for stack in app.stacks:
        if stack.name != role.stack:
            continue
        for finding in _stack_findings(stack):
            if finding.logical_id == role.logical_id:
                notes.append(f"rule {finding.rule_id} ({finding.severity}): {finding.message}")
    return notes


def _statement_json(action: str, role_arn: str) -> str:
    return json.dumps(_caller_statement(action, role_arn))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _revoke_cutoff(statement: Mapping[str, Any] | None) -> str | None:
    """The cut-off of a revoke-sessions Deny, or ``None`` if ``statement`` is not one.

    Revoking a role's active sessions (the console's "Revoke active sessions", or
    ``revoke_sessions_issued_before``) adds a Deny of every action on every resource when
    ``aws:TokenIssueTime`` is before the cut-off.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html
    """
    if statement is None or statement.get("Effect") != "Deny":
        return None
    if _as_list(statement.get("Action")) != ["*"] or _as_list(statement.get("Resource")) != ["*"]:
        return None
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping) or len(condition) != 1:
        return None
    for operator, block in condition.items():
        if str(operator).lower() != "datelessthan" or not isinstance(block, Mapping):
            return None
        for key, value in block.items():
            if str(key).lower() == "aws:tokenissuetime" and len(block) == 1:
                values = _as_list(value)
                return str(values[0]) if len(values) == 1 else None
    return None


def _statement_of(
    ref: StatementRef, identity: Sequence[Mapping[str, Any]], resource: Mapping[str, Any] | None
) -> Mapping[str, Any] | None:
    """The statement ``ref`` points at, from the documents handed to the evaluator."""
    document: Mapping[str, Any] | None = None
    if ref.kind == "identity" and ref.policy_index < len(identity):
        document = identity[ref.policy_index]
    elif ref.kind == "resource":
        document = resource
    statements = document.get("Statement") if isinstance(document, Mapping) else None
    items = _as_list(statements)
    if ref.statement_index < len(items) and isinstance(items[ref.statement_index], Mapping):
        found: Mapping[str, Any] = items[ref.statement_index]
        return found
    return None


def _context_value(context: Mapping[str, ContextValue], key: str) -> str | None:
    for name, value in context.items():
        if name.lower() == key.lower():
            return value if isinstance(value, str) else ", ".join(value)
    return None


@dataclass(frozen=True, slots=True)
class _Policies:
    """The documents of one evaluation, to read the statements its reasons point at."""

    identity: Sequence[Mapping[str, Any]]
    resource: Mapping[str, Any] | None
    labels: _Labels
    context: Mapping[str, ContextValue]


def _deny_causes(
    decision: Decision,
    boundary_owner: str,
    resource_kind: str,
    where: str,
    policies: _Policies,
) -> list[Cause]:
    causes: list[Cause] = []
    for reason in decision.reasons:
        ref = reason.statement
        if reason.code in ("explicit-deny", "not-principal-deny-with-boundary") and ref is not None:
            sid = f'"{ref.sid}"' if ref.sid else f"#{ref.statement_index}"
            statement = _statement_of(ref, policies.identity, policies.resource)
            cutoff = _revoke_cutoff(statement)
            name = policies.labels.policy(ref)
            if cutoff is not None:
                issued = _context_value(policies.context, "aws:TokenIssueTime") or "?"
                causes.append(
                    Cause(
                        "session-revoked",
                        f"the session was issued at {issued}, before the cut-off {cutoff} set "
                        "by revoke_sessions_issued_before / the console's Revoke active "
                        f"sessions ({name}, statement {sid}): every request of an older "
                        "session is denied",
                        "Request new credentials (assume the role again): a session issued "
                        "after the cut-off is not refused. Keep the Deny; it revokes the "
                        "older sessions on purpose.",
                    )
                )
            elif ref.kind == "resource":
                causes.append(
                    Cause(
                        "explicit-deny-resource-policy",
                        f"an explicit Deny in the {resource_kind} of {where} (statement {sid}) "
                        "refuses it; an explicit deny wins over every allow",
                        f"Narrow or remove that Deny statement in {where}, or make the request "
                        "meet its conditions.",
                    )
                )
            else:
                causes.append(
                    Cause(
                        "explicit-deny",
                        f"an explicit Deny in the {ref.kind} policy {name} (statement {sid}) "
                        "refuses it",
                        f"Narrow or remove that Deny statement in {name}, or make the request "
                        "meet its conditions.",
                    )
                )
        elif reason.code == "boundary-no-allow":
            causes.append(
                Cause(
                    "boundary-cuts-action",
                    f"the permissions boundary of {boundary_owner} does not allow the action, so "
                    "the identity policy's allow has no effect",
                    f"Add the action to the permissions boundary of {boundary_owner}, or do "
                    "without it there: a boundary caps what identity policies can grant.",
                )
            )
    return causes


def _unevaluable_causes(
    decision: Decision, labels: _Labels, explained: Sequence[str] = ()
) -> list[Cause]:
    """``unresolved-value`` for what could not be evaluated and no other cause explains."""
    problems = [
        u for u in decision.unevaluable if not any(value in u.detail for value in explained)
    ]
    if not problems:
        return []
    details = "; ".join(dict.fromkeys(labels.problem(u) for u in problems))
    generated = [u for u in problems if "placeholder" in u.detail]
    fixes: list[str] = []
    if generated:
        fixes.append(
            "Give the resource an explicit name (role_name, bucket_name …) so that the "
            "policy's pattern can be checked, or write the pattern as `*` or as a reference "
            "to the resource itself."
        )
    if len(generated) < len(problems):
        fixes.append(
            "Give the stack a concrete environment (account and region) and avoid values "
            "known only at deployment (parameters, imports) in the policies that decide this."
        )
    return [
        Cause(
            "unresolved-value",
            "part of a policy cannot be evaluated offline (an Allow there grants nothing, a "
            f"Deny there is taken to deny): {details}",
            " ".join(fixes),
        )
    ]


def _trust_services(trust: Mapping[str, Any] | None) -> list[str]:
    """The service principals an Allow statement of the trust names."""
    found: list[str] = []
    statements = trust.get("Statement") if trust else None
    for statement in _as_list(statements):
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        values = principal.get("Service") if isinstance(principal, Mapping) else None
        found.extend(v for v in _as_list(values) if isinstance(v, str) and v not in found)
    return found


def _service_not_trusted(decision: Decision, who: _Resolved, role: RoleInfo) -> Cause | None:
    """``service-not-trusted``: a service principal the trust does not name at all.

    A service can use a role only if the role's trust policy names that service's
    principal; a role made for EC2 does not work for Lambda.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_roles.html
    """
    if who.kind != "service" or decision.allowed:
        return None
    services = _trust_services(role.trust)
    if who.principal.lower() in (s.lower() for s in services):
        return None
    trusted = (
        f"the trust allows only {', '.join(services)}"
        if services
        else "the trust names no service principal"
    )
    return Cause(
        "service-not-trusted",
        f"{trusted}; {who.principal} is not trusted (the wrong role on a service — see rule "
        "IAMR-USE-001)",
        f"Use a role that trusts the service, e.g. ServiceRole(service={who.principal!r}), or "
        f"add {who.principal} to the trust of {role.path} if the role is meant for it.",
    )


def _conditions_cause(role: RoleInfo) -> Cause:
    return Cause(
        "condition-not-met",
        f"a statement of the trust policy of {role.path} names the caller, but its conditions "
        "do not hold (see the failed conditions)",
        "Make the request carry the values the conditions expect, or change the conditions "
        "if they are wrong.",
    )


def _no_statement_cause(decision: Decision, principal: str, action: str, role: RoleInfo) -> Cause:
    return Cause(
        "no-matching-statement",
        f"no statement of the trust policy of {role.path} allows {principal} to call {action}",
        f"Add {principal} (or its account) to the Principal of a trust statement that allows "
        f"{action}, e.g. with the pattern that fits this caller.",
    )


def _resource_arn(app: App, text: str) -> str:
    if text.startswith("arn:") or text == "*":
        return text
    key = text.strip().lstrip("/")
    key = key[: -len("/Resource")] if key.endswith("/Resource") else key
    if key in app.named_resources:
        return app.named_resources[key]
    for role in app.roles:
        if key in (role.path, role.logical_id):
            return role.arn
    raise InputError(
        f"--resource {text!r}: neither an ARN nor a construct path or logical ID of the app"
    )


def explain_call(
    app: App, role: RoleInfo, action: str, resource: str, caller: Caller
) -> Explanation:
    """Simulate a call of ``action`` on ``resource`` made with ``role`` and explain it.

    The role's identity policies, its permissions boundary and the resource policy of the
    app that protects ``resource`` (if any) decide it.

    Args:
        app: the app. Required.
        role: the role whose session makes the call. Required.
        action: ``service:Action``. Required.
        resource: an ARN, or the construct path / logical ID of a resource of the app.
            Required.
        caller: the session's context (``mfa``, ``context``; the principal is the role's
            session). Required.

    Raises:
        InputError: the resource is neither an ARN nor a resource of the app, or the
            action is not ``service:Action``.

    Example:
        >>> from cdk_iam_roles.analysis.assembly import load_app
        >>> app = load_app({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
        ...     "RoleName": "r", "AssumeRolePolicyDocument": {}, "Policies": [{"PolicyName":
        ...     "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect":
        ...     "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}]}}}},
        ...     account="111111111111", region="eu-west-1")
        >>> explain_call(app, app.roles[0], "s3:GetObject", "arn:aws:s3:::b/k",
        ...     Caller("r")).allowed
        True
    """
    if action != "*" and not re.fullmatch(r"[A-Za-z0-9-]+:[A-Za-z0-9*?]+", action):
        raise InputError(f"--action {action!r}: write service:Action, e.g. s3:GetObject")
    arn = _resource_arn(app, resource)
    session = role.session_arn(caller.session_name or "session")
    who = _Resolved(session, "role", role.account, role.arn, role, caller.chained)
    context = _context(caller, who, assume=False)
    notes: list[str] = list(role.notes)
    target = find_resource_policy(app, arn)
    trust_target = (
        next((r for r in app.roles if r.arn == arn), None)
        if action.lower().startswith("sts:assumerole")
        else None
    )
    resource_doc: Mapping[str, Any] | None = None
    resource_label = "resource policy"
    resource_account: str | None = None
    where = arn
    if target is not None:
        resource_doc = target.document
        resource_label = f"{target.resource_type} {target.path}"
        resource_account = target.account
        where = target.path
    elif trust_target is not None:
        resource_doc = trust_target.trust
        resource_label = f"trust policy of {trust_target.path}"
        resource_account = trust_target.account
        where = trust_target.path
    else:
        fields = arn.split(":")
        if len(fields) > 4 and re.fullmatch(r"\d{12}", fields[4]):
            resource_account = fields[4]
        notes.append(
            "no resource policy of the app protects this resource; the role's policies decide"
        )
    if resource_account is None:
        resource_account = role.account
    if is_placeholder(arn):
        notes.append(f"the resource's name is generated at deployment; {arn} stands for its ARN")
    identity = [p.document for p in role.identity_policies]
    labels = _Labels(
        resource_label,
        [p.origin for p in role.identity_policies],
        f"permissions boundary {role.boundary.origin}" if role.boundary else "permissions boundary",
    )
    request = Request(session, action, arn, resource_account, context)
    decision = evaluate(
        request,
        PolicySet(
            identity=identity,
            resource=resource_doc,
            boundary=role.boundary.document if role.boundary else None,
        ),
    )
    deciding, failed = _describe(decision, labels)
    causes: list[Cause] = []
    causes.extend(_mfa_causes(_failures(decision), who, caller))
    causes.extend(_condition_causes(_failures(decision), who))
    allowed = decision.allowed
    if not allowed:
        kind = target.resource_type if target else "resource policy"
        policies_read = _Policies(identity, resource_doc, labels, context)
        causes.extend(_deny_causes(decision, role.path, kind, where, policies_read))
        causes.extend(_unevaluable_causes(decision, labels))
        if decision.outcome == "ImplicitDeny" and role.unavailable_policies:
            names = ", ".join(p.arn for p in role.unavailable_policies)
            causes.append(
                Cause(
                    "policy-not-available",
                    f"no policy in the app allows it; the role's managed policies {names} "
                    "might, but their content is not available offline (never assumed to "
                    "allow or deny)",
                    "Check those managed policies, or grant the action in a policy of the app "
                    "(role.add_to_policy / a grant method).",
                )
            )
        if not causes:
            causes.append(
                Cause(
                    "no-matching-statement",
                    f"no identity policy of {role.path} (or resource policy) allows {action} "
                    f"on {arn}",
                    f"Grant it: role.add_to_policy(iam.PolicyStatement(actions=[{action!r}], "
                    "resources=[...])) or the resource's grant method.",
                )
            )
    if allowed and role.boundary_unavailable is not None:
        allowed = False
        causes.append(
            Cause(
                "boundary-not-available",
                f"the role's permissions boundary {role.boundary_unavailable} is not in the app, "
                "so whether it allows the action cannot be known offline",
                "Define the boundary as an iam.ManagedPolicy in the app to have it checked.",
            )
        )
    if allowed and role.unavailable_policies:
        notes.append(
            "managed policies not available offline ("
            + ", ".join(p.arn for p in role.unavailable_policies)
            + ") were not read; an explicit Deny in them would change this"
        )
    notes.extend(_rule_notes(app, role))
    return Explanation(
        allowed=allowed,
        outcome=decision.outcome if allowed == decision.allowed else "Unknown",
        mode="call",
        role=role.path,
        role_arn=role.arn,
        principal=session,
        action=action,
        resource=arn,
        deciding=deciding,
        failed_conditions=failed,
        causes=tuple(causes),
        notes=tuple(dict.fromkeys(notes)),
        decision=decision,
    )


def explain(
    app: App,
    role: str,
    caller: Caller,
    *,
    action: str | None = None,
    resource: str | None = None,
) -> Explanation:
    """Find ``role`` in ``app`` and explain an assumption, or a call when ``action`` is given.

    Args:
        app: the app. Required.
        role: construct path, logical ID, role name or ARN. Required.
        caller: the simulated caller. Required.
        action: the action of a call made with the role. Default ``None`` (assumption).
        resource: the resource of that call. Default ``None`` (``*``).

    Raises:
        InputError: the role or the principal cannot be found.

    Example:
        >>> from cdk_iam_roles.analysis.assembly import load_app
        >>> explain(load_app({"Resources": {}}), "x", Caller("1"))
        Traceback (most recent call last):
        ...
        cdk_iam_roles.analysis.assembly.RoleNotFoundError: no role 'x': ...
    """
    found = find_role(app, role)
    if action is None:
        if resource is not None:
            raise InputError("--resource needs --action (the call to simulate)")
        return explain_assume(app, found, caller)
    return explain_call(app, found, action, resource or "*", caller)
