"""A nested stack whose template cannot be found is reported, never skipped silently.

A real CDK app with a ``NestedStack`` is synthesized; then the assembly is damaged the
way real ones are (no ``*.assets.json``; the nested template file missing) and
``check`` and the catalog must say what was not read (IAMR-DOC-007).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam

from cdk_iam_roles.catalog import build_catalog, render
from cdk_iam_roles.cfn import load_stacks
from cdk_iam_roles.cli import main

RULE = "IAMR-DOC-007"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("nested") / "cdk.out"
    app = cdk.App(outdir=str(outdir), analytics_reporting=False)
    parent = cdk.Stack(app, "Parent")
    inner = cdk.NestedStack(parent, "Inner")
    iam.Role(inner, "Worker", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    app.synth()
    return outdir


def damaged(pristine: Path, tmp_path: Path, pattern: str) -> Path:
    copy = tmp_path / "cdk.out"
    shutil.copytree(pristine, copy)
    removed = list(copy.glob(pattern))
    assert removed, pattern
    for file in removed:
        file.unlink()
    return copy


def test_an_intact_assembly_reads_the_nested_stack(pristine: Path) -> None:
    stacks = load_stacks(pristine)
    assert [s.name for s in stacks] == ["Parent", "Parent/Inner"]
    assert stacks[0].nested_skipped == {}
    catalog = build_catalog(stacks)
    assert [f for f in catalog.findings if f.rule_id == RULE] == []
    assert len(catalog.roles) == 1


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("*.assets.json", "no asset manifest (*.assets.json)"),
        ("*.nested.template.json", "is not in the assembly"),
    ],
)
def test_a_nested_stack_not_found_is_a_warning(
    pristine: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pattern: str,
    reason: str,
) -> None:
    cdk_out = damaged(pristine, tmp_path, pattern)
    stacks = load_stacks(cdk_out)
    assert [s.name for s in stacks] == ["Parent"]
    ((logical_id, why),) = stacks[0].nested_skipped.items()
    assert logical_id.startswith("InnerNestedStack")
    assert reason in why
    catalog = build_catalog(stacks)
    (finding,) = [f for f in catalog.findings if f.rule_id == RULE]
    assert finding.logical_id == logical_id
    assert reason in finding.message
    markdown = render(catalog, "md")
    assert "## Not read" in markdown
    assert RULE in markdown[markdown.index("## Not read") :]
    page = render(catalog, "html")  # the HTML page says so too, before the roles
    roles_heading = page.index("Roles, most risky first")
    assert page.index("Not read") < roles_heading
    assert RULE in page[page.index("Not read") : roles_heading]
    # check prints the warning (only errors set exit 1).
    assert main(["check", str(cdk_out)]) == 0
    out = capsys.readouterr().out
    assert f"WARNING {RULE}" in out
    assert "1 warning(s)" in out
