"""EKS service accounts (IAM roles for service accounts) as an OIDC identity (pure Python)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from cdk_iam_roles.errors import Problem
from cdk_iam_roles.rules.construct import web_identity as rules
from cdk_iam_roles.trust.identities._common import _name_problem
from cdk_iam_roles.trust.identities.base import Identity, OidcClaims, check_issuer_url, issuer_host
from cdk_iam_roles.trust.tokens import is_token

# EKS (IRSA) tokens carry aud sts.amazonaws.com and sub system:serviceaccount:NS:SA.
# https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
EKS_AUDIENCE: Final = "sts.amazonaws.com"

# Kubernetes: namespaces are DNS labels, service accounts DNS subdomains.
# https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
_K8S_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_K8S_SUBDOMAIN = re.compile(
    r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$"
)


@dataclass(frozen=True, kw_only=True, slots=True)
class EksServiceAccount(Identity):
    """One Kubernetes service account of an EKS cluster (IAM roles for service accounts).

    Renders ``aud`` = ``sts.amazonaws.com`` and ``sub`` =
    ``system:serviceaccount:NAMESPACE:SERVICE_ACCOUNT`` under keys named after the
    cluster's issuer. The issuer may be a CDK token
    (``cluster.cluster_open_id_connect_issuer_url``); the role then builds its condition
    keys with ``CfnJson``.
    https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html

    Args:
        issuer: the cluster's OIDC issuer URL (``https://oidc.eks.REGION.amazonaws.com/id/ID``)
            or a token.
        namespace: the Kubernetes namespace (exact).
        service_account: the service account name (exact).

    Example:
        >>> EksServiceAccount(issuer="https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
        ...     namespace="shop", service_account="api").claims().subjects
        ('system:serviceaccount:shop:api',)
    """

    issuer: str
    namespace: str
    service_account: str

    def _input_problems(self) -> list[Problem]:
        found: list[Problem] = []
        me = "EksServiceAccount"
        problem = check_issuer_url(self.issuer)
        if problem:
            found.append(rules.ISSUER_INVALID.problem(f"{me}.issuer", problem, self.issuer))
        for argument, value, pattern, what in (
            ("namespace", self.namespace, _K8S_LABEL, "a Kubernetes namespace (DNS label)"),
            (
                "service_account",
                self.service_account,
                _K8S_SUBDOMAIN,
                "a Kubernetes service account name (DNS subdomain)",
            ),
        ):
            name_problem = _name_problem(me, argument, value, pattern, what)
            if name_problem:
                found.append(name_problem)
        return found

    def claims(self) -> OidcClaims:
        return OidcClaims(
            issuer_url=self.issuer,
            audiences=(EKS_AUDIENCE,),
            subjects=(f"system:serviceaccount:{self.namespace}:{self.service_account}",),
            key_prefix=None if is_token(self.issuer) else issuer_host(self.issuer),
        )
