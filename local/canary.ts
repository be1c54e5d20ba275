/**
 * The canary in local mode (values, events and object search in core/governance/canary.ts): synthetic events carrying unique, never-seen-before secrets and PII (typed key by key, in
 * window titles, agent-coalesced text, error dialogs and a secure password field, from a raw user id that
 * must itself never land) go through the live pipeline: the agent SDK, the stream, the real redact
 * handler, the sequencer and the views. Then every object of every zone and every row of every view is
 * searched for them. A survivor names its location.
 */
import { join } from 'node:path';
import { LocalLake } from '#adapters/duckdb-lake.js';
import {
  type CanaryValue,
  canaryEvents,
  canaryValues,
  type Survivor,
  searchObjects,
} from '#core/governance/canary.js';
import type { KeyProvider, ObjectStore } from '#core/ports.js';
import type { Policy } from '#core/redact/policy.js';
import { VIEWS } from '#core/views/registry.js';
import { type LocalStack, runLocalPipeline, type SequencerSettings } from './runtime.js';
import type { WorkloadSource } from './workload.js';

/** Searches every object of every store and every view for the values. */
export async function searchEverywhere(
  stores: Readonly<Record<string, ObjectStore>>,
  lake: LocalLake,
  values: readonly CanaryValue[],
): Promise<Survivor[]> {
  const out: Survivor[] = [...(await searchObjects(stores, values)).survivors];
  for (const view of VIEWS) {
    const text = JSON.stringify((await lake.query(`SELECT * FROM ${view.id}`)).rows);
    for (const v of values)
      if (text.includes(v.value)) out.push({ kind: v.kind, location: `view:${view.id}` });
  }
  return out;
}

/** Runs the canary through a running local stack; returns the values and any survivors. */
export async function runCanary(
  stack: LocalStack,
  options: { policy: Policy; keyProvider?: KeyProvider; sequencer?: SequencerSettings; nonce?: string },
): Promise<{ values: CanaryValue[]; survivors: Survivor[]; sent: number; written: number }> {
  const values = canaryValues(options.nonce);
  const minute = 60_000;
  const startMs = Math.floor(Date.now() / minute) * minute - 10 * minute;
  const events = canaryEvents(values, startMs);
  const workload: WorkloadSource = {
    minute: (m) => (m === 0 ? events : []),
    neverStored: values.map((v) => v.value),
    userIds: [values.find((v) => v.kind === 'RAW_USER_ID')?.value as string],
    events: events.length,
    truth: {
      seed: 0,
      users: 1,
      minutes: 1,
      events: events.length,
      eventsByType: {},
      planted: [],
      actions: {},
      episodes: {},
      excludedAppVisits: 0,
    },
  };
  const stats = await runLocalPipeline(stack, {
    workload,
    users: 1,
    minutes: 1,
    startMs,
    policy: options.policy,
    ...(options.keyProvider ? { keyProvider: options.keyProvider } : {}),
    ...(options.sequencer ? { sequencer: options.sequencer } : {}),
  });
  const lake = await LocalLake.open({
    stores: stack.stores,
    cacheDir: join(stack.dataDir, 'cache', 'canary'),
  });
  try {
    const survivors = await searchEverywhere(stack.stores, lake, values);
    return { values, survivors, sent: stats.sent, written: stats.written + stats.coalesced };
  } finally {
    lake.close();
  }
}

export type { CanaryValue, Survivor };
export { canaryEvents, canaryValues };
