/**
 * Zod schemas of the CloudFormation shapes deploy/cloudformation.yaml uses, written from the CloudFormation
 * resource reference (no network at test time, and the AWS spec packages weigh tens of megabytes). Objects are
 * strict, so a misspelt or misplaced property fails; values may be intrinsic functions wherever CloudFormation
 * allows them. Only the resource types listed here may appear in the template: adding one means adding its
 * schema. Property lists cover what the template uses plus the neighbours most likely to be added later.
 */
import { z } from "zod";

/** `{ "Ref": … }`, `{ "Fn::…": … }`: exactly one key. */
const intrinsic = z
  .record(z.string().regex(/^(Ref|Fn::[A-Za-z]+)$/), z.unknown())
  .refine((o) => Object.keys(o).length === 1, "an intrinsic function is an object with one key");

const str = z.union([z.string(), intrinsic]);
const int = (min: number, max: number) =>
  z.union([z.number().int().min(min).max(max), z.string().regex(/^\d+$/), intrinsic]);
const num = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/), intrinsic]);
const bool = z.union([z.boolean(), intrinsic]);
const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.union([z.enum(values), intrinsic]);
/** A list, a list with intrinsic items (e.g. Fn::If with AWS::NoValue), or an intrinsic giving a list. */
const list = <T extends z.ZodType>(item: T) => z.union([z.array(z.union([item, intrinsic])), intrinsic]);
const strings = z.union([str, list(str)]);
const tags = list(z.strictObject({ Key: str, Value: str }));

// --- IAM -------------------------------------------------------------------------------------------------------

const statement = z
  .strictObject({
    Sid: z
      .string()
      .regex(/^[A-Za-z0-9]+$/, "a Sid is alphanumeric")
      .optional(),
    Effect: z.enum(["Allow", "Deny"]),
    Principal: z.union([z.literal("*"), z.record(z.string(), strings)]).optional(),
    NotPrincipal: z.record(z.string(), strings).optional(),
    Action: strings.optional(),
    NotAction: strings.optional(),
    Resource: strings.optional(),
    NotResource: strings.optional(),
    Condition: z.record(z.string(), z.record(z.string(), strings)).optional(),
  })
  .refine((s) => (s.Action === undefined) !== (s.NotAction === undefined), "one of Action or NotAction");

export const policyDocument = z.strictObject({
  Version: z.literal("2012-10-17"),
  Id: z.string().optional(),
  Statement: z.array(z.union([statement, intrinsic])).min(1),
});

const iamRole = z.strictObject({
  AssumeRolePolicyDocument: policyDocument,
  Description: str.optional(),
  ManagedPolicyArns: list(str).optional(),
  MaxSessionDuration: int(3600, 43200).optional(),
  Path: str.optional(),
  PermissionsBoundary: str.optional(),
  Policies: list(z.strictObject({ PolicyName: str, PolicyDocument: policyDocument })).optional(),
  RoleName: str.optional(),
  Tags: tags.optional(),
});

// --- SQS -------------------------------------------------------------------------------------------------------

const sqsQueue = z.strictObject({
  ContentBasedDeduplication: bool.optional(),
  DeduplicationScope: str.optional(),
  DelaySeconds: int(0, 900).optional(),
  FifoQueue: bool.optional(),
  FifoThroughputLimit: str.optional(),
  KmsDataKeyReusePeriodSeconds: int(60, 86400).optional(),
  KmsMasterKeyId: str.optional(),
  MaximumMessageSize: int(1024, 1048576).optional(),
  MessageRetentionPeriod: int(60, 1209600).optional(),
  QueueName: str.optional(),
  ReceiveMessageWaitTimeSeconds: int(0, 20).optional(),
  RedriveAllowPolicy: z.union([z.record(z.string(), z.unknown()), z.string()]).optional(),
  RedrivePolicy: z
    .union([
      z.strictObject({ deadLetterTargetArn: str, maxReceiveCount: int(1, 1000) }),
      z.string(),
      intrinsic,
    ])
    .optional(),
  SqsManagedSseEnabled: bool.optional(),
  Tags: tags.optional(),
  VisibilityTimeout: int(0, 43200).optional(),
});

