/**
 * The erase function's state machine steps (plan → find → rewrite per object → verify → finish) through
 * createEraseHandler, with Athena mocked (no emulator exists): each query's answer is what DuckDB returns
 * for the very same SQL over the same zones, so the find SQL is exercised on a real engine.
 */
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
import { queryAthena } from '#adapters/athena.js';
import { LocalLake } from '#adapters/duckdb-lake.js';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { verifyReceiptChain } from '#core/governance/erase.js';
import { queryIndex } from '#core/governance/erase-find.js';
import { readOptOuts } from '#core/governance/opt-outs.js';
import { decodeParquet, encodeParquet, type LakeRow } from '#core/lake/parquet.js';
import { EVENTS_TABLE } from '#core/lake/schema.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';
import { CHECKPOINT_PREFIX, checkpointKey, sequenceWindow } from '#core/sequence/sequencer.js';
import {
  createEraseHandler,
  EraseRequestError,
  type EraseResponse,
  type FindResponse,
  type PlanResponse,
  type RewriteResponse,
  type VerifyResponse,
} from '../../../lambdas/erase/app.js';
import { ROW_BASE_TS, SessionScript } from '../../fixtures/event-rows.js';
import { logCapture } from '../../fixtures/log-capture.js';
import { TEST_KEY } from '../../fixtures/redact.js';

const RAW_USER = 'bob.subject@corp.example';
const SUBJECT = new Pseudonymizer(TEST_KEY).of('user', RAW_USER);
const BUCKETS = { events: 'wt-events', quarantine: 'wt-quarantine', curated: 'wt-curated' } as const;
const WORKGROUP = 'worktrace-test-pipeline';

const athenaMock = mockClient(AthenaClient);
afterEach(() => athenaMock.reset());

/** Zones: two events objects holding the subject, one not; one quarantine object holding them. */
async function zones() {
  const root = mkdtempSync(join(tmpdir(), 'wt-erase-steps-'));
  const store = (name: string) => new FileObjectStore(join(root, name));
  const stores = {
    events: store('events'),
    quarantine: store('quarantine'),
    curated: store('curated'),
    audit: store('audit'),
  };
  const rows = (session: string, user: string) =>
    new SessionScript(session, ROW_BASE_TS)
      .screen()
      .focus('editor')
      .click(1, 1)
      .rows.map((r) => ({ ...r, user_pseudonym: user, key_version: TEST_KEY.version }));
  const put = (key: string, list: Record<string, unknown>[]) =>
    stores.events.put(key, encodeParquet(EVENTS_TABLE.columns, list as unknown as LakeRow[]));
  const holding = [
    'events/dt=2026-11-02/hour=09/shardId-000000000000-1-9.parquet',
    'events/dt=2026-11-02/hour=10/shardId-000000000000-10-19.parquet',
  ];
  await put(holding[0] as string, [...rows('s1', SUBJECT), ...rows('o1', 'u-other')]);
  await put(holding[1] as string, rows('s2', SUBJECT));
  await put('events/dt=2026-11-02/hour=11/shardId-000000000000-20-29.parquet', rows('o2', 'u-other'));
  const q = 'quarantine/dt=2026-11-02/hour=09/shardId-000000000000-5-5.jsonl';
  const line = (user: string) =>
    `${JSON.stringify({ reason: 'contract', issues: '[]', user_pseudonym: user, scrubbed_payload: '{}', key_version: TEST_KEY.version })}\n`;
  await stores.quarantine.put(q, line(SUBJECT) + line('u-other'));
  return { stores, holding: [...holding, q] };
}

/** Athena answering each query with DuckDB's rows for the same SQL over the zones (as they are then). */
function athenaOver(stores: Awaited<ReturnType<typeof zones>>['stores'], sqls: string[]): AthenaClient {
  const results = new Map<string, Promise<{ columns: string[]; rows: Record<string, unknown>[] }>>();
  athenaMock
    .on(StartQueryExecutionCommand)
    .callsFake(async (input: { QueryString: string; WorkGroup: string }) => {
      expect(input.WorkGroup).toBe(WORKGROUP);
      sqls.push(input.QueryString);
      const id = `q-${sqls.length}`;
      results.set(
        id,
        (async () => {
          const lake = await LocalLake.open({
            stores,
            cacheDir: mkdtempSync(join(tmpdir(), 'wt-erase-steps-cache-')),
            buckets: BUCKETS,
          });
          try {
            return await lake.query(input.QueryString);
          } finally {
            lake.close();
          }
        })(),
      );
      return { QueryExecutionId: id };
    });
  athenaMock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
  athenaMock.on(GetQueryResultsCommand).callsFake(async (input: { QueryExecutionId: string }) => {
    const r = await (results.get(input.QueryExecutionId) as Promise<{
      columns: string[];
      rows: Record<string, unknown>[];
    }>);
    return {
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: r.columns.map((Name) => ({ Name, Type: 'varchar' })) },
        Rows: [
          { Data: r.columns.map((c) => ({ VarCharValue: c })) },
          ...r.rows.map((row) => ({ Data: r.columns.map((c) => ({ VarCharValue: String(row[c]) })) })),
        ],
      },
    };
  });
  return new AthenaClient({ region: 'eu-west-1' });
}

