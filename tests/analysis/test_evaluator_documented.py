"""Documented behaviours of IAM, one case per statement of AWS's pages (issue 11).

Each family names the AWS page (or the managed policy) that decides it; each case is a
request, the policies, and the outcome AWS documents. The families and their counts are
listed in the module's ``FAMILIES`` so the report can say how many cases each adds.
"""

from __future__ import annotations

import pytest
from documented_case import Case, allow, check, deny, doc, grant, refuse
from documented_condition_cases import CONDITION_FAMILIES
from documented_principal_cases import PRINCIPAL_FAMILIES

from cdk_iam_roles.analysis import PolicySet, Request, evaluate

ACCOUNT = "111122223333"
OTHER = "444455556666"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/app/run"
X_SESSION = f"arn:aws:sts::{OTHER}:assumed-role/app/run"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts"
FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:worker"
SECRET = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:db-AbCdEf"
BUCKET_OBJECT = "arn:aws:s3:::shared-bucket/reports/a.csv"


ROOT = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
# The default key policy's first statement: "Allows access to the AWS account and enables
# IAM policies".
ENABLE_IAM = grant(ROOT, "kms:*")

# --- sts:GetCallerIdentity ------------------------------------------------------------
# https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
# "No permissions are required to perform this operation. If an administrator attaches a
# policy to your identity that explicitly denies access to the sts:GetCallerIdentity
# action, you can still perform this operation."
CALLER_IDENTITY = [
    Case("no policy at all", USER, "sts:GetCallerIdentity", "*", "Allowed"),
    Case(
        "explicit deny of the action",
        SESSION,
        "sts:GetCallerIdentity",
        "*",
        "Allowed",
        identity=(doc(deny("sts:GetCallerIdentity")),),
    ),
    Case(
        "deny of every action",
        USER,
        "sts:getcalleridentity",
        "*",
        "Allowed",
        identity=(doc(deny("*")),),
        scps=((doc(deny("*")),),),
    ),
    Case(
        "other STS actions still need a grant",
        USER,
        "sts:GetSessionToken",
        "*",
        "ImplicitDeny",
    ),
]

# --- policy variables in ARN fields ----------------------------------------------------
# https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonTimestreamInfluxDBServiceRolePolicy.html
# (grants on "arn:aws:kms:*:${aws:PrincipalAccount}:key/*")
_KMS_OWN = allow("kms:Decrypt", "arn:aws:kms:*:${aws:PrincipalAccount}:key/*")
ARN_FIELD_VARIABLES = [
    Case(
        "account field resolves to the caller's account",
        SESSION,
        "kms:Decrypt",
        KEY,
        "Allowed",
        identity=(doc(_KMS_OWN),),
        context={"aws:PrincipalAccount": ACCOUNT},
    ),
    Case(
        "account field does not match another account's key",
        SESSION,
        "kms:Decrypt",
        KEY.replace(ACCOUNT, OTHER),
        "ImplicitDeny",
        identity=(doc(_KMS_OWN),),
        context={"aws:PrincipalAccount": ACCOUNT},
    ),
    Case(
        "region field resolves to the requested region",
        SESSION,
        "sqs:SendMessage",
        QUEUE,
        "Allowed",
        identity=(
            doc(allow("sqs:SendMessage", f"arn:aws:sqs:${{aws:RequestedRegion}}:{ACCOUNT}:*")),
        ),
        context={"aws:RequestedRegion": "us-east-1"},
    ),
    Case(
        "region field with another region",
        SESSION,
        "sqs:SendMessage",
        QUEUE,
        "ImplicitDeny",
        identity=(
            doc(allow("sqs:SendMessage", f"arn:aws:sqs:${{aws:RequestedRegion}}:{ACCOUNT}:*")),
        ),
        context={"aws:RequestedRegion": "eu-west-1"},
    ),
    Case(
        "a Deny with a variable in the account field denies",
        SESSION,
        "kms:Decrypt",
        KEY,
        "ExplicitDeny",
        identity=(
            doc(allow("kms:*"), deny("kms:Decrypt", "arn:aws:kms:*:${aws:PrincipalAccount}:key/*")),
        ),
        context={"aws:PrincipalAccount": ACCOUNT},
    ),
]

