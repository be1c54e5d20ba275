/** Invokes a deployed function synchronously and returns its JSON result; a function error becomes InvokeError. */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { ERROR_CODES, WorktraceError } from '#core/errors.js';

/** The function failed (its error message, which our functions keep free of content). */
export class InvokeError extends WorktraceError {
  override readonly name = 'InvokeError';
  readonly code = ERROR_CODES.invoke;
}

/** Invokes `functionName` with `payload` (RequestResponse) and parses its JSON answer. */
export async function invokeFunction<T>(
  client: LambdaClient,
  functionName: string,
  payload: unknown,
): Promise<T> {
  const out = await client.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'RequestResponse',
      Payload: Buffer.from(JSON.stringify(payload)),
    }),
  );
  const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : 'null';
  if (out.FunctionError) {
    let message = out.FunctionError;
    try {
      message = (JSON.parse(text) as { errorMessage?: string }).errorMessage ?? message;
    } catch {
      // keep the error kind
    }
    throw new InvokeError(`${functionName} failed: ${message}`);
  }
  return JSON.parse(text) as T;
}
