"""The parts of an app that no reader could see: roles there were judged by nobody.

Four rules say that part of a stack was not read, so the roles and policies it deploys
are missing from every answer about the app:

* IAMR-DOC-006: a transform or macro (SAM, ``Fn::ForEach``, a custom macro) creates
  resources at deployment that are not in the template file;
* IAMR-DOC-007: the template of a nested stack was not read;
* IAMR-DOC-008: a resource is not an object, or its ``Type`` is not a string (a
  pre-processor directive such as ``!Rain::Module``), so nobody knows what it is;
* IAMR-SET-009: the member template of a StackSet cannot be read.

``check`` reports them as findings. The commands that answer for the whole app
(``access``: "no role admits an outsider"; ``diff``: "no role gains access") must not
give that answer past them, so they take them from :func:`unread_parts`, the one place
that says which findings mean "not read". An acknowledgment the app recorded for one of
these findings (``cdk.Validations.of(c).acknowledge``) is honoured here as in ``check``.

Example:
    >>> from cdk_iam_roles.cfn import StackTemplate
    >>> tpl = {"Transform": "AWS::Serverless-2016-10-31", "Resources": {
    ...     "Fn": {"Type": "AWS::Serverless::Function", "Properties": {}}}}
    >>> found, acknowledged = unread_parts([StackTemplate.from_template(tpl, name="Sam")])
    >>> [(f.rule_id, f.path) for f in found], acknowledged
    ([('IAMR-DOC-006', 'Sam/Transform')], [])
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cdk_iam_roles.cfn import StackTemplate
from cdk_iam_roles.rules.acknowledgments import (
    Acknowledgment,
    read_app_acknowledgments,
    split_acknowledged,
)
from cdk_iam_roles.rules.engine import check_stack
from cdk_iam_roles.rules.model import Finding
from cdk_iam_roles.rules.registry import template_rules

__all__ = ["UNREAD_RULE_IDS", "unread_parts"]

UNREAD_RULE_IDS = frozenset({"IAMR-DOC-006", "IAMR-DOC-007", "IAMR-DOC-008", "IAMR-SET-009"})
"""The rules whose findings mean "part of the stack was not read"."""


def unread_parts(
    stacks: Sequence[StackTemplate], paths: Sequence[str | Path] = ()
) -> tuple[list[Finding], list[tuple[Finding, Acknowledgment]]]:
    """What the readers could not see in ``stacks``, and what the app acknowledged of it.

    Args:
        stacks: the stacks of one or more apps (as the commands load them). Required.
        paths: the ``cdk.out`` folders or templates they came from, whose recorded
            acknowledgments are honoured. Default: none (nothing acknowledged).

    Returns:
        The findings of the "not read" rules that no acknowledgment accepts, and those
        one does (with it), as :func:`~cdk_iam_roles.rules.acknowledgments.split_acknowledged`.
    """
    rules = [rule for rule in template_rules() if rule.info.id in UNREAD_RULE_IDS]
    found = [finding for stack in stacks for finding in check_stack(stack, rules=rules)]
    return split_acknowledged(found, read_app_acknowledgments(stacks, paths))