# --- Bool with a policy variable --------------------------------------------------------
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Boolean
# (Boolean operators: "Policy variables – Supported")
_BOOL_VARIABLE = {"Bool": {"aws:MultiFactorAuthPresent": "${aws:SecureTransport}"}}
BOOL_VARIABLES = [
    Case(
        "equal booleans match",
        USER,
        "s3:GetObject",
        BUCKET_OBJECT,
        "Allowed",
        identity=(doc(allow("s3:GetObject", Condition=_BOOL_VARIABLE)),),
        context={"aws:MultiFactorAuthPresent": "true", "aws:SecureTransport": "true"},
    ),
    Case(
        "different booleans do not",
        USER,
        "s3:GetObject",
        BUCKET_OBJECT,
        "ImplicitDeny",
        identity=(doc(allow("s3:GetObject", Condition=_BOOL_VARIABLE)),),
        context={"aws:MultiFactorAuthPresent": "false", "aws:SecureTransport": "true"},
    ),
    Case(
        "a variable without a value matches nothing",
        USER,
        "s3:GetObject",
        BUCKET_OBJECT,
        "ImplicitDeny",
        identity=(doc(allow("s3:GetObject", Condition=_BOOL_VARIABLE)),),
        context={"aws:MultiFactorAuthPresent": "true"},
    ),
]

# --- KMS key policies -------------------------------------------------------------------
# https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
# "Unless the key policy explicitly allows it, you cannot use IAM policies to allow access
# to a KMS key. Without permission from the key policy, IAM policies that allow
# permissions have no effect."
# https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
# https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
_DECRYPT = doc(allow("kms:Decrypt", KEY))
KMS = [
    Case(
        "key policy names only another principal: the identity allow has no effect",
        SESSION,
        "kms:Decrypt",
        KEY,
        "ImplicitDeny",
        identity=(_DECRYPT,),
        resource_policy=doc(grant({"AWS": f"arn:aws:iam::{ACCOUNT}:role/other"}, "kms:*")),
        resource_account=ACCOUNT,
    ),
    Case(
        "the default statement enables IAM policies",
        SESSION,
        "kms:Decrypt",
        KEY,
        "Allowed",
        identity=(_DECRYPT,),
        resource_policy=doc(ENABLE_IAM),
        resource_account=ACCOUNT,
    ),
    Case(
        "the default statement alone grants no one",
        SESSION,
        "kms:Decrypt",
        KEY,
        "ImplicitDeny",
        resource_policy=doc(ENABLE_IAM),
        resource_account=ACCOUNT,
    ),
    Case(
        "a key policy naming the role grants without an identity policy",
        SESSION,
        "kms:Decrypt",
        KEY,
        "Allowed",
        resource_policy=doc(grant({"AWS": ROLE}, "kms:Decrypt")),
        resource_account=ACCOUNT,
    ),
    Case(
        "a Deny in the key policy wins over the identity allow",
        SESSION,
        "kms:Decrypt",
        KEY,
        "ExplicitDeny",
        identity=(_DECRYPT,),
        resource_policy=doc(ENABLE_IAM, refuse("*", "kms:Decrypt")),
        resource_account=ACCOUNT,
    ),
    Case(
        "another account: the key policy must name it and its identity policy allow",
        X_SESSION,
        "kms:Decrypt",
        KEY,
        "Allowed",
        identity=(_DECRYPT,),
        resource_policy=doc(
            ENABLE_IAM, grant({"AWS": f"arn:aws:iam::{OTHER}:root"}, "kms:Decrypt")
        ),
        resource_account=ACCOUNT,
    ),
    Case(
        "another account without its identity allow",
        X_SESSION,
        "kms:Decrypt",
        KEY,
        "ImplicitDeny",
        resource_policy=doc(
            ENABLE_IAM, grant({"AWS": f"arn:aws:iam::{OTHER}:root"}, "kms:Decrypt")
        ),
        resource_account=ACCOUNT,
    ),
    Case(
        "another account the key policy does not name",
        X_SESSION,
        "kms:Decrypt",
        KEY,
        "ImplicitDeny",
        identity=(_DECRYPT,),
        resource_policy=doc(ENABLE_IAM),
        resource_account=ACCOUNT,
    ),
]

