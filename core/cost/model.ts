/**
 * The monthly cost model: a pure function from the volume (events a day, bytes an event, users), the
 * deployment configuration (retention and lifecycle days, stream mode and retention, batch sizes, memory,
 * sequencer windows), the unit prices of a region (prices.ts) and the factors measured on this code
 * (measured.ts) to line items per component, each with its quantity, unit price and dollars, and the
 * assumptions spelled out. Steady state: storage holds full retention with the lifecycle tiers applied.
 */
import { ERROR_CODES, WorktraceError } from '../errors.js';
import { ENTITY_TYPES } from '../redact/scrub-types.js';
import { BENCH_FLOOR_EVENTS_PER_SECOND, MEASURED, type MeasuredFactors } from './measured.js';
import type { Price, RegionPrices } from './prices.js';
import { SEQUENCING_MEASURED, sequencingScale } from './sequencing-scale.js';

const KIB = 1024;
const MIB = 1024 ** 2;
const GIB = 1024 ** 3;
const TIB = 1024 ** 4;

/** Platform figures the arithmetic needs, each from the AWS documentation named. */
export const AWS_LIMITS = {
  /** Lambda gives a function one full vCPU at 1,769 MB and CPU in proportion below it (Lambda developer guide, "Configure memory"). */
  lambdaFullVcpuMb: 1769,
  /** Largest synchronous invocation payload, which bounds a Kinesis batch (Lambda quotas: 6 MB). */
  lambdaPayloadBytes: 6 * MIB,
  /** Kinesis event source mappings poll each shard about once a second when the batch window is 0. */
  lambdaPollSeconds: 1,
  /** A shard takes 1 MB/s or 1,000 records/s of writes (Kinesis quotas). */
  shardWriteBytesPerSecond: MIB,
  shardWriteRecordsPerSecond: 1000,
  /** An on-demand stream starts with 4 MB/s of write capacity, i.e. 4 shards, and scales up with traffic. */
  onDemandInitialShards: 4,
  /** On-demand bills each record rounded up to 1 KB; provisioned bills PUT payload units of 25 KB. */
  onDemandUnitBytes: KIB,
  putPayloadUnitBytes: 25 * KIB,
  /** S3 lifecycle does not transition objects under 128 KB (the default since September 2024). */
  s3TransitionMinimumBytes: 128 * KIB,
  /** Athena bills at least 10 MB per query, rounded up to the MB. */
  athenaMinimumBytes: 10 * MIB,
} as const;

/**
 * What the stack deploys beside the configuration's values, counted in lib/: the function architecture
 * (lib/defaults.ts FUNCTION_DEFAULTS), customer-managed keys (four zone keys in lib/data-lake.ts, the
 * stream's, the pseudonym key's, the audit bucket's, the alarm topic's, the sequencer failure queue's and
 * the log keys of the sequencing, backfill and erase state machines; one more for the Glue catalog with
 * `glueCatalogEncryption`), alarms (ten in lib/monitoring.ts, erase and canary in lib/governance.ts), the
 * dashboard, and the Powertools custom metrics with their ColdStart
 * metric: redact 5 + Findings per entity type, sequence 5, erase 4, canary 3, pseudonym-key 2.
 */
export const DEPLOYED_RESOURCES = {
  lambdaArchitecture: 'arm64',
  kmsKeys: 12,
  alarms: 13,
  dashboards: 1,
  customMetrics: 19 + ENTITY_TYPES.length,
} as const satisfies { lambdaArchitecture: 'arm64' | 'x86_64'; [k: string]: unknown };

/** The deployment configuration values the model reads (lib/config.ts WorktraceConfig has them all). */
export interface CostDeployment {
  readonly streamMode: 'on-demand' | 'provisioned';
  readonly streamShards: number;
  readonly streamRetentionHours: number;
  readonly quarantineRetentionDays: number;
  readonly eventsRetentionDays: number;
  readonly curatedRetentionDays: number;
  readonly curatedInfrequentAccessDays: number;
  readonly curatedGlacierInstantRetrievalDays: number;
  readonly athenaResultsRetentionDays: number;
  readonly accessLogsRetentionDays: number;
  readonly redactBatchSize: number;
  readonly redactBatchWindowSeconds: number;
  readonly redactParallelizationFactor: number;
  readonly redactMemoryMb: number;
  readonly sequenceScheduleMinutes: number;
  readonly sequenceWindowMinutes: number;
  readonly sequenceLateArrivalMinutes: number;
  readonly sequenceLookBackMinutes: number;
  readonly sequenceMaxEpisodeMinutes: number;
  readonly sequenceMemoryMb: number;
  readonly sequenceTimeoutSeconds: number;
  readonly sequenceShards: number;
  readonly logRetentionDays: number;
  readonly glueCatalogEncryption: boolean;
}

