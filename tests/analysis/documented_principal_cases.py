"""Documented behaviours of Principal, NotPrincipal, Resource and the evaluation logic."""

from __future__ import annotations

from documented_case import UNDECIDED, Case, allow, deny, doc, grant, refuse

ACCOUNT = "111122223333"
OTHER = "444455556666"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
BOB = f"arn:aws:iam::{ACCOUNT}:user/bob"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/app/run"
FEDERATED = f"arn:aws:sts::{ACCOUNT}:federated-user/carol"
ROOT_USER = f"arn:aws:iam::{ACCOUNT}:root"
OBJECT = "arn:aws:s3:::amzn-s3-demo-bucket/report.csv"
OBJECTS = "arn:aws:s3:::amzn-s3-demo-bucket/*"
NO_S3 = doc(allow("ec2:*"))

# --- the Principal element -------------------------------------------------------------
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
_PUBLISH = f"arn:aws:sns:ap-southeast-1:{ACCOUNT}:events"
PRINCIPALS = [
    Case(
        "the user name in a principal ARN is case sensitive",
        USER,
        "s3:GetObject",
        OBJECT,
        "ImplicitDeny",
        resource_policy=doc(grant({"AWS": f"arn:aws:iam::{ACCOUNT}:user/Alice"}, "s3:*")),
    ),
    Case(
        "a user group cannot be a principal",
        USER,
        "s3:GetObject",
        OBJECT,
        UNDECIDED,
        (doc(allow("s3:*")),),
        doc(refuse({"AWS": f"arn:aws:iam::{ACCOUNT}:group/readers"}, "s3:*")),
    ),
    Case(
        'the service principal cannot be "*"',
        "lambda.amazonaws.com",
        "sqs:SendMessage",
        f"arn:aws:sqs:us-east-1:{ACCOUNT}:q",
        UNDECIDED,
        resource_policy=doc(
            grant({"Service": "lambda.amazonaws.com"}, "sqs:*"),
            refuse({"Service": "*"}, "sqs:*"),
        ),
    ),
    Case(
        "a regionalized service principal is another principal",
        "s3.ap-east-1.amazonaws.com",
        "sns:Publish",
        _PUBLISH,
        "ImplicitDeny",
        resource_policy=doc(grant({"Service": "s3.amazonaws.com"}, "sns:Publish")),
    ),
    Case(
        "the regionalized service principal named",
        "s3.ap-east-1.amazonaws.com",
        "sns:Publish",
        _PUBLISH,
        "Allowed",
        resource_policy=doc(grant({"Service": "s3.ap-east-1.amazonaws.com"}, "sns:Publish")),
    ),
    Case(
        '"*" needs no other permission within the account',
        SESSION,
        "s3:GetObject",
        OBJECT,
        "Allowed",
        resource_policy=doc(grant("*", "s3:GetObject", OBJECTS)),
        resource_account=ACCOUNT,
    ),
    Case(
        '"*" needs the identity-based allow of another account',
        f"arn:aws:sts::{OTHER}:assumed-role/app/run",
        "s3:GetObject",
        OBJECT,
        "ImplicitDeny",
        resource_policy=doc(grant("*", "s3:GetObject", OBJECTS)),
        resource_account=ACCOUNT,
    ),
    Case(
        "several accounts are ORed",
        f"arn:aws:iam::{OTHER}:user/eve",
        "s3:GetObject",
        OBJECT,
        "Allowed",
        (doc(allow("s3:GetObject")),),
        doc(grant({"AWS": ["123456789012", OTHER]}, "s3:GetObject", OBJECTS)),
        resource_account=ACCOUNT,
    ),
]

