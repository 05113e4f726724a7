"""Every catalog format shows hostile template values as text, never as markup.

One template puts script tags, quotes, ``</style>``, table pipes, backticks, newlines,
Mermaid brackets and control characters into every value the catalog shows: the role
name, description, tags, construct path, stack name, logical ID, and trust values
(principal ARNs and condition values). Each format is parsed back and checked.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from catalog_checks import mermaid_graph, read_html
from raw_templates import ACCOUNT, role, stmt

from cdk_iam_roles._printable import one_line
from cdk_iam_roles.catalog import Catalog, build_catalog, render
from cdk_iam_roles.catalog._markdown import escape_md
from cdk_iam_roles.catalog._mermaid import escape_label
from cdk_iam_roles.cfn import StackTemplate

SCRIPT = "<script>alert(1)</script>"
PAYLOADS = [
    SCRIPT,
    "\"double\" and 'single'",
    "</style><b>bold</b>",
    "a | b `c` [d](e) # f",
    "line\nbreak\r\n--> p9\u2028%% mermaid",
    "x\x00y\u202ez",
    "<!-- open comment",
    "]) --> r1[evil",
]


def hostile_stack(payload: str) -> StackTemplate:
    trust = stmt(
        {"AWS": f"arn:aws:iam::222222222222:role/{payload}"},
        StringEquals={"sts:ExternalId": payload, "aws:PrincipalTag/team": payload},
    )
    resource = role(
        trust,
        RoleName=f"name {payload}",
        Description=f"description {payload}",
        Tags=[{"Key": "owner", "Value": payload}],
        ManagedPolicyArns=[f"arn:aws:iam::aws:policy/{payload}"],
    )
    resource["Metadata"] = {"aws:cdk:path": f"Stack {payload}/Role {payload}/Resource"}
    return StackTemplate.from_template(
        {"Resources": {f"Logical{payload}": resource, "Open": role(stmt("*"))}},
        name=f"Stack {payload}",
        account=ACCOUNT,
        region="eu-west-1",
    )


@pytest.fixture(scope="module", params=range(len(PAYLOADS)), ids=lambda i: f"payload{i}")
def hostile(request: pytest.FixtureRequest) -> tuple[str, Catalog]:
    payload = PAYLOADS[request.param]
    return payload, build_catalog([hostile_stack(payload)])


def test_html_shows_every_value_as_text(hostile: tuple[str, Catalog]) -> None:
    payload, catalog = hostile
    page = render(catalog, "html")
    reader = read_html(page)  # balanced tags, no <script>, no handler, nothing fetched
    assert page.count("<style>") == 1
    assert page.count("</style>") == 1
    assert "<script" not in page.lower()
    assert "<!--" not in page
    assert not re.search(r"<b>|javascript:", page)
    # Row IDs (attribute values) come back exactly; the values appear as text.
    ids = sorted(one_line(f"{r.stack}/{r.logical_id}") for r in catalog.roles)
    assert sorted(reader.row_ids) == ids
    text = "".join(reader.text)
    for shown in (f"description {payload}", f"Stack {payload}/Role {payload}/Resource"):
        assert one_line(shown) in text


def test_markdown_keeps_every_row_on_one_line_with_its_cells(
    hostile: tuple[str, Catalog],
) -> None:
    _, catalog = hostile
    text = render(catalog, "md")
    rows = [line for line in text.splitlines() if line.startswith("| **")]
    assert len(rows) == len(catalog.roles)
    for line in text.splitlines():
        # Only the renderer's own <br> is markup; everything else is escaped.
        assert "<" not in line.replace("<br>", ""), line
        assert re.search(r"(?<!\\)`", line) is None, line
        assert line.isprintable(), repr(line)
    for row in rows:
        assert len(re.findall(r"(?<!\\)\|", row)) == 7, row
    # Headings and list items start with the renderer's markup, never a value's.
    for line in text.splitlines():
        if line.startswith("#"):
            assert re.match(r"#{1,3} (IAM role catalog|Roles people|Errors|Stack |\S)", line)


def test_mermaid_labels_cannot_break_the_diagram(hostile: tuple[str, Catalog]) -> None:
    _, catalog = hostile
    text = render(catalog, "mermaid")
    nodes, _ = mermaid_graph(text)  # every line is a node, an edge or a subgraph
    assert sum(1 for n in nodes if n.startswith("r")) == len(catalog.roles)
    for label in nodes.values():
        # Entity codes (#34;) are the only use of "#" and ";" left.
        assert not set(re.sub(r"#\d+;", "", label)) & set('"<>[]{}()|`;#'), label
        assert label.isprintable(), repr(label)
    assert all(line.isprintable() for line in text.splitlines())
    assert not any(line.lstrip().startswith("%%") for line in text.splitlines())


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_escapers_keep_text_readable(payload: str) -> None:
    md = escape_md(payload)
    label = escape_label(payload)
    for out in (md, label):
        assert out.isprintable()
        assert "\n" not in out
    # What was a word stays a word: the escapes are reversible to the eye.
    assert "alert" in escape_md(SCRIPT)
    assert "alert" in escape_label(SCRIPT)


def _tags(resource: dict[str, Any]) -> list[dict[str, str]]:
    tags: list[dict[str, str]] = resource["Properties"]["Tags"]
    return tags


def test_the_fixture_really_holds_the_payload() -> None:
    stack = hostile_stack(SCRIPT)
    [resource] = [r for k, r in stack.resources.items() if k != "Open"]
    assert _tags(resource)[0]["Value"] == SCRIPT
    assert stack.path_of(f"Logical{SCRIPT}") == f"Stack {SCRIPT}/Role {SCRIPT}/Resource"
