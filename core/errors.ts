/**
 * The one base of worktrace's errors. Every error the project throws on purpose extends it and carries a
 * stable `code`, so the CLI, logs and metrics can name what went wrong without quoting a message (and a
 * message never carries event content: it names fields, never values).
 */

/** Machine-readable error codes, one per failure kind. */
export const ERROR_CODES = {
  config: 'CONFIG_INVALID',
  policy: 'POLICY_INVALID',
  viewParam: 'VIEW_PARAM_INVALID',
  window: 'WINDOW_INVALID',
  erase: 'ERASE_FAILED',
  eraseRequest: 'ERASE_REQUEST_INVALID',
  canary: 'CANARY_FAILED',
  precondition: 'PRECONDITION_FAILED',
  keyUnavailable: 'KEY_UNAVAILABLE',
  keyFile: 'KEY_FILE_INVALID',
  dataKey: 'DATA_KEY_FAILED',
  athena: 'ATHENA_QUERY_FAILED',
  localQuery: 'LOCAL_QUERY_FAILED',
  invoke: 'INVOKE_FAILED',
  execution: 'EXECUTION_FAILED',
  sequenceRequest: 'SEQUENCE_REQUEST_INVALID',
  spoolFull: 'SPOOL_FULL',
  flush: 'FLUSH_FAILED',
  pollerKilled: 'POLLER_KILLED',
  localStart: 'LOCAL_START_FAILED',
  usage: 'USAGE',
  export: 'EXPORT_FAILED',
} as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** Base of every worktrace error: a named class with a stable code. */
export abstract class WorktraceError extends Error {
  /** What kind of failure this is, stable across releases (messages are for people and may change). */
  abstract readonly code: ErrorCode;
}

/**
 * A configuration value is missing or invalid: a Lambda's environment, `cdk.json` context, a CLI
 * setting. The message names every bad key or variable, never a secret value.
 */
export class ConfigError extends WorktraceError {
  override readonly name = 'ConfigError';
  readonly code = ERROR_CODES.config;

  /** One error naming every failed path of a schema check (zod issues); `root` names an empty path. */
  static fromIssues(
    issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[],
    root: string,
  ): ConfigError {
    const problems = issues.map((i) => `${i.path.map(String).join('.') || root}: ${i.message}`);
    return new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
}

/** True for errors worktrace raised on purpose (as opposed to bugs and library failures). */
export function isWorktraceError(e: unknown): e is WorktraceError {
  return e instanceof WorktraceError;
}