# --- NotPrincipal -----------------------------------------------------------------------
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
# "NotPrincipal must be used with "Effect":"Deny". Using it with "Effect":"Allow" is not
# supported." "When you use NotPrincipal, you must also specify the account ARN of the
# not-denied principal. Otherwise, the policy might deny access to the entire account."
# "The NotPrincipal element isn't supported in ... Resource Control Policies (RCP)."
_KEEP = {"AWS": [ROOT_USER, USER]}
_EVERYONE_S3 = doc(allow("s3:*"))
NOT_PRINCIPAL = [
    Case(
        "NotPrincipal with Allow is not supported",
        USER,
        "s3:GetObject",
        OBJECT,
        UNDECIDED,
        resource_policy=doc(
            {"Effect": "Allow", "NotPrincipal": {"AWS": BOB}, "Action": "s3:*", "Resource": "*"}
        ),
    ),
    Case(
        "the account and the user named: the user is not denied",
        USER,
        "s3:GetObject",
        OBJECT,
        "Allowed",
        (_EVERYONE_S3,),
        doc({"Effect": "Deny", "NotPrincipal": _KEEP, "Action": "s3:*", "Resource": "*"}),
    ),
    Case(
        "the account and the user named: another user is denied",
        BOB,
        "s3:GetObject",
        OBJECT,
        "ExplicitDeny",
        (_EVERYONE_S3,),
        doc({"Effect": "Deny", "NotPrincipal": _KEEP, "Action": "s3:*", "Resource": "*"}),
    ),
    Case(
        "the user named without its account",
        USER,
        "s3:GetObject",
        OBJECT,
        UNDECIDED,
        (_EVERYONE_S3,),
        doc({"Effect": "Deny", "NotPrincipal": {"AWS": USER}, "Action": "s3:*", "Resource": "*"}),
    ),
    Case(
        "a role session: the session, its role and its account named",
        SESSION,
        "s3:GetObject",
        OBJECT,
        "Allowed",
        (_EVERYONE_S3,),
        doc(
            {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": [SESSION, ROLE, ROOT_USER]},
                "Action": "s3:*",
                "Resource": "*",
            }
        ),
    ),
    Case(
        "a role session: only its role and account named",
        SESSION,
        "s3:GetObject",
        OBJECT,
        UNDECIDED,
        (_EVERYONE_S3,),
        doc(
            {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": [ROLE, ROOT_USER]},
                "Action": "s3:*",
                "Resource": "*",
            }
        ),
    ),
    Case(
        "NotPrincipal with Deny always denies a principal with a boundary",
        SESSION,
        "s3:GetObject",
        OBJECT,
        "ExplicitDeny",
        (_EVERYONE_S3,),
        doc(
            {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": [ROLE, SESSION, ROOT_USER]},
                "Action": "s3:*",
                "Resource": "*",
            }
        ),
        boundary=doc(allow("*")),
    ),
    Case(
        "NotPrincipal in an RCP is not supported",
        USER,
        "s3:GetObject",
        OBJECT,
        UNDECIDED,
        (_EVERYONE_S3,),
        rcps=(
            (
                doc(
                    {
                        "Effect": "Deny",
                        "NotPrincipal": {"AWS": ROOT_USER},
                        "Action": "s3:*",
                        "Resource": "*",
                    }
                ),
            ),
        ),
    ),
]

# --- which limits a same-account resource-based grant is subject to ----------------------
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles
# ("Permissions boundaries and session policies do not limit permissions granted using the
# aws:PrincipalArn condition key with a wildcard(*) in the Principal element, unless the
# identity-based policies contain an explicit deny.")
_BY_ROLE_ARN = grant(
    "*", "s3:GetObject", OBJECTS, Condition={"ArnEquals": {"aws:PrincipalArn": ROLE}}
)
_ROLE_CONTEXT = {"aws:PrincipalArn": ROLE}
GRANT_FORMS = [
    Case(
        "a role ARN grant is limited by the boundary",
        SESSION,
        "s3:GetObject",
        OBJECT,
        "ImplicitDeny",
        resource_policy=doc(grant({"AWS": ROLE}, "s3:GetObject", OBJECTS)),
        boundary=NO_S3,
    ),
    Case(
        "a role ARN grant is limited by the session policy",
        SESSION,
        "s3:GetObject",
        OBJECT,
        "ImplicitDeny",
        resource_policy=doc(grant({"AWS": ROLE}, "s3:GetObject", OBJECTS)),
        session=NO_S3,
    ),
    Case(
        '"*" with aws:PrincipalArn is not limited by the boundary',
        SESSION,
        "s3:GetObject",
        OBJECT,
        "Allowed",
        resource_policy=doc(_BY_ROLE_ARN),
        boundary=NO_S3,
        context=_ROLE_CONTEXT,
    ),
    Case(
        '"*" with aws:PrincipalArn is not limited by the session policy',
        SESSION,
        "s3:GetObject",
        OBJECT,
        "Allowed",
        resource_policy=doc(_BY_ROLE_ARN),
        session=NO_S3,
        context=_ROLE_CONTEXT,
    ),
    Case(
        '"*" with aws:PrincipalArn: an identity-based explicit deny still wins',
        SESSION,
        "s3:GetObject",
        OBJECT,
        "ExplicitDeny",
        (doc(deny("s3:GetObject")),),
        doc(_BY_ROLE_ARN),
        boundary=NO_S3,
        context=_ROLE_CONTEXT,
    ),
    Case(
        "a role session ARN grant is limited by neither",
        SESSION,
        "s3:GetObject",
        OBJECT,
        "Allowed",
        resource_policy=doc(grant({"AWS": SESSION}, "s3:GetObject", OBJECTS)),
        boundary=NO_S3,
        session=NO_S3,
    ),
    Case(
        "an IAM user ARN grant is not limited by the boundary",
        USER,
        "s3:GetObject",
        OBJECT,
        "Allowed",
        resource_policy=doc(grant({"AWS": USER}, "s3:GetObject", OBJECTS)),
        boundary=NO_S3,
    ),
    Case(
        "a federated user ARN grant is not limited by the session policy",
        FEDERATED,
        "s3:GetObject",
        OBJECT,
        "Allowed",
        resource_policy=doc(grant({"AWS": FEDERATED}, "s3:GetObject", OBJECTS)),
        session=NO_S3,
    ),
    Case(
        "a grant to an IAM user who may have federated the session",
        FEDERATED,
        "s3:GetObject",
        OBJECT,
        UNDECIDED,
        resource_policy=doc(
            grant({"AWS": f"arn:aws:iam::{ACCOUNT}:user/carol"}, "s3:GetObject", OBJECTS)
        ),
    ),
    Case(
        "a Deny naming an IAM user who may have federated the session",
        FEDERATED,
        "s3:GetObject",
        OBJECT,
        UNDECIDED,
        (_EVERYONE_S3,),
        doc(refuse({"AWS": f"arn:aws:iam::{ACCOUNT}:user/carol"}, "s3:GetObject", OBJECTS)),
    ),
]