# --- S3: the bucket owner's policy and the caller's -------------------------------------
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
S3 = [
    Case(
        "same account: the bucket policy naming the role suffices",
        SESSION,
        "s3:GetObject",
        BUCKET_OBJECT,
        "Allowed",
        resource_policy=doc(grant({"AWS": ROLE}, "s3:GetObject", "arn:aws:s3:::shared-bucket/*")),
        resource_account=ACCOUNT,
    ),
    Case(
        "same account: the identity policy suffices",
        SESSION,
        "s3:GetObject",
        BUCKET_OBJECT,
        "Allowed",
        identity=(doc(allow("s3:GetObject", "arn:aws:s3:::shared-bucket/*")),),
        resource_policy=doc(grant({"AWS": "arn:aws:iam::111122223333:role/other"}, "s3:*")),
        resource_account=ACCOUNT,
    ),
    Case(
        "another account: the bucket policy alone is not enough",
        X_SESSION,
        "s3:GetObject",
        BUCKET_OBJECT,
        "ImplicitDeny",
        resource_policy=doc(grant({"AWS": OTHER}, "s3:GetObject", "arn:aws:s3:::shared-bucket/*")),
        resource_account=ACCOUNT,
    ),
    Case(
        "another account: bucket policy and identity policy together",
        X_SESSION,
        "s3:GetObject",
        BUCKET_OBJECT,
        "Allowed",
        identity=(doc(allow("s3:GetObject", "arn:aws:s3:::shared-bucket/*")),),
        resource_policy=doc(grant({"AWS": OTHER}, "s3:GetObject", "arn:aws:s3:::shared-bucket/*")),
        resource_account=ACCOUNT,
    ),
    Case(
        "a bucket policy Deny for insecure transport wins",
        SESSION,
        "s3:GetObject",
        BUCKET_OBJECT,
        "ExplicitDeny",
        identity=(doc(allow("s3:*")),),
        resource_policy=doc(
            refuse(
                "*",
                "s3:*",
                "arn:aws:s3:::shared-bucket/*",
                Condition={"Bool": {"aws:SecureTransport": "false"}},
            )
        ),
        context={"aws:SecureTransport": "false"},
        resource_account=ACCOUNT,
    ),
]

# --- SQS and SNS: resource policies ----------------------------------------------------
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-basic-examples-of-sqs-policies.html
# https://docs.aws.amazon.com/sns/latest/dg/sns-using-identity-based-policies.html
# https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html
SQS_SNS = [
    Case(
        "a queue policy lets a service publish for a source ARN",
        "sns.amazonaws.com",
        "sqs:SendMessage",
        QUEUE,
        "Allowed",
        resource_policy=doc(
            grant(
                {"Service": "sns.amazonaws.com"},
                "sqs:SendMessage",
                QUEUE,
                Condition={"ArnEquals": {"aws:SourceArn": TOPIC}},
            )
        ),
        context={"aws:SourceArn": TOPIC},
    ),
    Case(
        "another topic is refused",
        "sns.amazonaws.com",
        "sqs:SendMessage",
        QUEUE,
        "ImplicitDeny",
        resource_policy=doc(
            grant(
                {"Service": "sns.amazonaws.com"},
                "sqs:SendMessage",
                QUEUE,
                Condition={"ArnEquals": {"aws:SourceArn": TOPIC}},
            )
        ),
        context={"aws:SourceArn": TOPIC + "-evil"},
    ),
    Case(
        "a topic policy lets another account publish only with its own grant",
        X_SESSION,
        "sns:Publish",
        TOPIC,
        "ImplicitDeny",
        resource_policy=doc(grant({"AWS": OTHER}, "sns:Publish", TOPIC)),
        resource_account=ACCOUNT,
    ),
    Case(
        "a queue policy naming the role in the same account suffices",
        SESSION,
        "sqs:ReceiveMessage",
        QUEUE,
        "Allowed",
        resource_policy=doc(grant({"AWS": ROLE}, "sqs:ReceiveMessage", QUEUE)),
        resource_account=ACCOUNT,
    ),
]

