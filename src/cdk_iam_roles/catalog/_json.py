"""The catalog as JSON, following ``docs/catalog.schema.json`` (format version 1).

The schema is stable: fields are only ever added (with a new optional key), never renamed
or removed, within one ``version``.
"""

from __future__ import annotations

import json
from typing import Any

from cdk_iam_roles.catalog._words import Assumer
from cdk_iam_roles.catalog.model import Catalog, RoleEntry

__all__ = ["FORMAT_ID", "FORMAT_VERSION", "catalog_data", "render_json"]

FORMAT_ID = "cdk-iam-roles/catalog"
FORMAT_VERSION = 1


def _assumer(assumer: Assumer) -> dict[str, Any]:
    return {
        "kind": assumer.kind,
        "principal": assumer.principal,
        "words": assumer.words,
        "human": assumer.human,
        "external": assumer.external,
        "unknown_offline": assumer.unknown_offline,
        "actions": list(assumer.actions),
        "conditions": [
            {"operator": c.operator, "key": c.key, "values": list(c.values)}
            for c in assumer.conditions
        ],
    }


def role_data(role: RoleEntry) -> dict[str, Any]:
    """One role as JSON-ready data (the schema's ``role`` definition)."""
    perms = role.permissions
    return {
        "stack": role.stack,
        "path": role.path,
        "logical_id": role.logical_id,
        "role_name": role.role_name,
        "role_name_display": role.role_name_display,
        "iam_path": role.iam_path,
        "arn": role.arn,
        "description": role.description,
        "pattern": role.pattern,
        "human_assumable": role.human_assumable,
        "callers_unknown": role.callers_unknown,
        "assumers": [_assumer(a) for a in role.assumers],
        "trust_denies": list(role.trust_denies),
        "trust_unknown": role.trust_unknown,
        "max_session_seconds": role.max_session_seconds,
        "max_session": role.max_session_display,
        "permissions": {
            "managed_policies": list(perms.managed_policies),
            "allowed": {k: list(v) for k, v in perms.allowed.items()},
            "denied": {k: list(v) for k, v in perms.denied.items()},
            "notes": list(perms.notes),
            "boundary": perms.boundary,
        },
        "findings": [f.as_dict() for f in role.findings],
    }


def catalog_data(catalog: Catalog) -> dict[str, Any]:
    """The whole catalog as JSON-ready data."""
    return {
        "format": FORMAT_ID,
        "version": FORMAT_VERSION,
        "summary": {
            "stacks": len(catalog.stacks),
            "roles": len(catalog.roles),
            "human_assumable": len(catalog.human_assumable),
            "callers_unknown": len(catalog.callers_unknown),
            "patterns": catalog.pattern_counts(),
            "findings": catalog.severity_counts(),
        },
        "stacks": [
            {
                "name": stack.name,
                "account": stack.account,
                "region": stack.region,
                "deployment": stack.deployment or None,
                "roles": [role_data(r) for r in stack.roles],
            }
            for stack in catalog.stacks
        ],
    }


def render_json(catalog: Catalog) -> str:
    """The catalog as indented JSON text (ends with a newline)."""
    return json.dumps(catalog_data(catalog), indent=2, ensure_ascii=False) + "\n"
