import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'wt-cli-'));
const cli = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['bin/worktrace.mjs', ...args, '--data-dir', dataDir], {
    encoding: 'utf8',
    input,
  });

describe('worktrace scrub --jsonl', () => {
  it('scrubs each line with findings as offsets into the input, and reports bad lines without stopping', () => {
    const run = cli(
      ['scrub', '--jsonl'],
      '{"text":"Customer jane.doe@example.org asked"}\nnot json\n{"text":"ok"}\n',
    );
    expect(run.status).toBe(0);
    const out = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out[0]).toEqual({
      text: expect.stringMatching(/^Customer <EMAIL:[0-9a-f]{6}> asked$/),
      findings: [{ type: 'EMAIL', start: 9, end: 29 }],
    });
    expect(out[1]).toEqual({ error: expect.stringContaining('line 2') });
    expect(out[2]).toEqual({ text: 'ok', findings: [] });
  });

  it('fails with a one-line cause on a bad policy file', () => {
    const run = cli(['scrub', '--jsonl', '--policy', 'package.json'], '');
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('PolicyError');
  });
});

describe('worktrace redact', () => {
  it('writes redacted NDJSON, lake-layout Parquet, quarantine and a summary', () => {
    const out = join(dataDir, 'out');
    const run = cli(['redact', 'samples/broken-events.ndjson', '--out', out]);
    expect(run.status).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.counts.quarantined).toBe(4);
    expect(summary.counts.written + summary.counts.coalesced + summary.counts.quarantined).toBe(70);
    const events = readFileSync(join(out, 'events.ndjson'), 'utf8');
    expect(events).not.toMatch(/alice@example\.com|LAPTOP-7F3K2|jane\.doe@example\.org/);
    expect(readFileSync(join(out, 'quarantine.ndjson'), 'utf8')).not.toContain('alice@example.com');
  });

  it('quarantines structure, never the text the valid path would drop, nor raw ids of any type', () => {
    const out = join(dataDir, 'out-q');
    const file = join(dataDir, 'quarantine-cases.ndjson');
    const envelope = {
      schemaVersion: 1,
      deviceId: 'LAPTOP-7F3K2',
      sessionId: 'sess-q',
      ts: 1_793_610_000_000,
    };
    const lines = [
      {
        ...envelope,
        eventId: 'q-00000001',
        userId: 'u1',
        seq: 1,
        type: 'focus',
        appId: 'notepad',
        processName: 'notepad',
      },
      // secure text with an unknown field
      {
        ...envelope,
        eventId: 'q-00000002',
        userId: 'u1',
        seq: 2,
        type: 'text',
        field: { id: 'pw' },
        text: 'Tr0ub4dor&3horse',
        secure: true,
        agentVersion: '2.1',
      },
      // ids of other types and names
      {
        ...envelope,
        eventId: 'q-00000003',
        userId: 4242424242,
        seq: 3,
        type: 'mouse_move',
        x: 1,
        y: 1,
        computerName: 'MGONZALEZ-PC',
      },
    ];
    writeFileSync(
      file,
      `${lines.map((l) => JSON.stringify(l)).join('\n')}\n{"userId":"CORP\\\\mgonzalez", broken\n`,
    );
    const run = cli(['redact', file, '--out', out]);
    expect(run.status).toBe(0);
    const quarantine = readFileSync(join(out, 'quarantine.ndjson'), 'utf8');
    expect(quarantine.trim().split('\n')).toHaveLength(3);
    for (const raw of ['Tr0ub4dor', '4242424242', 'MGONZALEZ', 'mgonzalez'])
      expect(quarantine).not.toContain(raw);
    const rows = quarantine
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.every((r) => typeof r.user_pseudonym === 'string')).toBe(true);
  });
});