// --- ECS -------------------------------------------------------------------------------------------------------

const keyValue = z.strictObject({ Name: str, Value: str });

const containerDefinition = z.strictObject({
  Name: str,
  Image: str,
  Essential: bool.optional(),
  Cpu: int(0, 65536).optional(),
  Memory: int(4, 1048576).optional(),
  MemoryReservation: int(4, 1048576).optional(),
  Command: list(str).optional(),
  EntryPoint: list(str).optional(),
  User: str.optional(),
  WorkingDirectory: str.optional(),
  ReadonlyRootFilesystem: bool.optional(),
  StartTimeout: int(2, 600).optional(),
  StopTimeout: int(2, 600).optional(),
  PortMappings: list(
    z.strictObject({
      ContainerPort: int(1, 65535),
      HostPort: int(0, 65535).optional(),
      Protocol: oneOf(["tcp", "udp"] as const).optional(),
      Name: str.optional(),
      AppProtocol: oneOf(["http", "http2", "grpc"] as const).optional(),
    }),
  ).optional(),
  Environment: list(keyValue).optional(),
  EnvironmentFiles: list(z.strictObject({ Type: z.literal("s3"), Value: str })).optional(),
  Secrets: list(z.strictObject({ Name: str, ValueFrom: str })).optional(),
  HealthCheck: z
    .strictObject({
      Command: list(str),
      Interval: int(5, 300).optional(),
      Timeout: int(2, 120).optional(),
      Retries: int(1, 10).optional(),
      StartPeriod: int(0, 300).optional(),
    })
    .optional(),
  LogConfiguration: z
    .strictObject({
      LogDriver: oneOf(["awslogs", "awsfirelens", "splunk", "json-file", "syslog", "fluentd"] as const),
      Options: z.record(z.string(), str).optional(),
      SecretOptions: list(z.strictObject({ Name: str, ValueFrom: str })).optional(),
    })
    .optional(),
  LinuxParameters: z.record(z.string(), z.unknown()).optional(),
  Ulimits: list(z.strictObject({ Name: str, SoftLimit: num, HardLimit: num })).optional(),
  DockerLabels: z.record(z.string(), str).optional(),
});

const taskDefinition = z.strictObject({
  Family: str.optional(),
  Cpu: str.optional(),
  Memory: str.optional(),
  NetworkMode: oneOf(["awsvpc", "bridge", "host", "none"] as const).optional(),
  RequiresCompatibilities: list(
    oneOf(["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"] as const),
  ).optional(),
  RuntimePlatform: z
    .strictObject({
      CpuArchitecture: oneOf(["X86_64", "ARM64"] as const).optional(),
      OperatingSystemFamily: str.optional(),
    })
    .optional(),
  ExecutionRoleArn: str.optional(),
  TaskRoleArn: str.optional(),
  ContainerDefinitions: list(containerDefinition),
  EphemeralStorage: z.strictObject({ SizeInGiB: int(21, 200) }).optional(),
  Volumes: list(z.record(z.string(), z.unknown())).optional(),
  Tags: tags.optional(),
});

const ecsCluster = z.strictObject({
  ClusterName: str.optional(),
  ClusterSettings: list(
    z.strictObject({
      Name: z.literal("containerInsights"),
      Value: oneOf(["enabled", "disabled", "enhanced"] as const),
    }),
  ).optional(),
  CapacityProviders: list(str).optional(),
  DefaultCapacityProviderStrategy: list(z.record(z.string(), z.unknown())).optional(),
  Tags: tags.optional(),
});

