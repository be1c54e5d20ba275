/**
 * Canary values and events (core so the canary function and local mode share them): unique,
 * never-seen-before secrets and PII, typed key by key, in window titles, agent-coalesced text, error
 * dialogs and a secure password field, from a raw user id that must itself never land; and the search of
 * stored objects for them.
 */
import { randomBytes } from 'node:crypto';
import type { WorktraceEventInput } from '../contract/event-contract.js';
import { decodeParquet } from '../lake/parquet.js';
import type { ObjectStore } from '../ports.js';
import { withLuhnDigit } from '../redact/detectors/pii.js';

/** Where the AWS canary keeps the previous run's values between runs (audit bucket). */
export const CANARY_STATE_PREFIX = 'canary/';
export const CANARY_STATE_KEY = `${CANARY_STATE_PREFIX}last-run.json`;

/** One planted canary value and the entity type that must catch it. */
export interface CanaryValue {
  readonly kind: string;
  readonly value: string;
}

/** A canary value found where it must not be. */
export interface Survivor {
  readonly kind: string;
  /** zone/key of the object, or view:<id>. */
  readonly location: string;
}

/** Syllables of made-up names: one per hex digit, so a canary's person and street are in no lexicon. */
const SYLLABLES = [
  'ka',
  'vo',
  'ri',
  'mel',
  'tu',
  'sa',
  'den',
  'lo',
  'bri',
  'zan',
  'fe',
  'qui',
  'nor',
  'pa',
  'xi',
  'lu',
];

/** A capitalised made-up word of three syllables, read from three hex digits of the nonce. */
function madeUpWord(hex: string): string {
  const word = Array.from(hex, (h) => SYLLABLES[Number.parseInt(h, 16)] as string).join('');
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * Fresh canary values (random per run, so a survivor can only come from this run). The person and the
 * street are made-up words no lexicon holds: the canary checks that names and addresses are found by
 * their shape and context, as they are in real text.
 */
export function canaryValues(nonce = randomBytes(8).toString('hex')): CanaryValue[] {
  const digits = BigInt(`0x${nonce}`).toString().padStart(20, '0');
  return [
    { kind: 'EMAIL', value: `canary.${nonce}@example.org` },
    { kind: 'AWS_ACCESS_KEY', value: `AKIA${nonce.toUpperCase()}` },
    { kind: 'CARD', value: withLuhnDigit(`4${digits.slice(0, 14)}`) },
    { kind: 'PHONE', value: `+44 20 7946 ${digits.slice(14, 18)}` },
    { kind: 'PASSWORD', value: `Cn${nonce}x` },
    { kind: 'SECURE_FIELD', value: `Sq${nonce}z` },
    { kind: 'RAW_USER_ID', value: `canary-${nonce}@corp.example` },
    { kind: 'RAW_DEVICE_ID', value: `CANARY-DEV-${nonce}` },
    { kind: 'PERSON_GIVEN', value: madeUpWord(nonce.slice(0, 3)) },
    { kind: 'PERSON', value: madeUpWord(nonce.slice(3, 6)) },
    { kind: 'ADDRESS', value: madeUpWord(nonce.slice(6, 9)) },
  ];
}

/** The canary session as raw recorder input. */
export function canaryEvents(values: readonly CanaryValue[], startMs: number): WorktraceEventInput[] {
  const v = Object.fromEntries(values.map((c) => [c.kind, c.value])) as Record<string, string>;
  const events: WorktraceEventInput[] = [];
  let seq = 0;
  let ts = startMs;
  const session = `canary-${(v.RAW_DEVICE_ID as string).slice(-16)}`;
  const add = (body: Record<string, unknown>, dt = 120) => {
    ts += dt;
    events.push({
      schemaVersion: 1,
      eventId: `${session}-${String(seq).padStart(6, '0')}`,
      userId: v.RAW_USER_ID,
      deviceId: v.RAW_DEVICE_ID,
      sessionId: session,
      seq: seq++,
      ts,
      ...body,
    } as WorktraceEventInput);
  };
  const type = (text: string) => {
    for (const ch of Array.from(text)) {
      add({ type: 'key_down', key: ch, keyClass: ch === ' ' ? 'space' : 'char', char: ch, modifiers: [] });
      add({ type: 'key_up', key: ch, keyClass: ch === ' ' ? 'space' : 'char', modifiers: [] }, 40);
    }
  };
  add({ type: 'screen', width: 1920, height: 1080 });
  add({
    type: 'focus',
    appId: 'com.microsoft.Outlook',
    processName: 'outlook',
    windowTitle: `Inbox — ${v.EMAIL}`,
  });
  add({ type: 'ui_element', role: 'textbox', name: 'Message body', secure: false });
  add({ type: 'mouse_down', button: 'left', x: 600, y: 500 });
  add({ type: 'mouse_up', button: 'left', x: 600, y: 500 }, 60);
  type(
    `Hi ${v.PERSON_GIVEN} ${v.PERSON}, mail ${v.EMAIL} key ${v.AWS_ACCESS_KEY} card ${v.CARD} call ${v.PHONE} password=${v.PASSWORD}`,
  );
  add({ type: 'key_down', key: 'Enter', keyClass: 'enter', modifiers: [] });
  add({ type: 'key_up', key: 'Enter', keyClass: 'enter', modifiers: [] }, 40);
  add({ type: 'ui_element', role: 'textbox', name: 'Password', secure: true });
  type(v.SECURE_FIELD as string);
  add({ type: 'key_down', key: 'Enter', keyClass: 'enter', modifiers: [] });
  add({ type: 'key_up', key: 'Enter', keyClass: 'enter', modifiers: [] }, 40);
  add({
    type: 'error_dialog',
    title: 'Send failed',
    text: `Could not reach ${v.EMAIL} with key ${v.AWS_ACCESS_KEY}`,
  });
  add({
    type: 'text',
    field: { id: 'notes', role: 'textbox', name: 'Notes' },
    text: `call back ${v.PHONE} about card ${v.CARD}, ship to 18 ${v.ADDRESS} Street, Apt 4`,
    secure: false,
  });
  for (let i = 0; i < 4; i++) add({ type: 'mouse_move', x: 600 + i * 10, y: 500 }, 12);
  return events;
}

/** Every searchable text of an object: its bytes, and for Parquet its decoded rows. */
export function textsOf(key: string, body: Uint8Array): string {
  const raw = Buffer.from(body).toString('latin1');
  if (!key.endsWith('.parquet')) return raw;
  try {
    return `${raw}\n${JSON.stringify(decodeParquet(body))}`;
  } catch {
    return raw;
  }
}

/** Searches objects of the given stores (optionally under prefixes, modified since) for the values. */
export async function searchObjects(
  stores: Readonly<Record<string, ObjectStore>>,
  values: readonly CanaryValue[],
  options: { prefixes?: Readonly<Record<string, string>>; since?: Date } = {},
): Promise<{ survivors: Survivor[]; objectsSearched: number }> {
  const survivors: Survivor[] = [];
  let objectsSearched = 0;
  for (const [zone, store] of Object.entries(stores)) {
    for (const o of await store.list(options.prefixes?.[zone] ?? '')) {
      if (options.since && o.lastModified && o.lastModified < options.since) continue;
      const body = await store.get(o.key);
      if (!body) continue;
      objectsSearched += 1;
      const text = textsOf(o.key, body);
      for (const v of values)
        if (text.includes(v.value)) survivors.push({ kind: v.kind, location: `${zone}/${o.key}` });
    }
  }
  return { survivors, objectsSearched };
}
