"""Rewrite a template's policy documents into the other forms CloudFormation accepts.

``as_json_text`` turns a document object into JSON text: a plain string when it holds
no intrinsic function, else an ``Fn::Join`` of text pieces and the intrinsics, the way
hand-written templates and other tools build them. ``stringify_documents`` applies it to
every policy document of a template (``DOCUMENT_PROPERTIES``), so a test can check that
every command gives the same answer on both forms.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from cdk_iam_roles.documents import DOCUMENT_PROPERTIES

_INTRINSICS = frozenset(
    {"Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::ImportValue", "Fn::FindInMap"}
)


def _has_if(value: Any) -> bool:
    if isinstance(value, dict):
        return "Fn::If" in value or any(_has_if(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_if(v) for v in value)
    return False


def as_json_text(document: Any) -> Any:
    """``document`` as JSON text (a string, or an ``Fn::Join`` when it holds intrinsics).

    A document holding ``Fn::If`` is returned unchanged: a branch that is a whole
    statement has no text form.
    """
    if _has_if(document) or not isinstance(document, dict):
        return document
    if len(document) == 1 and next(iter(document)).startswith(("Fn::", "Ref")):
        return document  # already built by an intrinsic function
    parts: list[Any] = []

    def emit(text: str) -> None:
        if parts and isinstance(parts[-1], str):
            parts[-1] += text
        else:
            parts.append(text)

    def walk(value: Any) -> None:
        if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in _INTRINSICS:
            emit('"')
            parts.append(value)
            emit('"')
        elif isinstance(value, dict):
            emit("{")
            for index, (key, item) in enumerate(value.items()):
                emit(("," if index else "") + json.dumps(key) + ":")
                walk(item)
            emit("}")
        elif isinstance(value, list):
            emit("[")
            for index, item in enumerate(value):
                emit("," if index else "")
                walk(item)
            emit("]")
        else:
            emit(json.dumps(value, default=str))

    walk(document)
    if len(parts) == 1 and isinstance(parts[0], str):
        return parts[0]
    return {"Fn::Join": ["", parts]}


def stringify_documents(template: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``template`` with every policy document written as JSON text."""
    out = copy.deepcopy(template)
    resources = out.get("Resources")
    for resource in resources.values() if isinstance(resources, dict) else ():
        if not isinstance(resource, dict):
            continue
        props = resource.get("Properties")
        kind = resource.get("Type")
        places = DOCUMENT_PROPERTIES.get(kind) if isinstance(kind, str) else None
        if not isinstance(props, dict) or not places:
            continue
        for prop, _, listed in places:
            if prop not in props:
                continue
            if not listed:
                props[prop] = as_json_text(props[prop])
                continue
            for entry in props[prop] if isinstance(props[prop], list) else ():
                if isinstance(entry, dict) and "PolicyDocument" in entry:
                    entry["PolicyDocument"] = as_json_text(entry["PolicyDocument"])
    return out
