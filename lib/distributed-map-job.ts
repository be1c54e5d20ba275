/**
 * A fan-out job as one Standard Step Functions state machine: whatever steps the caller puts before and
 * after, and one DISTRIBUTED Map that reads a JSON-array manifest from S3 and invokes one Lambda function per
 * item (bounded concurrency, retries with exponential backoff and jitter, a failure threshold), writing the
 * map run's results to a prefix of a bucket. Every step invokes that one function. The state machine logs
 * every event (without execution data: payloads carry pseudonyms) to a KMS-encrypted log group, traces with
 * X-Ray, and may do nothing else: invoke its function, read the manifest prefix, write its results prefix,
 * and start, describe, stop and redrive its own child executions (the Distributed Map's). An item may also be
 * a loop (`itemLoop`): the function does a bounded part of the item's work per invocation and says whether it
 * is done and where the next invocation starts.
 */
import { Arn, ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ConfigError } from '#core/errors.js';
import { KEY_PENDING_WINDOW, SECURE_KEY } from './defaults.js';
import { acknowledgeFindings, logicalIdOf, prefixFinding } from './nag.js';

/** Defaults of the map and of every invocation's retries. */
export const DISTRIBUTED_MAP_JOB_DEFAULTS = {
  maxConcurrency: 16,
  toleratedFailurePercentage: 0,
  retryAttempts: 3,
  retryInterval: Duration.seconds(2),
  retryBackoffRate: 2,
  retryMaxDelay: Duration.minutes(1),
  timeout: Duration.hours(24),
} as const;

/**
 * Errors an invocation is retried on: Lambda's transient service errors and the function's own failures
 * (`States.TaskFailed`, e.g. a conditional write that lost a race). Timeouts are not retried.
 */
const RETRIED_ERRORS = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  sfn.Errors.TASKS_FAILED,
];

/** An S3 location: a bucket (SSE-KMS) and a key prefix in it. */
export interface BucketPrefix {
  /** The bucket; its encryption key (if any) is used through S3 only. */
  readonly bucket: s3.IBucket;
  /** Key prefix, ending in `/`. */
  readonly prefix: string;
}

/**
 * An item that takes several invocations of the function, in order: each response carries `done` (boolean)
 * and the field `progressField`, where the next invocation starts. While `done` is false the item invokes
 * again with `nextRequest`; the last response is the item's output. A response that is not done and did not
 * move `progressField` fails the item (`<item>Stalled`) instead of looping for ever: the function must always
 * advance, so every loop ends. Each invocation is one state transition cycle of the item's child execution
 * (about 9 history events), so one item may take about 2,500 invocations (Step Functions keeps 25,000 events
 * per execution); the execution timeout bounds the loop too.
 */
export interface ItemLoop {
  /**
   * The next invocation's request, JSONPath over `{...the last request, result: the last response}`, e.g.
   * `{ action: 'x', 'from.$': '$.result.from', 'to.$': '$.to' }`. @default (required)
   */
  readonly nextRequest: Record<string, unknown>;
  /** The request and response field the function advances (compared as strings). @default (required) */
  readonly progressField: string;
}

/** What the caller builds its steps from. */
export interface DistributedMapJobSteps {
  /** The Distributed Map state (chain it where the items are due). */
  readonly map: sfn.DistributedMap;
  /**
   * A Task that invokes the job's function with `payload` (JSONPath fields allowed), retried like the map's
   * items, its result placed at `resultPath` (@default '$', the result replaces the state).
   */
  invoke(id: string, payload: Record<string, unknown>, resultPath?: string): sfn.TaskStateBase;
}

/**
 * What every job built on DistributedMapJob takes from the stack: its stage, function, the curated bucket
 * its manifests live in, the athena-results bucket its map results go to, and its limits.
 */