const ecsService = z.strictObject({
  Cluster: str.optional(),
  ServiceName: str.optional(),
  TaskDefinition: str.optional(),
  LaunchType: oneOf(["EC2", "FARGATE", "EXTERNAL"] as const).optional(),
  CapacityProviderStrategy: list(
    z.strictObject({
      CapacityProvider: str,
      Weight: int(0, 1000).optional(),
      Base: int(0, 100000).optional(),
    }),
  ).optional(),
  PlatformVersion: str.optional(),
  DesiredCount: int(0, 100000).optional(),
  NetworkConfiguration: z
    .strictObject({
      AwsvpcConfiguration: z.strictObject({
        Subnets: list(str),
        SecurityGroups: list(str).optional(),
        AssignPublicIp: oneOf(["ENABLED", "DISABLED"] as const).optional(),
      }),
    })
    .optional(),
  DeploymentConfiguration: z
    .strictObject({
      MinimumHealthyPercent: int(0, 100).optional(),
      MaximumPercent: int(100, 1000).optional(),
      DeploymentCircuitBreaker: z.strictObject({ Enable: bool, Rollback: bool }).optional(),
      Alarms: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  EnableECSManagedTags: bool.optional(),
  EnableExecuteCommand: bool.optional(),
  PropagateTags: oneOf(["SERVICE", "TASK_DEFINITION", "NONE"] as const).optional(),
  HealthCheckGracePeriodSeconds: int(0, 2147483647).optional(),
  Tags: tags.optional(),
});

// --- Application Auto Scaling, CloudWatch, Logs -----------------------------------------------------------------

const scalableTarget = z.strictObject({
  ServiceNamespace: oneOf(["ecs"] as const),
  ScalableDimension: oneOf(["ecs:service:DesiredCount"] as const),
  ResourceId: str,
  MinCapacity: int(0, 100000),
  MaxCapacity: int(0, 100000),
  RoleARN: str.optional(),
  SuspendedState: z.record(z.string(), bool).optional(),
});

const dimension = z.strictObject({ Name: str, Value: str });
const metricQuery = z.strictObject({
  Id: z.string().regex(/^[a-z][a-zA-Z0-9_]*$/, "a metric query Id starts with a lower-case letter"),
  Expression: str.optional(),
  Label: str.optional(),
  ReturnData: bool.optional(),
  MetricStat: z
    .strictObject({
      Metric: z.strictObject({ Namespace: str, MetricName: str, Dimensions: list(dimension).optional() }),
      Stat: str,
      Unit: str.optional(),
    })
    .optional(),
});

const scalingPolicy = z.strictObject({
  PolicyName: str,
  PolicyType: oneOf(["TargetTrackingScaling", "StepScaling"] as const),
  ScalingTargetId: str.optional(),
  ResourceId: str.optional(),
  ScalableDimension: str.optional(),
  ServiceNamespace: str.optional(),
  TargetTrackingScalingPolicyConfiguration: z
    .strictObject({
      TargetValue: num,
      DisableScaleIn: bool.optional(),
      ScaleInCooldown: int(0, 86400).optional(),
      ScaleOutCooldown: int(0, 86400).optional(),
      PredefinedMetricSpecification: z.record(z.string(), z.unknown()).optional(),
      CustomizedMetricSpecification: z
        .strictObject({
          MetricName: str.optional(),
          Namespace: str.optional(),
          Dimensions: list(dimension).optional(),
          Statistic: str.optional(),
          Unit: str.optional(),
          Metrics: z.array(metricQuery).min(1).optional(),
        })
        .optional(),
    })
    .optional(),
  StepScalingPolicyConfiguration: z.record(z.string(), z.unknown()).optional(),
});

const alarm = z.strictObject({
  AlarmName: str.optional(),
  AlarmDescription: str.optional(),
  ActionsEnabled: bool.optional(),
  AlarmActions: list(str).optional(),
  OKActions: list(str).optional(),
  InsufficientDataActions: list(str).optional(),
  Namespace: str.optional(),
  MetricName: str.optional(),
  Dimensions: list(dimension).optional(),
  Statistic: oneOf(["Average", "Maximum", "Minimum", "SampleCount", "Sum"] as const).optional(),
  Period: int(10, 86400).optional(),
  EvaluationPeriods: int(1, 100000),
  DatapointsToAlarm: int(1, 100000).optional(),
  Threshold: num.optional(),
  ComparisonOperator: oneOf([
    "GreaterThanOrEqualToThreshold",
    "GreaterThanThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
  ] as const),
  TreatMissingData: oneOf(["breaching", "notBreaching", "ignore", "missing"] as const).optional(),
  Unit: str.optional(),
});

const logGroup = z.strictObject({
  LogGroupName: str.optional(),
  RetentionInDays: int(1, 3653).optional(),
  KmsKeyId: str.optional(),
  LogGroupClass: oneOf(["STANDARD", "INFREQUENT_ACCESS"] as const).optional(),
  Tags: tags.optional(),
});

// --- The template --------------------------------------------------------------------------------------------

const resourceOf = <T extends string, P extends z.ZodType>(type: T, properties: P) =>
  z.strictObject({
    Type: z.literal(type),
    Properties: properties,
    Condition: z.string().optional(),
    DependsOn: z.union([z.string(), z.array(z.string())]).optional(),
    DeletionPolicy: z.enum(["Delete", "Retain", "RetainExceptOnCreate", "Snapshot"]).optional(),
    UpdateReplacePolicy: z.enum(["Delete", "Retain", "Snapshot"]).optional(),
    Metadata: z.record(z.string(), z.unknown()).optional(),
  });

export const resourceSchema = z.discriminatedUnion("Type", [
  resourceOf("AWS::SQS::Queue", sqsQueue),
  resourceOf("AWS::IAM::Role", iamRole),
  resourceOf("AWS::ECS::Cluster", ecsCluster),
  resourceOf("AWS::ECS::TaskDefinition", taskDefinition),
  resourceOf("AWS::ECS::Service", ecsService),
  resourceOf("AWS::ApplicationAutoScaling::ScalableTarget", scalableTarget),
  resourceOf("AWS::ApplicationAutoScaling::ScalingPolicy", scalingPolicy),
  resourceOf("AWS::CloudWatch::Alarm", alarm),
  resourceOf("AWS::Logs::LogGroup", logGroup),
]);

const parameterSchema = z.strictObject({
  Type: z.enum([
    "String",
    "Number",
    "CommaDelimitedList",
    "List<Number>",
    "List<AWS::EC2::Subnet::Id>",
    "List<AWS::EC2::SecurityGroup::Id>",
    "AWS::EC2::VPC::Id",
  ]),
  Default: z.union([z.string(), z.number()]).optional(),
  AllowedValues: z
    .array(z.union([z.string(), z.number()]))
    .min(1)
    .optional(),
  AllowedPattern: z.string().optional(),
  MinValue: z.number().optional(),
  MaxValue: z.number().optional(),
  MinLength: z.number().optional(),
  MaxLength: z.number().optional(),
  NoEcho: z.boolean().optional(),
  Description: z.string().max(4000).optional(),
  ConstraintDescription: z.string().optional(),
});

export const templateSchema = z.strictObject({
  AWSTemplateFormatVersion: z.literal("2010-09-09"),
  Description: z.string().max(1024),
  Metadata: z.record(z.string(), z.unknown()).optional(),
  Parameters: z.record(z.string().regex(/^[A-Za-z0-9]+$/), parameterSchema),
  Conditions: z.record(z.string(), intrinsic).optional(),
  Resources: z.record(z.string().regex(/^[A-Za-z0-9]+$/), resourceSchema),
  Outputs: z
    .record(
      z.string().regex(/^[A-Za-z0-9]+$/),
      z.strictObject({
        Value: z.union([str, z.number()]),
        Description: z.string().optional(),
        Condition: z.string().optional(),
        Export: z.strictObject({ Name: str }).optional(),
      }),
    )
    .optional(),
});
