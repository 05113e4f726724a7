"""The catalog of rules: every template rule and every construct-time rule.

Template rules live one per module in :mod:`cdk_iam_roles.rules.checks`, each module
defining ``RULE`` (a :class:`~cdk_iam_roles.rules.model.TemplateRule`). Construct-time
rules are :class:`~cdk_iam_roles.rules.model.RuleInfo` constants in the modules of
:mod:`cdk_iam_roles.rules.construct`, one module per pattern family. Both packages are
discovered, so adding a rule is adding a module; a test keeps IDs unique. The
organisation rules (IAMR-ORG-*, :mod:`cdk_iam_roles.rules.org`) are template rules
configured by an ``OrgStandard``; they are listed in the catalog too.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from types import ModuleType

from cdk_iam_roles.rules import checks, construct
from cdk_iam_roles.rules.model import RuleInfo, TemplateRule

__all__ = ["all_rules", "rule", "template_rules"]


def _modules(package: ModuleType) -> list[ModuleType]:
    names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if not m.ispkg)
    return [importlib.import_module(f"{package.__name__}.{name}") for name in names]


@cache
def template_rules() -> tuple[TemplateRule, ...]:
    """Every template rule, ordered by ID."""
    found: list[TemplateRule] = []
    for module in _modules(checks):
        value = getattr(module, "RULE", None)
        if not isinstance(value, TemplateRule):
            raise TypeError(f"{module.__name__} must define RULE as a TemplateRule")
        found.append(value)
    return tuple(sorted(found, key=lambda r: r.info.id))


@cache
def all_rules() -> tuple[RuleInfo, ...]:
    """Every rule of the catalog (construct-time and template), ordered by ID.

    A rule checked in both places is listed once.
    """
    by_id: dict[str, RuleInfo] = {}
    for module in _modules(construct):
        for value in vars(module).values():
            if isinstance(value, RuleInfo):
                _add(by_id, value)
    for template_rule in template_rules():
        _add(by_id, template_rule.info)
    from cdk_iam_roles.rules.org import ORG_RULES  # imports checks: load after them

    for info in ORG_RULES:
        _add(by_id, info)
    return tuple(by_id[k] for k in sorted(by_id))


def _add(by_id: dict[str, RuleInfo], info: RuleInfo) -> None:
    existing = by_id.get(info.id)
    if existing is not None and existing is not info:
        raise ValueError(f"rule ID {info.id} is defined twice")
    by_id[info.id] = info


def rule(rule_id: str) -> RuleInfo:
    """The catalog entry of one rule ID.

    Raises:
        KeyError: no such rule.
    """
    for info in all_rules():
        if info.id == rule_id:
            return info
    raise KeyError(rule_id)
