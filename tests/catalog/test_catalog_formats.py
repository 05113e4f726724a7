"""Each catalog format on raw templates: md, json, mermaid, html, summary."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from catalog_checks import mermaid_graph, read_html, schema, schema_errors
from raw_templates import ACCOUNT, GITHUB, WEB, oidc, role, stmt, zoo_stack

from cdk_iam_roles.catalog import Catalog, build_catalog, render
from cdk_iam_roles.catalog.render import FORMATS
from cdk_iam_roles.catalog.risk import LEVELS
from cdk_iam_roles.cfn import StackTemplate

NASTY = '<script>alert("x")</script> | *bold* & `code` [link](http://evil.example)'


def nasty_stack() -> StackTemplate:
    """A role whose description and trust hold every character a format could choke on."""
    resource = role(
        stmt(
            oidc(GITHUB),
            WEB,
            StringEquals={
                f"{GITHUB}:aud": "sts.amazonaws.com",
                f"{GITHUB}:sub": 'repo:o/r:ref:refs/heads/a|b"c<d>#e',
            },
        ),
        RoleName="nasty",
        Description=NASTY,
    )
    return StackTemplate.from_template(
        {"Resources": {"Nasty": resource}}, name="Edge_1/Stack", account=ACCOUNT, region="eu-west-1"
    )


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return build_catalog([zoo_stack(), nasty_stack(), zoo_stack("Agnostic", account=None)])


def test_every_format_is_offered() -> None:
    assert list(FORMATS) == ["md", "json", "mermaid", "html", "summary"]
    with pytest.raises(ValueError, match="unknown catalog format 'xml'"):
        render(Catalog(()), "xml")


# --- md ---------------------------------------------------------------------------------


def test_markdown_lists_each_stack_most_risky_first(catalog: Catalog) -> None:
    text = render(catalog, "md")
    lines = text.splitlines()
    zoo = lines.index("## Stack Zoo")
    rows = [line for line in lines[zoo:] if line.startswith("| **")][: len(catalog.stacks[0].roles)]
    levels = [re.search(r"risk (critical|high|elevated|normal)", row) for row in rows]
    ranks = [LEVELS.index(m.group(1)) for m in levels if m]
    assert len(ranks) == len(rows) == 14
    assert ranks == sorted(ranks)
    # The anyone-can-assume role leads; service and workload roles come last.
    assert rows[0].startswith("| **Open (generated name)**<br>Zoo/Open<br>hand-written<br>")
    assert "risk critical: anyone can assume it" in rows[0]
    assert "IAMR-TRUST-001: trust policy statement 0 allows Principal" in rows[0]
    assert "## Stack Edge\\_1/Stack" in lines
    assert any(
        row.startswith("| **gh-deploy**<br>Zoo/GitHubDeploy<br>WebIdentityRole<br>risk normal |")
        and "| GitHub Actions, repository acme/web, branch main |" in row
        for row in rows
    )


def test_markdown_lists_errors_anyone_and_people_first(catalog: Catalog) -> None:
    text = render(catalog, "md")
    errors = text.index("## Errors")
    anyone = text.index("## Roles anyone can assume")
    people = text.index("## Roles people can assume")
    assert errors < anyone < people < text.index("## Stack Zoo")
    section = text[anyone:people]
    assert "- **Open (generated name)** (Zoo): any AWS principal" in section
    assert "admin" not in section
    listed = [line for line in text[people:].splitlines() if line.startswith("- **")]
    assert listed[0].startswith("- **Open (generated name)** (Zoo, risk critical")
    assert (
        "- **admin** (Zoo, risk elevated: people can assume it): "
        "IAM user alice in 111111111111 (MFA within 15 min"
    ) in text
    # People sign in to the SAML console role: it is listed.
    assert "- **console-readonly** (Zoo, risk elevated" in text


def test_markdown_escapes_table_breakers(catalog: Catalog) -> None:
    text = render(catalog, "md")
    (row,) = [line for line in text.splitlines() if line.startswith("| **nasty**")]
    # Exactly the 7 pipes of a 6-column row: every pipe in a value is escaped.
    assert row.replace("\\|", "").count("|") == 7
    assert "<script>" not in text
    assert "&lt;d&gt;" in row


# --- json -------------------------------------------------------------------------------


def test_json_follows_the_documented_schema(catalog: Catalog) -> None:
    data = json.loads(render(catalog, "json"))
    assert schema_errors(data) == []
    assert data["format"] == "cdk-iam-roles/catalog"
    assert data["version"] == 1
    assert data["summary"]["roles"] == len(catalog.roles) == 29
    assert data["summary"]["patterns"]["WebIdentityRole"] == 11


def test_json_role_record(catalog: Catalog) -> None:
    data = json.loads(render(catalog, "json"))
    (admin,) = [r for r in data["stacks"][0]["roles"] if r["logical_id"] == "Admin"]
    assert admin["role_name"] == "admin"
    assert admin["arn"] == "arn:aws:iam::111111111111:role/admin"
    assert admin["pattern"] == "ElevatedUserRole"
    assert admin["human_assumable"] is True
    assert admin["max_session_seconds"] == 7200
    assert admin["assumers"][0]["kind"] == "iam-user"
    assert {"operator": "NumericLessThan", "key": "aws:MultiFactorAuthAge", "values": ["900"]} in (
        admin["assumers"][0]["conditions"]
    )
    (mystery,) = [r for r in data["stacks"][0]["roles"] if r["logical_id"] == "Mystery"]
    assert mystery["role_name"] is None
    assert mystery["role_name_display"] == "unknown (parameter NameParam)"
    assert mystery["max_session_seconds"] is None


def test_json_is_stable(catalog: Catalog) -> None:
    assert render(catalog, "json") == render(
        build_catalog([zoo_stack(), nasty_stack(), zoo_stack("Agnostic", account=None)]), "json"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("stacks"), "stacks"),
        (lambda d: d["summary"].update(roles=-1), "-1"),
        (lambda d: d["stacks"][0]["roles"][0].update(pattern="Magic"), "Magic"),
        (lambda d: d["stacks"][0]["roles"][0].update(surprise=1), "surprise"),
        (lambda d: d["stacks"][0]["roles"][0]["assumers"][0].update(human="yes"), "yes"),
    ],
)
def test_the_schema_check_catches_broken_output(
    catalog: Catalog, change: Any, message: str
) -> None:
    data = json.loads(render(catalog, "json"))
    change(data)
    errors = schema_errors(data)
    assert any(message in e for e in errors), errors


def test_schema_is_draft_2020_12() -> None:
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


# --- mermaid ----------------------------------------------------------------------------


def test_mermaid_links_principals_to_roles_to_services(catalog: Catalog) -> None:
    nodes, edges = mermaid_graph(render(catalog, "mermaid"))
    by_label = {label: node for node, label in nodes.items()}
    principal = by_label[
        "AWS service states.amazonaws.com #40;from account 111111111111, for "
        "arn:aws:states:eu-west-1:111111111111:stateMachine:*#41;"
    ]
    workers = [b for a, b in edges if a == principal]
    # The same principal (one node) trusts the worker role of the Zoo and Agnostic stacks.
    assert len(workers) == 2
    assert all(nodes[w].startswith("StatesWorker") for w in workers)
    worker = workers[0]
    services = {nodes[b] for a, b in edges if a == worker and b.startswith("s")}
    assert services == {"dynamodb", "lambda", "s3"}
    policies = {nodes[b] for a, b in edges if a == worker and b.startswith("m")}
    assert policies == {
        "AWSXrayWriteOnlyAccess #40;AWS managed#41;",
        "shared-read #40;customer managed, this stack#41;",
    }
    assert sum(1 for n in nodes if n.startswith("r")) == len(catalog.roles)


def assume_app() -> list[StackTemplate]:
    """A deploy role granted sts:AssumeRole on roles of its stack and of another stack."""
    policy = {
        "PolicyName": "assume",
        "PolicyDocument": {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sts:AssumeRole",
                    "Resource": [{"Fn::GetAtt": ["Target", "Arn"]}, "*"],
                },
                {
                    "Effect": "Allow",
                    "Action": ["sts:Assume*"],
                    "Resource": f"arn:aws:iam::{ACCOUNT}:role/app-*",
                },
                # Not an assume grant: no edge to the role it names.
                {
                    "Effect": "Allow",
                    "Action": "iam:GetRole",
                    "Resource": {"Fn::GetAtt": ["Other", "Arn"]},
                },
            ]
        },
    }
    home = StackTemplate.from_template(
        {
            "Resources": {
                "Deployer": role(stmt({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), Policies=[policy]),
                "Target": role(stmt({"AWS": {"Fn::GetAtt": ["Deployer", "Arn"]}})),
                "Other": role(stmt({"AWS": {"Fn::GetAtt": ["Deployer", "Arn"]}})),
            }
        },
        name="Home",
        account=ACCOUNT,
        region="eu-west-1",
    )
    away = StackTemplate.from_template(
        {
            "Resources": {
                "App": role(stmt({"AWS": ACCOUNT}), RoleName="app-runner"),
                "Else": role(stmt({"AWS": ACCOUNT}), RoleName="elsewhere"),
            }
        },
        name="Away",
        account=ACCOUNT,
        region="eu-west-1",
    )
    return [home, away]


def test_mermaid_draws_granted_assume_edges() -> None:
    text = render(build_catalog(assume_app()), "mermaid")
    nodes, _ = mermaid_graph(text)
    by_label = {label.split(" ", 1)[0]: node for node, label in nodes.items()}
    may_assume = {
        (a, b) for a, b in re.findall(r"^  (\w+) -->\|may assume\| (\w+)$", text, re.MULTILINE)
    }
    deployer = by_label["Deployer"]
    # The same-stack reference and the ARN pattern; "*" draws no edge to every role.
    assert may_assume == {(deployer, by_label["Target"]), (deployer, by_label["app-runner"])}


def test_mermaid_escapes_quotes_and_markup(catalog: Catalog) -> None:
    text = render(catalog, "mermaid")
    nasty = [line for line in text.splitlines() if "a#124;b" in line]
    assert nasty
    assert all("#34;c#60;d#62;#35;e" in line for line in nasty)


# --- html -------------------------------------------------------------------------------


def test_html_is_one_self_contained_page_with_every_role(catalog: Catalog) -> None:
    page = render(catalog, "html")
    reader = read_html(page)
    assert sorted(reader.row_ids) == sorted(f"{r.stack}/{r.logical_id}" for r in catalog.roles)
    text = " ".join(reader.text)
    assert NASTY in text  # shown as text, never as markup
    # the only script is the page's own filter, after every value from the template
    assert page.count("<script>") == 1
    assert page.index("<script>") > page.rindex("</article>")
    assert '<script>alert("x")' not in page
    assert "@media print" in page
    nav = page[page.index("<nav>") : page.index("</nav>")]
    assert nav.count("<li>") == len(catalog.stacks)


# --- summary ----------------------------------------------------------------------------


def test_summary_counts_roles_per_stack_and_pattern(catalog: Catalog) -> None:
    lines = render(catalog, "summary").splitlines()
    # Finding counts follow the rule catalog, which grows: compare with the catalog's own.
    counts = catalog.severity_counts()
    assert counts["error"] >= 2  # the two open roles
    assert lines[0] == (
        "IAM role catalog: 29 roles in 3 stacks, 12 human-assumable, 2 roles whose callers "
        "are unknown offline; "
        f"findings: {counts['error']} errors, {counts['warning']} warning"
        f"{'' if counts['warning'] == 1 else 's'}, {counts['info']} info"
    )
    assert lines[1].split() == [
        "Zoo",
        "14",
        "roles",
        "ServiceRole",
        "1,",
        "CrossAccountRole",
        "2,",
        "ElevatedUserRole",
        "1,",
        "WebIdentityRole",
        "5,",
        "FederatedRole",
        "1,",
        "hand-written",
        "4",
    ]
    assert (
        "  Zoo/admin: IAM user alice in 111111111111 (MFA within 15 min, "
        "session named after their IAM user name)" in lines
    )
    assert "Errors:" in lines
    # Mystery trusts an imported principal: counted apart, never as a service role.
    start = lines.index("Roles whose callers are unknown offline (people may assume them):")
    assert lines[start + 1 : start + 3] == [
        f"  {stack}/Mystery (name unknown (parameter NameParam)): "
        "AWS principal unknown offline (Fn::ImportValue)"
        for stack in ("Zoo", "Agnostic")
    ]
