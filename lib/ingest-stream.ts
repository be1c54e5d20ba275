/** The ingest stream: Kinesis encrypted with its own customer-managed key, plus the agents' policy. */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Effect, ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { dataKeyPolicyGuards, KEY_PENDING_WINDOW, keyPolicyAdministrators, SECURE_KEY } from './defaults.js';

/** Props of IngestStream. */
export interface IngestStreamProps {
  /** Capacity mode. @default 'on-demand' */
  readonly mode?: 'on-demand' | 'provisioned';
  /** Shards when mode is 'provisioned'. @default 1 */
  readonly shards?: number;
  /** How long records stay readable. @default Duration.hours(24) */
  readonly retention?: Duration;
  /** What happens to the stream and its key when removed from the stack. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** Kinesis stream (KMS, customer-managed key with rotation) and a managed policy for capture agents. */
export class IngestStream extends Construct {
  /** The stream agents write to. */
  public readonly stream: kinesis.Stream;
  /** The stream's encryption key. */
  public readonly key: kms.Key;
  /** Attach to agent identities: PutRecord/PutRecords on this stream and GenerateDataKey on its key only. */
  public readonly agentPolicy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: IngestStreamProps = {}) {
    super(scope, id);
    const provisioned = (props.mode ?? 'on-demand') === 'provisioned';
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.key = new kms.Key(this, 'Key', {
      ...SECURE_KEY,
      description: 'worktrace ingest stream',
      pendingWindow: KEY_PENDING_WINDOW,
      removalPolicy,
    });
    // Holds subject content: no principal may grant itself use of the key or rewrite its policy.
    for (const guard of dataKeyPolicyGuards(keyPolicyAdministrators(Stack.of(this))))
      this.key.addToResourcePolicy(guard);
    this.stream = new kinesis.Stream(this, 'Stream', {
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: this.key,
      retentionPeriod: props.retention ?? Duration.hours(24),
      streamMode: provisioned ? kinesis.StreamMode.PROVISIONED : kinesis.StreamMode.ON_DEMAND,
      ...(provisioned ? { shardCount: props.shards ?? 1 } : {}),
      removalPolicy,
    });
    Validations.of(this.stream).acknowledge({
      id: 'AwsSolutions-KDS3',
      reason:
        'A customer-managed key is deliberate: its key policy and rotation are ours, and the agent policy ' +
        'grants GenerateDataKey on exactly this key (aws/kinesis cannot be scoped that way).',
    });
    this.agentPolicy = new ManagedPolicy(this, 'AgentPolicy', {
      description: 'worktrace capture agents: put records on the ingest stream',
      statements: [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['kinesis:PutRecord', 'kinesis:PutRecords'],
          resources: [this.stream.streamArn],
        }),
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['kms:GenerateDataKey'],
          resources: [this.key.keyArn],
        }),
      ],
    });
  }

  /** Lets a consumer read the stream (and decrypt with its key). */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.stream.grantRead(grantee);
  }
}
