"""Every witness of new permissions is a request AWS could receive.

GIVEN a role whose identity policy is widened, WHEN ``diff`` shows the new access, THEN
the witness is a real action (listed in the service authorization reference) on a
resource of a type that action takes, with every field of the ARN filled: never
``iam:PassRole`` on an S3 object, never ``arn:aws:iam:::role/X`` with no account (an
account a policy leaves open is the role's own, or AWS's example account when the stack
does not name one); the evaluator allows it under HEAD and denies it under BASE;
WHEN the policies differ only on requests AWS never receives (``iam:PassRole`` on S3
ARNs), THEN the verdict is undecided, never new access with such a witness and never
no new access.
"""

from __future__ import annotations

from typing import Any

import pytest
from diff_templates import cross_account, role_template

from cdk_iam_roles.analysis import evaluate
from cdk_iam_roles.analysis._model import PolicySet, Request
from cdk_iam_roles.analysis.assembly import load_app
from cdk_iam_roles.analysis.symbolic import diff_apps
from cdk_iam_roles.analysis.symbolic._verdict import Verdict
from cdk_iam_roles.analysis.symbolic._witness import EXAMPLE_ACCOUNT, fits

READ = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme/*"}
TRUST = [cross_account(["222222222222"])]


def _permissions(added: dict[str, Any], account: str | None) -> Verdict:
    base = load_app(role_template(TRUST, policy_statements=[READ]), account=account)
    head = load_app(role_template(TRUST, policy_statements=[READ, added]), account=account)
    (role,) = diff_apps(base, head).roles
    return role.permissions


WIDENINGS = {
    "everything": {"Effect": "Allow", "Action": "*", "Resource": "*"},
    "pass role and put object anywhere": {
        "Effect": "Allow",
        "Action": ["iam:PassRole", "s3:PutObject"],
        "Resource": "*",
    },
    "pass role in any account": {
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": "arn:aws:iam::*:role/X",
    },
    "every log stream of a group": {
        "Effect": "Allow",
        "Action": "logs:PutLogEvents",
        "Resource": "arn:aws:logs:*:*:log-group:/aws/lambda/app*",
    },
    "any bucket named acme-": {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::acme-*",
    },
}


@pytest.mark.parametrize("account", ["111111111111", None])
@pytest.mark.parametrize("name", sorted(WIDENINGS))
def test_a_witness_is_a_request_aws_could_receive(name: str, account: str | None) -> None:
    added = WIDENINGS[name]
    verdict = _permissions(added, account)
    assert verdict.verdict == "new-access", verdict.reason
    witness = verdict.witness
    assert witness is not None
    assert fits(witness.action, witness.resource), witness
    fields = witness.resource.split(":", 5)
    if len(fields) == 6 and fields[2] in ("iam", "logs"):
        assert fields[4] == (account or EXAMPLE_ACCOUNT), witness
    if fields[2] == "logs":
        assert fields[3] == "us-east-1", witness  # a region no policy names: a real one
    # the concrete evaluator, on its own, agrees with the witness
    request = Request(witness.principal, witness.action, witness.resource, None, {})
    head = {"Version": "2012-10-17", "Statement": [READ, added]}
    base = {"Version": "2012-10-17", "Statement": [READ]}
    assert evaluate(request, PolicySet(identity=[head])).allowed
    assert not evaluate(request, PolicySet(identity=[base])).allowed


def test_the_wildcard_account_of_a_role_arn_is_filled_in() -> None:
    verdict = _permissions(WIDENINGS["pass role in any account"], "111111111111")
    assert verdict.witness is not None
    assert verdict.witness.resource == "arn:aws:iam::111111111111:role/X"


def test_a_difference_only_in_requests_aws_never_receives_is_undecided() -> None:
    nonsense = {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:s3:::acme/*"}
    verdict = _permissions(nonsense, "111111111111")
    assert verdict.verdict == "unknown"
    assert "no request AWS could receive shows it" in verdict.reason
    assert verdict.witness is None
