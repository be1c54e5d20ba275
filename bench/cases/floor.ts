/** The floor: base64 decode + JSON.parse of each record; every other case is a ratio to this. */

import { corpusRecords } from '../corpus.js';
import type { MicroCase } from '../harness.js';

const records = corpusRecords(5000);

export const floorCase: MicroCase = {
  kind: 'micro',
  name: 'floor: decode+parse',
  description: 'base64 decode + JSON.parse of realistic Kinesis record payloads',
  events: records.length,
  run() {
    let n = 0;
    for (const r of records) {
      const value = JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8')) as { seq: number };
      n += value.seq;
    }
    return n;
  },
};