export interface MapJobSettings {
  /** Stage (names the state machine and its log group `worktrace-<stage>-…`). @default (required) */
  readonly stage: string;
  /** The function the map invokes per item. @default (required) */
  readonly function: lambda.IFunction;
  /** The curated zone's bucket: the manifests. @default (required) */
  readonly curatedBucket: s3.IBucket;
  /** The athena-results zone's bucket: the map runs' results. @default (required) */
  readonly athenaResultsBucket: s3.IBucket;
  /** Items processed at once. @default 16 */
  readonly maxConcurrency?: number;
  /** Percentage of items that may fail (after their retries) without failing the map. @default 0 */
  readonly toleratedFailurePercentage?: number;
  /** Longest execution. @default Duration.hours(24) */
  readonly timeout?: Duration;
  /** Log retention. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Removal policy of the log group and its key. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** The limits and lifecycle settings a job passes on to DistributedMapJob (only those it sets). */
export function mapJobLimits(
  settings: MapJobSettings,
): Pick<
  MapJobSettings,
  'maxConcurrency' | 'toleratedFailurePercentage' | 'timeout' | 'logRetention' | 'removalPolicy'
> {
  const { maxConcurrency, toleratedFailurePercentage, timeout, logRetention, removalPolicy } = settings;
  return {
    ...(maxConcurrency === undefined ? {} : { maxConcurrency }),
    ...(toleratedFailurePercentage === undefined ? {} : { toleratedFailurePercentage }),
    ...(timeout ? { timeout } : {}),
    ...(logRetention ? { logRetention } : {}),
    ...(removalPolicy ? { removalPolicy } : {}),
  };
}

/** Props of DistributedMapJob. */
export interface DistributedMapJobProps {
  /** What the job does (state machine comment, log group and key descriptions). @default (required) */
  readonly description: string;
  /** Name of the state machine, and of its log group under `/aws/vendedlogs/states/`. @default (required) */
  readonly name: string;
  /** The one function every step invokes. @default (required) */
  readonly function: lambda.IFunction;
  /** Where the manifests are: the map reads `Key` from `manifestKeyPath` and only under this prefix. @default (required) */
  readonly manifests: BucketPrefix;
  /** Name of the Distributed Map state. @default (required) */
  readonly mapStateName: string;
  /** Name of the task that invokes the function for one item. @default (required) */
  readonly itemStateName: string;
  /** JSONPath of the manifest's key in the map state's input. @default (required) */
  readonly manifestKeyPath: string;
  /**
   * The payload of each item's invocation (`$` is the map state's input, `$$.Map.Item.Value` the item).
   * @default (required)
   */
  readonly itemSelector: Record<string, unknown>;
  /**
   * Loop each item until the function says it is done (see ItemLoop); the item states are `<item>` (invoke,
   * response at `$.result`), `<item>Done` (Choice on `$.result.done`), `<item>Continue` (the next request),
   * `<item>Finished` (output: the last response) and `<item>Stalled` (Fail). @default one invocation per item
   */
  readonly itemLoop?: ItemLoop;
  /** Where the map run writes its results (JSONL, compact). @default (required) */
  readonly results: BucketPrefix;
  /** JSONPath the map's result (the results' location) is placed at in the state. @default '$.mapRun' */
  readonly mapResultPath?: string;
  /** Items processed at once. @default 16 */
  readonly maxConcurrency?: number;
  /** Percentage of items that may fail (after their retries) without failing the map. @default 0 */
  readonly toleratedFailurePercentage?: number;
  /** Attempts of a failed invocation after the first. @default 3 */
  readonly retryAttempts?: number;
  /** Wait before the first retry (doubling each time, with full jitter, at most one minute). @default Duration.seconds(2) */
  readonly retryInterval?: Duration;
  /** Longest execution. @default Duration.hours(24) */
  readonly timeout?: Duration;
  /** Retention of the log group. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Removal policy of the log group and its key. The log group's name is fixed, so a retained one must be
   * deleted before the same stage is deployed again after its stack was deleted. @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /** Builds the whole definition around the map. @default (required) */
  readonly definition: (steps: DistributedMapJobSteps) => sfn.IChainable;
}

/** A Distributed Map job: the state machine, its role, log group and log key. */
export class DistributedMapJob extends Construct {
  /** The state machine (Standard). */
  public readonly stateMachine: sfn.StateMachine;
  /** Its role: invokes the one function, reads manifests, writes results, runs its own child executions. */
  public readonly role: iam.Role;
  /** The Distributed Map state. */
  public readonly map: sfn.DistributedMap;
  /** Execution events (no execution data). */
  public readonly logGroup: logs.LogGroup;
  /** Key of the log group. */
  public readonly logKey: kms.Key;

