/**
 * `worktrace optout add|remove|list`: the opt-out registry of the local lake. A subject is stored by
 * pseudonym only (computed with the pseudonym key); the redactor drops their new events, and the training
 * views exclude their existing rows.
 */
import type { Command } from 'commander';
import { readOptOuts, writeOptOuts } from '#core/governance/opt-outs.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';
import { stageFromEnv } from '../../local/cli-env.js';
import { failSoftly, loadKeyAndPolicy, withKeyAndPolicy } from './common.js';
import { withLocalStores } from './query.js';

interface OptOutOptions {
  readonly user?: string;
  readonly dataDir: string;
  readonly keyFile?: string;
  readonly policy: string;
  readonly stage: string;
  readonly lakeDir?: string;
}

/** Adds or removes a subject; returns the registry's pseudonyms afterwards and the subject's pseudonym. */
export async function changeOptOut(
  op: 'add' | 'remove',
  opts: OptOutOptions & { user: string },
): Promise<{ pseudonym: string; count: number; changed: boolean }> {
  const key = await loadKeyAndPolicy(opts).keyProvider.getKey();
  const pseudonym = new Pseudonymizer(key).of('user', opts.user);
  return withLocalStores(opts, async (stores) => {
    const current = await readOptOuts(stores.events);
    const has = current.includes(pseudonym);
    const next = op === 'add' ? [...current, pseudonym] : current.filter((p) => p !== pseudonym);
    const written = await writeOptOuts({ events: stores.events, curated: stores.curated }, next);
    return { pseudonym, count: written.length, changed: op === 'add' ? !has : has };
  });
}

/** Registers the command. */
export function registerOptOut(program: Command): void {
  const optout = program
    .command('optout')
    .description(
      'the opt-out registry: subjects whose data is dropped at redaction and hidden from the views',
    );
  const common = (c: Command) =>
    withKeyAndPolicy(c)
      .option('--stage <name>', 'stage of the local bucket names', stageFromEnv())
      .option('--lake-dir <dir>', 'a directory holding the zones instead of the S3 emulator');
  for (const op of ['add', 'remove'] as const) {
    common(
      optout
        .command(op)
        .description(op === 'add' ? 'opt a subject out (by raw user id)' : 'take a subject off the registry')
        .requiredOption('--user <id>', 'raw user id (only its pseudonym is stored or printed)'),
    ).action(
      failSoftly(async (opts: OptOutOptions & { user: string }) => {
        const r = await changeOptOut(op, opts);
        const verb =
          op === 'add' ? (r.changed ? 'added' : 'already listed:') : r.changed ? 'removed' : 'not listed:';
        console.log(`${verb} ${r.pseudonym}; the registry lists ${r.count} subjects`);
      }),
    );
  }
  common(optout.command('list').description('list the registry (pseudonyms)')).action(
    failSoftly(async (opts: OptOutOptions) => {
      const list = await withLocalStores(opts, (stores) => readOptOuts(stores.events));
      for (const p of list) console.log(p);
      console.log(`(${list.length} subjects)`);
    }),
  );
}
