import { describe, expect, it } from 'vitest';
import { NO_FIELD, SessionStates } from '#core/redact/session-states.js';

describe('SessionStates', () => {
  it('a draft reads the committed state and changes nothing until committed', () => {
    const states = new SessionStates();
    const d1 = states.draft();
    const s = d1.get('a');
    expect(s).toMatchObject({ focusKnown: false, excludedBy: null, field: NO_FIELD, run: null });
    s.focusKnown = true;
    s.excludedBy = 'excluded_app';
    expect(states.draft().get('a').focusKnown).toBe(false);
    states.commit(d1);
    expect(states.draft().get('a')).toMatchObject({ focusKnown: true, excludedBy: 'excluded_app' });
  });

  it('evicts the least recently used session beyond the limit', () => {
    const states = new SessionStates(2);
    const touch = (...keys: string[]) => {
      const d = states.draft();
      for (const k of keys) d.get(k).focusKnown = true;
      states.commit(d);
    };
    touch('a', 'b');
    touch('a');
    touch('c');
    expect(states.size).toBe(2);
    expect(states.draft().get('a').focusKnown).toBe(true);
    expect(states.draft().get('b').focusKnown).toBe(false);
    expect(states.draft().get('c').focusKnown).toBe(true);
  });

  it('a batch delivered again after its commit starts from the state before its first delivery', () => {
    const states = new SessionStates();
    const apply = (
      seqs: number[],
      change: (s: ReturnType<ReturnType<SessionStates['draft']>['get']>) => void,
    ) => {
      const d = states.draft();
      let s = d.get('a', seqs[0]);
      for (const q of seqs.slice(1)) s = d.get('a', q);
      change(s);
      states.commit(d);
      return d;
    };
    apply([1, 2], (s) => {
      s.focusKnown = true;
    });
    apply([3, 4], (s) => {
      s.excludedBy = 'excluded_app'; // focus moved to a password manager at seq 4
    });
    // The second batch again (crash after the write, before the checkpoint): not from its own end state.
    expect(states.draft().get('a', 3)).toMatchObject({ focusKnown: true, excludedBy: null });
    // The next batch continues from the end of the last one.
    expect(states.draft().get('a', 5)).toMatchObject({ focusKnown: true, excludedBy: 'excluded_app' });
    // An older batch than the last is no longer known: fail closed.
    expect(states.draft().get('a', 1)).toMatchObject({ focusKnown: false });
  });
});
