/**
 * Realistic benchmark input: Kinesis records carrying a mix of event types in the proportions a desktop
 * recorder produces (mostly pointer moves, then keys, clicks, scrolls and context events).
 */
import { readFileSync } from 'node:fs';
import type { KinesisStreamRecord } from 'aws-lambda';
import type { WorktraceEventInput } from '#core/contract/event-contract.js';
import { kinesisRecord } from '../test/fixtures/events.js';

/** Sample session events, cycled with fresh ids and increasing seq to `count` events. */
export function corpusEvents(count: number): WorktraceEventInput[] {
  const sample = readFileSync(new URL('../samples/sample-events.ndjson', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as WorktraceEventInput);
  const out: WorktraceEventInput[] = [];
  for (let i = 0; i < count; i++) {
    const e = sample[i % sample.length] as WorktraceEventInput;
    out.push({ ...e, eventId: `bench-${String(i).padStart(10, '0')}`, seq: i, ts: e.ts + i * 7 });
  }
  return out;
}

/** The same events as Kinesis stream records (base64 JSON payloads, as Lambda receives them). */
export function corpusRecords(count: number): KinesisStreamRecord[] {
  return corpusEvents(count).map((e) => kinesisRecord(e, { partitionKey: e.sessionId }));
}
