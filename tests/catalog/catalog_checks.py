"""Checks of every catalog format that any cloud assembly can be put through.

Point them at another ``cdk.out`` (the examples app, say) with :func:`check_assembly`,
or set ``CDK_IAM_ROLES_CATALOG_CDK_OUT`` and run ``tests/catalog/test_catalog_assembly.py``.
"""

from __future__ import annotations

import configparser
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from cdk_iam_roles.catalog import Catalog, build_catalog, render, render_profiles
from cdk_iam_roles.catalog._markdown import escape_md
from cdk_iam_roles.cfn import load_stacks

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "docs" / "catalog.schema.json"


def schema() -> dict[str, Any]:
    """The documented JSON schema of ``catalog --format json``."""
    data: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return data


# --- JSON schema ------------------------------------------------------------------------

_TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


def _is_type(value: Any, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _TYPES[name])


def _mini_validate(value: Any, node: dict[str, Any], root: dict[str, Any], where: str) -> list[str]:
    """The subset of JSON Schema 2020-12 our schema uses (used when jsonschema is absent)."""
    if "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/$defs/"), ref
        found = _mini_validate(value, root["$defs"][ref[len("#/$defs/") :]], root, where)
        rest = {k: v for k, v in node.items() if k not in ("$ref", "description")}
        return found + (_mini_validate(value, rest, root, where) if rest else [])
    errors: list[str] = []
    known = {
        "type",
        "enum",
        "const",
        "required",
        "properties",
        "additionalProperties",
        "items",
        "minimum",
        "pattern",
        "propertyNames",
        "description",
        "$schema",
        "$id",
        "title",
        "$defs",
    }
    unknown = set(node) - known
    assert not unknown, f"mini validator does not know {unknown}"
    if "type" in node:
        names = node["type"] if isinstance(node["type"], list) else [node["type"]]
        if not any(_is_type(value, n) for n in names):
            return [f"{where}: {value!r} is not of type {names}"]
    if "const" in node and value != node["const"]:
        errors.append(f"{where}: {value!r} != {node['const']!r}")
    if "enum" in node and value not in node["enum"]:
        errors.append(f"{where}: {value!r} not in {node['enum']}")
    if "minimum" in node and _is_type(value, "number") and value < node["minimum"]:
        errors.append(f"{where}: {value} < {node['minimum']}")
    if "pattern" in node and isinstance(value, str) and not re.search(node["pattern"], value):
        errors.append(f"{where}: {value!r} does not match {node['pattern']}")
    if isinstance(value, dict):
        for key in node.get("required", []):
            if key not in value:
                errors.append(f"{where}: missing {key!r}")
        properties = node.get("properties", {})
        extra = node.get("additionalProperties", True)
        for key, item in value.items():
            if "propertyNames" in node:
                errors += _mini_validate(key, node["propertyNames"], root, f"{where}/{key}(name)")
            if key in properties:
                errors += _mini_validate(item, properties[key], root, f"{where}/{key}")
            elif extra is False:
                errors.append(f"{where}: unexpected {key!r}")
            elif isinstance(extra, dict):
                errors += _mini_validate(item, extra, root, f"{where}/{key}")
    if isinstance(value, list) and "items" in node:
        for index, item in enumerate(value):
            errors += _mini_validate(item, node["items"], root, f"{where}/{index}")
    return errors


def schema_errors(data: Any) -> list[str]:
    """Every way ``data`` breaks the catalog schema (jsonschema when installed)."""
    spec = schema()
    try:
        import jsonschema  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        return _mini_validate(data, spec, spec, "$")
    validator = jsonschema.Draft202012Validator(spec)
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)
    ]


# --- HTML -------------------------------------------------------------------------------


