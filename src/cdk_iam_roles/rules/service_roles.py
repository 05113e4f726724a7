"""Which service must trust a role that a resource property names (data, pure Python).

Each entry says: a resource of ``resource_type`` passes the role named by
``property_path`` to an AWS service, which then calls ``sts:AssumeRole`` with the
service principal; so the role's trust policy must allow one of ``principals``. The
property names were taken from the CloudFormation resource schemas that cfn-lint ships
(``cfnlint/data/schemas``); ``tests/rules/test_service_roles_data.py`` checks every
path against those schemas. The principal of each entry is the one the ``citation``
page shows in the role's trust policy.

Path syntax: properties separated by ``.``; ``[]`` after a name walks each item of a
list (``Targets[].RoleArn``).

To add an entry: find the resource property that takes the role (ARN or name) in the
schema, find the AWS page showing the trust policy the service needs, and add a
``RoleUse`` (keep ``ROLE_USES`` sorted by resource type, then path).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ROLE_USES", "RoleUse", "values_at"]


@dataclass(frozen=True, slots=True)
class RoleUse:
    """One resource property through which a service receives a role.

    Args:
        resource_type: the CloudFormation type, e.g. ``AWS::Lambda::Function``.
        property_path: where the role is named, e.g. ``Role`` or ``Targets[].RoleArn``.
        principals: service principals, any one of which the trust must allow
            (``fnmatch`` patterns, lower-case).
        citation: the AWS page that shows the trust policy.
    """

    resource_type: str
    property_path: str
    principals: tuple[str, ...]
    citation: str


_D = "https://docs.aws.amazon.com/"

ROLE_USES: tuple[RoleUse, ...] = (
    RoleUse("AWS::Amplify::App", "IAMServiceRole", ("amplify.amazonaws.com",),
            _D + "amplify/latest/userguide/how-to-service-role-amplify-console.html"),
    RoleUse("AWS::ApiGateway::Account", "CloudWatchRoleArn", ("apigateway.amazonaws.com",),
            _D + "apigateway/latest/developerguide/set-up-logging.html"),
    RoleUse("AWS::AppRunner::Service", "InstanceConfiguration.InstanceRoleArn",
            ("tasks.apprunner.amazonaws.com",),
            _D + "apprunner/latest/dg/security_iam_service-with-iam.html"),
    RoleUse("AWS::AppRunner::Service",
            "SourceConfiguration.AuthenticationConfiguration.AccessRoleArn",
            ("build.apprunner.amazonaws.com",),
            _D + "apprunner/latest/dg/security_iam_service-with-iam.html"),
    RoleUse("AWS::AppSync::DataSource", "ServiceRoleArn", ("appsync.amazonaws.com",),
            _D + "appsync/latest/devguide/attaching-a-data-source.html"),
    RoleUse("AWS::Backup::BackupSelection", "BackupSelection.IamRoleArn",
            ("backup.amazonaws.com",),
            _D + "aws-backup/latest/devguide/iam-service-roles.html"),
    RoleUse("AWS::Batch::ComputeEnvironment", "ServiceRole", ("batch.amazonaws.com",),
            _D + "batch/latest/userguide/service_IAM_role.html"),
    RoleUse("AWS::Batch::JobDefinition", "ContainerProperties.ExecutionRoleArn",
            ("ecs-tasks.amazonaws.com",),
            _D + "batch/latest/userguide/execution-IAM-role.html"),
    RoleUse("AWS::Batch::JobDefinition", "ContainerProperties.JobRoleArn",
            ("ecs-tasks.amazonaws.com",),
            _D + "batch/latest/userguide/job_definition_parameters.html"),
    RoleUse("AWS::Bedrock::Agent", "AgentResourceRoleArn", ("bedrock.amazonaws.com",),
            _D + "bedrock/latest/userguide/agents-permissions.html"),
    RoleUse("AWS::Bedrock::KnowledgeBase", "RoleArn", ("bedrock.amazonaws.com",),
            _D + "bedrock/latest/userguide/kb-permissions.html"),
    RoleUse("AWS::CloudFormation::StackSet", "AdministrationRoleARN",
            ("cloudformation.amazonaws.com",),
            _D + "AWSCloudFormation/latest/UserGuide/stacksets-prereqs-self-managed.html"),
    RoleUse("AWS::CloudTrail::Trail", "CloudWatchLogsRoleArn", ("cloudtrail.amazonaws.com",),
            _D + "awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html"),
    RoleUse("AWS::CloudWatch::MetricStream", "RoleArn",
            ("streams.metrics.cloudwatch.amazonaws.com",),
            _D + "AmazonCloudWatch/latest/monitoring/CloudWatch-metric-streams-trustpolicy.html"),
    RoleUse("AWS::CodeBuild::Project", "ServiceRole", ("codebuild.amazonaws.com",),
            _D + "codebuild/latest/userguide/setting-up-service-role.html"),
    RoleUse("AWS::CodeDeploy::DeploymentGroup", "ServiceRoleArn", ("codedeploy.amazonaws.com",),
            _D + "codedeploy/latest/userguide/getting-started-create-service-role.html"),
    RoleUse("AWS::CodePipeline::Pipeline", "RoleArn", ("codepipeline.amazonaws.com",),
            _D + "codepipeline/latest/userguide/security-iam.html"),
    RoleUse("AWS::Config::ConfigurationRecorder", "RoleARN", ("config.amazonaws.com",),
            _D + "config/latest/developerguide/iamrole-permissions.html"),
    RoleUse("AWS::DLM::LifecyclePolicy", "ExecutionRoleArn", ("dlm.amazonaws.com",),
            _D + "ebs/latest/userguide/service-role.html"),
    RoleUse("AWS::DataBrew::Job", "RoleArn", ("databrew.amazonaws.com",),
            _D + "databrew/latest/dg/setting-up-iam-policy-for-data-resources-role.html"),
    RoleUse("AWS::DataSync::LocationS3", "S3Config.BucketAccessRoleArn",
            ("datasync.amazonaws.com",),
            _D + "datasync/latest/userguide/create-s3-location.html"),
    RoleUse("AWS::EC2::FlowLog", "DeliverLogsPermissionArn", ("vpc-flow-logs.amazonaws.com",),
            _D + "vpc/latest/userguide/flow-logs-iam-role.html"),
    RoleUse("AWS::ECS::TaskDefinition", "ExecutionRoleArn", ("ecs-tasks.amazonaws.com",),
            _D + "AmazonECS/latest/developerguide/task_execution_IAM_role.html"),
    RoleUse("AWS::ECS::TaskDefinition", "TaskRoleArn", ("ecs-tasks.amazonaws.com",),
            _D + "AmazonECS/latest/developerguide/task-iam-roles.html"),
    RoleUse("AWS::EKS::Cluster", "RoleArn", ("eks.amazonaws.com",),
            _D + "eks/latest/userguide/cluster-iam-role.html"),
    RoleUse("AWS::EKS::FargateProfile", "PodExecutionRoleArn",
            ("eks-fargate-pods.amazonaws.com",),
            _D + "eks/latest/userguide/pod-execution-role.html"),
    RoleUse("AWS::EKS::Nodegroup", "NodeRole", ("ec2.amazonaws.com",),
            _D + "eks/latest/userguide/create-node-role.html"),
    RoleUse("AWS::EKS::PodIdentityAssociation", "RoleArn", ("pods.eks.amazonaws.com",),
            _D + "eks/latest/userguide/pod-id-role.html"),
    RoleUse("AWS::EMR::Cluster", "ServiceRole", ("elasticmapreduce.amazonaws.com",),
            _D + "emr/latest/ManagementGuide/emr-iam-role.html"),
    RoleUse("AWS::Events::Endpoint", "RoleArn", ("events.amazonaws.com",),
            _D + "eventbridge/latest/userguide/eb-ge-create-endpoint.html"),
    RoleUse("AWS::Events::Rule", "RoleArn", ("events.amazonaws.com",),
            _D + "eventbridge/latest/userguide/eb-use-identity-based.html"),
    RoleUse("AWS::Events::Rule", "Targets[].RoleArn", ("events.amazonaws.com",),
            _D + "eventbridge/latest/userguide/eb-use-identity-based.html"),
    RoleUse("AWS::FIS::ExperimentTemplate", "RoleArn", ("fis.amazonaws.com",),
            _D + "fis/latest/userguide/getting-started-iam-service-role.html"),
    RoleUse("AWS::Glue::Crawler", "Role", ("glue.amazonaws.com",),
            _D + "glue/latest/dg/create-an-iam-role.html"),
    RoleUse("AWS::Glue::DevEndpoint", "RoleArn", ("glue.amazonaws.com",),
            _D + "glue/latest/dg/create-an-iam-role.html"),
    RoleUse("AWS::Glue::Job", "Role", ("glue.amazonaws.com",),
            _D + "glue/latest/dg/create-an-iam-role.html"),
    RoleUse("AWS::Glue::MLTransform", "Role", ("glue.amazonaws.com",),
            _D + "glue/latest/dg/create-an-iam-role.html"),
    RoleUse("AWS::IAM::InstanceProfile", "Roles[]", ("ec2.amazonaws.com",),
            _D + "IAM/latest/UserGuide/id_roles_use_switch-role-ec2_instance-profiles.html"),
    RoleUse("AWS::KinesisAnalyticsV2::Application", "ServiceExecutionRole",
            ("kinesisanalytics.amazonaws.com",),
            _D + "managed-flink/latest/java/iam-role.html"),
    RoleUse("AWS::KinesisFirehose::DeliveryStream",
            "ExtendedS3DestinationConfiguration.RoleARN", ("firehose.amazonaws.com",),
            _D + "firehose/latest/dev/controlling-access.html"),
    RoleUse("AWS::KinesisFirehose::DeliveryStream", "S3DestinationConfiguration.RoleARN",
            ("firehose.amazonaws.com",),
            _D + "firehose/latest/dev/controlling-access.html"),
    RoleUse("AWS::Lambda::Function", "Role", ("lambda.amazonaws.com",),
            _D + "lambda/latest/dg/lambda-intro-execution-role.html"),
    RoleUse("AWS::Logs::SubscriptionFilter", "RoleArn",
            ("logs.amazonaws.com", "logs.*.amazonaws.com"),
            _D + "AmazonCloudWatch/latest/logs/SubscriptionFilters.html"),
    RoleUse("AWS::Pipes::Pipe", "RoleArn", ("pipes.amazonaws.com",),
            _D + "eventbridge/latest/userguide/eb-pipes-permissions.html"),
    RoleUse("AWS::RDS::DBInstance", "MonitoringRoleArn", ("monitoring.rds.amazonaws.com",),
            _D + "AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html"),
    RoleUse("AWS::SSM::MaintenanceWindowTask", "ServiceRoleArn", ("ssm.amazonaws.com",),
            _D + "systems-manager/latest/userguide/sysman-maintenance-perm-console.html"),
    RoleUse("AWS::SageMaker::Model", "ExecutionRoleArn", ("sagemaker.amazonaws.com",),
            _D + "sagemaker/latest/dg/sagemaker-roles.html"),
    RoleUse("AWS::SageMaker::NotebookInstance", "RoleArn", ("sagemaker.amazonaws.com",),
            _D + "sagemaker/latest/dg/sagemaker-roles.html"),
    RoleUse("AWS::Scheduler::Schedule", "Target.RoleArn", ("scheduler.amazonaws.com",),
            _D + "scheduler/latest/UserGuide/setting-up.html"),
    RoleUse("AWS::StepFunctions::StateMachine", "RoleArn", ("states.amazonaws.com",),
            _D + "step-functions/latest/dg/procedure-create-iam-role.html"),
    RoleUse("AWS::Transfer::User", "Role", ("transfer.amazonaws.com",),
            _D + "transfer/latest/userguide/requirements-roles.html"),
)  # fmt: skip

if [(u.resource_type, u.property_path) for u in ROLE_USES] != sorted(
    (u.resource_type, u.property_path) for u in ROLE_USES
):  # pragma: no cover - a guard for editors of the table
    raise ValueError("ROLE_USES must be sorted by resource type, then path")


def values_at(properties: Mapping[str, Any], path: str) -> Iterator[Any]:
    """Every value found at ``path`` in resolved resource properties.

    Example:
        >>> list(values_at({"Targets": [{"RoleArn": "a"}, {"Id": "b"}]}, "Targets[].RoleArn"))
        ['a']
    """
    current: list[Any] = [properties]
    for part in path.split("."):
        many = part.endswith("[]")
        name = part[:-2] if many else part
        following: list[Any] = []
        for value in current:
            if not isinstance(value, Mapping) or name not in value:
                continue
            item = value[name]
            if many:
                following.extend(item if isinstance(item, list) else [item])
            else:
                following.append(item)
        current = following
    yield from current
