"""The one reader of IAM policy documents in CloudFormation templates.

Every part of cdk-iam-roles that looks at a policy document (the rules, the catalog,
``profiles``, the evaluator behind ``explain`` and the testing helpers) reads it through
:func:`read_policy_document`, so they cannot disagree on what a document says.

CloudFormation accepts a policy document (``AssumeRolePolicyDocument``,
``PolicyDocument``, ``KeyPolicy`` and the other resource policies) as a JSON **object**
or as a JSON **string**, and either may be built with intrinsic functions:

* an object whose values hold ``Ref``, ``Fn::Sub``, ``Fn::Join`` … (the form the CDK writes);
* a string, or an ``Fn::Sub`` / ``Fn::Join`` that builds the string (hand-written
  templates, SAM, other tools); the parts unknown offline (an unknown account, a
  parameter) become :class:`~cdk_iam_roles.cfn.Unknown` values in the parsed document,
  exactly where the object form would have them;
* ``Fn::If`` anywhere in the document (both branches are read: one *variant* of the
  document per combination of conditions; ``Ref AWS::NoValue`` removes the element);
* ``Fn::FindInMap`` with keys that resolve, and ``Fn::ToJsonString`` (the
  ``AWS::LanguageExtensions`` transform).

Sources: "AWS::IAM::Role" (``AssumeRolePolicyDocument``: Type Json) in
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html
and "Condition functions" in
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-conditions.html

What the reader cannot read is never a clean document: a document that is missing is
``absent``, one that cannot be known offline is ``unknown`` (with the reason), and one
whose elements have the wrong type is ``malformed`` (with each problem named). The rules
turn those into findings (IAMR-DOC-*); the evaluator never lets them allow.

Example:
    >>> from cdk_iam_roles.cfn import Resolver
    >>> text = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
    >>> text += '"Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}'
    >>> read = read_policy_document(text, Resolver(), kind="trust")
    >>> read.status, read.document["Statement"][0]["Principal"]
    ('read', {'AWS': '*'})
"""

from __future__ import annotations

import datetime
import itertools
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from cdk_iam_roles.cfn import HOLE, Hole, Resolver, ResourceRef, Unknown, text_identity
from cdk_iam_roles.cfn_files import DuplicateKeyError, json_object
from cdk_iam_roles.cfn_yaml import Unquoted, unquoted_values

__all__ = [
    "DOCUMENT_PROPERTIES",
    "DocumentKind",
    "DocumentStatus",
    "PolicyDocumentRead",
    "document_problems",
    "listed_document",
    "read_policy_document",
]

DocumentKind = Literal["trust", "identity", "resource"]
"""What a document is: a role's trust policy, an identity policy, or a resource policy."""

DocumentStatus = Literal["read", "absent", "unknown", "malformed"]
"""``read``: every variant parsed and well formed; ``absent``: no document; ``unknown``:
it cannot be known offline; ``malformed``: it was read but some element has a wrong type."""

# At most this many Fn::If conditions in one document (2**6 = 64 variants); beyond that
# the document is unknown rather than read in an exponential number of ways.
_MAX_CONDITIONS = 6
_NO_VALUE = {"Ref": "AWS::NoValue"}
_NOTHING: Mapping[str, Any] = {"Statement": []}

