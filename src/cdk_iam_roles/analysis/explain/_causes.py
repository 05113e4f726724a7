"""The cause catalogue: the classic reasons for a denial, each with what to change."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cdk_iam_roles.analysis import (
    ConditionFailure,
    ContextValue,
    Decision,
    StatementRef,
)
from cdk_iam_roles.analysis.assembly import (
    App,
    RoleInfo,
)
from cdk_iam_roles.analysis.explain._answer import Cause
from cdk_iam_roles.analysis.explain._request import Caller, _app_accounts, _as_list, _Resolved
from cdk_iam_roles.analysis.explain._words import _carried, _Labels, _verb

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
_UNIQUE_ID = re.compile(r"A(RO|ID)A[A-Z0-9]{12,}", re.ASCII)


def _trust_unique_ids(trust: Mapping[str, Any] | None) -> list[str]:
    found: list[str] = []
    statements = trust.get("Statement") if trust else None
    for statement in statements if isinstance(statements, list) else [statements]:
        principal = statement.get("Principal") if isinstance(statement, Mapping) else None
        values = principal.get("AWS") if isinstance(principal, Mapping) else None
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str) and _UNIQUE_ID.fullmatch(value):
                found.append(value)
    return found


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


def _condition_causes(
    failures: Sequence[ConditionFailure], who: _Resolved, app: App
) -> list[Cause]:
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
                "in AWS the service sends it (for a template without an environment, pass "
                "--account so the role's own account is known). If the role must serve "
                "another resource, pass source_arn/source_account to the role."
            )
        elif key == "sts:sourceidentity":
            code, message = (
                "source-identity",
                f"sts:SourceIdentity must {_verb(failure)} {expected} ({failure.operator}); the "
                + _carried(failure),
            )
            fix = (
                "Set the source identity when assuming the role (aws sts assume-role "
                "--source-identity …; here --source-identity S)."
            )
        elif key == "sts:rolesessionname":
            code, message = (
                "session-name",
                f"the role session name must {_verb(failure)} {expected} ({failure.operator}); "
                "the " + _carried(failure),
            )
            fix = (
                "Pass the session name the trust expects (aws sts assume-role "
                "--role-session-name …; here --session-name N)."
            )
        elif key.startswith("saml:") and key != "saml:aud" and who.kind == "saml":
            code = "saml-attribute-wrong"
            message = (
                f"the SAML attribute {failure.key} must {_verb(failure)} "
                f"{'one of ' if len(failure.expected) > 1 else ''}{expected} "
                f"({failure.operator}); the assertion "
                + (
                    "carries none"
                    if failure.actual is None
                    else "carries " + ", ".join(repr(v) for v in failure.actual)
                )
            )
            fix = (
                "Sign in as a user whose identity provider sends one of those values (simulate "
                f"it with --claim {failure.key.split(':', 1)[1]}=V1,V2), or add the value to "
                "the role's attribute_conditions if that user is meant to assume it."
            )
        elif key in ("aws:principalorgid", "aws:principalorgpaths"):
            flag = "--org" if key == "aws:principalorgid" else "--org-path"
            inside = who.account is not None and who.account in _app_accounts(app)
            code = "org-missing" if failure.actual is None else "org-wrong"
            where = (
                f"account {who.account} is one the app deploys to, but the app names no single "
                "organization"
                if inside
                else f"the caller's account ({who.account or 'unknown'}) is not one the app "
                "deploys to, so its organization is not known offline"
            )
            message = (
                f"the trust requires {failure.key} to {_verb(failure)} {expected} "
                f"({failure.operator}); "
                + (
                    f"the request carries none: {where}"
                    if failure.actual is None
                    else "the request has " + ", ".join(repr(v) for v in failure.actual)
                )
            )
            fix = (
                f"If the caller's account belongs to that organization, simulate it with "
                f"{flag} {failure.expected[0] if failure.expected else '…'}; a caller outside "
                "the organization is refused on purpose."
            )
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


_NO_SET_OPERATOR = re.compile(
    r"^(?P<operator>\S+) (?P<key>\S+): the request gives a multivalued (?P<values>\[.*\]) "
    r"but the operator has no ForAnyValue:/ForAllValues: set operator$"
)


def _multivalued_causes(decision: Decision) -> tuple[list[Cause], list[str]]:
    """``multivalued-needs-set-operator``: several values of a key under a plain operator.

    "Multivalued context keys require a condition set operator": AWS does not define a
    plain ``StringEquals`` on a key with several values.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
    """
    causes: list[Cause] = []
    details: list[str] = []
    for problem in decision.unevaluable:
        match = _NO_SET_OPERATOR.match(problem.detail)
        if match is None:
            continue
        details.append(problem.detail)
        operator, key, values = match.group("operator", "key", "values")
        causes.append(
            Cause(
                "multivalued-needs-set-operator",
                f"the request gives {key} several values {values}, but the policy compares it "
                f"with {operator}, which AWS does not define for a multivalued key (it needs "
                "ForAnyValue: or ForAllValues:)",
                f"Write the condition as ForAnyValue:{operator} (one listed value suffices) or "
                f"ForAllValues:{operator} (every value must be listed); FederatedRole("
                "attribute_conditions=…) renders ForAnyValue for SAML's multivalued keys. To "
                "simulate a single value, pass it alone.",
            )
        )
    return causes, details


def _unevaluable_causes(
    decision: Decision, labels: _Labels, explained: Sequence[str] = (), certain: bool = True
) -> list[Cause]:
    """``unresolved-value`` for what could not be evaluated and no other cause explains.

    For a denial: ``certain`` when read in the request's favour it is still refused (an
    undecided answer names its unknown values with `_unread.unresolved_causes`).
    """
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
            "Give the stack a concrete environment (account and region), or pass --account "
            "and --region for a template without one, and avoid values known only at "
            "deployment (parameters, imports) in the policies that decide this."
        )
    return [
        Cause(
            "unresolved-value",
            "part of a policy cannot be evaluated offline"
            + (
                ", but the answer holds whatever it turns out to be"
                if certain
                else " (an Allow there grants nothing, a Deny there is taken to deny)"
            )
            + f": {details}",
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
