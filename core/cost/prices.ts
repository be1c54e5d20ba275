/**
 * AWS unit prices the cost model multiplies by, per region: data, not logic. Every price names the AWS
 * pricing page it comes from. These are PUBLIC LIST PRICES AS OF `PRICES.asOf`, on-demand, without free
 * tiers, savings plans, volume tiers beyond the first, private pricing or tax, written down from the
 * pricing pages as they stood then; AWS changes them, so check each one on its page before you rely on an
 * estimate (and update this file, with its date, when one changed).
 */

/** One unit price. */
export interface Price {
  /** US dollars per `per`. */
  readonly usd: number;
  /** The billing unit, as the pricing page states it. */
  readonly per: string;
  /** The AWS pricing page the figure comes from. */
  readonly source: string;
}

/** Every unit price the model uses, for one region. */
export interface RegionPrices {
  readonly kinesis: {
    /** On-demand capacity mode: per stream and hour. */
    readonly onDemandStreamHour: Price;
    /** On-demand: per GB written, each record rounded up to 1 KB. */
    readonly onDemandIngestGb: Price;
    /** On-demand: per GB read by standard (shared-throughput) consumers. */
    readonly onDemandRetrievalGb: Price;
    /** On-demand: per GB-month kept beyond the default 24 hours (up to 7 days). */
    readonly onDemandExtendedRetentionGbMonth: Price;
    /** Provisioned capacity mode: per shard and hour. */
    readonly shardHour: Price;
    /** Provisioned: per million PUT payload units (each record rounded up to 25 KB units). */
    readonly putPayloadUnitsMillion: Price;
    /** Provisioned: per shard-hour of retention beyond 24 hours (up to 7 days). */
    readonly extendedRetentionShardHour: Price;
  };
  readonly lambda: {
    /** Duration per GB-second, Arm (Graviton). */
    readonly gbSecondArm64: Price;
    /** Duration per GB-second, x86. */
    readonly gbSecondX86: Price;
    /** Requests per million. */
    readonly requestsMillion: Price;
  };
  readonly s3: {
    readonly standardGbMonth: Price;
    readonly standardIaGbMonth: Price;
    readonly glacierIrGbMonth: Price;
    /** PUT, COPY, POST, LIST requests (S3 Standard) per 1,000. */
    readonly putListThousand: Price;
    /** GET, SELECT and all other requests (S3 Standard) per 1,000. */
    readonly getThousand: Price;
    /** Lifecycle transition requests into Standard-IA per 1,000. */
    readonly transitionToIaThousand: Price;
    /** Lifecycle transition requests into Glacier Instant Retrieval per 1,000. */
    readonly transitionToGlacierIrThousand: Price;
  };
  readonly kms: {
    /** Customer-managed key per month. */
    readonly keyMonth: Price;
    /** Symmetric-key API requests per 10,000. */
    readonly requestsTenThousand: Price;
  };
  readonly athena: {
    /** Per TB scanned (SQL queries), rounded up to the MB, 10 MB minimum per query. */
    readonly scannedTb: Price;
  };
  readonly stepFunctions: {
    /** Standard workflows: per 1,000 state transitions. */
    readonly transitionsThousand: Price;
  };
  readonly cloudWatch: {
    /** Logs ingested (standard log class) per GB. */
    readonly logsIngestGb: Price;
    /** Logs stored per GB-month. */
    readonly logsStorageGbMonth: Price;
    /** Custom metrics per metric-month (first tier). */
    readonly metricMonth: Price;
    /** Standard-resolution alarm per alarm-month. */
    readonly alarmMonth: Price;
    /** Dashboard per month. */
    readonly dashboardMonth: Price;
  };
  readonly glue: {
    /** Data Catalog requests per million (beyond the free million a month, not applied here). */
    readonly catalogRequestsMillion: Price;
  };
}

const SOURCES = {
  kinesis: 'https://aws.amazon.com/kinesis/data-streams/pricing/',
  lambda: 'https://aws.amazon.com/lambda/pricing/',
  s3: 'https://aws.amazon.com/s3/pricing/',
  kms: 'https://aws.amazon.com/kms/pricing/',
  athena: 'https://aws.amazon.com/athena/pricing/',
  stepFunctions: 'https://aws.amazon.com/step-functions/pricing/',
  cloudWatch: 'https://aws.amazon.com/cloudwatch/pricing/',
  glue: 'https://aws.amazon.com/glue/pricing/',
} as const;

/** The billing unit of each price, as the pricing pages state it. */
const UNITS: { readonly [S in keyof RegionPrices]: { readonly [P in keyof RegionPrices[S]]: string } } = {
  kinesis: {
    onDemandStreamHour: 'stream-hour',
    onDemandIngestGb: 'GB ingested',
    onDemandRetrievalGb: 'GB retrieved',
    onDemandExtendedRetentionGbMonth: 'GB-month beyond 24 h',
    shardHour: 'shard-hour',
    putPayloadUnitsMillion: 'million PUT payload units',
    extendedRetentionShardHour: 'shard-hour beyond 24 h',
  },
  lambda: {
    gbSecondArm64: 'GB-second (Arm)',
    gbSecondX86: 'GB-second (x86)',
    requestsMillion: 'million requests',
  },
  s3: {
    standardGbMonth: 'GB-month',
    standardIaGbMonth: 'GB-month',
    glacierIrGbMonth: 'GB-month',
    putListThousand: '1,000 requests',
    getThousand: '1,000 requests',
    transitionToIaThousand: '1,000 transitions',
    transitionToGlacierIrThousand: '1,000 transitions',
  },
  kms: { keyMonth: 'key-month', requestsTenThousand: '10,000 requests' },
  athena: { scannedTb: 'TB scanned' },
  stepFunctions: { transitionsThousand: '1,000 state transitions' },
  cloudWatch: {
    logsIngestGb: 'GB ingested',
    logsStorageGbMonth: 'GB-month',
    metricMonth: 'metric-month',
    alarmMonth: 'alarm-month',
    dashboardMonth: 'dashboard-month',
  },
  glue: { catalogRequestsMillion: 'million requests' },
};