# --- Lambda: function policies -----------------------------------------------------------
# https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
# https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html
_INVOKE_FROM_S3 = grant(
    {"Service": "s3.amazonaws.com"},
    "lambda:InvokeFunction",
    FUNCTION,
    Condition={
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": "arn:aws:s3:::shared-bucket"},
    },
)
LAMBDA = [
    Case(
        "a service invokes for the named bucket and account",
        "s3.amazonaws.com",
        "lambda:InvokeFunction",
        FUNCTION,
        "Allowed",
        resource_policy=doc(_INVOKE_FROM_S3),
        context={"aws:SourceAccount": ACCOUNT, "aws:SourceArn": "arn:aws:s3:::shared-bucket"},
    ),
    Case(
        "the same bucket name in another account is refused",
        "s3.amazonaws.com",
        "lambda:InvokeFunction",
        FUNCTION,
        "ImplicitDeny",
        resource_policy=doc(_INVOKE_FROM_S3),
        context={"aws:SourceAccount": OTHER, "aws:SourceArn": "arn:aws:s3:::shared-bucket"},
    ),
    Case(
        "another service is refused",
        "sns.amazonaws.com",
        "lambda:InvokeFunction",
        FUNCTION,
        "ImplicitDeny",
        resource_policy=doc(_INVOKE_FROM_S3),
        context={"aws:SourceAccount": ACCOUNT, "aws:SourceArn": "arn:aws:s3:::shared-bucket"},
    ),
    Case(
        "another account's role needs its own grant too",
        X_SESSION,
        "lambda:InvokeFunction",
        FUNCTION,
        "Allowed",
        identity=(doc(allow("lambda:InvokeFunction", FUNCTION)),),
        resource_policy=doc(
            grant({"AWS": f"arn:aws:iam::{OTHER}:role/app"}, "lambda:InvokeFunction", FUNCTION)
        ),
        resource_account=ACCOUNT,
    ),
]

# --- Secrets Manager: resource policies --------------------------------------------------
# https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_resource-policies.html
# https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples_cross.html
SECRETS = [
    Case(
        "a secret policy Deny wins over the identity allow",
        SESSION,
        "secretsmanager:GetSecretValue",
        SECRET,
        "ExplicitDeny",
        identity=(doc(allow("secretsmanager:GetSecretValue", SECRET)),),
        resource_policy=doc(refuse({"AWS": ROLE}, "secretsmanager:GetSecretValue", "*")),
        resource_account=ACCOUNT,
    ),
    Case(
        "cross-account needs the secret's policy and the identity policy",
        X_SESSION,
        "secretsmanager:GetSecretValue",
        SECRET,
        "Allowed",
        identity=(doc(allow("secretsmanager:GetSecretValue", SECRET)),),
        resource_policy=doc(
            grant({"AWS": f"arn:aws:iam::{OTHER}:role/app"}, "secretsmanager:GetSecretValue", "*")
        ),
        resource_account=ACCOUNT,
    ),
    Case(
        "cross-account with the identity policy only",
        X_SESSION,
        "secretsmanager:GetSecretValue",
        SECRET,
        "ImplicitDeny",
        identity=(doc(allow("secretsmanager:GetSecretValue", SECRET)),),
        resource_account=ACCOUNT,
    ),
]

# --- evaluation logic ----------------------------------------------------------------------
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
EVALUATION_LOGIC = [
    Case(
        "a boundary caps the identity allow",
        SESSION,
        "sqs:SendMessage",
        QUEUE,
        "ImplicitDeny",
        identity=(doc(allow("sqs:*")),),
        boundary=doc(allow("sqs:ReceiveMessage")),
    ),
    Case(
        "a boundary alone grants nothing",
        SESSION,
        "sqs:SendMessage",
        QUEUE,
        "ImplicitDeny",
        boundary=doc(allow("sqs:*")),
    ),
    Case(
        "an SCP allow alone grants nothing",
        SESSION,
        "sqs:SendMessage",
        QUEUE,
        "ImplicitDeny",
        scps=((doc(allow("*")),),),
    ),
    Case(
        "a session policy caps the role's allow",
        SESSION,
        "sqs:SendMessage",
        QUEUE,
        "ImplicitDeny",
        identity=(doc(allow("sqs:*")),),
        session=doc(allow("sqs:ReceiveMessage")),
    ),
    Case(
        "a resource policy naming the session is not capped by the session policy",
        SESSION,
        "sqs:SendMessage",
        QUEUE,
        "Allowed",
        resource_policy=doc(grant({"AWS": SESSION}, "sqs:SendMessage", QUEUE)),
        session=doc(allow("sqs:ReceiveMessage")),
        resource_account=ACCOUNT,
    ),
]

