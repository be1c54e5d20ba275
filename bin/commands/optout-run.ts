/** What `worktrace optout` does: changes or lists the registry of the local lake. */
import { readOptOuts, writeOptOuts } from '#core/governance/opt-outs.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';
import { loadKeyAndPolicy } from './key-and-policy.js';
import { withLocalStores } from './local-lake.js';
import type { OptOutOptions } from './optout.js';

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

/** `optout add|remove`: changes the registry and prints what happened. */
export async function runOptOutChange(op: 'add' | 'remove', opts: OptOutOptions & { user: string }) {
  const r = await changeOptOut(op, opts);
  const verb =
    op === 'add' ? (r.changed ? 'added' : 'already listed:') : r.changed ? 'removed' : 'not listed:';
  console.log(`${verb} ${r.pseudonym}; the registry lists ${r.count} subjects`);
}

/** `optout list`: prints the registry's pseudonyms. */
export async function runOptOutList(opts: OptOutOptions): Promise<void> {
  const list = await withLocalStores(opts, (stores) => readOptOuts(stores.events));
  for (const p of list) console.log(p);
  console.log(`(${list.length} subjects)`);
}