# Where resources carry policy documents: type -> (property, kind, inside a list of
# {PolicyName, PolicyDocument} entries). From each type's page of
# https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html
DOCUMENT_PROPERTIES: Mapping[str, tuple[tuple[str, DocumentKind, bool], ...]] = {
    "AWS::IAM::Role": (
        ("AssumeRolePolicyDocument", "trust", False),
        ("Policies", "identity", True),
    ),
    "AWS::IAM::User": (("Policies", "identity", True),),
    "AWS::IAM::Group": (("Policies", "identity", True),),
    "AWS::IAM::Policy": (("PolicyDocument", "identity", False),),
    "AWS::IAM::ManagedPolicy": (("PolicyDocument", "identity", False),),
    "AWS::IAM::RolePolicy": (("PolicyDocument", "identity", False),),
    "AWS::IAM::UserPolicy": (("PolicyDocument", "identity", False),),
    "AWS::IAM::GroupPolicy": (("PolicyDocument", "identity", False),),
    "AWS::S3::BucketPolicy": (("PolicyDocument", "resource", False),),
    "AWS::SQS::QueuePolicy": (("PolicyDocument", "resource", False),),
    "AWS::SNS::TopicPolicy": (("PolicyDocument", "resource", False),),
    "AWS::KMS::Key": (("KeyPolicy", "resource", False),),
    "AWS::SecretsManager::ResourcePolicy": (("ResourcePolicy", "resource", False),),
    "AWS::ECR::Repository": (("RepositoryPolicyText", "resource", False),),
    "AWS::S3::AccessPoint": (("Policy", "resource", False),),
    "AWS::EFS::FileSystem": (("FileSystemPolicy", "resource", False),),
    "AWS::Backup::BackupVault": (("AccessPolicy", "resource", False),),
    "AWS::OpenSearchService::Domain": (("AccessPolicies", "resource", False),),
    "AWS::Elasticsearch::Domain": (("AccessPolicies", "resource", False),),
    "AWS::CodeArtifact::Domain": (("PermissionsPolicyDocument", "resource", False),),
    "AWS::CodeArtifact::Repository": (("PermissionsPolicyDocument", "resource", False),),
}


@dataclass(frozen=True, slots=True)
class PolicyDocumentRead:
    """What a template holds for one policy-document property, read.

    Args:
        status: see :data:`DocumentStatus`. Required.
        variants: the document once per combination of ``Fn::If`` conditions (one when
            there is none); empty unless the status is ``read`` or ``malformed``.
            Required.
        reason: why the document is ``unknown`` or ``absent``, in words. Default ``""``.
        problems: each element of a wrong type, in words (``statement 0: Action is
            42, not a string or a list of strings``). Default none.
        conditions: the ``Fn::If`` conditions the variants differ on. Default none.

    Example:
        >>> PolicyDocumentRead("unknown", (), reason="parameter Trust").document is None
        True
    """

    status: DocumentStatus
    variants: tuple[Mapping[str, Any], ...]
    reason: str = ""
    problems: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()

    @property
    def document(self) -> Mapping[str, Any] | None:
        """Every statement of every variant in one document: what the rules check.

        Statements of a policy are independent (IAM allows what any Allow allows and
        denies what any Deny denies), so a rule that finds a dangerous statement in the
        union has found it in some variant. ``None`` when nothing was read.
        """
        if not self.variants:
            return None
        if len(self.variants) == 1:
            return self.variants[0]
        return _merge(self.variants, guard=None)

    def for_evaluation(self) -> Mapping[str, Any] | None:
        """The document for the evaluator, which must never allow by accident.

        With one variant, that variant. With several, every Deny of any variant is kept
        (it may apply), an Allow found in every variant is kept, and an Allow found only in
        some variants is kept with a condition that cannot be evaluated offline, so it can
        never be the reason for an Allow.
        """
        if not self.variants:
            return None
        if len(self.variants) == 1:
            return self.variants[0]
        return _merge(self.variants, guard=", ".join(self.conditions))


