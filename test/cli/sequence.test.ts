import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '#adapters/aws-clients.js';
import { S3ObjectStore } from '#adapters/s3-object-store.js';
import { decodeParquet, encodeParquet, type LakeRow } from '#core/lake/parquet.js';
import { EVENTS_TABLE } from '#core/lake/schema.js';
import { sequenceRows } from '#core/sequence/sequencer.js';
import { sequenceRange } from '../../bin/commands/sequence-run.js';
import { LOCAL_ENV } from '../../local/cli-env.js';
import { EMULATOR_CREDENTIALS, type RunningEmulator, startS3Emulator } from '../../local/emulators.js';
import { objectBytes, writeBackfillEvents, writeBackfillOptOuts } from '../fixtures/backfill-lake.js';
import { desktopRecording } from '../fixtures/desktop-recording.js';
import { ROW_BASE_TS, SessionScript } from '../fixtures/event-rows.js';

const dataDir = mkdtempSync(join(tmpdir(), 'wt-cli-seq-'));
const cli = (args: string[]) =>
  spawnSync(process.execPath, ['bin/worktrace.mjs', ...args, '--data-dir', dataDir], { encoding: 'utf8' });
/** The CLI without blocking this process, which serves the S3 emulator the CLI talks to. */
const cliAsync = (args: string[]) =>
  new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['bin/worktrace.mjs', ...args, '--data-dir', dataDir], (err, stdout, stderr) =>
      resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
const readLines = (f: string) =>
  readFileSync(f, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('worktrace sequence <file> --out', () => {
  it('redacts contract events, then writes actions, episodes and a summary that agree with each other', () => {
    const out = join(dataDir, 'seq-out');
    const run = cli(['sequence', 'samples/sample-events.ndjson', '--out', out]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/events \d+ in 1 sessions -> \d+ actions, 1 episodes/);
    const actions = readLines(join(out, 'actions.ndjson'));
    const episodes = readLines(join(out, 'episodes.ndjson'));
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.actions).toBe(actions.length);
    expect(summary.episodes).toBe(episodes.length);
    const types: Record<string, number> = {};
    for (const a of actions) types[a.action_type as string] = (types[a.action_type as string] ?? 0) + 1;
    for (const [t, n] of Object.entries(summary.actionTypes)) expect(types[t] ?? 0).toBe(n);
    // Pseudonymised before sequencing: no raw id of the sample reaches the outputs.
    const sample = readFileSync('samples/sample-events.ndjson', 'utf8').split('\n')[0] as string;
    const rawUser = (JSON.parse(sample) as { userId: string }).userId;
    expect(readFileSync(join(out, 'episodes.ndjson'), 'utf8')).not.toContain(rawUser);
    expect(episodes[0]?.user_pseudonym).toMatch(/^[0-9a-f]{32}$/);
  });

  it('takes events-zone rows as they are and counts duplicated events once', () => {
    const redacted = join(dataDir, 'seq-out', 'redacted', 'events.ndjson');
    const doubled = join(dataDir, 'doubled.ndjson');
    const text = readFileSync(redacted, 'utf8');
    writeFileSync(doubled, text + text);
    const out = join(dataDir, 'seq-rows');
    const run = cli(['sequence', doubled, '--out', out]);
    expect(run.status).toBe(0);
    const first = readFileSync(join(dataDir, 'seq-out', 'actions.ndjson'), 'utf8');
    expect(readFileSync(join(out, 'actions.ndjson'), 'utf8')).toBe(first);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.anomalies.duplicate_event).toBeGreaterThanOrEqual(text.trim().split('\n').length);
  });

  it('fails in one line without --out or a range', () => {
    const run = cli(['sequence']);
    expect(run.status).toBe(2);
    expect(
      run.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('worktrace:')),
    ).toHaveLength(1);
  });
});