/** What the model assumes where nothing was measured; each is a named, overridable value. */
export const DEFAULT_ASSUMPTIONS = {
  /** Days in a month (365 / 12, rounded). */
  daysPerMonth: 30.4,
  /** Peak to average event rate: a workday's traffic falls in about 8 of 24 hours. Sizes provisioned shards. */
  peakToAverage: 3,
  /** Hours a user's agent sends a day (default users = events a day ÷ (measured events an hour × these hours)). */
  activeHoursPerUserDay: 8,
  /** The agent KPL-aggregates (WorktraceProducer `aggregate` defaults to true). */
  aggregation: true,
  /** Wall time per redact invocation beyond CPU: one Parquet PUT per event hour, opt-out registry (cached). */
  redactIoSecondsPerInvocation: 0.06,
  /** Wall time per window × shard job beyond its CPU: listings, opt-outs, checkpoint GET and PUT, two PUTs. */
  sequenceJobOverheadSeconds: 0.3,
  /** Windows one `shard-windows` invocation runs at most (MAX_WINDOWS_PER_INVOCATION). */
  sequenceMaxWindowsPerInvocation: 8,
  /** State transitions of one sequencing execution: plan, choice, commit, and per shard item one pass of its loop. */
  transitionsPerSequencingRun: 4,
  transitionsPerSequencingItem: 4,
  /** Share of events quarantined (the local runs quarantine none; the alarm fires at 5 %). */
  quarantineShare: 0.001,
  /** Analyst queries a month, each scanning `daysScannedPerQuery` days of the curated zone. */
  queriesPerMonth: 1000,
  daysScannedPerQuery: 7,
  /** Result bytes a query writes. */
  athenaResultBytesPerQuery: MIB,
  /** Glue Data Catalog requests per query (tables, partitions by projection, views). */
  glueRequestsPerQuery: 10,
  /** Erasures and backfills a month, and the state transitions each takes on Step Functions. */
  erasuresPerMonth: 10,
  transitionsPerErasure: 2000,
  backfillsPerMonth: 1,
  transitionsPerBackfill: 5000,
  /** KMS requests per S3 object request with S3 Bucket Keys: AWS states up to 99 % fewer, so 1 %. */
  bucketKeyKmsRequestShare: 0.01,
  /** Kinesis server-side encryption reuses a data key per producer or consumer and shard for about 5 minutes. */
  kinesisDataKeyReuseMinutes: 5,
  /** Bytes of one S3 server access log record. */
  accessLogBytesPerRequest: 400,
  /** CloudWatch Logs bytes per invocation: platform START/END/REPORT, one Powertools log line and the EMF metrics. */
  logBytesPerRedactInvocation: 1500,
  logBytesPerSequenceRun: 3000,
} as const;

/** The assumptions' type (callers override single values). */
export type CostAssumptions = {
  -readonly [K in keyof typeof DEFAULT_ASSUMPTIONS]: (typeof DEFAULT_ASSUMPTIONS)[K] extends boolean
    ? boolean
    : number;
};

/** What the model takes. */
export interface CostInputs {
  readonly eventsPerDay: number;
  /** JSON bytes per sent event. @default MEASURED.rawEventBytes */
  readonly bytesPerEvent?: number;
  /** Users whose agents send. @default from the events a day and the measured events per user-hour */
  readonly users?: number;
  readonly region: string;
  readonly prices: RegionPrices;
  readonly deployment: CostDeployment;
  readonly measured?: MeasuredFactors;
  readonly assumptions?: Partial<CostAssumptions>;
}

/** The components of the table, in its order. */
export const COST_COMPONENTS = [
  'Kinesis',
  'Lambda',
  'S3 storage',
  'S3 requests',
  'KMS',
  'Athena',
  'Glue',
  'Step Functions',
  'CloudWatch',
] as const;
/** One component. */
export type CostComponent = (typeof COST_COMPONENTS)[number];

