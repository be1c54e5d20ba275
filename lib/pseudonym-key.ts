/**
 * The pseudonym key: a KMS key whose key policy lets the account administer it but lets only the
 * principals granted here (the pipeline's functions) use it, and the encrypted data key generated from it
 * at deploy time by a custom resource. The redact function decrypts the data key once per container.
 *
 * Whoever decrypts the data key can reverse pseudonyms (hash known user ids), so the key policy is the
 * boundary, not IAM: the account gets the administration actions by name (no `kms:CreateGrant`, no
 * `kms:PutKeyPolicy`); the key policy changes only through deployments (the CloudFormation execution role)
 * or the root user; grants and re-encryption are denied to everyone; and `kms:Decrypt` is denied to every
 * principal except the roles passed to grantDecrypt (the redact and erase functions).
 */
import { CustomResource, Duration, Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { PseudonymKeyEnvSchema } from '../lambdas/pseudonym-key/env.js';
import { KEY_PENDING_WINDOW, keyPolicyAdministrators, SECURE_KEY } from './defaults.js';
import { acknowledgeFindings, logicalIdOf } from './nag.js';
import { PipelineFunction } from './pipeline-function.js';

/**
 * Key administration the account keeps, by name: no cryptographic use, and neither `kms:CreateGrant` nor
 * `kms:PutKeyPolicy` (either would let a principal hand itself Decrypt).
 */
export const KEY_ADMIN_ACTIONS = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:EnableKeyRotation',
  'kms:DisableKeyRotation',
  'kms:UpdateKeyDescription',
  'kms:CreateAlias',
  'kms:UpdateAlias',
  'kms:DeleteAlias',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:RevokeGrant',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
] as const;

/** Props of PseudonymKey. */
export interface PseudonymKeyProps {
  /** Log retention of the data-key custom resource functions. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the key when removed from the stack. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * ARN of the principal CloudFormation deploys with, the only one (besides the root user) that may change
   * the key policy. @default the CDK bootstrap's CloudFormation execution role (DefaultStackSynthesizer)
   */
  readonly deployerArn?: string;
}

/** KMS root of the pseudonym HMAC key and its encrypted data key. */
export class PseudonymKey extends Construct {
  /** The KMS key; only principals passed to grantDecrypt may decrypt under it. */
  public readonly key: kms.Key;
  /** Base64 KMS ciphertext of the 256-bit data key (PSEUDONYM_DATA_KEY); not key material by itself. */
  public readonly encryptedDataKey: string;
  /** ARNs of the roles passed to grantDecrypt: the only principals the key policy lets decrypt. */
  private readonly decrypters: string[] = [];

  constructor(scope: Construct, id: string, props: PseudonymKeyProps = {}) {
    super(scope, id);
    const administrators = keyPolicyAdministrators(Stack.of(this), props.deployerArn);
    const admin = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'KeyAdministrationOnly',
          principals: [new iam.AccountRootPrincipal()],
          actions: [...KEY_ADMIN_ACTIONS],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'KeyPolicyByDeploymentsOnly',
          principals: [new iam.AccountRootPrincipal()],
          actions: ['kms:PutKeyPolicy'],
          resources: ['*'],
          conditions: { ArnEquals: { 'aws:PrincipalArn': administrators } },
        }),
        new iam.PolicyStatement({
          sid: 'DenyGrantsAndReEncryption',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['kms:CreateGrant', 'kms:ReEncrypt*'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'DenyDecryptExceptGrantedRoles',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['kms:Decrypt'],
          resources: ['*'],
          conditions: {
            ArnNotEquals: { 'aws:PrincipalArn': Lazy.list({ produce: () => this.decrypters }) },
          },
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
    this.node.addValidation({
      validate: () =>
        this.decrypters.length > 0
          ? []
          : ['PseudonymKey: no role may decrypt the data key (grantDecrypt was never called)'],
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

  /**
   * Lets a function decrypt the data key: names the role in the key policy and in the role's policy, and
   * exempts it from the key policy's Decrypt deny (every other principal stays denied).
   */
  grantDecrypt(role: iam.IRole): void {
    this.decrypters.push(role.roleArn);
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
