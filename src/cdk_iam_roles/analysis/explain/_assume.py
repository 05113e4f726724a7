"""Explain an assumption: can this caller assume this role?"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cdk_iam_roles.analysis import (
    PolicySet,
    Request,
    evaluate,
)
from cdk_iam_roles.analysis.assembly import (
    App,
    RoleInfo,
    is_placeholder,
)
from cdk_iam_roles.analysis.explain._answer import Cause, Explanation
from cdk_iam_roles.analysis.explain._causes import (
    _condition_causes,
    _conditions_cause,
    _deny_causes,
    _duration_causes,
    _mfa_causes,
    _multivalued_causes,
    _no_statement_cause,
    _Policies,
    _service_not_trusted,
    _trust_unique_ids,
    _unevaluable_causes,
)
from cdk_iam_roles.analysis.explain._findings import _rule_notes
from cdk_iam_roles.analysis.explain._request import (
    Caller,
    _assume_action,
    _caller_statement,
    _complete_request,
    _context,
    _resolve_caller,
    _Resolved,
    _statement_json,
)
from cdk_iam_roles.analysis.explain._unread import (
    Unread,
    boundary_cut,
    boundary_unread,
    hope,
    most_permissive,
    permissive_boundary,
    permissive_identity,
    unread_causes,
    unresolved_causes,
)
from cdk_iam_roles.analysis.explain._words import _describe, _failures, _Labels
from cdk_iam_roles.cfn import Unknown


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
    assumed = _complete_request(app, role, caller, who, context, [role.trust], assume=True)
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
        assumed.append(
            f"the caller's own identity policy allows {action} on the role: the caller is "
            "not in this app, so its policies cannot be read"
        )
    policies = PolicySet(identity=identity, resource=role.trust, boundary=boundary)
    decision = evaluate(request, policies)
    # What could not be read, at its most permissive: if that allows the request, the
    # answer depends on it and is undecided.
    unread: list[Unread] = []
    hopeful_identity: list[Mapping[str, Any]] = identity
    hopeful_boundary = boundary
    if caller_role is not None:
        owner = f"(of caller {caller_role.path})"
        hopeful_identity, unread = permissive_identity(
            caller_role.identity_policies, caller_role.unavailable_policies, owner
        )
        unread.extend(boundary_unread(caller_role.boundary, owner))
        hopeful_boundary = permissive_boundary(caller_role.boundary)
    hopeful_trust = role.trust
    if role.trust_unreadable is not None:
        trust_name = f"the trust policy of {role.path}"
        unread.insert(0, Unread("trust", trust_name, role.trust_unreadable))
        hopeful_trust = most_permissive(role.trust, "trust")
    # A unique ID in the trust stands for a principal that was deleted: it names no caller.
    unique = _trust_unique_ids(role.trust)
    if unique:
        hopeful_trust = _without_unique_ids(hopeful_trust, unique)
    # One hopeful computation covers both what could not be read (at its most permissive)
    # and the values of readable statements known only at deployment (the upper bound).
    hopeful = hope(
        request,
        decision,
        PolicySet(hopeful_identity, hopeful_trust, hopeful_boundary),
        unread,
    )
    duration_causes = _duration_causes(role, caller, chained)
    root_causes = _root_causes(who)
    # STS refuses the root user and a duration above the limits whatever the policies say.
    refused = bool(duration_causes or root_causes)
    undecided = hopeful is not None and hopeful.allowed and not refused
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
    elif not decision.allowed and caller_role is not None and not undecided:
        grant = {"Version": "2012-10-17", "Statement": [_caller_statement(action, role.arn)]}
        fixed = evaluate(request, PolicySet([*identity, grant], hopeful_trust, boundary))
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
    causes.extend(_condition_causes(failures, who, app))
    if (caller.mfa or caller.mfa_age is not None) and who.kind in ("web", "saml"):
        notes.append("--mfa has no effect: OIDC and SAML federation carry no MFA context")
    deleted = _deleted_principal_causes(unique)
    if undecided:
        decides = f"whether {who.principal} can assume {role.path}"
        causes.extend(unread_causes(unread, decides))
        causes.extend(deleted)
        multivalued, details = _multivalued_causes(decision)
        causes.extend(multivalued)
        explained = [*unique, *details]
        causes.extend(unresolved_causes(hopeful, labels, decides, explained=explained))
    elif not decision.allowed:
        owner = caller_role.path if caller_role is not None else "the caller"
        policies_read = _Policies(identity, role.trust, labels, context)
        causes.extend(_deny_causes(decision, owner, "trust policy", role.path, policies_read))
        cut = boundary_cut(decision, hopeful.decision if hopeful is not None else None)
        causes.extend(_deny_causes(cut, owner, "trust policy", role.path, policies_read))
        causes.extend(deleted)
        multivalued, details = _multivalued_causes(decision)
        causes.extend(multivalued)
        causes.extend(_unevaluable_causes(decision, labels, explained=[*unique, *details]))
        service_cause = _service_not_trusted(decision, who, role) if role.trust else None
        if service_cause is not None:
            causes.append(service_cause)
        if not causes and failures:
            causes.append(_conditions_cause(role))
        if not causes and role.trust_unreadable is None:
            named = who.principal_arn if who.kind == "role" and who.principal_arn else who.principal
            causes.append(_no_statement_cause(decision, named, action, role))
    causes.extend(duration_causes)
    if isinstance(role.max_session_duration, Unknown) and caller.duration is not None:
        notes.append("MaxSessionDuration cannot be resolved offline; the duration was not checked")
    causes.extend(root_causes)
    allowed = decision.allowed and not duration_causes and not root_causes
    outcome: str = decision.outcome if decision.allowed == allowed else "Refused"
    if undecided:
        outcome = "Unknown"
    elif hopeful is not None and hopeful.allowed:
        # What could not be read might allow it, but STS refuses it anyway.
        outcome = "Refused"
    if allowed and caller_role is not None and caller_role.boundary_unavailable is not None:
        # The caller's boundary is not in the app: allowed only if the answer holds even
        # under a boundary that allows nothing.
        nothing: Mapping[str, Any] = {"Version": "2012-10-17", "Statement": []}
        if not evaluate(request, PolicySet(identity, role.trust, nothing)).allowed:
            allowed, outcome = False, "Unknown"
            causes.append(
                Cause(
                    "boundary-not-available",
                    f"the permissions boundary {caller_role.boundary_unavailable} of the "
                    f"caller {caller_role.path} is not in the app, so whether it allows "
                    f"{action} cannot be known offline",
                    "Define the boundary as an iam.ManagedPolicy in the app to have it checked.",
                )
            )
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
        assumed=tuple(assumed),
    )


def _without_unique_ids(trust: Mapping[str, Any] | None, unique: list[str]) -> Mapping[str, Any]:
    """The trust with its unique principal IDs naming no one, for the hopeful reading.

    IAM shows a unique ID in a trust once the role or user it named is deleted ("the
    relationship is broken"; one recreated with the same name has another ID), so the ID
    names no caller; the evaluator cannot read it (it is no ARN), and its upper bound would
    take it to name anyone. A statement left with no
    principal matches no action, so the statements keep their positions.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles
    """
    if trust is None:
        return {"Version": "2012-10-17", "Statement": []}
    statements = trust.get("Statement")
    kept: list[Any] = []
    for statement in statements if isinstance(statements, list) else [statements]:
        principal = statement.get("Principal") if isinstance(statement, Mapping) else None
        if not isinstance(statement, Mapping) or not isinstance(principal, Mapping):
            kept.append(statement)
            continue
        values = principal.get("AWS")
        listed = values if isinstance(values, list) else [values]
        if not any(v in unique for v in listed):
            kept.append(statement)
            continue
        rest = {**principal, "AWS": [v for v in listed if v not in unique]}
        if not rest["AWS"]:
            del rest["AWS"]
        kept.append(
            {**statement, "Principal": rest}
            if rest
            else {"Effect": statement.get("Effect"), "NotAction": "*", "Principal": "*"}
        )
    return {**trust, "Statement": kept}


def _deleted_principal_causes(unique: list[str]) -> list[Cause]:
    """``trust-names-deleted-principal`` for the unique IDs the trust names.

    IAM stores a trusted role or user as its unique ID; once that principal is deleted the
    trust shows the ID, and a principal recreated with the same name is trusted only after
    the trust is edited to name its ARN again (IAM turns the ARN into the new ID when it
    saves the policy).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles
    """
    if not unique:
        return []
    named = ", ".join(unique)
    cause = Cause(
        "trust-names-deleted-principal",
        f"the trust policy names {named}: a unique principal ID instead of an ARN. IAM shows "
        "this when the role or user it named was deleted; one recreated with the same name "
        "has a new ID and is not trusted",
        f"Put the ARN of the principal to trust back into the trust policy in place of "
        f"{named} (e.g. trusted_principals=['arn:aws:iam::ACCOUNT:role/NAME']) and deploy "
        "that change; IAM stores it as the new principal's ID. Redeploying an unchanged "
        "template does not update the role.",
    )
    return [cause]


def _root_causes(who: _Resolved) -> list[Cause]:
    """``root-cannot-assume``: STS refuses the root user, whatever the trust says.

    STS refuses every AssumeRole* call made with the root user's credentials ("Roles may
    not be assumed by root accounts").
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-console.html
    """
    if who.kind != "root":
        return []
    return [
        Cause(
            "root-cannot-assume",
            f"{who.principal} is the root user of account {who.account}, and AWS never "
            "lets the root user assume a role",
            f"Assume the role as an IAM user or role of account {who.account} (a trust "
            "that names the account lets any of them in whose own policy allows it).",
        )
    ]