  constructor(scope: Construct, id: string, props: DistributedMapJobProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const d = DISTRIBUTED_MAP_JOB_DEFAULTS;
    const toleratedFailurePercentage = props.toleratedFailurePercentage ?? d.toleratedFailurePercentage;
    const maxConcurrency = props.maxConcurrency ?? d.maxConcurrency;
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > 10_000)
      throw new ConfigError(`${this.node.path}: maxConcurrency must be an integer from 1 to 10000`);
    if (toleratedFailurePercentage < 0 || toleratedFailurePercentage > 100)
      throw new ConfigError(`${this.node.path}: toleratedFailurePercentage must be from 0 to 100`);

    const logGroupName = `/aws/vendedlogs/states/${props.name}`;
    this.logKey = new kms.Key(this, 'LogKey', {
      ...SECURE_KEY,
      description: `worktrace ${props.description}: execution logs`,
      pendingWindow: KEY_PENDING_WINDOW,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs may use the key for this one log group only (the name is fixed, so no cycle).
    this.logKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsOfThisLogGroup',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnEquals: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: logGroupName,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName,
      encryptionKey: this.logKey,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    const retry: sfn.RetryProps = {
      errors: RETRIED_ERRORS,
      maxAttempts: props.retryAttempts ?? d.retryAttempts,
      interval: props.retryInterval ?? d.retryInterval,
      backoffRate: d.retryBackoffRate,
      maxDelay: d.retryMaxDelay,
      jitterStrategy: sfn.JitterType.FULL,
    };
    // Without a payload the task sends its whole input (the item, as the map's selector shaped it).
    const task = (stateId: string, payload: sfn.TaskInput | undefined, resultPath = '$') =>
      new tasks.LambdaInvoke(this, stateId, {
        lambdaFunction: props.function,
        ...(payload ? { payload } : {}),
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
        resultPath,
      }).addRetry(retry);
    const invoke = (stateId: string, payload: Record<string, unknown>, resultPath?: string) =>
      task(stateId, sfn.TaskInput.fromObject(payload), resultPath);

    this.map = new DistributedMapWithThreshold(this, props.mapStateName, {
      toleratedFailurePercentage,
      maxConcurrency,
      itemReader: new ManifestReader(props.manifests, props.manifestKeyPath),
      itemSelector: props.itemSelector,
      resultWriterV2: new PrefixResultWriter(props.results),
      resultPath: props.mapResultPath ?? '$.mapRun',
    });
    this.map.itemProcessor(
      props.itemLoop
        ? this.itemLoop(props.itemStateName, props.itemLoop, (stateId) =>
            task(stateId, undefined, '$.result'),
          )
        : task(props.itemStateName, undefined),
    );

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com', {
        conditions: {
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'states',
              resource: 'stateMachine',
              resourceName: props.name,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.name,
      comment: `worktrace: ${props.description}`,
      stateMachineType: sfn.StateMachineType.STANDARD,
      role: this.role,
      definitionBody: sfn.DefinitionBody.fromChainable(props.definition({ map: this.map, invoke })),
      timeout: props.timeout ?? d.timeout,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    for (const location of [props.manifests, props.results]) {
      const key = location.bucket.encryptionKey;
      if (key)
        this.role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            actions: location === props.manifests ? ['kms:Decrypt'] : ['kms:Decrypt', 'kms:GenerateDataKey'],
            resources: [key.keyArn],
            conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
          }),
        );
    }
    this.acknowledge(props);
  }

  /**
   * The looping item: invoke (the response beside the request, at `$.result`), then finish when it is done,
   * fail when it did not advance, or build the next request and invoke again.
   */
  private itemLoop(
    itemStateName: string,
    loop: ItemLoop,
    invoke: (stateId: string) => sfn.TaskStateBase,
  ): sfn.IChainable {
    const item = invoke(itemStateName);
    const field = loop.progressField;
    const next = new sfn.Pass(this, `${itemStateName}Continue`, { parameters: loop.nextRequest });
    item.next(
      new sfn.Choice(this, `${itemStateName}Done`)
        .when(
          sfn.Condition.booleanEquals('$.result.done', true),
          new sfn.Succeed(this, `${itemStateName}Finished`, { outputPath: '$.result' }),
        )
        .when(
          sfn.Condition.stringEqualsJsonPath(`$.result.${field}`, `$.${field}`),
          new sfn.Fail(this, `${itemStateName}Stalled`, {
            error: 'ItemMadeNoProgress',
            cause: `The function returned done: false without advancing "${field}"; invoking it again would loop for ever.`,
          }),
        )
        .otherwise(next.next(item)),
    );
    return item;
  }

