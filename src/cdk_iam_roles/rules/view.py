"""Read-only views of a template that rules check: roles, their trust and policies.

Values are resolved once per template with :class:`cdk_iam_roles.cfn.Resolver`; what
cannot be resolved stays an :class:`~cdk_iam_roles.cfn.Unknown` or a
:class:`~cdk_iam_roles.cfn.ResourceRef`, and rules treat those as unknown.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from cdk_iam_roles.cfn import Resolver, ResourceRef, StackTemplate, Unknown
from cdk_iam_roles.documents import (
    DOCUMENT_PROPERTIES,
    DocumentKind,
    PolicyDocumentRead,
    listed_document,
    read_policy_document,
)
from cdk_iam_roles.rules.model import Finding, RuleInfo, Severity

__all__ = [
    "ConditionEntry",
    "DocumentEntry",
    "RoleView",
    "RuleSettings",
    "TemplateView",
    "as_list",
    "condition_entries",
    "condition_unresolved",
    "is_true",
    "is_unknown",
    "lower_actions",
    "minified_length",
    "principal_values",
    "role_arn_target",
    "statement_label",
    "statements_of",
]


def as_list(value: Any) -> list[Any]:
    """A policy element as a list (IAM allows a single value or a list)."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """Adjustable quotas and switches of the rule engine.

    Args:
        trust_policy_max_chars: the role trust policy quota, characters without
            whitespace (default 2,048; AWS lets you raise it to 8,192).
        inline_policies_max_chars: all inline policies of a role together (10,240).
        managed_policy_max_chars: one managed policy (6,144).
        managed_policies_per_role: attached managed policies (10 by default, quota up to 20).
        disabled: rule IDs not to run.
    """

    trust_policy_max_chars: int = 2048
    inline_policies_max_chars: int = 10240
    managed_policy_max_chars: int = 6144
    managed_policies_per_role: int = 10
    disabled: frozenset[str] = field(default_factory=frozenset)


@dataclass
class RoleView:
    """One ``AWS::IAM::Role`` of a template, with its properties resolved.

    The properties do not change once read, so the trust policy and its statements are
    computed once, however many rules ask.
    """

    logical_id: str
    path: str
    properties: Mapping[str, Any]
    raw_properties: Mapping[str, Any]

    @cached_property
    def trust_policy(self) -> Mapping[str, Any] | None:
        """The resolved ``AssumeRolePolicyDocument`` (``None`` when absent or not a mapping)."""
        doc = self.properties.get("AssumeRolePolicyDocument")
        return doc if isinstance(doc, Mapping) else None

    @cached_property
    def trust_statements(self) -> list[Mapping[str, Any]]:
        """The trust policy's statements (only those that are mappings)."""
        doc = self.trust_policy
        if doc is None:
            return []
        return [s for s in as_list(doc.get("Statement")) if isinstance(s, Mapping)]