def read_policy_document(
    raw: Any,
    resolver: Resolver,
    *,
    kind: DocumentKind,
    prepare: Callable[[Any], Any] | None = None,
    optional: bool = False,
) -> PolicyDocumentRead:
    """Read one policy document as CloudFormation would deploy it.

    Args:
        raw: the property value as the template holds it (object, string or intrinsic;
            ``None`` when the property is missing). Required.
        resolver: the stack's resolver (environment, parameters, mappings). Required.
        kind: ``trust``, ``identity`` or ``resource`` (decides which elements are
            required). Required.
        prepare: applied to each variant before resolution (the analysis layer fills in
            the names of the app's resources). Default: none.
        optional: an ``Fn::If`` may leave the whole document out (an entry of a role's
            ``Policies`` list): that variant then has no statements. Default False (the
            document is ``absent`` when a variant leaves it out).

    Example:
        >>> from cdk_iam_roles.cfn import Resolver
        >>> doc = {"Fn::Sub": '{"Statement": [{"Effect": "Allow", "Action": "s3:*",'
        ...        ' "Resource": "arn:aws:s3:::b-${AWS::AccountId}/*"}]}'}
        >>> read = read_policy_document(doc, Resolver(), kind="identity")
        >>> read.status, read.document["Statement"][0]["Resource"]
        ('read', <unknown: Fn::Sub over AWS::AccountId>)
    """
    if raw is None or raw == _NO_VALUE:
        return PolicyDocumentRead("absent", (), reason="no policy document")
    conditions = sorted(set(_if_conditions(raw)))
    if len(conditions) > _MAX_CONDITIONS:
        return PolicyDocumentRead(
            "unknown",
            (),
            reason=f"the document depends on {len(conditions)} Fn::If conditions "
            f"(more than {_MAX_CONDITIONS} are not read)",
        )
    variants: list[Mapping[str, Any]] = []
    problems: list[str] = []
    for choice in itertools.product((True, False), repeat=len(conditions)):
        chosen = dict(zip(conditions, choice, strict=True))
        variant = _choose(raw, chosen)
        if variant is _REMOVED:
            if not optional:
                return PolicyDocumentRead("absent", (), reason="AWS::NoValue in some variant")
            if all(seen != _NOTHING for seen in variants):
                variants.append(_NOTHING)
            continue
        if prepare is not None:
            variant = prepare(variant)
        document = _read_one(variant, resolver)
        if isinstance(document, Unknown):
            return PolicyDocumentRead("unknown", (), reason=document.reason)
        if isinstance(document, str):
            return PolicyDocumentRead("malformed", (), problems=(document,))
        where = _variant_label(chosen)
        for problem in document_problems(document, kind):
            text = f"{where}{problem}"
            if text not in problems:
                problems.append(text)
        if all(document != seen for seen in variants):
            variants.append(document)
    if len(variants) == 1:
        conditions = []
    return PolicyDocumentRead(
        "malformed" if problems else "read",
        tuple(variants),
        problems=tuple(problems),
        conditions=tuple(conditions),
    )


def _variant_label(chosen: Mapping[str, bool]) -> str:
    if not chosen:
        return ""
    return "when " + ", ".join(f"{c} is {str(v).lower()}" for c, v in chosen.items()) + ": "


def listed_document(entry: Any) -> Any:
    """The document of one entry of a ``Policies`` list, for :func:`read_policy_document`.

    An entry written as ``Fn::If`` (a policy present only under a condition) becomes one
    ``Fn::If`` over the two branches' documents; read it with ``optional=True``.

    Example:
        >>> listed_document({"PolicyName": "p", "PolicyDocument": "{}"})
        '{}'
    """
    if isinstance(entry, Mapping) and len(entry) == 1 and "Fn::If" in entry:
        branch = entry["Fn::If"]
        if isinstance(branch, list) and len(branch) == 3:
            return {"Fn::If": [branch[0], listed_document(branch[1]), listed_document(branch[2])]}
    if isinstance(entry, Mapping) and entry != _NO_VALUE:
        if "PolicyDocument" in entry:
            return entry["PolicyDocument"]
        return {"Statement": Unknown("a Policies entry without a PolicyDocument")}
    return entry


# -- Fn::If variants -------------------------------------------------------------------


class _Removed:
    """``Ref AWS::NoValue`` chosen by an ``Fn::If``: the element is left out."""


_REMOVED: Any = _Removed()


