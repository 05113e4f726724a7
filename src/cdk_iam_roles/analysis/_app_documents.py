"""Policy documents of an app for the evaluator: read by the one reader, and what stands in
for a document that cannot be read.

A document that cannot be read offline becomes one statement of unknown effect (see
:func:`unknown_document`), which the evaluator never takes to allow; :class:`ReadDocument`
says why it could not be read, so that ``explain`` never turns that into a confident
answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cdk_iam_roles.cfn import Resolver, ResourceRef, Unknown
from cdk_iam_roles.documents import DocumentKind, read_policy_document

__all__ = [
    "NO_STATEMENT",
    "ReadDocument",
    "as_list",
    "describe_unknown",
    "fingerprint",
    "read_document",
    "unknown_document",
]


@dataclass(frozen=True, slots=True)
class ReadDocument:
    """A policy document as the evaluator takes it, and why it could not be read.

    Args:
        document: the document, or a stand-in of unknown effect; ``None`` when the template
            holds none. Required.
        unreadable: ``None`` when it was read; else a phrase that follows the document's
            name: ``is absent (…)``, ``cannot be read offline (…)``, ``is malformed (…)``.
            Required.
        stand_in: ``document`` is the stand-in of unknown effect (nothing of the
            document could be read). Default False.
        source: for a stand-in, the document as the template writes it
            (:func:`fingerprint`): the same text on two versions of an app is the same
            document, however it reads. Default ``None``.
    """

    document: Mapping[str, Any] | None
    unreadable: str | None
    stand_in: bool = False
    source: str | None = None


def read_document(
    raw: Any,
    resolver: Resolver,
    prepare: Callable[[Any], Any],
    *,
    kind: DocumentKind,
    where: str,
    notes: list[str],
    optional: bool = False,
) -> ReadDocument:
    """A policy document read by the one reader, for the evaluator, and why it is unread.

    The document is ``None`` when the template holds none. A document that cannot be
    read offline is one statement of unknown effect, which the evaluator never takes to
    allow and assumes may deny; a malformed one keeps its statements (the malformed
    ones cannot be evaluated). ``notes`` says why, and so does ``unreadable``.
    """
    read = read_policy_document(raw, resolver, kind=kind, prepare=prepare, optional=optional)
    if read.status == "absent":
        reason = "the template gives none" if read.reason == "no policy document" else read.reason
        return ReadDocument(None, f"is absent ({reason})")
    unreadable: str | None = None
    if read.status == "unknown":
        unreadable = f"cannot be read offline ({read.reason})"
        notes.append(f"{where} {unreadable}; it never allows")
    elif read.status == "malformed":
        unreadable = f"is malformed ({'; '.join(read.problems)})"
        notes.append(f"{where} is malformed: " + "; ".join(read.problems))
    if read.conditions:
        notes.append(
            f"{where} depends on the template conditions {', '.join(read.conditions)}: "
            "a statement of only some branches never allows, a Deny of any branch applies"
        )
    document = read.for_evaluation()
    if document is None:
        source = fingerprint(
            [prepare(raw), resolver.account, resolver.region, dict(resolver.parameters)]
        )
        stand_in = unknown_document(
            read.reason or "; ".join(read.problems),
            resource_policy=kind != "identity",
            source=source,
        )
        return ReadDocument(stand_in, unreadable, stand_in=True, source=source)
    if unreadable is None:
        unknown = _unknown_statements(document)
        if unknown is not None:
            unreadable = f"cannot be read offline ({unknown})"
            notes.append(f"{where} {unreadable}; such a statement never allows")
    return ReadDocument(document, unreadable)


def _unknown_statements(document: Mapping[str, Any]) -> str | None:
    """What makes a read document's statements unknown offline, if anything does.

    Its ``Statement``, a statement or a statement's ``Effect`` known only at deployment
    leaves what the document says unknown, though each element has a valid type.
    """
    statements = document.get("Statement")
    if isinstance(statements, (Unknown, ResourceRef)):
        return f"its Statement is {describe_unknown(statements)}"
    for index, statement in enumerate(as_list(statements)):
        if isinstance(statement, (Unknown, ResourceRef)):
            return f"statement {index} is {describe_unknown(statement)}"
        effect = statement.get("Effect") if isinstance(statement, Mapping) else None
        if isinstance(effect, (Unknown, ResourceRef)):
            return f"the Effect of statement {index} is {describe_unknown(effect)}"
    return None


def unknown_document(
    reason: str, *, resource_policy: bool = False, source: str | None = None
) -> Mapping[str, Any]:
    """A stand-in for a policy that exists but cannot be read: one statement of unknown effect.

    The evaluator never takes it to allow and assumes it may deny, so a decision that needs
    the policy is never an Allow.

    Args:
        reason: why the policy cannot be read, in words. Required.
        resource_policy: the stand-in is a resource policy (its statement names every
            principal, so that only its unknown effect is reported). Default False.
        source: the document as written (:func:`fingerprint`), so that stand-ins for
            different documents differ. Default ``None``.

    Example:
        >>> unknown_document("not in the app")["Statement"][0]["Effect"]
        <unknown: not in the app>
    """
    statement: dict[str, Any] = {
        "Effect": Unknown(reason, source),
        "Action": "*",
        "Resource": "*",
    }
    if resource_policy:
        statement["Principal"] = "*"
    return {"Statement": [statement]}


# A policy the template leaves out entirely: no statement, so it neither allows nor denies.
NO_STATEMENT: Mapping[str, Any] = {"Statement": []}


def describe_unknown(value: object) -> str:
    """A value that may be unknown offline, in words: ``unknown (parameter P)`` or its repr.

    Example:
        >>> from cdk_iam_roles.cfn import Unknown
        >>> describe_unknown(Unknown("parameter P")), describe_unknown("x")
        ('unknown (parameter P)', "'x'")
    """
    if isinstance(value, Unknown):
        return f"unknown ({value.reason})"
    if isinstance(value, ResourceRef):
        return f"unknown ({value})"
    return repr(value)


def fingerprint(value: Any) -> str:
    """The identity of a value that may hold unknowns: equal for the same expression.

    An :class:`~cdk_iam_roles.cfn.Unknown` counts with the expression it stands for (its
    repr shows only its reason), so two different texts over one parameter differ.

    Example:
        >>> a = Unknown("Fn::Sub over parameter B", '[{"Fn::Sub": "${B}/a"}]')
        >>> b = Unknown("Fn::Sub over parameter B", '[{"Fn::Sub": "${B}/*"}]')
        >>> fingerprint([a]) == fingerprint([b]), repr(a) == repr(b)
        (False, True)
    """

    def plain(item: Any) -> Any:
        if isinstance(item, Unknown):
            return {"<unknown>": [type(item).__name__, item.reason, item.expression]}
        if isinstance(item, ResourceRef):
            return {"<ref>": [item.logical_id, item.attribute]}
        if isinstance(item, Mapping):
            return [[repr(k), plain(v)] for k, v in item.items()]
        if isinstance(item, list | tuple):
            return [plain(v) for v in item]
        return item

    return json.dumps(plain(value), default=repr)


def as_list(value: Any) -> list[Any]:
    """A policy element that holds one value or a list of them, as a list (none for ``None``).

    Example:
        >>> as_list(None), as_list("s3:*"), as_list(["a", "b"])
        ([], ['s3:*'], ['a', 'b'])
    """
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
