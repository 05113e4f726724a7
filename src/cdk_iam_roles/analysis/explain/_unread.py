"""What could not be read or known: policies unknown offline, absent or malformed, and
values inside readable statements known only at deployment.

A policy the app holds but cannot read (a parameter, an import, a malformed document)
reaches the evaluator as statements it never takes to allow, and so does a statement of a
readable policy whose match depends on a value known only at deployment (``Principal:
{AWS: !ImportValue …}``, a condition value that is a parameter, ``${AWS::AccountId}`` in an
environment-agnostic stack, a generated name against a narrower pattern): an answer is
never Allowed by accident. That must not make the answer a confident denial either: when
the request is denied, it is decided once more (`hope`), with each unread policy at its
most permissive (its well-formed statements kept, so a certain Deny still applies, plus an
Allow of everything) and by the evaluator's upper bound, which reads every unknown
statement in the request's favour (an unknown Allow matches, an unknown Deny does not
apply). If that allows the request, the answer depends on what could not be known: it is
undecided (outcome ``Unknown``), and the causes here say which policy or value and why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from cdk_iam_roles.analysis import Decision, PolicySet, Request, evaluate
from cdk_iam_roles.analysis._evaluator import upper_bound
from cdk_iam_roles.analysis.assembly import AttachedPolicy, UnavailablePolicy
from cdk_iam_roles.analysis.explain._answer import Cause
from cdk_iam_roles.analysis.explain._words import _Labels
from cdk_iam_roles.documents import DocumentKind, document_problems

# Why a policy is unread: in the app but unreadable, or outside the app altogether.
UnreadKind = Literal["trust", "in-app", "outside"]


@dataclass(frozen=True, slots=True)
class Unread:
    """One policy of the request that could not be read.

    Args:
        kind: ``trust`` (the role's trust policy), ``in-app`` (a policy of the app that
            cannot be read) or ``outside`` (a managed policy whose content is not in the
            app). Required.
        name: the policy in words (``inline policy "p" of Ops/Worker``). Required.
        why: why, as a phrase that follows the name (``cannot be read offline (parameter
            P)``, ``is absent (…)``, ``is malformed (…)``). Required.
    """

    kind: UnreadKind
    name: str
    why: str


def most_permissive(document: Mapping[str, Any] | None, kind: DocumentKind) -> Mapping[str, Any]:
    """``document`` at its most permissive: its well-formed statements and an Allow of all.

    A statement of unknown effect or with an element of the wrong type is dropped; every
    other statement is kept, so a Deny that was read still denies.

    Example:
        >>> deny = {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}
        >>> bad = {"Effect": "Allowed", "Action": "s3:*", "Resource": "*"}
        >>> [s["Effect"] for s in most_permissive({"Statement": [deny, bad]}, "identity")[
        ...     "Statement"]]
        ['Deny', 'Allow']
    """
    statements = document.get("Statement") if isinstance(document, Mapping) else None
    kept = [
        statement
        for statement in (statements if isinstance(statements, list) else [statements])
        if isinstance(statement, Mapping)
        and statement.get("Effect") in ("Allow", "Deny")
        and next(iter(document_problems({"Statement": [statement]}, kind)), None) is None
    ]
    everything: dict[str, Any] = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    if kind != "identity":
        everything["Principal"] = "*"
    version = document.get("Version") if isinstance(document, Mapping) else None
    return {
        "Version": version if isinstance(version, str) else "2012-10-17",
        "Statement": [*kept, everything],
    }


def permissive_identity(
    policies: Sequence[AttachedPolicy], unavailable: Sequence[UnavailablePolicy], owner: str
) -> tuple[list[Mapping[str, Any]], list[Unread]]:
    """Identity policies at their most permissive, and the ones that could not be read.

    Args:
        policies: the policies of the app attached to the role. Required.
        unavailable: its managed policies whose content is not in the app; each may allow
            anything. Required.
        owner: the role, in words, for the names (``of Ops/Worker``). Required.
    """
    documents: list[Mapping[str, Any]] = []
    unread: list[Unread] = []
    for policy in policies:
        if policy.unreadable is None:
            documents.append(policy.document)
            continue
        documents.append(most_permissive(policy.document, "identity"))
        unread.append(Unread("in-app", f"{policy.origin} {owner}", policy.unreadable))
    for outside in unavailable:
        documents.append(most_permissive(None, "identity"))
        name = f"managed policy {outside.arn} {owner}"
        unread.append(Unread("outside", name, f"({outside.reason})"))
    return documents, unread


def boundary_unread(boundary: AttachedPolicy | None, owner: str) -> list[Unread]:
    """The permissions boundary, when the app holds it but cannot read it."""
    if boundary is None or boundary.unreadable is None:
        return []
    name = f"permissions boundary {boundary.origin} {owner}"
    return [Unread("in-app", name, boundary.unreadable)]


def permissive_boundary(boundary: AttachedPolicy | None) -> Mapping[str, Any] | None:
    """The boundary at its most permissive (unchanged when it was read)."""
    if boundary is None or boundary.unreadable is None:
        return boundary.document if boundary is not None else None
    return most_permissive(boundary.document, "identity")


def boundary_cut(decision: Decision, hopeful: Decision | None) -> Decision:
    """The boundary's refusal that the most permissive reading shows, as a decision.

    When an unread identity policy stands in for the allow, the evaluator has no allow for
    the boundary to cut; read permissively, the boundary that was read still refuses, and
    that is why the denial is certain. Empty when the decision already says so.
    """
    if hopeful is None or any(r.code == "boundary-no-allow" for r in decision.reasons):
        return Decision("ImplicitDeny")
    cut = tuple(r for r in hopeful.reasons if r.code == "boundary-no-allow")
    return Decision("ImplicitDeny", cut)


def _listing(unread: Sequence[Unread]) -> str:
    return "; ".join(f"{u.name} {u.why}" for u in unread)


def _they(unread: Sequence[Unread]) -> str:
    return "it" if len(unread) == 1 else "they"


# Said of every undecided answer: it is neither allowed nor denied.
_UNDECIDED = "so the answer cannot be known offline (it is never reported allowed or denied)"


def unread_causes(unread: Sequence[Unread], decides: str) -> list[Cause]:
    """One cause per kind of unread policy: why the answer cannot be decided offline.

    Args:
        unread: the policies that could not be read. Required.
        decides: what they decide, in words (``whether arn:… can assume Ops/R``).
            Required.
    """
    causes: list[Cause] = []
    trust = [u for u in unread if u.kind == "trust"]
    in_app = [u for u in unread if u.kind == "in-app"]
    outside = [u for u in unread if u.kind == "outside"]
    if trust:
        # CloudFormation requires AssumeRolePolicyDocument, and IAM refuses a role whose
        # trust policy is malformed (MalformedPolicyDocument).
        # https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html
        # https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
        causes.append(
            Cause(
                "trust-unreadable",
                f"{_listing(trust)}, and it decides {decides}, {_UNDECIDED}",
                _trust_fix(trust[0].why),
            )
        )
    if in_app:
        causes.append(
            Cause(
                "policy-unreadable",
                f"{_listing(in_app)}, and {_they(in_app)} could decide {decides}, {_UNDECIDED}",
                "Write the policy document in the template itself, as an object or JSON "
                "text of known values (not a parameter, an import or a value known only "
                "at deployment), and fix any malformed element, so it can be checked "
                "offline.",
            )
        )
    if outside:
        causes.append(
            Cause(
                "policy-not-available",
                f"{_listing(outside)}: {_they(outside)} might decide {decides}, but the "
                "content is not available offline (never assumed to allow or deny), " + _UNDECIDED,
                "Check those managed policies, or grant the action in a policy of the app "
                "(role.add_to_policy / a grant method) to have it checked offline.",
            )
        )
    return causes


def _trust_fix(why: str) -> str:
    if why.startswith("is absent"):
        return (
            "Give the role a trust policy (AssumeRolePolicyDocument, which CloudFormation "
            "requires for AWS::IAM::Role): a pattern of this library writes one, e.g. "
            "CrossAccountRole or ServiceRole."
        )
    if why.startswith("is malformed"):
        return (
            "Fix the malformed elements of the trust policy named above (IAM refuses to "
            "create a role whose trust policy is malformed: MalformedPolicyDocument)."
        )
    return (
        "Write the trust policy in the template itself, as an object or JSON text of "
        "known values (not a parameter, an import or a value known only at deployment), "
        "so it can be checked offline; to check a deployed role, read its trust with "
        "aws iam get-role and explain a template that holds it."
    )


@dataclass(frozen=True, slots=True)
class Hopeful:
    """A denial decided again with everything unknown read in the request's favour.

    Args:
        decision: the upper bound's decision (see `hope`). Required.
        values_decide: the values inside readable statements that cannot be known
            offline take part: without reading them in the request's favour (the unread
            policies alone at their most permissive) it is still denied. Required.
    """

    decision: Decision
    values_decide: bool

    @property
    def allowed(self) -> bool:
        """Whether the request could be allowed: if so, the answer is undecided."""
        return self.decision.allowed


def hope(
    request: Request, decision: Decision, hopeful: PolicySet, unread: Sequence[Unread]
) -> Hopeful | None:
    """``None`` when ``decision`` allows; else the denial decided with all unknowns hopeful.

    ``hopeful`` holds each unread policy at its most permissive (`most_permissive`); the
    evaluator's upper bound reads, on top of that, every statement whose match is unknown
    in the request's favour. One computation covers both.

    Args:
        request: the request. Required.
        decision: the evaluator's decision on the policies as read. Required.
        hopeful: the same policies, each unread one at its most permissive. Required.
        unread: the policies that could not be read. Required.
    """
    if decision.allowed:
        return None
    bound = upper_bound(request, hopeful)
    if not bound.allowed or not bound.unevaluable:
        return Hopeful(bound, values_decide=False)
    # Only when policies are unread too: are the unknown values needed for it to allow?
    return Hopeful(bound, values_decide=not unread or not evaluate(request, hopeful).allowed)


# The pseudo parameters an environment-agnostic stack leaves unknown, and the placeholder
# of an unknown account.
_ENVIRONMENT = re.compile(r"AWS::(?:AccountId|Region|Partition|URLSuffix)|\{unknown-account")
# An import, as the evaluator words it (cfn_words.value_words): "import NAME" or the
# function's name when the export's name is not known.
_IMPORT = re.compile(r"Fn::ImportValue|\bimport \S")
_PARAMETER = re.compile(r"parameter ([A-Za-z0-9]+)")


def unresolved_causes(
    hopeful: Hopeful | None, labels: _Labels, decides: str, explained: Sequence[str] = ()
) -> list[Cause]:
    """``unresolved-value`` for an undecided answer: the unknown values that could allow it.

    Each value is named with the statement and element it sits in, and the fix says how
    to make it known: a concrete environment (or ``--account``/``--region``) for the
    account and region of an environment-agnostic stack, the value itself instead of an
    import or a parameter, an explicit name for a generated one.

    Args:
        hopeful: the result of `hope`. Required.
        labels: names the policies of the request. Required.
        decides: what the values decide, in words (``whether arn:… can assume Ops/R``).
            Required.
        explained: details another cause already explains (a multivalued key). Default:
            none.
    """
    if hopeful is None or not hopeful.allowed or not hopeful.values_decide:
        return []
    problems = [
        u for u in hopeful.decision.unevaluable if not any(value in u.detail for value in explained)
    ]
    if not problems:
        return []
    details = list(dict.fromkeys(labels.problem(u) for u in problems))
    text = " ".join(u.detail for u in problems)
    fixes: list[str] = []
    if _ENVIRONMENT.search(text):
        fixes.append(
            "Give the stack a concrete environment (env=cdk.Environment(account=…, "
            "region=…)), or pass --account and --region (account=/region= in "
            "cdk_iam_roles.testing) for a template without one."
        )
    if _IMPORT.search(text):
        fixes.append(
            "Write the imported value itself (the ARN or account ID, as a literal) in place "
            "of Fn::ImportValue (Fn.import_value, a reference to another stack): an export is "
            "known only once the other stack is deployed."
        )
    parameters = list(dict.fromkeys(_PARAMETER.findall(text)))
    if parameters:
        fixes.append(
            f"Write the value itself in place of the parameter {', '.join(parameters)} (a "
            "CfnParameter is known only at deployment)."
        )
    if "placeholder" in text:
        fixes.append(
            "Give the resource an explicit name (role_name, bucket_name …) so that the "
            "policy's pattern can be checked, or write the pattern as `*` or as a reference "
            "to the resource itself."
        )
    if not fixes:
        fixes.append(
            "Write the policy with values known before deployment (not template conditions "
            "or attributes of other resources), or simulate the request value it compares "
            "(--context KEY=VALUE)."
        )
    return [
        Cause(
            "unresolved-value",
            f"part of a policy cannot be evaluated offline and could decide {decides}: "
            f"{'; '.join(details)}; read in the request's favour it would allow it, " + _UNDECIDED,
            " ".join(fixes),
        )
    ]