describe('worktrace sequence --from --to (backfill over the lake)', () => {
  let s3: RunningEmulator;
  const saved = { ...process.env };
  beforeAll(async () => {
    s3 = await startS3Emulator({
      buckets: ['bf-events', 'bf-curated', 'pool-events', 'pool-curated-1', 'pool-curated-4'],
    });
    process.env[LOCAL_ENV.s3Endpoint] = s3.endpoint;
    process.env.AWS_ACCESS_KEY_ID = EMULATOR_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = EMULATOR_CREDENTIALS.secretAccessKey;
  });
  afterAll(async () => {
    process.env = saved;
    await s3?.stop();
  });

  it('re-runs every window of the range, overwriting outputs, and matches sequencing the rows directly', async () => {
    const desk = desktopRecording(5, 20, 'desk').rows;
    const late = new SessionScript('late', ROW_BASE_TS + 3 * 3_600_000).screen().focus('mail').click(9, 9);
    const rows = [...desk, ...late.rows];
    const client = s3Client({ endpoint: s3.endpoint, credentials: EMULATOR_CREDENTIALS });
    const events = new S3ObjectStore(client, 'bf-events');
    for (const hour of ['09', '12']) {
      const part = rows.filter((r) => new Date(r.ts).toISOString().slice(11, 13) === hour);
      await events.put(
        `events/dt=2026-11-02/hour=${hour}/shard-1-${hour}.parquet`,
        encodeParquet(EVENTS_TABLE.columns, part as unknown as LakeRow[]),
      );
    }
    const opts = {
      from: '2026-11-02',
      to: '2026-11-02',
      windowMinutes: 60,
      eventsBucket: 'bf-events',
      curatedBucket: 'bf-curated',
    };
    const first = await sequenceRange(opts);
    const expected = sequenceRows(rows);
    expect(first.actions).toBe(expected.actions.length);
    expect(first.episodes).toBe(expected.episodes.length);
    const curated = new S3ObjectStore(client, 'bf-curated');
    const keys = (await curated.list('')).map((o) => o.key).sort();
    // One file per window × shard (4 shards), empty or not, and one checkpoint each.
    expect(keys.filter((k) => k.startsWith('episodes/'))).toHaveLength(24 * 4);
    expect(keys.filter((k) => k.startsWith('_state/checkpoints/'))).toHaveLength(24 * 4);
    const again = await sequenceRange(opts);
    expect(again).toEqual(first);
    expect((await curated.list('')).map((o) => o.key).sort()).toEqual(keys);
    let episodes = 0;
    for (const k of keys.filter((key) => key.startsWith('episodes/'))) {
      episodes += decodeParquet((await curated.get(k)) as Uint8Array).length;
    }
    expect(episodes).toBe(expected.episodes.length);
  });

  it('the worker pool (--concurrency 4 shard jobs) writes byte-identical curated objects to a one-job-at-a-time run', async () => {
    const client = s3Client({ endpoint: s3.endpoint, credentials: EMULATOR_CREDENTIALS });
    await writeBackfillEvents(new S3ObjectStore(client, 'pool-events'));
    const curated = (n: number) => new S3ObjectStore(client, `pool-curated-${n}`);
    for (const n of [1, 4]) await writeBackfillOptOuts(curated(n));
    const range = { from: '2026-11-02', to: '2026-11-02', windowMinutes: 60, eventsBucket: 'pool-events' };
    const sequential = await sequenceRange({ ...range, curatedBucket: 'pool-curated-1', concurrency: 1 });
    const run = await cliAsync([
      'sequence',
      '--from',
      '2026-11-02',
      '--to',
      '2026-11-02',
      '--window-minutes',
      '60',
      '--events-bucket',
      'pool-events',
      '--curated-bucket',
      'pool-curated-4',
      '--concurrency',
      '4',
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      `events ${sequential.events} in ${sequential.sessions} sessions -> ${sequential.actions} actions, ${sequential.episodes} episodes`,
    );
    expect(run.stdout).toContain(
      're-sequenced 96 window × shard jobs into s3://pool-curated-4 by 4 workers (outputs and checkpoints overwritten, watermark untouched)',
    );
    const one = await objectBytes(curated(1));
    const four = await objectBytes(curated(4));
    expect(sequential.episodes).toBeGreaterThan(3);
    expect([...four.keys()]).toEqual([...one.keys()]);
    // Actions, episodes and a checkpoint per window × shard, and the opt-out registry.
    expect(one.size).toBe(3 * 24 * 4 + 1);
    for (const [key, body] of one) expect(four.get(key), key).toBe(body);
  });

  it('rejects a bad range in one line', async () => {
    await expect(
      sequenceRange({
        from: '2026-11-03',
        to: '2026-11-02',
        windowMinutes: 15,
        eventsBucket: 'x',
        curatedBucket: 'y',
      }),
    ).rejects.toThrow('--to must not be before --from');
  });
});