async function setup() {
  const z = await zones();
  const sqls: string[] = [];
  const athena = athenaOver(z.stores, sqls);
  const { lines, logger } = logCapture();
  const handler = createEraseHandler({
    stores: z.stores,
    keyProvider: { getKey: async () => TEST_KEY },
    clock: { now: () => ROW_BASE_TS + 86_400_000 },
    index: queryIndex(
      async (sql) => (await queryAthena(athena, sql, { workgroup: WORKGROUP, pollMs: 1 })).rows,
      BUCKETS,
    ),
    logger,
  });
  return { ...z, sqls, lines, handler };
}

describe('erase function: the state machine steps', () => {
  it('plan → find → rewrite each object → verify → finish: receipts only the objects that held the subject', async () => {
    const { stores, holding, sqls, lines, handler } = await setup();
    const answers: unknown[] = [];
    const call = async <T>(event: unknown) => {
      const answer = (await handler(event)) as T;
      answers.push(answer);
      return answer;
    };

    const plan = await call<PlanResponse>({ action: 'plan', user: RAW_USER });
    expect(plan).toEqual({
      subject: SUBJECT,
      pseudonyms: [{ pseudonym: SUBJECT, keyVersion: TEST_KEY.version }],
      startedAt: new Date(ROW_BASE_TS + 86_400_000).toISOString(),
    });
    expect(await readOptOuts(stores.events)).toEqual([SUBJECT]); // before any rewrite
    const step = { subject: plan.subject, pseudonyms: plan.pseudonyms };

    const found = await call<FindResponse>({ action: 'find', ...step, round: 0 });
    expect(found).toEqual({ bucket: stores.curated.name, key: `_erase/plans/${SUBJECT}/0.json`, objects: 3 });
    // One query per table, in the pipeline workgroup, naming pseudonyms only.
    expect(sqls).toHaveLength(4);
    expect(sqls[0]).toBe(
      `SELECT DISTINCT "$path" AS path FROM events WHERE user_pseudonym IN ('${SUBJECT}')`,
    );
    const items = JSON.parse(
      Buffer.from((await stores.curated.get(found.key)) as Uint8Array).toString('utf8'),
    );
    expect(items.map((i: { zone: string; key: string }) => i.key).sort()).toEqual([...holding].sort());
    expect(items[0]).toEqual({ zone: 'events', key: holding[0] });

    const rewritten: RewriteResponse[] = [];
    for (const item of items)
      rewritten.push(await call<RewriteResponse>({ action: 'rewrite', ...step, ...item }));
    expect(rewritten.map((r) => r.rowsRemoved > 0)).toEqual([true, true, true]);
    // A retried item (Step Functions retries on a timeout) finds nothing and changes no journal entry.
    const journal = async () =>
      (await stores.curated.list(`_erase/journal/${SUBJECT}/objects/`)).map((o) => o.etag);
    const before = await journal();
    expect(before).toHaveLength(3);
    expect(await call({ action: 'rewrite', ...step, ...items[0] })).toEqual({ ...items[0], rowsRemoved: 0 });
    expect(await journal()).toEqual(before);

    expect(await call<VerifyResponse>({ action: 'verify', ...step, round: 1 })).toEqual({ remaining: 0 });
    const done = await call<EraseResponse>({ action: 'finish', ...step, startedAt: plan.startedAt });
    expect(done).toMatchObject({ subject: SUBJECT, objects: 3 });

    const [receiptKey] = (await stores.audit.list('receipts/')).map((o) => o.key);
    const receipt = JSON.parse(
      Buffer.from((await stores.audit.get(receiptKey as string)) as Uint8Array).toString('utf8'),
    );
    expect(receipt.objects.map((o: { key: string }) => o.key).sort()).toEqual([...holding].sort());
    expect(receipt.startedAt).toBe(plan.startedAt);
    expect(receipt.hash).toBe(done.receipt);
    expect(await verifyReceiptChain(stores.audit)).toBeNull();
    expect(await stores.curated.list('_erase/')).toEqual([]); // journal and plans cleared
    expect(await stores.events.get(holding[1] as string)).toBeUndefined(); // held only the subject
    const left = decodeParquet((await stores.events.get(holding[0] as string)) as Uint8Array);
    expect(left.some((r) => r.user_pseudonym === SUBJECT)).toBe(false);
    expect(left.length).toBeGreaterThan(0);

    // The raw id went into `plan` only: no answer, log line or query holds it.
    expect(JSON.stringify(answers)).not.toContain(RAW_USER);
    expect(lines.join('\n')).not.toContain(RAW_USER);
    expect(sqls.join('\n')).not.toContain(RAW_USER);
    expect(lines.length).toBeGreaterThan(0);
  }, 60_000);

  it('the one-invocation erasure runs the same plan: Athena finds, only those objects are rewritten', async () => {
    const { stores, holding, sqls, lines, handler } = await setup();
    const answer = (await handler({ user: RAW_USER })) as EraseResponse;
    expect(answer).toMatchObject({ subject: SUBJECT, objects: 3 });
    // find (4 queries), the verifying find (4), the key versions present (4).
    expect(sqls.filter((s) => s.includes('"$path"'))).toHaveLength(8);
    expect(sqls.filter((s) => s.includes('key_version'))).toHaveLength(4);
    const [receiptKey] = (await stores.audit.list('receipts/')).map((o) => o.key);
    const receipt = JSON.parse(
      Buffer.from((await stores.audit.get(receiptKey as string)) as Uint8Array).toString('utf8'),
    );
    expect(receipt.objects.map((o: { key: string }) => o.key).sort()).toEqual([...holding].sort());
    expect(lines.join('\n')).not.toContain(RAW_USER);
  }, 60_000);

  it("find lists the sequencer checkpoints holding the subject's live session; rewrite, verify and finish take them", async () => {
    const { stores, handler } = await setup();
    // The 09:00 window, incremental: its checkpoint carries the subject's live session beside another's.
    const window = { from: ROW_BASE_TS, to: ROW_BASE_TS + 15 * 60_000 };
    await sequenceWindow({
      eventsStore: stores.events,
      curatedStore: stores.curated,
      ...window,
      mode: 'incremental',
    });
    const key = checkpointKey(window.from);
    const text = async () => Buffer.from((await stores.curated.get(key)) as Uint8Array).toString('utf8');
    expect(await text()).toContain(SUBJECT);
    expect(await text()).toContain('u-other');

    const plan = (await handler({ action: 'plan', user: RAW_USER })) as PlanResponse;
    const step = { subject: plan.subject, pseudonyms: plan.pseudonyms };
    const found = (await handler({ action: 'find', ...step, round: 0 })) as FindResponse;
    const items = JSON.parse(
      Buffer.from((await stores.curated.get(found.key)) as Uint8Array).toString('utf8'),
    ) as { zone: 'events' | 'quarantine' | 'curated'; key: string }[];
    expect(items.filter((i) => i.key.startsWith(CHECKPOINT_PREFIX))).toEqual([{ zone: 'curated', key }]);
    for (const item of items) await handler({ action: 'rewrite', ...step, ...item });
    expect(await text()).not.toContain(SUBJECT);
    expect(await text()).toContain('u-other');
    expect(await handler({ action: 'verify', ...step, round: 1 })).toEqual({ remaining: 0 });
    await handler({ action: 'finish', ...step, startedAt: plan.startedAt });
    const [receiptKey] = (await stores.audit.list('receipts/')).map((o) => o.key);
    const receipt = JSON.parse(
      Buffer.from((await stores.audit.get(receiptKey as string)) as Uint8Array).toString('utf8'),
    );
    expect(receipt.objects).toContainEqual(expect.objectContaining({ zone: 'curated', key, rowsRemoved: 1 }));
    // The watermark and other state objects stay out of reach of a rewrite step.
    await expect(
      handler({ action: 'rewrite', ...step, zone: 'curated', key: '_state/sequencer.json' }),
    ).rejects.toThrow(/not an object of a data table/);
  }, 60_000);

  it('refuses steps that name a raw id, a control object, or a subject not first of its pseudonyms', async () => {
    const { stores, handler } = await setup();
    const step = { subject: SUBJECT, pseudonyms: [{ pseudonym: SUBJECT }] };
    const bad = [
      { action: 'find', user: RAW_USER, round: 0 },
      { action: 'find', ...step, user: RAW_USER, round: 0 },
      { action: 'find', subject: RAW_USER, pseudonyms: [{ pseudonym: RAW_USER }], round: 0 },
      {
        action: 'rewrite',
        subject: 'u-other',
        pseudonyms: [{ pseudonym: SUBJECT }],
        zone: 'events',
        key: 'events/x.parquet',
      },
      { action: 'finish', ...step, startedAt: 'yesterday' },
    ];
    for (const event of bad) {
      const failure = await handler(event).catch((e: unknown) => e);
      expect(failure, JSON.stringify(event)).toBeInstanceOf(EraseRequestError);
      expect(String((failure as Error).message)).not.toContain(RAW_USER);
    }
    for (const key of ['_registry/opt-outs.json', 'events/../_registry/opt-outs.json'])
      await expect(handler({ action: 'rewrite', ...step, zone: 'events', key })).rejects.toThrow(
        /not an object of a data table/,
      );
    expect(await readOptOuts(stores.events)).toEqual([]);
  }, 60_000);
});
