/**
 * The deployment configuration: every key of the cdk.json context (or `-c key=value`) that the stack reads,
 * validated once with zod. Defaults live here and, identically, in cdk.json; docs/deployment.md lists them.
 * Values given on the command line arrive as strings, so numbers and booleans are coerced strictly.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '#core/errors.js';
import { type Policy, parsePolicy } from '#core/redact/policy.js';
import { SEQUENCE_SHARDS_DEFAULT, SEQUENCE_SHARDS_MAX, SEQUENCE_SHARDS_MIN } from '#core/sequence/shards.js';

/** Lambda environment variables share a 4 KB budget; the policy must leave room for the others. */
export const MAX_POLICY_JSON_BYTES = 3072;

/** CloudWatch Logs accepts only these retention periods (days). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** An integer, also accepted as a decimal string (context from the command line). */
function int(min: number, max: number, fallback: number) {
  return z
    .preprocess(
      (v) => (typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v),
      z.number().int().min(min).max(max),
    )
    .default(fallback);
}

/** A number, also accepted as a decimal string. */
function num(min: number, max: number, fallback: number) {
  return z
    .preprocess(
      (v) => (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v),
      z.number().min(min).max(max),
    )
    .default(fallback);
}

/** A boolean, also accepted as the strings "true" / "false". */
function bool(fallback: boolean) {
  return z
    .preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean())
    .default(fallback);
}

/** The context schema; every key is optional and has the default documented in docs/deployment.md. */
export const ConfigSchema = z
  .object({
    stage: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,23}$/, 'stage must be a letter then up to 23 letters, digits or -')
      .default('dev'),
    streamMode: z.enum(['on-demand', 'provisioned']).default('on-demand'),
    streamShards: int(1, 500, 1),
    streamRetentionHours: int(24, 8760, 24),
    quarantineRetentionDays: int(1, 3650, 7),
    eventsRetentionDays: int(1, 3650, 30),
    curatedRetentionDays: int(1, 3650, 365),
    curatedInfrequentAccessDays: int(30, 3650, 30),
    curatedGlacierInstantRetrievalDays: int(60, 3650, 90),
    athenaResultsRetentionDays: int(1, 3650, 7),
    accessLogsRetentionDays: int(1, 3650, 90),
    noncurrentVersionRetentionDays: int(1, 365, 7),
    redactBatchSize: int(1, 10_000, 1000),
    redactBatchWindowSeconds: int(0, 300, 5),
    redactMaxRecordAgeSeconds: int(60, 604_800, 21_600),
    redactRetryAttempts: int(0, 10_000, 3),
    redactParallelizationFactor: int(1, 10, 1),
    redactMemoryMb: int(128, 10_240, 1024),
    redactTimeoutSeconds: int(3, 900, 60),
    sequenceScheduleMinutes: int(1, 1440, 5),
    sequenceWindowMinutes: int(1, 1440, 15),
    sequenceLateArrivalMinutes: int(0, 1440, 10),
    sequenceLookBackMinutes: int(0, 10_080, 360),
    sequenceMaxEpisodeMinutes: int(1, 1440, 30),
    sequenceMaxWindowsPerRun: int(1, 1000, 8),
    sequenceShards: int(SEQUENCE_SHARDS_MIN, SEQUENCE_SHARDS_MAX, SEQUENCE_SHARDS_DEFAULT),
    sequenceMemoryMb: int(128, 10_240, 1536),
    sequenceTimeoutSeconds: int(3, 900, 300),
    sequenceMaxConcurrency: int(1, 10_000, 16),
    backfillMaxConcurrency: int(1, 10_000, 16),
    backfillToleratedFailurePercentage: num(0, 100, 0),
    eraseMaxConcurrency: int(1, 10_000, 16),
    eraseToleratedFailurePercentage: num(0, 100, 0),
    policyPath: z.string().min(1).default('config/policy.default.json'),
    alarmEmail: z.email().optional(),
    analystPrincipalArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:(iam::\d{12}:(root|role\/.+|user\/.+)|sts::\d{12}:assumed-role\/.+)$/,
        'analystPrincipalArn must be an IAM role, user or account root ARN',
      )
      .optional(),
    kAnonymity: int(2, 1000, 5),
    viewMinSteps: int(1, 10_000, 2),
    auditRetentionDays: int(1, 36_500, 2555),
    sftContextSteps: int(1, 100, 8),
    bytesScannedCutoffPerQuery: int(10_000_000, Number.MAX_SAFE_INTEGER, 10_000_000_000),
    allowDestroy: bool(false),
    logRetentionDays: z
      .preprocess(
        (v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v),
        z.union(LOG_RETENTION_DAYS.map((d) => z.literal(d))),
      )
      .default(30),
    glueCatalogEncryption: bool(false),
    alarmIteratorAgeMinutes: int(1, 10_080, 15),
    alarmQuarantineRatio: num(0, 1, 0.05),
    alarmSequenceStaleMinutes: int(5, 1440, 60),
    expectedEventsPerDay: int(1, 1_000_000_000_000, 1_000_000),
  })
  .superRefine((c, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (c.streamMode === 'on-demand' && c.streamShards !== 1)
      issue('streamShards', 'streamShards applies only when streamMode is "provisioned"');
    if (c.curatedGlacierInstantRetrievalDays < c.curatedInfrequentAccessDays + 30)
      issue(
        'curatedGlacierInstantRetrievalDays',
        'must be at least 30 days after curatedInfrequentAccessDays (S3 minimum stay in Standard-IA)',
      );
    if (c.curatedRetentionDays <= c.curatedGlacierInstantRetrievalDays)
      issue('curatedRetentionDays', 'must be later than curatedGlacierInstantRetrievalDays');
    if (1440 % c.sequenceWindowMinutes !== 0)
      issue('sequenceWindowMinutes', 'must divide a day (1440 minutes)');
    if (c.redactMaxRecordAgeSeconds > c.streamRetentionHours * 3600)
      issue('redactMaxRecordAgeSeconds', 'must not exceed the stream retention (streamRetentionHours)');
  });

