import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { FileObjectStore } from '#adapters/file-object-store.js';
import type { WorktraceEventInput } from '#core/contract/event-contract.js';
import { CANARY_STATE_KEY, type CanaryValue } from '#core/governance/canary.js';
import { VIEWS } from '#core/views/registry.js';
import { CanaryError, type CanaryStores, createCanaryHandler } from '../../../lambdas/canary/app.js';
import { logCapture } from '../../fixtures/log-capture.js';

const athenaMock = mockClient(AthenaClient);
afterEach(() => athenaMock.reset());

/** Athena (no emulator here: aws-sdk-client-mock) where the views in `hits` hold a canary value. */
function athenaWith(hits: readonly string[]): AthenaClient {
  athenaMock.on(StartQueryExecutionCommand).callsFake((input: { QueryString: string }) => ({
    QueryExecutionId: hits.some((id) => input.QueryString.includes(`FROM ${id} `)) ? 'hit' : 'miss',
  }));
  athenaMock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
  athenaMock.on(GetQueryResultsCommand).callsFake((input: { QueryExecutionId: string }) => ({
    ResultSet: {
      ResultSetMetadata: { ColumnInfo: [{ Name: 'n', Type: 'bigint' }] },
      Rows: [
        { Data: [{ VarCharValue: 'n' }] },
        { Data: [{ VarCharValue: input.QueryExecutionId === 'hit' ? '1' : '0' }] },
      ],
    },
  }));
  return new AthenaClient({ region: 'eu-west-1' });
}

function stores(): CanaryStores {
  const root = mkdtempSync(join(tmpdir(), 'wt-canary-app-'));
  const store = (name: string) => new FileObjectStore(join(root, name));
  return {
    events: store('events'),
    quarantine: store('quarantine'),
    curated: store('curated'),
    audit: store('audit'),
  };
}

/** A stand-in for stream + redact function: writes one events object per run, scrubbed or not. */
function pipeline(zones: CanaryStores, mode: 'scrubs' | 'leaks' | 'writes nothing') {
  const sent: WorktraceEventInput[][] = [];
  const send = async (events: readonly WorktraceEventInput[], startedMs: number) => {
    sent.push([...events]);
    const day = new Date(startedMs).toISOString().slice(0, 10);
    const key = `events/dt=${day}/hour=00/canary-${sent.length}.json`;
    if (mode === 'scrubs')
      await zones.events.put(key, JSON.stringify({ events: events.length, text: '<EMAIL:0a1b2c>' }));
    if (mode === 'leaks') await zones.events.put(key, JSON.stringify(events));
    return events.length;
  };
  return { send, sent };
}

const config = { WAIT_SECONDS: 120, ATHENA_WORKGROUP: 'worktrace-test', GLUE_DATABASE: 'worktrace_test' };
const noWait = async () => {};
/** A run's start, a little in the past: file modification times come from a coarser clock than Date.now. */
const clock = { now: () => Date.now() - 5_000 };

async function savedValues(zones: CanaryStores): Promise<CanaryValue[]> {
  const body = await zones.audit.get(CANARY_STATE_KEY);
  return (JSON.parse(Buffer.from(body as Uint8Array).toString('utf8')) as { values: CanaryValue[] }).values;
}

describe('canary handler over file stores', () => {
  it('passes when the pipeline scrubs, keeps its values for the next run, and waits as configured', async () => {
    const zones = stores();
    const { send, sent } = pipeline(zones, 'scrubs');
    const waited: number[] = [];
    const handler = createCanaryHandler({
      config,
      stores: zones,
      send,
      athena: athenaWith([]),
      clock,
      sleep: async (ms) => {
        waited.push(ms);
      },
    });
    expect(await handler()).toEqual({ passed: true, objectsSearched: 1 });
    expect(waited).toEqual([120_000]);
    const values = await savedValues(zones);
    expect(values.length).toBeGreaterThan(0);
    expect(JSON.stringify(sent[0])).toContain(values[0]?.value);
    expect(athenaMock.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });

  it('fails naming the object when a value survives, and logs locations, never values', async () => {
    const zones = stores();
    const { lines, logger } = logCapture();
    const handler = createCanaryHandler({
      config,
      stores: zones,
      ...pipeline(zones, 'leaks'),
      athena: athenaWith([]),
      clock,
      sleep: noWait,
      logger,
    });
    await expect(handler()).rejects.toThrow(CanaryError);
    const values = await savedValues(zones);
    const errors = lines.map((l) => JSON.parse(l)).filter((l) => l.level === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((l) => String(l.location).startsWith('events/events/dt='))).toBe(true);
    for (const v of values) expect(lines.join('\n')).not.toContain(v.value);
  });

  it('fails when the pipeline wrote nothing within the wait', async () => {
    const zones = stores();
    const handler = createCanaryHandler({
      config,
      stores: zones,
      ...pipeline(zones, 'writes nothing'),
      athena: athenaWith([]),
      clock,
      sleep: noWait,
    });
    await expect(handler()).rejects.toThrow(/wrote nothing/);
  });

  it("searches curated and every view for the previous run's values on the next run", async () => {
    const zones = stores();
    const { send } = pipeline(zones, 'scrubs');
    const view = VIEWS[0]?.id as string;
    const first = createCanaryHandler({
      config,
      stores: zones,
      send,
      athena: athenaWith([]),
      clock,
      sleep: noWait,
    });
    await first();
    const previous = await savedValues(zones);
    // The sequencer let one of them through into curated, and one view shows it.
    await zones.curated.put('actions/dt=x/leak.json', JSON.stringify({ note: previous[0]?.value }));
    const { lines, logger } = logCapture();
    const second = createCanaryHandler({
      config,
      stores: zones,
      send,
      athena: athenaWith([view]),
      clock,
      sleep: noWait,
      logger,
    });
    await expect(second()).rejects.toThrow(/canary values survived/);
    expect(athenaMock.commandCalls(StartQueryExecutionCommand)).toHaveLength(VIEWS.length);
    for (const call of athenaMock.commandCalls(StartQueryExecutionCommand))
      expect(call.args[0].input).toMatchObject({
        WorkGroup: 'worktrace-test',
        QueryExecutionContext: { Database: 'worktrace_test' },
      });
    const locations = lines.map((l) => JSON.parse(l).location);
    expect(locations).toEqual(expect.arrayContaining(['curated/actions/dt=x/leak.json', `view:${view}`]));
  });
});
