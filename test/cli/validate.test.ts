import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSummary, validateFile } from '../../bin/commands/validate-run.js';
import { buildProgram } from '../../bin/program.js';
import { makeEvent } from '../fixtures/events.js';

function writeLines(lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'wt-validate-'));
  const file = join(dir, 'events.ndjson');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('worktrace validate', () => {
  it('reports each broken line by number and path, keeps going, and counts per type', async () => {
    const file = writeLines([
      JSON.stringify(makeEvent('mouse_move')),
      '{"broken": ',
      JSON.stringify(makeEvent('text', { text: 'x'.repeat(5000) })),
      '',
      JSON.stringify(makeEvent('hotkey')),
      JSON.stringify({ ...makeEvent('clipboard'), content: 'secret' }),
    ]);
    const seen: string[] = [];
    const summary = await validateFile(file, (line, path) => seen.push(`${line}:${path}`));
    // `content` is no contract field: the key is input, so it is numbered, not printed.
    expect(seen).toEqual(['2:$', '3:text', '6:<unknown key #1>']);
    expect(summary).toMatchObject({ valid: 2, invalid: 3, blank: 1 });
    expect(summary.byType).toMatchObject({
      mouse_move: { valid: 1, invalid: 0 },
      text: { valid: 0, invalid: 1 },
      clipboard: { valid: 0, invalid: 1 },
      '(unknown)': { valid: 0, invalid: 1 },
    });
    expect(formatSummary(summary)).toMatch(/total\s+2\s+3/);
  });

  it('exits 1 through the real command on the bundled broken sample, naming every bad line', () => {
    const run = spawnSync(
      process.execPath,
      ['bin/worktrace.mjs', 'validate', 'samples/broken-events.ndjson'],
      {
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(1);
    expect(run.stderr.match(/^line \d+:/gm)?.map((l) => l.slice(5, -1))).toEqual([
      '4',
      '11',
      '21',
      '31',
      '31',
      '31',
      '31',
    ]);
    expect(run.stdout).toMatch(/total\s+66\s+4/);
    expect(run.stderr).not.toContain('pwd');
    // Line 31 is a clipboard event with task_marker fields and an unknown `content` key.
    expect(run.stderr).toContain('line 31: marker: unknown field');
    expect(run.stderr).toContain('line 31: <unknown key #1>: unknown field');
  });

  it('prints field paths and problem kinds only: an unknown key made of content is numbered', () => {
    const content = 'Tr0ub4dor&3 maria@example.com';
    const file = writeLines([
      JSON.stringify({ ...makeEvent('mouse_move'), [content]: 1 }),
      JSON.stringify({ ...makeEvent('clipboard'), op: content, org: { [content]: content } }),
      JSON.stringify({ ...makeEvent('mouse_move'), type: content, x: content }),
      JSON.stringify({ ...makeEvent('mouse_move'), x: content }),
    ]);
    const run = spawnSync(process.execPath, ['bin/worktrace.mjs', 'validate', file], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'line 1: <unknown key #1>: unknown field',
      'line 2: org.<unknown key #1>: unknown field',
      'line 2: op: Invalid option: expected one of "copy"|"cut"|"paste"',
      expect.stringMatching(/^line 3: type: Invalid discriminator value\. Expected 'key_down' \| /),
      'line 4: x: Invalid input: expected number, received string',
    ]);
    for (const output of [run.stderr, run.stdout]) {
      expect(output).not.toContain('Tr0ub4dor');
      expect(output).not.toContain('maria');
    }
  });

  it('exits 0 on the valid sample', () => {
    const run = spawnSync(
      process.execPath,
      ['bin/worktrace.mjs', 'validate', 'samples/sample-events.ndjson'],
      {
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/total\s+66\s+0/);
  });
});

describe('worktrace --help', () => {
  it('every command has a description and help', () => {
    const program = buildProgram();
    expect(program.commands.length).toBeGreaterThan(0);
    for (const command of program.commands) {
      expect(command.description(), command.name()).not.toBe('');
      expect(command.helpInformation()).toContain(`Usage: worktrace ${command.name()}`);
    }
  });
});
