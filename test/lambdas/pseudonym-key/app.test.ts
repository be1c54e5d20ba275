import { GenerateDataKeyWithoutPlaintextCommand, KMSClient } from '@aws-sdk/client-kms';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createDataKeyHandler, DataKeyError } from '../../../lambdas/pseudonym-key/app.js';

const kms = mockClient(KMSClient);
afterEach(() => kms.reset());
const handler = createDataKeyHandler(new KMSClient({ region: 'eu-west-1' }));
const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/pseudonym';
const BLOB = new Uint8Array([0, 255, 1, 254, 128, 7, 9]);

/** A custom resource event with the fields the handler reads. */
function event(fields: Partial<CloudFormationCustomResourceEvent> & Record<string, unknown>) {
  return {
    ServiceToken: 'token',
    ResponseURL: 'https://example.invalid',
    StackId: 'stack',
    RequestId: 'request',
    LogicalResourceId: 'DataKey',
    ResourceType: 'Custom::DataKey',
    ResourceProperties: { ServiceToken: 'token', KeyArn: KEY },
    ...fields,
  } as CloudFormationCustomResourceEvent;
}

describe('pseudonym data-key custom resource (KMS has no emulator: aws-sdk-client-mock)', () => {
  it('on create, generates a data key without plaintext and returns its ciphertext as base64', async () => {
    kms.on(GenerateDataKeyWithoutPlaintextCommand).resolves({ CiphertextBlob: BLOB });
    const out = await handler(event({ RequestType: 'Create' }));
    const blob = Buffer.from(BLOB).toString('base64');
    expect(out).toEqual({ PhysicalResourceId: blob, Data: { CiphertextBlob: blob } });
    expect(kms.commandCalls(GenerateDataKeyWithoutPlaintextCommand)[0]?.args[0].input).toEqual({
      KeyId: KEY,
      KeySpec: 'AES_256',
    });
  });

  it('on update with the same key, keeps the data key so pseudonyms stay stable', async () => {
    const out = await handler(
      event({
        RequestType: 'Update',
        PhysicalResourceId: 'c2FtZS1ibG9i',
        OldResourceProperties: { ServiceToken: 'token', KeyArn: KEY },
      }),
    );
    expect(out).toEqual({ PhysicalResourceId: 'c2FtZS1ibG9i', Data: { CiphertextBlob: 'c2FtZS1ibG9i' } });
    expect(kms.commandCalls(GenerateDataKeyWithoutPlaintextCommand)).toHaveLength(0);
  });

  it('on update to another KMS key, generates a new data key (a new physical id)', async () => {
    kms.on(GenerateDataKeyWithoutPlaintextCommand).resolves({ CiphertextBlob: BLOB });
    const out = await handler(
      event({
        RequestType: 'Update',
        PhysicalResourceId: 'b2xk',
        OldResourceProperties: { ServiceToken: 'token', KeyArn: `${KEY}-old` },
      }),
    );
    expect(out.PhysicalResourceId).toBe(Buffer.from(BLOB).toString('base64'));
  });

  it('on delete, does nothing', async () => {
    const out = await handler(event({ RequestType: 'Delete', PhysicalResourceId: 'b2xk' }));
    expect(out).toEqual({ PhysicalResourceId: 'b2xk' });
    expect(kms.calls()).toHaveLength(0);
  });

  it('fails without a key ARN', async () => {
    await expect(
      handler(event({ RequestType: 'Create', ResourceProperties: { ServiceToken: 'token' } })),
    ).rejects.toBeInstanceOf(DataKeyError);
  });
});
