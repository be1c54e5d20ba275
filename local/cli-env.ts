/**
 * Environment variables that point the CLI at a running local stack (printed by `worktrace local --keep`)
 * or at AWS. One place defines the names, so every command reads them alike.
 */
export const LOCAL_ENV = {
  /** S3 endpoint of the local emulator, e.g. http://127.0.0.1:45123. Unset means AWS. */
  s3Endpoint: 'WORKTRACE_S3_ENDPOINT',
  /** Kinesis endpoint of the local emulator. Unset means AWS. */
  kinesisEndpoint: 'WORKTRACE_KINESIS_ENDPOINT',
  /** Stage name used for default bucket and stream names. @default local */
  stage: 'WORKTRACE_STAGE',
  /** Data directory of local mode (key file, poller checkpoints, DuckDB cache). @default .worktrace */
  dataDir: 'WORKTRACE_DATA_DIR',
} as const;

/** Default stream name for a stage. */
export function defaultStreamName(stage: string): string {
  return `worktrace-${stage}-ingest`;
}

/** Stage from the environment. @default local */
export function stageFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env[LOCAL_ENV.stage] ?? 'local';
}

/** Where S3 lives for a CLI command: the local emulator when its endpoint is set, else AWS. */
export function s3TargetFromEnv(env: NodeJS.ProcessEnv = process.env): { endpoint?: string } {
  const endpoint = env[LOCAL_ENV.s3Endpoint];
  return endpoint ? { endpoint } : {};
}

/** Where Kinesis lives for a CLI command: the local emulator when its endpoint is set, else AWS. */
export function kinesisTargetFromEnv(env: NodeJS.ProcessEnv = process.env): { endpoint?: string } {
  const endpoint = env[LOCAL_ENV.kinesisEndpoint];
  return endpoint ? { endpoint } : {};
}
