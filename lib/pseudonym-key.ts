/**
 * The pseudonym key: a KMS key whose key policy lets the account administer it but lets only the
 * principals granted here (the pipeline's functions) use it, and the encrypted data key generated from it
 * at deploy time by a custom resource. The redact function decrypts the data key once per container.
 */
import { CustomResource, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { PseudonymKeyEnvSchema } from '../lambdas/pseudonym-key/env.js';
import { KEY_PENDING_WINDOW, SECURE_KEY } from './defaults.js';
import { acknowledgeFindings, logicalIdOf } from './nag.js';
import { PipelineFunction } from './pipeline-function.js';

/** Key administration without any cryptographic use (those are granted per principal). */
const KEY_ADMIN_ACTIONS = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];

/** Props of PseudonymKey. */
export interface PseudonymKeyProps {
  /** Log retention of the data-key custom resource functions. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the key when removed from the stack. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** KMS root of the pseudonym HMAC key and its encrypted data key. */
export class PseudonymKey extends Construct {
  /** The KMS key; only principals passed to grantDecrypt may decrypt under it. */
  public readonly key: kms.Key;
  /** Base64 KMS ciphertext of the 256-bit data key (PSEUDONYM_DATA_KEY); not key material by itself. */
  public readonly encryptedDataKey: string;

  constructor(scope: Construct, id: string, props: PseudonymKeyProps = {}) {
    super(scope, id);
    const admin = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'KeyAdministrationOnly',
          principals: [new iam.AccountRootPrincipal()],
          actions: KEY_ADMIN_ACTIONS,
          resources: ['*'],
        }),
      ],
    });
    this.key = new kms.Key(this, 'Key', {
      ...SECURE_KEY,
      description: 'worktrace pseudonym key root (HMAC data key)',
      policy: admin,
      pendingWindow: KEY_PENDING_WINDOW,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    const deployOnly =
      'runs only during deployments, invoked synchronously by CloudFormation; failures fail the deployment';
    const dataKey = new PipelineFunction(this, 'DataKeyFunction', {
      name: 'pseudonym-key',
      description: 'generates the encrypted pseudonym data key at deploy time',
      envSchema: PseudonymKeyEnvSchema,
      environment: {},
      failedInvocations: { withoutQueueBecause: `The data-key function ${deployOnly}.` },
      memorySize: 256,
      timeout: Duration.seconds(30),
      logRetention: props.logRetention,
    });
    const { role, function: onEvent } = dataKey;
    this.addKeyUse(role, ['kms:GenerateDataKeyWithoutPlaintext']);
    const provider = new cr.Provider(this, 'DataKeyProvider', {
      onEventHandler: onEvent,
      logGroup: new logs.LogGroup(this, 'DataKeyProviderLogs', {
        retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      }),
    });
    const resource = new CustomResource(this, 'DataKey', {
      serviceToken: provider.serviceToken,
      properties: { KeyArn: this.key.keyArn },
    });
    this.encryptedDataKey = resource.getAttString('CiphertextBlob');
    acknowledgeProviderFindings(onEvent, provider, deployOnly);
  }

  /** Lets a function decrypt the data key: names the role in the key policy and in the role's policy. */
  grantDecrypt(role: iam.IRole): void {
    this.addKeyUse(role, ['kms:Decrypt']);
  }

  private addKeyUse(role: iam.IRole, actions: string[]): void {
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ArnPrincipal(role.roleArn)],
        actions,
        resources: ['*'],
      }),
    );
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [this.key.keyArn] }));
  }
}

/** Findings on the CDK Provider framework's own function and role, each on its own resource. */
function acknowledgeProviderFindings(
  onEvent: nodejs.NodejsFunction,
  provider: cr.Provider,
  deployOnly: string,
): void {
  const framework = provider.node.findChild('framework-onEvent');
  const frameworkRole = framework.node.findChild('ServiceRole');
  acknowledgeFindings(
    frameworkRole,
    'AwsSolutions-IAM4',
    ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
    'CDK Provider framework function (role not configurable here): the managed policy only writes its own logs.',
  );
  acknowledgeFindings(
    frameworkRole,
    'AwsSolutions-IAM5',
    [`Resource::<${logicalIdOf(onEvent)}.Arn>:*`],
    'CDK Provider framework: invokes the data-key function and its versions (":*"), nothing else.',
  );
  for (const id of [
    'Serverless-LambdaDLQ',
    'Serverless-LambdaAsyncFailureDestination',
    'Serverless-LambdaTracing',
    'Serverless-LambdaDefaultMemorySize',
  ])
    Validations.of(framework).acknowledge({
      id,
      reason: `CDK Provider framework function (settings fixed by CDK) that ${deployOnly}.`,
    });
}