# --- the root user ------------------------------------------------------------------------
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
# ("By default, all requests are implicitly denied with the exception of the AWS account
# root user, which has full access.")
# https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
# (SCPs limit the root user of member accounts.)
ROOT = [
    Case(
        "the root user's full access is not modelled", ROOT_USER, "s3:GetObject", OBJECT, UNDECIDED
    ),
    Case(
        "an SCP deny still applies to the root user",
        ROOT_USER,
        "s3:GetObject",
        OBJECT,
        "ExplicitDeny",
        scps=((doc(allow("*"), deny("s3:*")),),),
    ),
    Case(
        "an SCP without an allow limits the root user",
        ROOT_USER,
        "s3:GetObject",
        OBJECT,
        "ImplicitDeny",
        scps=((doc(allow("ec2:*")),),),
    ),
]

# --- the Resource element -------------------------------------------------------------------
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
_TEST = doc(allow("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*"))
_MATCHING = [
    "1/test/object.jpg",
    "1/2/test/3/object.jpg",
    "1///test///object.jpg",
    "1/test/.jpg",
    "/test/object.jpg",
    "1/test/",
]
_NOT_MATCHING = ["1-test/object.jpg", "test/object.jpg", "1/2/test.jpg"]
RESOURCES = [
    *(
        Case(
            f"*/test/* matches {key}",
            USER,
            "s3:GetObject",
            f"arn:aws:s3:::amzn-s3-demo-bucket/{key}",
            "Allowed",
            (_TEST,),
        )
        for key in _MATCHING
    ),
    *(
        Case(
            f"*/test/* does not match {key}",
            USER,
            "s3:GetObject",
            f"arn:aws:s3:::amzn-s3-demo-bucket/{key}",
            "ImplicitDeny",
            (_TEST,),
        )
        for key in _NOT_MATCHING
    ),
    Case(
        "the IAM user name in Resource is case sensitive",
        USER,
        "iam:GetUser",
        f"arn:aws:iam::{ACCOUNT}:user/bob",
        "ImplicitDeny",
        (doc(allow("iam:GetUser", f"arn:aws:iam::{ACCOUNT}:user/Bob")),),
    ),
    Case(
        "a table named after the user",
        USER,
        "dynamodb:GetItem",
        f"arn:aws:dynamodb:us-east-2:{ACCOUNT}:table/alice",
        "Allowed",
        (
            doc(
                allow("dynamodb:*", f"arn:aws:dynamodb:us-east-2:{ACCOUNT}:table/${{aws:username}}")
            ),
        ),
        context={"aws:username": "alice"},
    ),
]

PRINCIPAL_FAMILIES: dict[str, tuple[str, list[Case]]] = {
    "principal-element": ("IAM: AWS JSON policy elements: Principal", PRINCIPALS),
    "not-principal": (
        "IAM: AWS JSON policy elements: NotPrincipal; Permissions boundaries",
        NOT_PRINCIPAL,
    ),
    "resource-grant-limits": (
        "IAM: How AWS enforcement code logic evaluates requests (resource-based policies); "
        "Principal element (IAM role principals)",
        GRANT_FORMS,
    ),
    "root-user": (
        "IAM: How AWS enforcement code logic evaluates requests; Organizations: SCPs",
        ROOT,
    ),
    "resource-element": ("IAM: IAM JSON policy elements: Resource", RESOURCES),
}