  /** The findings this construct's IAM inherently has, each on the policy that carries it. */
  private acknowledge(props: DistributedMapJobProps): void {
    const fn = `<${logicalIdOf(props.function)}.Arn>`;
    // How aws-cdk-lib writes the state machine's name into the execution ARNs it grants (cdk-nag's finding).
    const stack = Stack.of(this);
    const name = JSON.stringify(
      stack.resolve(Arn.split(this.stateMachine.stateMachineArn, ArnFormat.COLON_RESOURCE_NAME).resourceName),
    );
    const executions = `Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${name}`;
    acknowledgeFindings(
      this.stateMachine.node.findChild('DistributedMapPolicy'),
      'AwsSolutions-IAM5',
      [`${executions}:*`, `${executions}/*:*`],
      "The Distributed Map's own child executions: describe and stop the executions of this one state " +
        'machine (`execution:<name>:*`) and redrive its map runs (`execution:<name>/<map run>:*`); the ids ' +
        'are made at run time. Added by aws-cdk-lib for every Distributed Map.',
    );
    acknowledgeFindings(
      this.role,
      'AwsSolutions-IAM5',
      [
        'Resource::*',
        `Resource::${fn}:*`,
        prefixFinding(props.manifests.bucket, props.manifests.prefix),
        prefixFinding(props.results.bucket, props.results.prefix),
      ],
      'Scoped wildcards only: "*" for X-Ray (no resource-level permissions) and for the CloudWatch Logs ' +
        'delivery APIs Step Functions logging needs (none supports a resource); the versions and aliases ' +
        '(`:*`) of the one function this state machine invokes; the manifests prefix it reads and the ' +
        'results prefix its map run writes.',
    );
  }
}

/**
 * A Distributed Map whose failure threshold is always written out: aws-cdk-lib leaves a threshold of 0 out
 * of the definition (where it means the same), and a reader of the definition should see it.
 */
class DistributedMapWithThreshold extends sfn.DistributedMap {
  private readonly threshold: number;

  constructor(
    scope: Construct,
    id: string,
    props: sfn.DistributedMapProps & { toleratedFailurePercentage: number },
  ) {
    super(scope, id, props);
    this.threshold = props.toleratedFailurePercentage;
  }

  override toStateJson(queryLanguage?: sfn.QueryLanguage): object {
    return { ...super.toStateJson(queryLanguage), ToleratedFailurePercentage: this.threshold };
  }
}

/** Reads a JSON-array manifest whose key comes from the state, and may read only under one prefix. */
class ManifestReader implements sfn.IItemReader {
  public readonly bucket: s3.IBucket;
  public readonly resource: string;

  constructor(
    private readonly location: BucketPrefix,
    private readonly keyPath: string,
  ) {
    this.bucket = location.bucket;
    this.resource = `arn:${Stack.of(location.bucket).partition}:states:::s3:getObject`;
  }

  render(): unknown {
    return sfn.FieldUtils.renderObject({
      Resource: this.resource,
      ReaderConfig: { InputType: 'JSON' },
      Parameters: { Bucket: this.bucket.bucketName, Key: sfn.JsonPath.stringAt(this.keyPath) },
    });
  }

  providePolicyStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects(`${this.location.prefix}*`)],
      }),
    ];
  }

  validateItemReader(): string[] {
    return [];
  }
}

/** The map run's results (JSONL, child outputs only) under one prefix, with rights on that prefix only. */
class PrefixResultWriter extends sfn.ResultWriterV2 {
  constructor(private readonly location: BucketPrefix) {
    super({
      bucket: location.bucket,
      prefix: location.prefix,
      writerConfig: new sfn.WriterConfig({
        outputType: sfn.OutputType.JSONL,
        transformation: sfn.Transformation.COMPACT,
      }),
    });
  }

  override providePolicyStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
        resources: [this.location.bucket.arnForObjects(`${this.location.prefix}*`)],
      }),
    ];
  }
}