/** One line item: quantity × unit price = USD a month. Alternatives are shown but not totalled. */
export interface CostLine {
  readonly component: CostComponent;
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPriceUsd: number;
  readonly usd: number;
  readonly inTotal: boolean;
}

/** The estimate. */
export interface CostEstimate {
  readonly region: string;
  readonly eventsPerDay: number;
  readonly eventsPerMonth: number;
  readonly bytesPerEvent: number;
  readonly users: number;
  readonly lines: readonly CostLine[];
  /** USD a month per component (lines in the total only). */
  readonly byComponent: Readonly<Record<CostComponent, number>>;
  readonly totalUsd: number;
  /** Figures the lines rest on (events per invocation, shards, the sequencer's reads...). */
  readonly derived: Readonly<Record<string, number | boolean>>;
  readonly assumptions: readonly string[];
  readonly warnings: readonly string[];
}

/** An input the model cannot price. */
export class CostInputError extends WorktraceError {
  override readonly name = 'CostInputError';
  readonly code = ERROR_CODES.usage;
}

/** Lambda CPU per wall second below one vCPU: single-threaded work takes 1769/MB times longer. */
function cpuStretch(memoryMb: number): number {
  return Math.max(1, AWS_LIMITS.lambdaFullVcpuMb / memoryMb);
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

/** Estimates the monthly cost of the pipeline for a volume, a deployment and a region's prices. */
export function estimateMonthlyCost(input: CostInputs): CostEstimate {
  const a: CostAssumptions = { ...DEFAULT_ASSUMPTIONS, ...input.assumptions };
  const m = input.measured ?? MEASURED;
  const d = input.deployment;
  const p = input.prices;
  const eventsPerDay = input.eventsPerDay;
  const bytesPerEvent = input.bytesPerEvent ?? m.rawEventBytes;
  if (!(Number.isFinite(eventsPerDay) && eventsPerDay > 0))
    throw new CostInputError('events per day must be a positive number');
  if (!(Number.isFinite(bytesPerEvent) && bytesPerEvent > 0 && bytesPerEvent <= MIB))
    throw new CostInputError('bytes per event must be a positive number of at most 1 MiB (a Kinesis record)');
  const users =
    input.users ?? Math.max(1, Math.ceil(eventsPerDay / (m.eventsPerUserHour * a.activeHoursPerUserDay)));
  if (!(Number.isInteger(users) && users > 0))
    throw new CostInputError('users must be a positive whole number');

  const lines: CostLine[] = [];
  const warnings: string[] = [];
  const add = (component: CostComponent, item: string, quantity: number, price: Price, inTotal = true) =>
    lines.push({
      component,
      item,
      quantity,
      unit: price.per,
      unitPriceUsd: price.usd,
      usd: quantity * price.usd,
      inTotal,
    });

  const days = a.daysPerMonth;
  const hours = days * 24;
  const eventsPerMonth = eventsPerDay * days;
  const eventsPerSecond = eventsPerDay / 86_400;
  const peakEventsPerSecond = eventsPerSecond * a.peakToAverage;

  // --- Kinesis: both capacity modes, each with and without the agent's KPL aggregation.
  const aggregatedBytes = bytesPerEvent * m.aggregatedBytesFactor;
  const perRecord = m.eventsPerAggregatedRecord;
  const variants = [true, false].map((aggregated) => {
    const eventsPerRecord = aggregated ? perRecord : 1;
    const recordBytes = eventsPerRecord * (aggregated ? aggregatedBytes : bytesPerEvent);
    const onDemandUnitsPerEvent = Math.ceil(recordBytes / AWS_LIMITS.onDemandUnitBytes) / eventsPerRecord;
    const putUnitsPerEvent = Math.ceil(recordBytes / AWS_LIMITS.putPayloadUnitBytes) / eventsPerRecord;
    const neededShards = Math.max(
      1,
      Math.ceil((peakEventsPerSecond * recordBytes) / eventsPerRecord / AWS_LIMITS.shardWriteBytesPerSecond),
      Math.ceil(peakEventsPerSecond / eventsPerRecord / AWS_LIMITS.shardWriteRecordsPerSecond),
    );
    return {
      aggregated,
      eventsPerRecord,
      recordBytes,
      onDemandUnitsPerEvent,
      putUnitsPerEvent,
      neededShards,
    };
  });
  const deployedVariant = variants.find((v) => v.aggregated === a.aggregation) ?? variants[0];
  if (!deployedVariant) throw new CostInputError('no Kinesis variant');
  const provisionedShards = (v: (typeof variants)[number]) =>
    d.streamMode === 'provisioned' ? Math.max(v.neededShards, d.streamShards) : v.neededShards;
  if (d.streamMode === 'provisioned' && d.streamShards < deployedVariant.neededShards)
    warnings.push(
      `streamShards ${d.streamShards} is below the ${deployedVariant.neededShards} shards a ${a.peakToAverage}× peak needs; priced with ${deployedVariant.neededShards}`,
    );
  const extraRetentionHours = Math.max(0, Math.min(d.streamRetentionHours, 168) - 24);
  if (d.streamRetentionHours > 168)
    warnings.push(
      'streamRetentionHours beyond 7 days is long-term retention, priced here as extended retention',
    );
  for (const v of variants) {
    const label = v.aggregated ? 'aggregated' : 'plain records';
    for (const mode of ['on-demand', 'provisioned'] as const) {
      const deployed = mode === d.streamMode && v.aggregated === a.aggregation;
      const tag = `${mode}, ${label}${deployed ? '' : ' (alternative)'}`;
      if (mode === 'on-demand') {
        const gb = (eventsPerMonth * v.onDemandUnitsPerEvent * AWS_LIMITS.onDemandUnitBytes) / GIB;
        add('Kinesis', `${tag}: stream-hours`, hours, p.kinesis.onDemandStreamHour, deployed);
        add('Kinesis', `${tag}: data in`, gb, p.kinesis.onDemandIngestGb, deployed);
        add('Kinesis', `${tag}: data out (redact)`, gb, p.kinesis.onDemandRetrievalGb, deployed);
        if (extraRetentionHours > 0)
          add(
            'Kinesis',
            `${tag}: retention beyond 24 h`,
            (gb / hours) * extraRetentionHours,
            p.kinesis.onDemandExtendedRetentionGbMonth,
            deployed,
          );
      } else {
        const shards = provisionedShards(v);
        add('Kinesis', `${tag}: ${shards} shard(s)`, shards * hours, p.kinesis.shardHour, deployed);
        add(
          'Kinesis',
          `${tag}: PUT payload units`,
          (eventsPerMonth * v.putUnitsPerEvent) / 1e6,
          p.kinesis.putPayloadUnitsMillion,
          deployed,
        );
        if (extraRetentionHours > 0)
          add(
            'Kinesis',
            `${tag}: retention beyond 24 h`,
            shards * hours,
            p.kinesis.extendedRetentionShardHour,
            deployed,
          );
      }
    }
  }

  // --- Lambda: redact (per event CPU from the bench, per invocation I/O) and the scheduled sequencer.
  const gbSecond =
    DEPLOYED_RESOURCES.lambdaArchitecture === 'arm64' ? p.lambda.gbSecondArm64 : p.lambda.gbSecondX86;
  const streamShards =
    d.streamMode === 'provisioned'
      ? provisionedShards(deployedVariant)
      : Math.max(AWS_LIMITS.onDemandInitialShards, deployedVariant.neededShards);
  const pollers = streamShards * d.redactParallelizationFactor;
  const recordsPerPayload = Math.max(
    1,
    Math.floor(AWS_LIMITS.lambdaPayloadBytes / ((deployedVariant.recordBytes * 4) / 3)),
  );
  // A batch closes when it is full (batch size, 6 MB) or its window ends; it holds at least one record.
  const windowRecords =
    (eventsPerSecond / deployedVariant.eventsPerRecord / pollers) *
    Math.max(d.redactBatchWindowSeconds, AWS_LIMITS.lambdaPollSeconds);
  const recordsPerInvocation = Math.max(1, Math.min(d.redactBatchSize, recordsPerPayload, windowRecords));
  const eventsPerInvocation = recordsPerInvocation * deployedVariant.eventsPerRecord;
  const redactInvocations = eventsPerMonth / eventsPerInvocation;
  const redactSeconds =
    eventsPerMonth * m.redactCpuSecondsPerEvent * cpuStretch(d.redactMemoryMb) +
    redactInvocations * a.redactIoSecondsPerInvocation;
  add(
    'Lambda',
    `redact: duration at ${d.redactMemoryMb} MB`,
    redactSeconds * (d.redactMemoryMb / 1024),
    gbSecond,
  );
  add('Lambda', 'redact: invocations', redactInvocations / 1e6, p.lambda.requestsMillion);

  // The sequencer: incremental shard jobs (core/cost/sequencing-scale.ts has the per-job figures).
  const windowsPerMonth = (days * 1440) / d.sequenceWindowMinutes;
  const runsPerMonth = (days * 1440) / d.sequenceScheduleMinutes;
  const windowsPerRun = Math.max(1, d.sequenceScheduleMinutes / d.sequenceWindowMinutes);
  const scale = sequencingScale(eventsPerSecond / SEQUENCING_MEASURED.eventsPerUserSecond, {
    ...d,
    maxWindowsPerInvocation: a.sequenceMaxWindowsPerInvocation,
  });
  if (scale.shards > d.sequenceShards)
    warnings.push(
      `a sequencer shard job holds about ${fmt(scale.rowsPerJob * (scale.shards / d.sequenceShards))} rows at sequenceShards ${d.sequenceShards} (about ${fmt(scale.peakMemoryMbPerJob * (scale.shards / d.sequenceShards))} MB); ${scale.shards} shards keep a job within 70 % of sequenceMemoryMb ${d.sequenceMemoryMb} and half its timeout`,
    );
  const sequenceSeconds =
    eventsPerMonth * SEQUENCING_MEASURED.cpuSecondsPerEvent * cpuStretch(d.sequenceMemoryMb) +
    windowsPerMonth * d.sequenceShards * a.sequenceJobOverheadSeconds;
  add(
    'Lambda',
    `sequence: duration at ${d.sequenceMemoryMb} MB (${d.sequenceShards} shard jobs a window)`,
    sequenceSeconds * (d.sequenceMemoryMb / 1024),
    gbSecond,
  );
  const sequenceInvocations =
    runsPerMonth * (2 + d.sequenceShards * Math.ceil(windowsPerRun / a.sequenceMaxWindowsPerInvocation));
  add(
    'Lambda',
    'sequence: invocations (plan, shard jobs, commit)',
    sequenceInvocations / 1e6,
    p.lambda.requestsMillion,
  );

  // --- S3 storage, steady state at full retention, lifecycle tiers applied.
  const eventsBytesPerDay = eventsPerDay * m.eventsParquetBytesPerEvent;
  const gbMonths = (bytesPerDay: number, retentionDays: number) => (bytesPerDay * retentionDays) / GIB;
  add(
    'S3 storage',
    `events zone, Standard, ${d.eventsRetentionDays} days`,
    gbMonths(eventsBytesPerDay, d.eventsRetentionDays),
    p.s3.standardGbMonth,
  );
  add(
    'S3 storage',
    `quarantine zone, Standard, ${d.quarantineRetentionDays} days`,
    gbMonths(eventsBytesPerDay * a.quarantineShare, d.quarantineRetentionDays),
    p.s3.standardGbMonth,
  );
  const curatedBytesPerDay = eventsPerDay * m.curatedParquetBytesPerEvent;
  const curatedObjectsPerDay = 2 * (1440 / d.sequenceWindowMinutes);
  const curatedObjectBytes = curatedBytesPerDay / curatedObjectsPerDay;
  const transitions = curatedObjectBytes >= AWS_LIMITS.s3TransitionMinimumBytes;
  const ia = d.curatedInfrequentAccessDays;
  const gir = d.curatedGlacierInstantRetrievalDays;
  const keep = d.curatedRetentionDays;
  if (transitions) {
    add(
      'S3 storage',
      `curated zone, Standard, days 0–${ia}`,
      gbMonths(curatedBytesPerDay, ia),
      p.s3.standardGbMonth,
    );
    add(
      'S3 storage',
      `curated zone, Standard-IA, days ${ia}–${gir}`,
      gbMonths(curatedBytesPerDay, gir - ia),
      p.s3.standardIaGbMonth,
    );
    add(
      'S3 storage',
      `curated zone, Glacier IR, days ${gir}–${keep}`,
      gbMonths(curatedBytesPerDay, keep - gir),
      p.s3.glacierIrGbMonth,
    );
  } else {
    add(
      'S3 storage',
      `curated zone, Standard, ${keep} days (objects < 128 KB do not transition)`,
      gbMonths(curatedBytesPerDay, keep),
      p.s3.standardGbMonth,
    );
  }
  const queriesPerDay = a.queriesPerMonth / days;
  add(
    'S3 storage',
    `Athena results, ${d.athenaResultsRetentionDays} days`,
    gbMonths(queriesPerDay * a.athenaResultBytesPerQuery, d.athenaResultsRetentionDays),
    p.s3.standardGbMonth,
  );

  // --- S3 requests.
  const quarantineObjects = redactInvocations * Math.min(1, a.quarantineShare * eventsPerInvocation);
  const redactPuts = redactInvocations + quarantineObjects;
  const eventObjectsPerHour = redactInvocations / hours;
  // Per window × shard job: its outputs, checkpoint and one or two hour listings; per run, plan and commit.
  // Each events object is read about once (objects are chosen by their keys' event-time ranges, and a chain
  // keeps those overlapping the next window): one GET per object in the shard's hour, plus the checkpoint.
  const jobsPerMonth = windowsPerMonth * d.sequenceShards;
  const sequencePutsLists = jobsPerMonth * (2 + 1 + 2) + runsPerMonth * 4;
  const sequenceGets =
    eventObjectsPerHour * hours * Math.min(d.sequenceShards, 4) + jobsPerMonth + runsPerMonth * 3;
  const scannedObjects = curatedObjectsPerDay * a.daysScannedPerQuery;
  const athenaPuts = a.queriesPerMonth * 2;
  const athenaGets = a.queriesPerMonth * (scannedObjects + 2);
  add('S3 requests', 'PUT: redact (events, quarantine)', redactPuts / 1000, p.s3.putListThousand);
  add('S3 requests', 'PUT/LIST: sequencer', sequencePutsLists / 1000, p.s3.putListThousand);
  add('S3 requests', 'GET: sequencer reads', sequenceGets / 1000, p.s3.getThousand);
  add('S3 requests', 'PUT: Athena results', athenaPuts / 1000, p.s3.putListThousand);
  add('S3 requests', 'GET: Athena scans', athenaGets / 1000, p.s3.getThousand);
  if (transitions) {
    const perMonth = (curatedObjectsPerDay * days) / 1000;
    add('S3 requests', 'lifecycle: curated to Standard-IA', perMonth, p.s3.transitionToIaThousand);
    add('S3 requests', 'lifecycle: curated to Glacier IR', perMonth, p.s3.transitionToGlacierIrThousand);
  }
  const s3Requests = redactPuts + sequencePutsLists + sequenceGets + athenaPuts + athenaGets;
  add(
    'S3 storage',
    `server access logs, ${d.accessLogsRetentionDays} days`,
    gbMonths((s3Requests / days) * a.accessLogBytesPerRequest, d.accessLogsRetentionDays),
    p.s3.standardGbMonth,
  );

  // --- KMS: keys, S3 with bucket keys, Kinesis server-side encryption.
  const keys = DEPLOYED_RESOURCES.kmsKeys + (d.glueCatalogEncryption ? 1 : 0);
  add('KMS', `${keys} customer-managed keys`, keys, p.kms.keyMonth);
  const reusesPerHour = 60 / a.kinesisDataKeyReuseMinutes;
  const producerRequests = users * a.activeHoursPerUserDay * days * reusesPerHour;
  const consumerRequests = pollers * hours * reusesPerHour;
  add(
    'KMS',
    'requests: S3 with bucket keys',
    (s3Requests * a.bucketKeyKmsRequestShare) / 10_000,
    p.kms.requestsTenThousand,
  );
  add(
    'KMS',
    `requests: Kinesis encryption (${fmt(users)} agents, ${pollers} pollers)`,
    (producerRequests + consumerRequests) / 10_000,
    p.kms.requestsTenThousand,
  );

  // --- Athena and the Glue catalog: a typical view query scans some days of the curated zone.
  const scannedBytes = curatedBytesPerDay * a.daysScannedPerQuery;
  const billedBytes = Math.max(AWS_LIMITS.athenaMinimumBytes, Math.ceil(scannedBytes / MIB) * MIB);
  add(
    'Athena',
    `${fmt(a.queriesPerMonth)} queries × ${fmt(billedBytes / MIB)} MB scanned`,
    (a.queriesPerMonth * billedBytes) / TIB,
    p.athena.scannedTb,
  );
  add(
    'Glue',
    'Data Catalog requests',
    (a.queriesPerMonth * a.glueRequestsPerQuery) / 1e6,
    p.glue.catalogRequestsMillion,
  );

  // --- Step Functions: the sequencing runs, erasures and backfills.
  const sequencingTransitions =
    runsPerMonth *
    (a.transitionsPerSequencingRun +
      d.sequenceShards *
        a.transitionsPerSequencingItem *
        Math.ceil(windowsPerRun / a.sequenceMaxWindowsPerInvocation));
  add(
    'Step Functions',
    `sequencing: ${fmt(runsPerMonth)} runs a month × ${d.sequenceShards} shard items`,
    sequencingTransitions / 1000,
    p.stepFunctions.transitionsThousand,
  );
  const sfnTransitions =
    a.erasuresPerMonth * a.transitionsPerErasure + a.backfillsPerMonth * a.transitionsPerBackfill;
  add(
    'Step Functions',
    `${a.erasuresPerMonth} erasure(s), ${a.backfillsPerMonth} backfill(s) a month`,
    sfnTransitions / 1000,
    p.stepFunctions.transitionsThousand,
  );

  // --- CloudWatch.
  const logsGb =
    (redactInvocations * a.logBytesPerRedactInvocation + runsPerMonth * a.logBytesPerSequenceRun) / GIB;
  add('CloudWatch', 'Logs ingested', logsGb, p.cloudWatch.logsIngestGb);
  add(
    'CloudWatch',
    `Logs stored, ${d.logRetentionDays} days`,
    (logsGb * d.logRetentionDays) / days,
    p.cloudWatch.logsStorageGbMonth,
  );
  add('CloudWatch', 'custom metrics', DEPLOYED_RESOURCES.customMetrics, p.cloudWatch.metricMonth);
  add('CloudWatch', 'alarms', DEPLOYED_RESOURCES.alarms, p.cloudWatch.alarmMonth);
  add('CloudWatch', 'dashboard', DEPLOYED_RESOURCES.dashboards, p.cloudWatch.dashboardMonth);

  lines.sort((x, y) => COST_COMPONENTS.indexOf(x.component) - COST_COMPONENTS.indexOf(y.component));
  const byComponent = Object.fromEntries(COST_COMPONENTS.map((c) => [c, 0])) as Record<CostComponent, number>;
  for (const l of lines) if (l.inTotal) byComponent[l.component] += l.usd;
  const totalUsd = Object.values(byComponent).reduce((s, v) => s + v, 0);

  const perMillionScanned = (m.curatedParquetBytesPerEvent * 1e6 * a.daysScannedPerQuery) / MIB;
  const assumptions = [
    `${fmt(days, 1)} days a month; steady state: every zone holds its full retention, lifecycle tiers applied`,
    `an event is ${fmt(bytesPerEvent, 1)} bytes of JSON as the agent sends it (measured: ${fmt(m.rawEventBytes, 1)}, simulator through on-device privacy)`,
    `Parquet: events zone ${fmt(m.eventsParquetBytesPerEvent, 2)} B and curated zone ${fmt(m.curatedParquetBytesPerEvent, 2)} B per event sent, ${fmt(m.eventsParquetBytesPerEvent / m.rawEventBytes, 3)} and ${fmt(m.curatedParquetBytesPerEvent / m.rawEventBytes, 3)} of the JSON (local run)`,
    `KPL aggregation (the agent's default): ${fmt(m.eventsPerAggregatedRecord)} events a record of ${fmt(m.aggregatedBytesFactor, 4)}× the JSON bytes, so ${fmt((variants[0]?.onDemandUnitsPerEvent ?? 0) * 1e6)} on-demand 1 KB units per million events against ${fmt((variants[1]?.onDemandUnitsPerEvent ?? 0) * 1e6)} plain (bench produce)`,
    `provisioned shards sized for ${a.peakToAverage}× the average rate (1 MB/s or 1,000 records/s a shard); on-demand streams have at least ${AWS_LIMITS.onDemandInitialShards} shards`,
    `redact: ${fmt(m.redactCpuSecondsPerEvent * 1e6, 1)} µs CPU per event (bench handler+parquet ratio × ${fmt(BENCH_FLOOR_EVENTS_PER_SECOND)} events/s floor), ×${fmt(cpuStretch(d.redactMemoryMb), 2)} wall at ${d.redactMemoryMb} MB (1 vCPU at 1,769 MB), plus ${a.redactIoSecondsPerInvocation} s I/O per invocation; ${fmt(eventsPerInvocation)} events per invocation (batch ${d.redactBatchSize} records, window ${d.redactBatchWindowSeconds} s, ${pollers} pollers, 6 MB payload)`,
    `sequence: incremental ${d.sequenceWindowMinutes}-minute windows in ${d.sequenceShards} shard jobs each, ${fmt(SEQUENCING_MEASURED.cpuSecondsPerEvent * 1e6, 1)} µs CPU per event (bench sequence-scale: decoding, reducing, writing, checkpoints) plus ${a.sequenceJobOverheadSeconds} s a job; a job holds about ${fmt(scale.rowsPerJob * (scale.shards / d.sequenceShards))} rows (${fmt(scale.peakMemoryMbPerJob * (scale.shards / d.sequenceShards))} MB); runs every ${d.sequenceScheduleMinutes} min`,
    `Lambda ${DEPLOYED_RESOURCES.lambdaArchitecture} (lib/defaults.ts); no free tier`,
    `curated objects: ${fmt(curatedObjectsPerDay)} a day of ${fmt(curatedObjectBytes / KIB, 1)} KB; ${transitions ? 'they transition to Standard-IA and Glacier IR' : 'under 128 KB, so lifecycle does not transition them'}`,
    `quarantine holds ${a.quarantineShare * 100} % of events (assumed)`,
    `a typical view query scans ${a.daysScannedPerQuery} days of the curated zone: ${fmt(perMillionScanned, 1)} MB per 1 M events a day (10 MB minimum); ${fmt(a.queriesPerMonth)} queries a month`,
    `KMS: S3 Bucket Keys cut requests to ${a.bucketKeyKmsRequestShare * 100} % of object requests; Kinesis encryption asks for a data key per agent or poller every ${a.kinesisDataKeyReuseMinutes} min while it sends (${fmt(users)} agents × ${a.activeHoursPerUserDay} h a day)`,
    `Step Functions: ${a.transitionsPerErasure} transitions an erasure, ${a.transitionsPerBackfill} a backfill`,
    `CloudWatch Logs: ${a.logBytesPerRedactInvocation} B per redact invocation, ${a.logBytesPerSequenceRun} B per sequencer run, stored uncompressed`,
  ];
  const derived = {
    eventsPerInvocation,
    redactInvocations,
    streamShards,
    pollers,
    provisionedShardsAggregated: provisionedShards(variants[0] ?? deployedVariant),
    provisionedShardsPlain: provisionedShards(variants[1] ?? deployedVariant),
    onDemandUnitsPerMillionAggregated: (variants[0]?.onDemandUnitsPerEvent ?? 0) * 1e6,
    onDemandUnitsPerMillionPlain: (variants[1]?.onDemandUnitsPerEvent ?? 0) * 1e6,
    sequencerShardsNeeded: scale.shards,
    sequencerRowsPerJob: scale.rowsPerJob * (scale.shards / d.sequenceShards),
    sequencerSecondsPerJob: scale.secondsPerJob * (scale.shards / d.sequenceShards),
    curatedObjectBytes,
    athenaBilledBytesPerQuery: billedBytes,
    kinesisUsdPerMillionEvents: (byComponent.Kinesis / eventsPerMonth) * 1e6,
    lambdaUsdPerMillionEvents: (byComponent.Lambda / eventsPerMonth) * 1e6,
  };
  return {
    region: input.region,
    eventsPerDay,
    eventsPerMonth,
    bytesPerEvent,
    users,
    lines,
    byComponent,
    totalUsd,
    derived,
    assumptions,
    warnings,
  };
}
