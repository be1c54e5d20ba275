/** Decode + parse + validate against the event contract. */
import { parseEvent } from '#core/contract/validate.js';
import { corpusRecords } from '../corpus.js';
import type { MicroCase } from '../harness.js';

const records = corpusRecords(5000);

export const validateCase: MicroCase = {
  kind: 'micro',
  name: 'validate',
  description: 'base64 decode + JSON.parse + contract validation (zod)',
  events: records.length,
  run() {
    let valid = 0;
    for (const r of records) if (parseEvent(Buffer.from(r.kinesis.data, 'base64')).ok) valid += 1;
    if (valid !== records.length) throw new Error('corpus must be valid');
    return valid;
  },
};