def _if_conditions(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            branch = item.get("Fn::If") if len(item) == 1 else None
            if isinstance(branch, list) and len(branch) == 3 and isinstance(branch[0], str):
                yield branch[0]
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _choose(value: Any, chosen: Mapping[str, bool]) -> Any:
    """``value`` with every ``Fn::If`` replaced by the branch ``chosen`` says."""
    if not chosen:
        return value
    if isinstance(value, Mapping):
        if len(value) == 1 and "Fn::If" in value:
            branch = value["Fn::If"]
            if isinstance(branch, list) and len(branch) == 3 and isinstance(branch[0], str):
                picked = branch[1] if chosen.get(branch[0], True) else branch[2]
                return _REMOVED if picked == _NO_VALUE else _choose(picked, chosen)
        out: dict[str, Any] = {}
        for key, item in value.items():
            chosen_item = _choose(item, chosen)
            if chosen_item is not _REMOVED:
                out[key] = chosen_item
        return out
    if isinstance(value, list):
        return [c for c in (_choose(v, chosen) for v in value) if c is not _REMOVED]
    return value


# -- one variant -----------------------------------------------------------------------

_TEXT_INTRINSICS = frozenset({"Fn::Sub", "Fn::Join"})


def _read_one(value: Any, resolver: Resolver) -> Mapping[str, Any] | Unknown | str:
    """One variant: the document, an :class:`Unknown`, or a problem (malformed) in words."""
    if isinstance(value, Mapping) and len(value) == 1:
        (key, arg) = next(iter(value.items()))
        if key == "Fn::ToJsonString":
            value = arg
        elif key in _TEXT_INTRINSICS:
            return _read_text(value, resolver)
    if isinstance(value, str):
        return _read_text(value, resolver)
    if isinstance(value, Mapping):
        resolved = resolver.resolve(value)
        if isinstance(resolved, str):
            # A Ref to a parameter (with a value) or an Fn::FindInMap holding JSON text.
            return _read_text(resolved, resolver)
        if isinstance(resolved, (Unknown, ResourceRef)):
            return resolved if isinstance(resolved, Unknown) else Unknown(str(resolved))
        if isinstance(resolved, Mapping):
            return _normalise_version(resolved)
        return f"the document is {_kind_of(resolved)}, not a JSON object"
    return f"the document is {_kind_of(value)}, not a JSON object or a JSON string"


def _read_text(value: Any, resolver: Resolver) -> Mapping[str, Any] | Unknown | str:
    found = resolver.resolve_text(value)
    if found is None:
        resolved = resolver.resolve(value)
        if isinstance(resolved, Unknown):
            return resolved
        return Unknown("an unreadable document", json.dumps(resolved, default=repr))
    text, holes = found
    try:
        parsed = json.loads(text, object_pairs_hook=json_object)
    except RecursionError:
        return "the JSON text is nested too deeply"
    except DuplicateKeyError as error:  # a JSON reader would keep the last silently
        return f"the JSON text holds the key {error.key!r} twice in one object"
    except ValueError as error:
        if holes:
            reasons = ", ".join(h.description for h in holes)
            return Unknown(
                f"JSON text built from values unknown offline ({reasons})",
                text_identity(text, holes),
            )
        return f"the JSON text is not valid JSON ({error})"
    if holes:
        parsed = _fill_holes(parsed, holes)
    if isinstance(parsed, Unknown):
        return parsed
    if not isinstance(parsed, Mapping):
        return f"the JSON text holds {_kind_of(parsed)}, not a JSON object"
    return _normalise_version(parsed)


def _fill_holes(value: Any, holes: list[Hole]) -> Any:
    """Strings holding a hole marker become the :class:`Unknown` they stand for.

    The reason reads as the object form of the same document would give it: a whole
    string that is one ``Fn::Join`` part is that part's own unknown, substitutions read
    ``Fn::Sub over …``.
    """
    if isinstance(value, str):
        found = [holes[int(m.group(1))] for m in HOLE.finditer(value)]
        if not found:
            return value
        if unquoted := [h.value for h in found if isinstance(h.value, Unquoted)]:
            return unquoted[0]
        if len(found) == 1 and not found[0].via and HOLE.fullmatch(value):
            # The whole string is one Join part (a Ref, an Fn::GetAtt): the part itself,
            # a ResourceRef included, as in the object form.
            return found[0].value
        via = next((h.via for h in found if h.via), "Fn::Join")
        reason = f"{via} over " + ", ".join(h.description for h in found)
        return Unknown(reason, text_identity(value, holes))
    if isinstance(value, list):
        return [_fill_holes(v, holes) for v in value]
    if isinstance(value, Mapping):
        if any(HOLE.search(k) for k in value):
            shown = json.dumps(value, default=repr, ensure_ascii=False)
            return Unknown("an element whose name is unknown offline", text_identity(shown, holes))
        return {k: _fill_holes(v, holes) for k, v in value.items()}
    return value


def _normalise_version(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """A YAML loader may read an unquoted ``Version: 2012-10-17`` as a date."""
    version = document.get("Version")
    if isinstance(version, datetime.date):
        return {**document, "Version": version.isoformat()}
    return document


def _describe(value: object) -> str:
    if isinstance(value, Unknown):
        return value.reason
    if isinstance(value, ResourceRef):
        return str(value)
    return _kind_of(value)


def _kind_of(value: object) -> str:
    if isinstance(value, Unquoted):
        return value.reason
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    if value is None:
        return "null"
    return f"a {type(value).__name__}"


# -- shape -----------------------------------------------------------------------------

_FAMILIES = frozenset({"AWS", "Service", "Federated", "CanonicalUser"})
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
_VERSIONS = ("2012-10-17", "2008-10-17")


def document_problems(document: Mapping[str, Any], kind: DocumentKind) -> Iterator[str]:
    """Each element of ``document`` whose type IAM would refuse, in words.

    Unknown values (:class:`~cdk_iam_roles.cfn.Unknown`) are not problems: they are
    reported as unknown by the rules that need them. Source: "IAM JSON policy element
    reference", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
    and the grammar in
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html

    Example:
        >>> list(document_problems({"Statement": 42}, "trust"))
        ['Statement is the number 42, not a statement or a list of statements']
    """
    yield from _unquoted_problems(document)
    version = document.get("Version")
    if version is not None and not _unknown(version) and version not in _VERSIONS:
        yield f"Version is {_kind_of(version)}, not 2012-10-17 or 2008-10-17"
    if "Statement" not in document:
        yield "the document has no Statement"
        return
    statements = document["Statement"]
    if _unknown(statements):
        return
    if isinstance(statements, Mapping):
        statements = [statements]
    if not isinstance(statements, list):
        yield f"Statement is {_kind_of(statements)}, not a statement or a list of statements"
        return
    if not statements:
        yield "Statement is an empty list"
        return
    for index, statement in enumerate(statements):
        yield from (f"statement {index}: {p}" for p in _statement_problems(statement, kind))


def _unquoted_problems(document: Mapping[str, Any]) -> Iterator[str]:
    """Each value YAML 1.1 may not read as written (an account ID with a leading zero)."""
    for path, value in unquoted_values(document):
        path = _IN_STATEMENT.sub(lambda m: f"statement {m.group(1) or 0}: ", path)
        yield f"{path} holds {value.reason}"


_IN_STATEMENT = re.compile(r"^Statement(?:\[(\d+)\])?\.")


def _statement_problems(statement: Any, kind: DocumentKind) -> Iterator[str]:
    if _unknown(statement):
        return
    if not isinstance(statement, Mapping):
        yield f"is {_kind_of(statement)}, not an object"
        return
    effect = statement.get("Effect")
    if not _unknown(effect) and effect not in ("Allow", "Deny"):
        shown = "missing" if effect is None else repr(effect)
        yield f"Effect is {shown}, not Allow or Deny"
    actions = [k for k in ("Action", "NotAction") if k in statement]
    if not actions:
        yield "has neither Action nor NotAction"
    for key in actions:
        yield from _strings_problems(statement[key], key)
    for key in ("Resource", "NotResource"):
        if key in statement:
            yield from _strings_problems(statement[key], key)
    if kind == "identity" and "Resource" not in statement and "NotResource" not in statement:
        yield "has neither Resource nor NotResource"
    principals = [k for k in ("Principal", "NotPrincipal") if k in statement]
    if kind == "trust" and not principals:
        yield "has no Principal"
    for key in principals:
        yield from _principal_problems(statement[key], key)
    if "Condition" in statement:
        yield from _condition_problems(statement["Condition"])


def _strings_problems(value: Any, element: str) -> Iterator[str]:
    if _unknown(value):
        return
    items = value if isinstance(value, list) else [value]
    if isinstance(value, list) and not value:
        yield f"{element} is an empty list"
    for item in items:
        if not isinstance(item, str) and not _unknown(item):
            yield f"{element} holds {_kind_of(item)}, not a string"
            return


def _principal_problems(value: Any, element: str) -> Iterator[str]:
    if _unknown(value) or value == "*":
        return
    if not isinstance(value, Mapping):
        yield f'{element} is {_kind_of(value)}, not "*" or an object of principal types'
        return
    if not value:
        yield f"{element} is an empty object"
    for family, names in value.items():
        if family not in _FAMILIES:
            yield f"{element} has an unknown principal type {family!r}"
            continue
        yield from _strings_problems(names, f"{element}.{family}")


def _condition_problems(value: Any) -> Iterator[str]:
    if _unknown(value):
        return
    if not isinstance(value, Mapping):
        yield f"Condition is {_kind_of(value)}, not an object of operators"
        return
    for operator, block in value.items():
        if _unknown(block):
            continue
        if not isinstance(block, Mapping):
            yield f"Condition operator {operator!r} holds {_kind_of(block)}, not an object of keys"
            continue
        for key, values in block.items():
            items = values if isinstance(values, list) else [values]
            for item in items:
                if not isinstance(item, (str, bool, int, float)) and not _unknown(item):
                    yield f"Condition {operator} {key} holds {_kind_of(item)}"
                    break


def _unknown(value: object) -> bool:
    return isinstance(value, (Unknown, ResourceRef))


# -- variants merged -------------------------------------------------------------------


def _merge(variants: tuple[Mapping[str, Any], ...], guard: str | None) -> Mapping[str, Any]:
    """One document holding the statements of every variant (see PolicyDocumentRead)."""
    per_variant = [_statement_list(v) for v in variants]
    merged: list[Any] = []
    seen: list[Any] = []  # as written: ``merged`` may hold a guarded copy of it
    for statements in per_variant:
        for statement in statements:
            if any(statement == one for one in seen):
                continue
            seen.append(statement)
            everywhere = all(any(statement == s for s in other) for other in per_variant)
            if (
                guard is not None
                and not everywhere
                and isinstance(statement, Mapping)
                and statement.get("Effect") != "Deny"
            ):
                merged.append(_guarded(statement, guard))
            else:
                merged.append(statement)
    version = next((v.get("Version") for v in variants if "Version" in v), None)
    out: dict[str, Any] = {} if version is None else {"Version": version}
    out["Statement"] = merged
    return out


def _statement_list(document: Mapping[str, Any]) -> list[Any]:
    statements = document.get("Statement")
    if isinstance(statements, Mapping):
        return [statements]
    return list(statements) if isinstance(statements, list) else []


# A condition key no request carries, whose value is unknown: the evaluator can never
# take the statement to allow, and says why.
_GUARD_KEY = "cloudformation:Condition"


def _guarded(statement: Mapping[str, Any], conditions: str) -> Mapping[str, Any]:
    condition = statement.get("Condition")
    blocks: dict[str, Any] = dict(condition) if isinstance(condition, Mapping) else {}
    block = blocks.get("StringEquals")
    block = dict(block) if isinstance(block, Mapping) else {}
    block[_GUARD_KEY] = Unknown(f"the statement exists only for some values of {conditions}")
    blocks["StringEquals"] = block
    return {**statement, "Condition": blocks}
