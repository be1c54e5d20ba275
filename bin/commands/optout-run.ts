/**
 * What `worktrace optout` does: changes or lists the registry of the local lake (an added subject's rows
 * are removed from every zone), or asks the deployed erase function to (--aws).
 */
import { optOutSubject, withdrawOptOut } from '#core/governance/erase.js';
import { readOptOuts } from '#core/governance/opt-outs.js';
import { localSubject, localSubjectStores, streamRetentionMsOf, withLakeIndex } from './erase-run.js';
import { withLocalStores } from './local-lake.js';
import type { OptOutOptions } from './optout.js';

/** What an opt-out change did. */
export interface OptOutChangeResult {
  readonly pseudonym: string;
  readonly count: number;
  readonly changed: boolean;
  /** `add`: the subject's rows removed, the objects changed, when the follow-up sweep is due. */
  readonly removal?: { rows: number; objects: number; sweepDueAt: string | null };
}

async function invoke<T>(opts: OptOutOptions, payload: unknown): Promise<T> {
  if (!opts.function) throw new Error('--aws needs --function <EraseFunctionName>');
  const [{ lambdaClient }, { invokeFunction }] = await Promise.all([
    import('#adapters/aws-clients.js'),
    import('#adapters/invoke.js'),
  ]);
  return invokeFunction<T>(lambdaClient(), opts.function, payload);
}

/** Adds or removes a subject; returns the subject's pseudonym, the registry's size and what changed. */
export async function changeOptOut(
  op: 'add' | 'remove',
  opts: OptOutOptions & { user: string },
): Promise<OptOutChangeResult> {
  if (opts.aws) {
    // The pseudonym key is usable by the pipeline's functions only: the erase function computes the
    // pseudonym and writes both registry copies (conditionally) to the stack's buckets.
    if (op === 'remove') {
      const r = await invoke<{ subject: string; removed: boolean; count: number }>(opts, {
        action: 'opt-in',
        user: opts.user,
      });
      return { pseudonym: r.subject, count: r.count, changed: r.removed };
    }
    const r = await invoke<{
      subject: string;
      added: boolean;
      count: number;
      rowsRemoved: number;
      objects: number;
      sweepDueAt: string | null;
    }>(opts, { action: 'opt-out', user: opts.user });
    return {
      pseudonym: r.subject,
      count: r.count,
      changed: r.added,
      removal: { rows: r.rowsRemoved, objects: r.objects, sweepDueAt: r.sweepDueAt },
    };
  }
  const subject = await localSubject(opts.user, {
    ...opts,
    streamRetentionHours: opts.streamRetentionHours ?? '24',
  });
  const pseudonym = subject[0]?.pseudonym ?? '';
  return withLocalStores(opts, async (stores) => {
    const zones = localSubjectStores(stores, opts.lakeDir);
    if (op === 'remove') {
      const r = await withdrawOptOut(zones, pseudonym);
      return { pseudonym, count: r.count, changed: r.removed };
    }
    const r = await withLakeIndex(opts.dataDir, stores, (index) =>
      optOutSubject(zones, subject, {
        streamRetentionMs: streamRetentionMsOf({ streamRetentionHours: opts.streamRetentionHours ?? '24' }),
        index,
      }),
    );
    return {
      pseudonym,
      count: r.registryCount,
      changed: r.optOutRegistered,
      removal: { rows: r.rowsRemoved, objects: r.objects.length, sweepDueAt: r.sweepDueAt },
    };
  });
}

/** `optout add|remove`: changes the registry and prints what happened. */
export async function runOptOutChange(op: 'add' | 'remove', opts: OptOutOptions & { user: string }) {
  const r = await changeOptOut(op, opts);
  const verb =
    op === 'add' ? (r.changed ? 'added' : 'already listed:') : r.changed ? 'removed' : 'not listed:';
  console.log(`${verb} ${r.pseudonym}; the registry lists ${r.count} subjects`);
  if (r.removal)
    console.log(
      `their rows: ${r.removal.rows} removed from ${r.removal.objects} objects` +
        (r.removal.sweepDueAt ? `; follow-up sweep due ${r.removal.sweepDueAt}` : ''),
    );
}

/** `optout list`: prints the registry's pseudonyms. */
export async function runOptOutList(opts: OptOutOptions): Promise<void> {
  const list = opts.aws
    ? (await invoke<{ pseudonyms: string[] }>(opts, { action: 'list-opt-outs' })).pseudonyms
    : await withLocalStores(opts, (stores) => readOptOuts(stores.events));
  for (const p of list) console.log(p);
  console.log(`(${list.length} subjects)`);
}