# --- condition operators and policy variables ------------------------------------------------
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
CONDITIONS = [
    Case(
        "a variable with a default value",
        USER,
        "s3:GetObject",
        "arn:aws:s3:::shared-bucket/company-wide/a.csv",
        "Allowed",
        identity=(
            doc(
                allow(
                    "s3:GetObject",
                    "arn:aws:s3:::shared-bucket/${aws:PrincipalTag/team, 'company-wide'}/*",
                )
            ),
        ),
    ),
    Case(
        "ForAllValues with an empty key is true",
        USER,
        "dynamodb:GetItem",
        "*",
        "Allowed",
        identity=(
            doc(
                allow(
                    "dynamodb:GetItem",
                    Condition={"ForAllValues:StringEquals": {"dynamodb:Attributes": ["id"]}},
                )
            ),
        ),
        context={"dynamodb:Attributes": []},
    ),
    Case(
        "ForAnyValue with one listed tag key",
        USER,
        "ec2:CreateTags",
        "*",
        "Allowed",
        identity=(
            doc(
                allow(
                    "ec2:CreateTags",
                    Condition={"ForAnyValue:StringEquals": {"aws:TagKeys": ["env", "team"]}},
                )
            ),
        ),
        context={"aws:TagKeys": ["team", "owner"]},
    ),
    Case(
        "ForAllValues refuses one unlisted tag key",
        USER,
        "ec2:CreateTags",
        "*",
        "ImplicitDeny",
        identity=(
            doc(
                allow(
                    "ec2:CreateTags",
                    Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}},
                )
            ),
        ),
        context={"aws:TagKeys": ["team", "owner"]},
    ),
    Case(
        "StringNotEqualsIfExists holds without the key",
        USER,
        "ec2:RunInstances",
        "*",
        "Allowed",
        identity=(
            doc(
                allow(
                    "ec2:RunInstances",
                    Condition={"StringNotEqualsIfExists": {"ec2:InstanceType": "p4d.24xlarge"}},
                )
            ),
        ),
    ),
]

FAMILIES: dict[str, tuple[str, list[Case]]] = {
    "caller-identity": ("STS API reference: GetCallerIdentity", CALLER_IDENTITY),
    "arn-field-variables": (
        "managed policy AmazonTimestreamInfluxDBServiceRolePolicy",
        ARN_FIELD_VARIABLES,
    ),
    "bool-variables": ("IAM: condition operators, Boolean", BOOL_VARIABLES),
    "kms-key-policy": ("KMS: key policies, default key policy, cross-account", KMS),
    "s3-bucket-owner": ("S3: bucket policy walkthroughs; cross-account evaluation", S3),
    "sqs-sns": ("SQS policy examples; SNS access policy use cases", SQS_SNS),
    "lambda": ("Lambda: resource-based policies, permissions for services", LAMBDA),
    "secrets-manager": ("Secrets Manager: resource policies, cross-account", SECRETS),
    "evaluation-logic": (
        "IAM: evaluation logic, permissions boundaries, session policies",
        EVALUATION_LOGIC,
    ),
    "conditions": ("IAM: condition operators, policy variables", CONDITIONS),
}

FAMILIES.update(CONDITION_FAMILIES)
FAMILIES.update(PRINCIPAL_FAMILIES)

ALL = [(family, case) for family, (_source, cases) in FAMILIES.items() for case in cases]


@pytest.mark.parametrize(("family", "case"), ALL, ids=[f"{f}:{c.name}" for f, c in ALL])
def test_documented_outcome(family: str, case: Case) -> None:
    check(case)


def test_every_family_names_its_source_and_has_cases() -> None:
    for family, (source, cases) in FAMILIES.items():
        assert source.strip(), family
        assert cases, family
        assert len({case.name for case in cases}) == len(cases), family


def test_get_caller_identity_names_why() -> None:
    decision = evaluate(
        Request(USER, "sts:GetCallerIdentity", "*"), PolicySet(identity=[doc(deny("*"))])
    )
    assert [reason.code for reason in decision.reasons] == ["always-allowed"]


def test_key_policy_without_the_account_says_so() -> None:
    decision = evaluate(
        Request(SESSION, "kms:Decrypt", KEY, ACCOUNT),
        PolicySet(
            identity=[_DECRYPT],
            resource=doc(grant({"AWS": f"arn:aws:iam::{ACCOUNT}:role/other"}, "kms:*")),
        ),
    )
    assert "key-policy-no-allow" in {reason.code for reason in decision.reasons}


def test_bool_value_that_is_no_boolean_is_still_refused() -> None:
    statement = allow("s3:GetObject", Condition={"Bool": {"aws:SecureTransport": "yes"}})
    decision = evaluate(
        Request(USER, "s3:GetObject", BUCKET_OBJECT, context={"aws:SecureTransport": "true"}),
        PolicySet(identity=[doc(statement)]),
    )
    assert not decision.allowed
    assert decision.unevaluable
