/**
 * The pseudonym data-key custom resource (CDK Provider framework) as a factory over a KMS client: KMS
 * GenerateDataKeyWithoutPlaintext under the pseudonym KMS key, so no plaintext key exists outside KMS and
 * the functions that decrypt it. The encrypted blob is the physical id: updates keep it (pseudonyms stay
 * stable across deployments) unless the KMS key itself changes; delete is a no-op (the blob is useless
 * without the key). AwsCustomResource cannot do this: it decodes binary response fields as UTF-8.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { GenerateDataKeyWithoutPlaintextCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { ERROR_CODES, WorktraceError } from '#core/errors.js';

/** What the Provider framework expects back. */
export interface DataKeyResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: { readonly CiphertextBlob: string };
}

/** The resource property naming the KMS key. */
export const KEY_ARN_PROPERTY = 'KeyArn';

/** The custom resource was asked for something it cannot do. */
export class DataKeyError extends WorktraceError {
  override readonly name = 'DataKeyError';
  readonly code = ERROR_CODES.dataKey;
}

/** Builds the event handler over a KMS client; `metrics` counts the data keys generated (0 or 1 a call). */
export function createDataKeyHandler(kms: Pick<KMSClient, 'send'>, metrics?: Metrics) {
  const generated = (n: number) => metrics?.addMetric('DataKeysGenerated', MetricUnit.Count, n);
  return async (event: CloudFormationCustomResourceEvent): Promise<DataKeyResponse> => {
    if (event.RequestType === 'Delete') {
      generated(0);
      return { PhysicalResourceId: event.PhysicalResourceId };
    }
    const keyArn = event.ResourceProperties[KEY_ARN_PROPERTY];
    if (typeof keyArn !== 'string' || keyArn === '')
      throw new DataKeyError(`${KEY_ARN_PROPERTY} is required`);
    if (event.RequestType === 'Update' && event.OldResourceProperties[KEY_ARN_PROPERTY] === keyArn) {
      generated(0);
      return {
        PhysicalResourceId: event.PhysicalResourceId,
        Data: { CiphertextBlob: event.PhysicalResourceId },
      };
    }
    const out = await kms.send(
      new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keyArn, KeySpec: 'AES_256' }),
    );
    if (!out.CiphertextBlob) throw new DataKeyError('KMS returned no ciphertext');
    const blob = Buffer.from(out.CiphertextBlob).toString('base64');
    generated(1);
    return { PhysicalResourceId: blob, Data: { CiphertextBlob: blob } };
  };
}