@dataclass
class TemplateView:
    """What a rule sees: one stack, its resolved resources, and the engine settings."""

    stack: StackTemplate
    settings: RuleSettings = field(default_factory=RuleSettings)

    @cached_property
    def resolved(self) -> dict[str, Mapping[str, Any]]:
        """Resolved ``Properties`` of every resource, by logical ID.

        Policy documents (:data:`~cdk_iam_roles.documents.DOCUMENT_PROPERTIES`) are read
        by :func:`~cdk_iam_roles.documents.read_policy_document`: a JSON string becomes
        the object it holds, the variants of an ``Fn::If`` are merged (every statement of
        every variant), and a document that cannot be read becomes an
        :class:`~cdk_iam_roles.cfn.Unknown`. :attr:`documents` says how each was read.
        """
        return self._read_cache[0]

    @property
    def documents(self) -> list[DocumentEntry]:
        """How each policy document of the template was read (status, problems)."""
        return self._read_cache[1]

    @cached_property
    def _read_cache(self) -> tuple[dict[str, Mapping[str, Any]], list[DocumentEntry]]:
        resolver = self.stack.resolver
        out: dict[str, Mapping[str, Any]] = {}
        entries: list[DocumentEntry] = []
        for logical_id, resource in self.stack.resources.items():
            props = resource.get("Properties", {}) if isinstance(resource, Mapping) else {}
            kind = resource.get("Type") if isinstance(resource, Mapping) else None
            places = DOCUMENT_PROPERTIES.get(kind) if isinstance(kind, str) else None
            rest = props
            if places and isinstance(props, Mapping):
                # The documents are resolved by the reader: resolve the rest only once.
                skip = {place[0] for place in places}
                rest = {k: v for k, v in props.items() if k not in skip}
            value = resolver.resolve(rest) if isinstance(rest, Mapping) else {}
            resolved = dict(value) if isinstance(value, Mapping) else {}
            if places and isinstance(props, Mapping):
                for prop, doc_kind, listed in places:
                    if listed:
                        _read_listed(
                            resolver, logical_id, str(kind), props, resolved, prop, entries
                        )
                        continue
                    read = read_policy_document(props.get(prop), resolver, kind=doc_kind)
                    if read.status != "absent" or doc_kind == "trust":
                        entries.append(DocumentEntry(logical_id, str(kind), prop, doc_kind, read))
                    if prop in props:
                        resolved[prop] = _document_value(read)
            out[logical_id] = resolved
        return out, entries

    def resources_of_type(self, *types: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """Logical ID and resolved properties of each resource of one of ``types``."""
        for logical_id, _ in self.stack.resources_of_type(*types):
            yield logical_id, self.resolved[logical_id]

    @cached_property
    def roles(self) -> list[RoleView]:
        """Every ``AWS::IAM::Role`` of the template."""
        roles: list[RoleView] = []
        for logical_id, resource in self.stack.resources_of_type("AWS::IAM::Role"):
            raw = resource.get("Properties", {})
            roles.append(
                RoleView(
                    logical_id=logical_id,
                    path=self.stack.path_of(logical_id),
                    properties=self.resolved[logical_id],
                    raw_properties=raw if isinstance(raw, Mapping) else {},
                )
            )
        return roles

    @cached_property
    def role_ids(self) -> frozenset[str]:
        """Logical IDs of the template's roles."""
        return frozenset(role.logical_id for role in self.roles)

    @cached_property
    def _attachments(self) -> dict[str, dict[str, list[tuple[str, Any]]]]:
        """Policies of the template by the role they attach to (built once per template)."""
        index: dict[str, dict[str, list[tuple[str, Any]]]] = {}

        def add(kind: str, value: object, logical_id: str, document: Any) -> None:
            target = role_arn_target(value)
            if target is not None and target[0] in self.role_ids:
                index.setdefault(target[0], {}).setdefault(kind, []).append((logical_id, document))

        for logical_id, props in self.resources_of_type("AWS::IAM::Policy"):
            for role in as_list(props.get("Roles")):
                add("inline", role, logical_id, props.get("PolicyDocument"))
        for logical_id, props in self.resources_of_type("AWS::IAM::RolePolicy"):
            add("inline", props.get("RoleName"), logical_id, props.get("PolicyDocument"))
        for logical_id, props in self.resources_of_type("AWS::IAM::ManagedPolicy"):
            for role in as_list(props.get("Roles")):
                add("managed", role, logical_id, props.get("PolicyDocument"))
        return index

    def inline_policies(self, role_id: str) -> list[tuple[str, Any]]:
        """Inline policy documents of one role: where each is defined, and the document.

        Counts the role's ``Policies`` and every ``AWS::IAM::Policy`` /
        ``AWS::IAM::RolePolicy`` of the template attached to it (CDK's ``DefaultPolicy``).
        """
        found: list[tuple[str, Any]] = []
        props = self.resolved.get(role_id, {})
        for policy in as_list(props.get("Policies")):
            if isinstance(policy, Mapping):
                found.append((role_id, policy.get("PolicyDocument")))
        found.extend(self._attachments.get(role_id, {}).get("inline", []))
        return found

    def managed_policies(self, role_id: str) -> list[Any]:
        """Managed policies attached to one role: ARNs (or unknowns) and template policies.

        A ``ManagedPolicyArns`` entry that is a ``Ref`` to a template
        ``AWS::IAM::ManagedPolicy`` and the same policy's ``Roles`` count once; a template
        policy appears as a :class:`~cdk_iam_roles.cfn.ResourceRef`.
        """
        attached: list[Any] = []
        seen: set[str] = set()
        props = self.resolved.get(role_id, {})
        for arn in as_list(props.get("ManagedPolicyArns")):
            if isinstance(arn, ResourceRef):
                if arn.logical_id in seen:
                    continue
                seen.add(arn.logical_id)
            attached.append(arn)
        for logical_id, _ in self._attachments.get(role_id, {}).get("managed", []):
            if logical_id not in seen:
                seen.add(logical_id)
                attached.append(ResourceRef(logical_id))
        return attached

    def identity_policies(self) -> Iterator[tuple[str, Any]]:
        """Every identity-policy document of the template, with the resource defining it."""
        for logical_id, props in self.resources_of_type(
            "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"
        ):
            for policy in as_list(props.get("Policies")):
                if isinstance(policy, Mapping):
                    yield logical_id, policy.get("PolicyDocument")
        for logical_id, props in self.resources_of_type(
            "AWS::IAM::Policy",
            "AWS::IAM::ManagedPolicy",
            "AWS::IAM::RolePolicy",
            "AWS::IAM::UserPolicy",
            "AWS::IAM::GroupPolicy",
        ):
            yield logical_id, props.get("PolicyDocument")

    def finding(
        self,
        rule: RuleInfo,
        logical_id: str,
        message: str,
        *,
        severity: Severity | None = None,
        fix: str | None = None,
    ) -> Finding:
        """A finding of ``rule`` on one resource of this template."""
        return Finding(
            rule_id=rule.id,
            severity=severity or rule.severity,
            stack=self.stack.name,
            logical_id=logical_id,
            path=self.stack.path_of(logical_id),
            message=message,
            fix=fix or rule.fix,
        )


@dataclass(frozen=True, slots=True)
class DocumentEntry:
    """One policy document of a template and how it was read.

    Args:
        logical_id: the resource that holds it. Required.
        resource_type: that resource's type. Required.
        element: where in the resource (``AssumeRolePolicyDocument``,
            ``Policies[0] "logs"``, ``PolicyDocument`` …). Required.
        kind: ``trust``, ``identity`` or ``resource``. Required.
        read: the reader's result. Required.
    """

    logical_id: str
    resource_type: str
    element: str
    kind: DocumentKind
    read: PolicyDocumentRead


def _document_value(read: PolicyDocumentRead) -> Any:
    """What the resolved properties hold for a document: the merged document or unknown."""
    document = read.document
    if document is not None:
        return document
    if read.status == "malformed":
        return Unknown("a malformed policy document: " + "; ".join(read.problems))
    return Unknown(read.reason or "a policy document that cannot be read")


def _read_listed(
    resolver: Resolver,
    logical_id: str,
    kind: str,
    props: Mapping[str, Any],
    resolved: dict[str, Any],
    prop: str,
    entries: list[DocumentEntry],
) -> None:
    """The ``Policies`` list of a role, user or group: each entry's ``PolicyDocument``.

    An entry written as ``Fn::If`` (present only under a condition) is read as a document
    whose variants are the two branches, one of which may have no statements.
    """
    raw_list = props.get(prop)
    if raw_list is None:
        return
    if not isinstance(raw_list, list):
        read = read_policy_document(raw_list, resolver, kind="identity")
        if read.status != "unknown":
            read = PolicyDocumentRead(
                "malformed", (), problems=(f"{prop} is not a list of policies",)
            )
        entries.append(DocumentEntry(logical_id, kind, prop, "identity", read))
        resolved[prop] = Unknown(f"{prop}: {read.reason or 'not a list'}")
        return
    out: list[Any] = []
    for index, entry in enumerate(raw_list):
        name = entry.get("PolicyName") if isinstance(entry, Mapping) else None
        label = f"{prop}[{index}]" + (f" {name!r}" if isinstance(name, str) else "")
        raw_doc = listed_document(entry)
        read = read_policy_document(raw_doc, resolver, kind="identity", optional=True)
        entries.append(DocumentEntry(logical_id, kind, label, "identity", read))
        name_value = resolver.resolve(name) if name is not None else _if_name(entry, resolver)
        out.append({"PolicyName": name_value, "PolicyDocument": _document_value(read)})
    resolved[prop] = out


def _if_name(entry: Any, resolver: Resolver) -> Any:
    if isinstance(entry, Mapping) and "Fn::If" in entry:
        branch = entry["Fn::If"]
        if isinstance(branch, list) and len(branch) == 3 and isinstance(branch[1], Mapping):
            return resolver.resolve(branch[1].get("PolicyName"))
    return Unknown("policy name")


def statements_of(document: object) -> list[Mapping[str, Any]]:
    """The statements of a policy document that are mappings (none for odd shapes)."""
    if not isinstance(document, Mapping):
        return []
    return [s for s in as_list(document.get("Statement")) if isinstance(s, Mapping)]


def principal_values(statement: Mapping[str, Any], kind: str) -> Sequence[Any]:
    """The values of one principal kind (``AWS``, ``Service``, ``Federated``) of a statement.

    ``"Principal": "*"`` counts as ``AWS: *``.
    """
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"] if kind == "AWS" else []
    if isinstance(principal, Mapping):
        return as_list(principal.get(kind))
    return []


def statement_label(statement: Mapping[str, Any], index: int) -> str:
    """How a finding names a statement: its ``Sid`` when it has one, else its position."""
    sid = statement.get("Sid")
    return f"statement {sid!r}" if isinstance(sid, str) and sid else f"statement {index}"


def lower_actions(statement: Mapping[str, Any]) -> list[str]:
    """The statement's ``Action`` values that are strings, lower-cased (IAM ignores case)."""
    return [a.lower() for a in as_list(statement.get("Action")) if isinstance(a, str)]


def is_unknown(value: object) -> bool:
    """True for a value the resolver could not know (an ``Unknown`` or a ``ResourceRef``)."""
    return isinstance(value, (Unknown, ResourceRef))


@dataclass(frozen=True, slots=True)
class ConditionEntry:
    """One operator/key pair of a ``Condition`` element.

    Args:
        operator: the operator as written, e.g. ``ForAnyValue:StringLikeIfExists``.
        base: the operator without set qualifier and ``IfExists``, lower-cased
            (``stringlike``).
        qualifier: ``forallvalues``, ``foranyvalue`` or ``""``.
        if_exists: the operator ends in ``IfExists``.
        key: the condition key as written.
        values: its values as a list (possibly holding unknowns).
    """

    operator: str
    base: str
    qualifier: str
    if_exists: bool
    key: str
    values: list[Any]

    @property
    def key_lower(self) -> str:
        """The key lower-cased (IAM compares condition keys case-insensitively)."""
        return self.key.lower()


def condition_entries(statement: Mapping[str, Any]) -> list[ConditionEntry]:
    """Every operator/key pair of a statement's ``Condition`` (odd shapes are skipped)."""
    condition = statement.get("Condition")
    entries: list[ConditionEntry] = []
    if not isinstance(condition, Mapping):
        return entries
    for operator, block in condition.items():
        if not isinstance(operator, str) or not isinstance(block, Mapping):
            continue
        qualifier, _, rest = operator.rpartition(":")
        base = rest.lower()
        if_exists = base.endswith("ifexists")
        if if_exists:
            base = base[: -len("ifexists")]
        for key, values in block.items():
            if isinstance(key, str):
                entries.append(
                    ConditionEntry(
                        operator=operator,
                        base=base,
                        qualifier=qualifier.lower(),
                        if_exists=if_exists,
                        key=key,
                        values=as_list(values),
                    )
                )
    return entries


def condition_unresolved(statement: Mapping[str, Any]) -> bool:
    """True when the ``Condition`` element itself (not only a value in it) is unknown.

    CDK renders condition keys that hold tokens (an EKS issuer, for instance) through a
    ``Custom::AWSCDKCfnJson`` resource, so the whole block is a ``Fn::GetAtt``.
    """
    condition = statement.get("Condition")
    if is_unknown(condition):
        return True
    if isinstance(condition, Mapping):
        return any(is_unknown(block) for block in condition.values())
    return False


_TRUE = frozenset({"true"})


def is_true(value: object) -> bool:
    """IAM's reading of a Bool condition value as true (``true`` or ``"true"``)."""
    return value is True or (isinstance(value, str) and value.strip().lower() in _TRUE)


def role_arn_target(value: object) -> tuple[str, str] | None:
    """The logical ID a property value points at, with how (``"Ref"`` or the attribute).

    ``{"Fn::GetAtt": ["Role", "Arn"]}`` resolves to ``ResourceRef("Role", "Arn")`` and
    gives ``("Role", "Arn")``; ``{"Ref": "Role"}`` gives ``("Role", "Ref")``.
    """
    if isinstance(value, ResourceRef):
        return value.logical_id, value.attribute or "Ref"
    return None


def minified_length(document: object) -> int:
    """Characters of a policy document without whitespace, as IAM counts its quotas.

    Unresolved parts are measured in their CloudFormation form, which is close to, and
    usually longer than, the deployed text.
    """
    text = json.dumps(_plain(document), separators=(",", ":"), ensure_ascii=False)
    # str.split() splits on every Unicode whitespace character, as isspace() sees it.
    return len("".join(text.split()))


def _plain(value: object) -> object:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (Unknown, ResourceRef)):
        return str(value)
    return value
