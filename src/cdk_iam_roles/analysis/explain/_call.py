"""Explain a call made with a role: can its session call this action on this resource?"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from cdk_iam_roles.analysis import (
    Decision,
    PolicySet,
    Request,
    evaluate,
)
from cdk_iam_roles.analysis.assembly import (
    App,
    ResourcePolicy,
    RoleInfo,
    find_resource_policy,
    is_placeholder,
    unknown_document,
)
from cdk_iam_roles.analysis.explain._answer import Cause, Explanation
from cdk_iam_roles.analysis.explain._causes import (
    _condition_causes,
    _deny_causes,
    _mfa_causes,
    _multivalued_causes,
    _Policies,
    _unevaluable_causes,
)
from cdk_iam_roles.analysis.explain._findings import _rule_notes
from cdk_iam_roles.analysis.explain._request import Caller, _complete_request, _context, _Resolved
from cdk_iam_roles.analysis.explain._unread import (
    Hopeful,
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
from cdk_iam_roles.errors import InputError


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


# A KMS key or alias ARN: arn:PARTITION:kms:REGION:ACCOUNT:key/ID or …:alias/NAME.
_KMS_KEY_ARN = re.compile(r"arn:[^:]+:kms:[^:]*:[^:]*:(?:key|alias)/.+", re.DOTALL)


def _key_outside_app(action: str, arn: str) -> bool:
    """A call of the KMS service on a key (or alias) whose key policy the app does not hold.

    "Unless the key policy explicitly allows it, you cannot use IAM policies to allow
    access to a KMS key. Without permission from the key policy, IAM policies that allow
    permissions have no effect." An alias resolves to a key whose policy we cannot see.
    https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
    """
    return action.lower().startswith("kms:") and _KMS_KEY_ARN.fullmatch(arn) is not None


def _without_stand_in(decision: Decision) -> Decision:
    """The decision without what the key-policy stand-in (the only resource policy) added."""
    return dataclasses.replace(
        decision,
        reasons=tuple(
            r
            for r in decision.reasons
            if r.policy_kind != "resource"
            and (r.statement is None or r.statement.kind != "resource")
        ),
        unevaluable=tuple(u for u in decision.unevaluable if u.policy_kind != "resource"),
    )


def _key_policy_unknown(arn: str, role_account: str | None) -> Cause:
    account = role_account or "ACCOUNT"
    return Cause(
        "key-policy-unknown",
        f"the key policy of {arn} is not in the app: IAM policies alone never grant access to "
        f"a KMS key; the call is allowed only if the key policy allows the role's account "
        f"({account}) or the role",
        "Check the key policy (aws kms get-key-policy): it must allow the role, or enable IAM "
        f"policies for account {account} (the default statement naming "
        f"arn:aws:iam::{account}:root). Define the key in the app (kms.Key) to have it checked "
        "offline.",
    )


def _hopeful(
    request: Request,
    decision: Decision,
    role: RoleInfo,
    target: ResourcePolicy | None,
    trust_target: RoleInfo | None,
    key_outside: bool,
) -> tuple[Hopeful | None, list[Unread]]:
    """A denial decided again with everything unknown read in the request's favour.

    ``None`` when the request is allowed (or a KMS key policy outside the app and an
    unknown account leave nothing to stand in). When the decision it returns allows the
    request, the answer is undecided.

    Each unread policy is taken at its most permissive and each unknown value of a read
    statement by the evaluator's upper bound (see `_unread`); a KMS key policy outside the
    app as the default one that lets the account's IAM policies decide (a key policy
    naming the role itself is the case `key-policy-unknown` covers).
    """
    owner = f"of {role.path}"
    identity, unread = permissive_identity(role.identity_policies, role.unavailable_policies, owner)
    unread.extend(boundary_unread(role.boundary, owner))
    resource = None if target is None else target.document
    if target is not None and target.unreadable is not None:
        name = f"{target.resource_type} {target.path}"
        unread.append(Unread("in-app", name, target.unreadable))
        resource = most_permissive(target.document, "resource")
    elif trust_target is not None:
        resource = trust_target.trust
        if trust_target.trust_unreadable is not None:
            name = f"the trust policy of {trust_target.path}"
            unread.append(Unread("trust", name, trust_target.trust_unreadable))
            resource = most_permissive(trust_target.trust, "trust")
    elif key_outside:
        if role.account is None:
            return None, unread
        # https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
        root = f"arn:{role.partition}:iam::{role.account}:root"
        resource = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": root}, "Action": "*", "Resource": "*"}
            ],
        }
    hopeful = PolicySet(identity, resource, permissive_boundary(role.boundary))
    return hope(request, decision, hopeful, unread), unread


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
    key_outside = target is None and _key_outside_app(action, arn)
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
        if key_outside:
            # The key policy exists but is not ours to read: a stand-in that never allows.
            resource_doc = unknown_document(
                f"the key policy of {arn} is not in the app", resource_policy=True
            )
            resource_label = f"key policy of {arn}"
        else:
            notes.append(
                "no resource policy of the app protects this resource; the role's policies decide"
            )
    if resource_account is None:
        resource_account = role.account
    if is_placeholder(arn):
        notes.append(f"the resource's name is generated at deployment; {arn} stands for its ARN")
    identity = [p.document for p in role.identity_policies]
    assumed = _complete_request(
        app, role, caller, who, context, [*identity, resource_doc], assume=False
    )
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
    # Outside the app, a KMS key's policy is a stand-in that never allows (see above): the
    # identity side is judged without it, and where it would allow, the answer is Unknown.
    judged = _without_stand_in(decision) if key_outside else decision
    key_decides = key_outside and any(
        r.code in ("key-policy-no-allow", "cross-account-resource-no-allow")
        for r in decision.reasons
    )
    hopeful, unread = _hopeful(request, decision, role, target, trust_target, key_outside)
    undecided = hopeful is not None and hopeful.allowed and not key_decides
    deciding, failed = _describe(judged, labels)
    causes: list[Cause] = []
    causes.extend(_mfa_causes(_failures(judged), who, caller))
    causes.extend(_condition_causes(_failures(judged), who, app))
    allowed = decision.allowed
    if undecided:
        decides = f"whether {role.path} can call {action} on {arn}"
        causes.extend(unread_causes(unread, decides))
        multivalued, details = _multivalued_causes(judged)
        causes.extend(multivalued)
        causes.extend(unresolved_causes(hopeful, labels, decides, explained=details))
    if key_decides or (undecided and key_outside):
        causes.append(_key_policy_unknown(arn, role.account))
    elif key_outside and decision.outcome == "ImplicitDeny":
        notes.append(
            f"the key policy of {arn} is not in the app; a statement of it naming the role "
            "would grant the call without any IAM policy"
        )
    if not allowed and not key_decides and not undecided:
        kind = target.resource_type if target else "resource policy"
        policies_read = _Policies(identity, resource_doc, labels, context)
        causes.extend(_deny_causes(judged, role.path, kind, where, policies_read))
        causes.extend(
            _deny_causes(
                boundary_cut(judged, hopeful.decision if hopeful is not None else None),
                role.path,
                kind,
                where,
                policies_read,
            )
        )
        multivalued, details = _multivalued_causes(judged)
        causes.extend(multivalued)
        certain = hopeful is not None
        causes.extend(_unevaluable_causes(judged, labels, explained=details, certain=certain))
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
        outcome="Unknown"
        if key_decides or undecided or allowed != decision.allowed
        else decision.outcome,
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
        assumed=tuple(assumed),
    )
