"""The rule catalog: complete entries, unique IDs, a current RULES.md, a pure engine."""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cdk_iam_roles.rules import Scope, Severity, all_rules, checks, template_rules
from cdk_iam_roles.rules.catalog import render
from cdk_iam_roles.rules.model import RuleInfo, TemplateRule

ROOT = Path(__file__).resolve().parents[2]
FAMILIES = (
    "TRUST",
    "OIDC",
    "MFA",
    "SIZE",
    "USE",
    "POL",
    "TAG",
    "DEPUTY",
    "ORG",
    "DOC",
    "SAML",
    "SET",
    "RA",
)


def test_rules_md_is_current() -> None:
    current = (ROOT / "docs" / "RULES.md").read_text(encoding="utf-8")
    assert current == render(), "docs/RULES.md is stale: run `make rules-doc`"


def test_catalog_lists_every_rule_once() -> None:
    ids = [r.id for r in all_rules()]
    assert ids == sorted(set(ids))
    assert all(f"`{rule_id}`" in render() for rule_id in ids)


@pytest.mark.parametrize("info", all_rules(), ids=lambda r: r.id)
def test_entry_is_complete(info: RuleInfo) -> None:
    assert re.fullmatch(r"IAMR-[A-Z]+-\d{3}", info.id)
    assert isinstance(info.severity, Severity)
    assert info.what
    assert info.why
    assert info.fix
    assert info.doc.startswith("https://")


@pytest.mark.parametrize("rule", template_rules(), ids=lambda r: r.info.id)
def test_template_rules_are_in_the_issue_families(rule: TemplateRule) -> None:
    assert rule.info.id.split("-")[1] in FAMILIES
    assert Scope.TEMPLATE in rule.info.scopes


def test_one_rule_per_module_named_for_its_invariant() -> None:
    modules = [m.name for m in pkgutil.iter_modules(checks.__path__)]
    assert len(modules) == len(template_rules())
    for name in modules:
        module = importlib.import_module(f"cdk_iam_roles.rules.checks.{name}")
        assert isinstance(module.RULE, TemplateRule)
        assert (module.__doc__ or "").startswith(module.RULE.info.id)


def test_catalog_module_prints_the_table() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "cdk_iam_roles.rules.catalog"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out == render()


def test_rules_and_check_command_never_load_the_cdk() -> None:
    code = (
        "import sys, cdk_iam_roles.commands.check, cdk_iam_roles.rules.org;"
        "from cdk_iam_roles.rules import template_rules, all_rules; template_rules(); all_rules();"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('aws_cdk', 'jsii', 'constructs')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
