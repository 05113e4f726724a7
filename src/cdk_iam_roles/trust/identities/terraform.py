"""HCP Terraform (Terraform Cloud / Enterprise) runs as an OIDC identity (pure Python)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from cdk_iam_roles.errors import Problem
from cdk_iam_roles.rules.construct import web_identity as rules
from cdk_iam_roles.trust.identities._common import _HOST, _name_problem
from cdk_iam_roles.trust.identities.base import Identity, OidcClaims

# HCP Terraform: aud aws.workload.identity; sub organization:O:project:P:workspace:W:run_phase:PH.
# https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/aws-configuration
TERRAFORM_AUDIENCE: Final = "aws.workload.identity"
TERRAFORM_RUN_PHASES: Final = ("plan", "apply")

# HCP Terraform names: organizations and workspaces letters, digits, '-', '_'; projects may
# also hold inner spaces (at most 40 characters).
# https://developer.hashicorp.com/terraform/cloud-docs/projects/manage
_TF_NAME = re.compile(r"^[A-Za-z0-9_-]{1,90}$")
_TF_PROJECT = re.compile(r"^[A-Za-z0-9_-](?:[A-Za-z0-9_ -]{0,38}[A-Za-z0-9_-])?$")


@dataclass(frozen=True, kw_only=True, slots=True)
class TerraformCloud(Identity):
    """Runs of one HCP Terraform (Terraform Cloud / Enterprise) workspace.

    Renders ``aud`` = ``aws.workload.identity`` and ``sub`` =
    ``organization:O:project:P:workspace:W:run_phase:PHASE``; without ``run_phase`` both
    phases, as two exact subjects.
    https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/aws-configuration

    Args:
        organization: the organization name (exact).
        project: the project name (exact; ``"Default Project"`` for workspaces not moved).
        workspace: the workspace name (exact).
        run_phase: ``"plan"`` or ``"apply"`` (default: both).
        hostname: the Terraform host (default ``"app.terraform.io"``).

    Example:
        >>> TerraformCloud(organization="acme", project="infra", workspace="prod",
        ...     run_phase="apply").claims().subjects
        ('organization:acme:project:infra:workspace:prod:run_phase:apply',)
    """

    organization: str
    project: str
    workspace: str
    run_phase: Literal["plan", "apply"] | None = None
    hostname: str = "app.terraform.io"

    def _input_problems(self) -> list[Problem]:
        found: list[Problem] = []
        me = "TerraformCloud"
        for argument, value, pattern, what in (
            ("organization", self.organization, _TF_NAME, "letters, digits, '-' and '_'"),
            ("project", self.project, _TF_PROJECT, "letters, digits, inner spaces, '-' and '_'"),
            ("workspace", self.workspace, _TF_NAME, "letters, digits, '-' and '_'"),
            ("hostname", self.hostname, _HOST, "a host name such as 'app.terraform.io'"),
        ):
            problem = _name_problem(me, argument, value, pattern, what)
            if problem:
                found.append(problem)
        if self.run_phase is not None and self.run_phase not in TERRAFORM_RUN_PHASES:
            found.append(
                rules.RUN_PHASE_INVALID.problem(
                    f"{me}.run_phase", "must be 'plan', 'apply' or None", self.run_phase
                )
            )
        return found

    def claims(self) -> OidcClaims:
        phases = (self.run_phase,) if self.run_phase is not None else TERRAFORM_RUN_PHASES
        base = f"organization:{self.organization}:project:{self.project}:workspace:{self.workspace}"
        return OidcClaims(
            issuer_url=f"https://{self.hostname}",
            audiences=(TERRAFORM_AUDIENCE,),
            subjects=tuple(f"{base}:run_phase:{phase}" for phase in phases),
            key_prefix=self.hostname,
        )
