"""The CDK face of the rule engine: a policy-validation plugin, and OrgStandard.

:class:`IamRolesPlugin` runs every template rule of the catalog (and the rules of an
optional :class:`OrgStandard`) over every stack of the app at synth, with the same
engine as ``cdk-iam-roles check``. Register it on the app; CDK prints its findings in
the validation report and fails the synth on error-level findings::

    app = cdk.App()
    cdk.Validations.of(app).add_plugins(IamRolesPlugin())

A finding is acknowledged per rule and construct (the construct or any parent) with
CDK's own mechanism; the ID is ``cdk-iam-roles::<rule ID>``::

    cdk.Validations.of(role).acknowledge(
        cdk.Acknowledgment(id="cdk-iam-roles::IAMR-TAG-001", reason="tags checked by the IdP")
    )

CDK records an acknowledgment as ``aws:cdk:acknowledged-rules`` metadata of the construct,
which lands in the cloud assembly for constructs in a stack; ``cdk-iam-roles check
cdk.out`` reads it back (and, for the app or a stage, CDK's ``validation-report.json``),
so CI gives the same verdict as the synth.

The plugin never raises: CDK calls it during synthesis. If it fails internally it
reports one error-level violation (``IAMR-PLUGIN``) instead, so an unchecked app never
passes silently.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Sequence
from typing import Any

import aws_cdk as cdk
import jsii
from constructs import IConstruct

from cdk_iam_roles import __version__
from cdk_iam_roles.cfn import StackTemplate, load_template
from cdk_iam_roles.rules.acknowledgments import PLUGIN_NAME, acknowledgment_id
from cdk_iam_roles.rules.engine import check_stack
from cdk_iam_roles.rules.model import Finding, Severity, TemplateRule
from cdk_iam_roles.rules.org import OrgStandard
from cdk_iam_roles.rules.registry import rule as catalog_rule
from cdk_iam_roles.rules.registry import template_rules
from cdk_iam_roles.rules.view import RuleSettings
from cdk_iam_roles.trust.tokens import is_token

__all__ = ["PLUGIN_NAME", "IamRolesPlugin", "OrgStandard", "acknowledge", "acknowledgment_id"]

_ACCOUNT = re.compile(r"\d{12}", re.ASCII)
_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def acknowledge(scope: IConstruct, rule_id: str, reason: str) -> None:
    """Acknowledge a rule's findings on ``scope`` and every construct below it.

    Args:
        scope: the construct (a role, a stack, the app).
        rule_id: the rule ID, e.g. ``"IAMR-TAG-001"``.
        reason: why the finding is accepted (kept in the cloud assembly).

    Raises:
        KeyError: ``rule_id`` is not a rule of the catalog (a typo would hide nothing).

    Example:
        >>> acknowledge(role, "IAMR-TAG-001", "tags set by our IdP")  # doctest: +SKIP
    """
    catalog_rule(rule_id)
    cdk.Validations.of(scope).acknowledge(
        cdk.Acknowledgment(id=acknowledgment_id(rule_id), reason=reason)
    )


def _environment_value(value: str | None, pattern: re.Pattern[str] | None) -> str | None:
    if not value or is_token(value) or value.startswith("unknown-"):
        return None
    if pattern is not None and not pattern.fullmatch(value):
        return None
    return value


@jsii.implements(cdk.IPolicyValidationPlugin)
class IamRolesPlugin:
    """Runs the cdk-iam-roles rules over every stack of the app at synth.

    Args:
        settings: quotas and disabled rules (default: AWS's default quotas, every rule).
        org_standard: an organisation's standard to enforce as well (default: none).
        min_severity: the least severe finding reported (default ``warning``; ``info``
            also lists the values that could not be judged before deployment).

    Example:
        >>> app = cdk.App()  # doctest: +SKIP
        >>> cdk.Validations.of(app).add_plugins(IamRolesPlugin(
        ...     org_standard=OrgStandard(required_tags=("owner",))))  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        settings: RuleSettings | None = None,
        org_standard: OrgStandard | None = None,
        min_severity: Severity = Severity.WARNING,
    ) -> None:
        self._settings = settings or RuleSettings()
        self._standard = org_standard
        self._min_rank = _RANK[Severity(min_severity)]

    @property
    def name(self) -> str:
        """The plugin's name in CDK's validation report."""
        return PLUGIN_NAME

    @property
    def version(self) -> str:
        """This package's version."""
        return __version__

    @property
    def rule_ids(self) -> list[str]:
        """The IDs of every rule the plugin runs."""
        return [r.info.id for r in self.rules if r.info.id not in self._settings.disabled]

    @property
    def rules(self) -> tuple[TemplateRule, ...]:
        """The template rules of the catalog plus those of the organisation standard."""
        extra = self._standard.rules() if self._standard is not None else ()
        return (*template_rules(), *extra)

    def findings(self, stacks: Sequence[StackTemplate]) -> list[Finding]:
        """The findings the plugin reports for these stacks (pure; used by ``validate``)."""
        found: list[Finding] = []
        for stack in stacks:
            for finding in check_stack(stack, settings=self._settings, rules=self.rules):
                if _RANK[finding.severity] <= self._min_rank:
                    found.append(finding)
        return found

    def validate(self, context: cdk.IPolicyValidationContext) -> cdk.PolicyValidationPluginReport:
        """CDK's callback: check every template of the app. Never raises."""
        try:
            return self._validate(context)
        except Exception as exc:  # a plugin must not break synthesis with a traceback
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            return cdk.PolicyValidationPluginReport(
                success=False,
                violations=[
                    cdk.PolicyViolation(
                        rule_name="IAMR-PLUGIN",
                        description=f"cdk-iam-roles could not check the app: {detail}",
                        fix="Report this with the template; run cdk-iam-roles check cdk.out.",
                        severity="error",
                        violating_resources=[cdk.PolicyViolatingResource(locations=[])],
                    )
                ],
                plugin_version=__version__,
            )

    def _validate(self, context: cdk.IPolicyValidationContext) -> cdk.PolicyValidationPluginReport:
        stacks: list[tuple[StackTemplate, str]] = []
        for entry in context.stack_templates:
            loaded = load_template(entry.template_path)
            stack = StackTemplate.from_template(
                loaded.template,
                name=entry.stack_construct_path or loaded.name,
                account=_environment_value(entry.account_id, _ACCOUNT),
                region=_environment_value(entry.region, None),
                source=entry.template_path,
            )
            stacks.append((stack, entry.template_path))
        violations: list[cdk.PolicyViolation] = []
        for stack, template_path in stacks:
            for finding in self.findings([stack]):
                violations.append(_violation(finding, template_path))
        return cdk.PolicyValidationPluginReport(
            success=not any(v.severity == "error" for v in violations),
            violations=violations,
            plugin_version=__version__,
        )


def _violation(finding: Finding, template_path: str) -> cdk.PolicyViolation:
    metadata: dict[str, Any] = {}
    try:
        info = catalog_rule(finding.rule_id)
        metadata = {"doc": info.doc, "what": info.what}
    except KeyError:  # an OrgStandard rule is in the catalog too; this is a safety net
        metadata = {}
    return cdk.PolicyViolation(
        rule_name=finding.rule_id,
        description=f"[{finding.rule_id}] {finding.message}",
        fix=finding.fix,
        severity=str(finding.severity),
        rule_metadata=metadata,
        violating_resources=[
            cdk.PolicyViolatingResource(
                resource_logical_id=finding.logical_id,
                template_path=template_path,
                locations=["Properties"],
            )
        ],
    )