/** The configuration exactly as given (before the policy file is read). */
export type ConfigInput = z.input<typeof ConfigSchema>;

/** The validated configuration, with the policy loaded and checked. */
export type WorktraceConfig = z.output<typeof ConfigSchema> & {
  /** The parsed redaction policy read from `policyPath`. */
  readonly policy: Policy;
  /** The policy as compact JSON, passed to the redact function as POLICY_JSON. */
  readonly policyJson: string;
};

/** Options for parseConfig (tests pass the directory the policy path is relative to). */
export interface ParseConfigOptions {
  /** Directory relative paths resolve against. @default process.cwd() */
  readonly baseDir?: string;
}

/** The context keys this module reads (everything else in the context, e.g. feature flags, is ignored). */
export const CONFIG_KEYS = Object.keys(ConfigSchema.shape) as (keyof ConfigInput)[];

/** Validates the CDK context and loads the policy; throws ConfigError naming every bad key path. */
export function parseConfig(
  context: Record<string, unknown>,
  options: ParseConfigOptions = {},
): WorktraceConfig {
  const known = Object.fromEntries(
    Object.entries(context).filter(([k]) => (CONFIG_KEYS as string[]).includes(k)),
  );
  const parsed = ConfigSchema.safeParse(known);
  if (!parsed.success) {
    throw ConfigError.fromIssues(parsed.error.issues, '(context)');
  }
  const config = parsed.data;
  const file = resolve(options.baseDir ?? process.cwd(), config.policyPath);
  let policy: Policy;
  try {
    policy = parsePolicy(JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    throw new ConfigError(`invalid configuration: policyPath: ${(err as Error).message}`);
  }
  const policyJson = JSON.stringify(policy);
  if (Buffer.byteLength(policyJson) > MAX_POLICY_JSON_BYTES)
    throw new ConfigError(
      `invalid configuration: policyPath: the policy is ${Buffer.byteLength(policyJson)} bytes as JSON; ` +
        `at most ${MAX_POLICY_JSON_BYTES} fit in the function environment`,
    );
  return { ...config, policy, policyJson };
}
