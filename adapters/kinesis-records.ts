/** Kinesis stream records to redactor source records, de-aggregating KPL records with aws-kinesis-agg. */

import agg from 'aws-kinesis-agg';
import type { KinesisStreamRecord } from 'aws-lambda';
import type { SourceRecord } from '#core/redact/transform.js';

interface UserRecord {
  data: string;
  sequenceNumber: string | bigint;
  subSequenceNumber?: number;
}

/** The shard id of a record (from its eventID, "shardId-000000000000:4959..."). */
export function shardOf(record: KinesisStreamRecord): string {
  const id = record.eventID;
  const colon = id.indexOf(':');
  return colon > 0 ? id.slice(0, colon) : 'shardId-unknown';
}

/**
 * Decodes one Kinesis record into one or more source records. A plain record yields itself; a KPL
 * aggregate yields its user records. An aggregate that fails to decode (bad checksum, truncated) yields the
 * raw bytes as one record, which then fails validation and is quarantined, scrubbed.
 */
export function toSourceRecords(record: KinesisStreamRecord): SourceRecord[] {
  const shardId = shardOf(record);
  const arrivalMs = Math.round(record.kinesis.approximateArrivalTimestamp * 1000);
  const sequenceNumber = record.kinesis.sequenceNumber;
  const raw = Buffer.from(record.kinesis.data, 'base64');
  // KPL magic number: 0xF3 0x89 0x9A 0xC2
  if (raw.length < 4 || raw[0] !== 0xf3 || raw[1] !== 0x89 || raw[2] !== 0x9a || raw[3] !== 0xc2) {
    return [{ shardId, sequenceNumber, arrivalMs, data: raw }];
  }
  let out: SourceRecord[] = [];
  agg.deaggregateSync(record.kinesis, true, (err: Error | null, users?: UserRecord[]) => {
    if (err || !users) {
      out = [{ shardId, sequenceNumber, arrivalMs, data: raw }];
      return;
    }
    out = users.map((u, i) => ({
      shardId,
      sequenceNumber,
      arrivalMs,
      subSequenceNumber: u.subSequenceNumber ?? i,
      data: Buffer.from(u.data, 'base64'),
    }));
  });
  return out;
}
