/**
 * Regenerates the bundled samples: a short, valid session of ticket work (samples/sample-events.ndjson)
 * and the same with broken lines mixed in (samples/broken-events.ndjson) for `worktrace validate`.
 */
import { writeFileSync } from 'node:fs';
import type { WorktraceEventInput } from '#core/contract/event-contract.js';
import { makeEvent } from '../test/fixtures/events.js';

const events: WorktraceEventInput[] = [];
let seq = 0;
const add = (e: WorktraceEventInput) => {
  events.push({
    ...e,
    seq,
    ts: Date.UTC(2026, 10, 2, 9, 0, 0) + seq * 40,
    eventId: `sample-${String(seq).padStart(6, '0')}`,
  });
  seq += 1;
};
add(makeEvent('screen'));
add(makeEvent('task_marker'));
add(makeEvent('focus'));
for (let i = 0; i < 30; i++) add(makeEvent('mouse_move', { x: 300 + i * 10, y: 200 + i * 5 }));
add(
  makeEvent('ui_element', {
    role: 'textbox',
    name: 'Summary',
    bounds: { x: 580, y: 330, width: 400, height: 30 },
  }),
);
add(makeEvent('mouse_down', { x: 600, y: 345 }));
add(makeEvent('mouse_up', { x: 600, y: 345 }));
for (const ch of 'Call back') {
  add(
    makeEvent('key_down', {
      key: ch === ' ' ? 'Space' : ch,
      keyClass: ch === ' ' ? 'space' : 'char',
      char: ch,
    }),
  );
  add(
    makeEvent('key_up', {
      key: ch === ' ' ? 'Space' : ch,
      keyClass: ch === ' ' ? 'space' : 'char',
      char: ch,
    }),
  );
}
add(makeEvent('text', { text: 'Customer jane.doe@example.org asked for a call back on +44 20 7946 0958' }));
add(makeEvent('hotkey', { modifiers: ['ctrl'], key: 's' }));
add(makeEvent('error_dialog'));
add(makeEvent('key_down', { key: 'Escape', keyClass: 'escape', char: undefined }));
add(makeEvent('key_up', { key: 'Escape', keyClass: 'escape', char: undefined }));
for (let i = 0; i < 5; i++) add(makeEvent('wheel', { dy: 120 }));
add(makeEvent('clipboard'));
add(makeEvent('task_marker', { marker: 'end' }));

const lines = events.map((e) => JSON.stringify(e));
writeFileSync('samples/sample-events.ndjson', `${lines.join('\n')}\n`);

const broken = [...lines];
broken.splice(3, 0, '{"schemaVersion":1,"type":"mouse_move",');
broken.splice(10, 0, JSON.stringify({ ...events[10], seq: -4 }));
broken.splice(20, 0, JSON.stringify({ ...events[20], type: 'telepathy' }));
broken.splice(
  30,
  0,
  JSON.stringify({ ...events[1], type: 'clipboard', op: 'paste', size: 3, content: 'pwd' }),
);
writeFileSync('samples/broken-events.ndjson', `${broken.join('\n')}\n`);
console.log(`wrote ${lines.length} sample events and ${broken.length} lines with 4 broken`);