/** One region's figures: USD per unit, by service and price. */
type RegionFigures = {
  readonly [S in keyof RegionPrices]: { readonly [P in keyof RegionPrices[S]]: number };
};

/** Attaches each figure's unit and source page. */
function region(figures: RegionFigures): RegionPrices {
  const priced = (service: keyof RegionPrices) =>
    Object.fromEntries(
      Object.entries(figures[service]).map(([name, usd]) => [
        name,
        { usd, per: (UNITS[service] as Record<string, string>)[name] ?? name, source: SOURCES[service] },
      ]),
    );
  return Object.fromEntries(
    (Object.keys(figures) as (keyof RegionPrices)[]).map((service) => [service, priced(service)]),
  ) as unknown as RegionPrices;
}

/** Prices that are the same in every region listed here. */
const SAME_EVERYWHERE = {
  lambda: { gbSecondArm64: 0.0000133334, gbSecondX86: 0.0000166667, requestsMillion: 0.2 },
  kms: { keyMonth: 1, requestsTenThousand: 0.03 },
  athena: { scannedTb: 5 },
  stepFunctions: { transitionsThousand: 0.025 },
  glue: { catalogRequestsMillion: 1 },
} as const;

/** The price book: its date, what it is, and the prices per region. */
export const PRICES = {
  /**
   * The date of the list prices below. They were written down from the public pricing pages as known on that
   * date, without network access, when this file was compiled (2026-12-01): check them before use.
   */
  asOf: '2025-06-01',
  note: 'AWS public list prices as of the date, on-demand, first volume tier, no free tier, no tax; check each on its page before relying on an estimate',
  sources: Object.values(SOURCES),
  regions: {
    'us-east-1': region({
      ...SAME_EVERYWHERE,
      kinesis: {
        onDemandStreamHour: 0.04,
        onDemandIngestGb: 0.08,
        onDemandRetrievalGb: 0.04,
        onDemandExtendedRetentionGbMonth: 0.1,
        shardHour: 0.015,
        putPayloadUnitsMillion: 0.014,
        extendedRetentionShardHour: 0.02,
      },
      s3: {
        standardGbMonth: 0.023,
        standardIaGbMonth: 0.0125,
        glacierIrGbMonth: 0.004,
        putListThousand: 0.005,
        getThousand: 0.0004,
        transitionToIaThousand: 0.01,
        transitionToGlacierIrThousand: 0.02,
      },
      cloudWatch: {
        logsIngestGb: 0.5,
        logsStorageGbMonth: 0.03,
        metricMonth: 0.3,
        alarmMonth: 0.1,
        dashboardMonth: 3,
      },
    }),
    'eu-west-1': region({
      ...SAME_EVERYWHERE,
      kinesis: {
        onDemandStreamHour: 0.04,
        onDemandIngestGb: 0.08,
        onDemandRetrievalGb: 0.04,
        onDemandExtendedRetentionGbMonth: 0.1,
        shardHour: 0.015,
        putPayloadUnitsMillion: 0.014,
        extendedRetentionShardHour: 0.02,
      },
      s3: {
        standardGbMonth: 0.023,
        standardIaGbMonth: 0.0125,
        glacierIrGbMonth: 0.004,
        putListThousand: 0.005,
        getThousand: 0.0004,
        transitionToIaThousand: 0.01,
        transitionToGlacierIrThousand: 0.02,
      },
      cloudWatch: {
        logsIngestGb: 0.57,
        logsStorageGbMonth: 0.03,
        metricMonth: 0.3,
        alarmMonth: 0.1,
        dashboardMonth: 3,
      },
    }),
    'eu-central-1': region({
      ...SAME_EVERYWHERE,
      kinesis: {
        onDemandStreamHour: 0.048,
        onDemandIngestGb: 0.096,
        onDemandRetrievalGb: 0.048,
        onDemandExtendedRetentionGbMonth: 0.12,
        shardHour: 0.018,
        putPayloadUnitsMillion: 0.0168,
        extendedRetentionShardHour: 0.024,
      },
      s3: {
        standardGbMonth: 0.0245,
        standardIaGbMonth: 0.0135,
        glacierIrGbMonth: 0.005,
        putListThousand: 0.0054,
        getThousand: 0.00043,
        transitionToIaThousand: 0.01,
        transitionToGlacierIrThousand: 0.02,
      },
      cloudWatch: {
        logsIngestGb: 0.63,
        logsStorageGbMonth: 0.0324,
        metricMonth: 0.3,
        alarmMonth: 0.1,
        dashboardMonth: 3,
      },
    }),
  },
} as const satisfies {
  asOf: string;
  note: string;
  sources: readonly string[];
  regions: Record<string, RegionPrices>;
};

/** A region the price book knows. */
export type PricedRegion = keyof typeof PRICES.regions;

/** The regions the price book knows, in order. */
export const PRICED_REGIONS = Object.keys(PRICES.regions) as PricedRegion[];

/** True when the price book has prices for `name`. */
export function isPricedRegion(name: string): name is PricedRegion {
  return (PRICED_REGIONS as string[]).includes(name);
}
