/** Minimal typings for the two in-process emulators (neither ships its own). */
declare module 's3rver' {
  import type { AddressInfo } from 'node:net';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }
  export default class S3rver {
    constructor(options?: S3rverOptions);
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
}

declare module 'kinesalite' {
  import type { Server } from 'node:http';

  interface KinesaliteOptions {
    path?: string;
    createStreamMs?: number;
    deleteStreamMs?: number;
    updateStreamMs?: number;
    shardLimit?: number;
    ssl?: boolean;
  }
  export default function kinesalite(options?: KinesaliteOptions): Server;
}

declare module 'aws-kinesis-agg' {
  interface AggRecord {
    data: string | Buffer;
    partitionKey: string;
    explicitHashKey?: string;
  }
  /** Synchronous KPL aggregation of user records into one Kinesis record (≤ 1 MiB). */
  class RecordAggregator {
    checkIfUserRecordFits(record: AggRecord): boolean;
    addUserRecord(record: AggRecord): void;
    build(): { partitionKey: string; data: Buffer } | undefined;
    length(): number;
  }
  const agg: {
    RecordAggregator: typeof RecordAggregator;
    deaggregateSync(
      record: {
        data: string;
        partitionKey?: string;
        sequenceNumber: string;
        approximateArrivalTimestamp?: number;
      },
      computeChecksums: boolean,
      callback: (
        err: Error | null,
        records?: {
          data: string;
          partitionKey: string;
          sequenceNumber: string;
          subSequenceNumber?: number;
        }[],
      ) => void,
    ): void;
    aggregate(
      records: AggRecord[],
      onReady: (
        encoded: { partitionKey: string; explicitHashKey?: string; data: Buffer },
        callback: (err?: Error | null) => void,
      ) => void,
      afterPut: () => void,
      onError: (err: Error, data?: unknown) => void,
      queueSize?: number,
    ): void;
  };
  export default agg;
}
