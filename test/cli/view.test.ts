import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { beforeAll, describe, expect, it } from 'vitest';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { sequenceWindow } from '#core/sequence/sequencer.js';
import { SAMPLE_EVENTS } from '../fixtures/cli.js';

const DAY = 86_400_000;
const dataDir = mkdtempSync(join(tmpdir(), 'wt-cli-view-'));
const lakeDir = join(dataDir, 'lake');
const cli = (args: string[], lake = lakeDir) =>
  spawnSync(process.execPath, ['bin/worktrace.mjs', ...args, '--data-dir', dataDir, '--lake-dir', lake], {
    encoding: 'utf8',
  });

/** The raw identifiers the sample events carry (user, device, host, session, event ids). */
function rawIds(): string[] {
  const ids = new Set<string>();
  for (const line of readFileSync(SAMPLE_EVENTS, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const e = JSON.parse(line) as Record<string, unknown>;
    for (const k of ['userId', 'deviceId', 'hostName', 'sessionId', 'eventId'])
      if (typeof e[k] === 'string') ids.add(e[k] as string);
  }
  return [...ids];
}

let episodeId: string;

beforeAll(async () => {
  // The sample events through the real redactor (pseudonyms, scrubbing) into lake-layout Parquet...
  const redact = spawnSync(
    process.execPath,
    ['bin/worktrace.mjs', 'redact', SAMPLE_EVENTS, '--out', lakeDir, '--data-dir', dataDir],
    { encoding: 'utf8' },
  );
  expect(redact.status, redact.stderr).toBe(0);
  // ...then the real sequencer writes the curated zone beside them, one day-long window.
  const store = new FileObjectStore(lakeDir);
  const firstTs = (JSON.parse(readFileSync(SAMPLE_EVENTS, 'utf8').split('\n')[0] as string) as { ts: number })
    .ts;
  const day = Math.floor(firstTs / DAY) * DAY;
  await sequenceWindow({ eventsStore: store, curatedStore: store, from: day, to: day + DAY });
  const ids = cli(['query', 'SELECT episode_id FROM training_trajectories', '--format', 'json']);
  expect(ids.status, ids.stderr).toBe(0);
  episodeId = (JSON.parse(ids.stdout) as { episode_id: string }[])[0]?.episode_id as string;
  expect(episodeId).toMatch(/^[0-9a-f]{32}$/);
}, 60_000);

describe('worktrace view <episode_id>', () => {
  it('writes the page of a real episode and prints where and how big, in one line', () => {
    const run = cli(['view', episodeId]);
    expect(run.status, run.stderr).toBe(0);
    const out = join(dataDir, 'view', `${episodeId}.html`);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toContain(out);
    expect(run.stdout).toMatch(/\(\d+\.\d KB\)/);
    const html = readFileSync(out, 'utf8');
    const doc = parseHTML(html).document;
    expect(doc.querySelectorAll('#steps > li[data-step]').length).toBeGreaterThan(1);
    expect(doc.querySelector('h1')?.textContent).toContain(episodeId);
  });

  it('writes to --out, and the page holds none of the raw ids the events were made from', () => {
    const out = join(dataDir, 'elsewhere', 'page.html');
    const run = cli(['view', episodeId, '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    expect(statSync(out).size).toBeGreaterThan(1000);
    const html = readFileSync(out, 'utf8');
    const raw = rawIds();
    expect(raw).toEqual(expect.arrayContaining(['alice@example.com', 'LAPTOP-7F3K2']));
    for (const id of raw) expect(html, id).not.toContain(id);
  });

  it('fails in one line, exit code 2, for a bad id shape without echoing it', () => {
    const run = cli(['view', "alice@example.com' OR 1=1 --"]);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      'worktrace: ViewError: episode_id must be 32 lower-case hex characters',
    ]);
    expect(run.stderr).not.toContain('alice');
  });

  it('fails in one line for an unknown id, and for an episode of a subject who opted out', () => {
    const unknown = cli(['view', '0'.repeat(32)]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toMatch(/^worktrace: ViewError: episode 0{32} not found/);
    // The same lake with the episode's subject in the opt-out registry: the views no longer publish it.
    const user = cli([
      'query',
      `SELECT user_pseudonym FROM episodes WHERE episode_id = '${episodeId}'`,
      '--format',
      'json',
    ]);
    const pseudonym = (JSON.parse(user.stdout) as { user_pseudonym: string }[])[0]?.user_pseudonym;
    const optedOutLake = join(dataDir, 'lake-opted-out');
    mkdirSync(join(optedOutLake, 'opt_outs'), { recursive: true });
    cpSync(lakeDir, optedOutLake, { recursive: true });
    writeFileSync(
      join(optedOutLake, 'opt_outs', 'registry.jsonl'),
      `${JSON.stringify({ user_pseudonym: pseudonym })}\n`,
    );
    const out = join(dataDir, 'opted-out.html');
    const run = cli(['view', episodeId, '--out', out], optedOutLake);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('not found');
    expect(existsSync(out)).toBe(false);
  });
});