class PageReader(HTMLParser):
    """Collects what the HTML check needs: text, row IDs, tags, links and sources."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.row_ids: list[str] = []
        self.tags: list[str] = []
        self.external: list[str] = []
        self.anchors: list[str] = []
        self.ids: set[str] = set()
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag in ("tr", "article") and values.get("id"):
            self.row_ids.append(str(values["id"]))
        for name in ("href", "src", "action"):
            link = values.get(name)
            if link is not None:
                if link.startswith("#"):
                    self.anchors.append(link[1:])
                else:
                    self.external.append(link)
        if any(name.startswith("on") for name in values):
            self.external.append(f"event handler on <{tag}>")
        if tag not in ("br", "meta", "link", "img", "hr", "input"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open[-1:] == [tag], f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def read_html(page: str) -> PageReader:
    """Parse a catalog page; asserts that tags are balanced and nothing is fetched."""
    reader = PageReader()
    reader.feed(page)
    reader.close()
    assert reader.open == [], f"unclosed tags {reader.open}"
    # One inline script (the filter box), loading nothing: no src, no fetch, no import.
    assert reader.tags.count("script") <= 1
    for word in ("fetch(", "XMLHttpRequest", "import(", "WebSocket", "eval("):
        assert word not in page, f"the page's script must not use {word}"
    assert reader.external == [], reader.external
    assert "url(" not in page, "CSS must not load anything"
    assert "@import" not in page, "CSS must not load anything"
    assert set(reader.anchors) <= reader.ids, set(reader.anchors) - reader.ids
    return reader


# --- Mermaid ----------------------------------------------------------------------------

_NODE = re.compile(
    r'^\s*(?P<id>[a-z]+\d+)(?P<shape>\[\/|\[\(|\(\[|\[|\{\{)"(?P<label>[^"]*)"'
    r"(\/\]|\)\]|\]\)|\]|\}\})$"
)
_EDGE = re.compile(r"^\s*(?P<a>[a-z]+\d+) -->(\|[^|]+\|)? (?P<b>[a-z]+\d+)$")
_SUBGRAPH = re.compile(r'^\s*subgraph (st\d+)\["[^"]*"\]$')


def mermaid_graph(text: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Nodes (ID → label) and edges of a catalog flowchart; asserts its syntax."""
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str]] = []
    depth = 0
    for line in lines[1:]:
        if _SUBGRAPH.match(line):
            depth += 1
        elif line.strip() == "end":
            depth -= 1
            assert depth >= 0, "end without subgraph"
        elif match := _NODE.match(line):
            assert match["id"] not in nodes, f"node {match['id']} defined twice"
            nodes[match["id"]] = match["label"]
        elif match := _EDGE.match(line):
            edges.append((match["a"], match["b"]))
        else:
            raise AssertionError(f"not a flowchart line: {line!r}")
    assert depth == 0, "subgraph without end"
    for a, b in edges:
        assert {a, b} <= set(nodes), f"edge {a} --> {b} to an undefined node"
    return nodes, edges


# --- profiles ---------------------------------------------------------------------------


def read_profiles(text: str) -> configparser.ConfigParser:
    """The profiles text as INI (``#`` comments only on their own lines)."""
    parser = configparser.ConfigParser(interpolation=None, comment_prefixes=("#",))
    parser.read_string(text)
    return parser


# --- everything at once -----------------------------------------------------------------


def check_assembly(path: str | Path) -> Catalog:
    """Run every format over a cdk.out (or template) and check each; returns the catalog."""
    catalog = build_catalog(load_stacks(path))
    roles = catalog.roles
    data = json.loads(render(catalog, "json"))
    assert schema_errors(data) == []
    assert data["summary"]["roles"] == len(roles)
    page = read_html(render(catalog, "html"))
    assert sorted(page.row_ids) == sorted(f"{r.stack}/{r.logical_id}" for r in roles)
    text = " ".join(" ".join(page.text).split())
    for role in roles:
        assert role.label in text
        assert role.path in text
    nodes, _ = mermaid_graph(render(catalog, "mermaid"))
    assert sum(1 for n in nodes if n.startswith("r")) == len(roles)
    markdown = render(catalog, "md")
    for stack in catalog.stacks:
        assert escape_md(stack.name) in markdown
    profiles = read_profiles(render_profiles(catalog))
    concrete = [r for r in catalog.profile_assumable if r.arn]
    assert len(profiles.sections()) == len(concrete)
    assert {profiles[s]["role_arn"] for s in profiles.sections()} == {r.arn for r in concrete}
    summary = render(catalog, "summary")
    assert f"{len(roles)} role" in summary.splitlines()[0]
    return catalog
