/**
 * Event contract v1: the one shape shared by capture agents, the redact Lambda, the CLI and local mode.
 *
 * Every object is strict: an unknown key is a validation error, so a field that might carry content
 * (say, `clipboard.content`) can never slip through unnoticed. Types are inferred from the schema.
 */
import { z } from 'zod';

/** Contract version carried by every event. */
export const SCHEMA_VERSION = 1 as const;

/** Hard limits of the contract; the validator enforces each one and names the field that breached it. */
export const LIMITS = {
  /** Serialised size of one event (UTF-8 bytes). */
  maxEventBytes: 64 * 1024,
  /** Characters in any free-text field (typed text, titles, URLs, labels, dialog texts). */
  maxTextChars: 4096,
  /** Characters in identifiers (ids, app ids, key names, roles). */
  maxIdChars: 256,
  /** Modifier keys held at once. */
  maxModifiers: 5,
  /** Screen coordinates, in pixels, either way from the origin (multi-monitor layouts go negative). */
  maxCoordinate: 100_000,
} as const;

/** Earliest and latest plausible client timestamps (epoch ms): 2000-01-01 .. 2100-01-01. */
const TS_MIN = 946_684_800_000;
const TS_MAX = 4_102_444_800_000;

/** The plausible client timestamps the contract accepts (epoch ms). */
export const TS_RANGE = { min: TS_MIN, max: TS_MAX } as const;

const id = (what: string) => z.string().min(1).max(LIMITS.maxIdChars).describe(what);
const freeText = (what: string) => z.string().max(LIMITS.maxTextChars).describe(what);
const coordinate = (what: string) =>
  z.number().finite().min(-LIMITS.maxCoordinate).max(LIMITS.maxCoordinate).describe(what);

/** Modifier keys, normalised across platforms (`meta` is Cmd on macOS and the Windows key elsewhere). */
export const ModifierSchema = z.enum(['ctrl', 'alt', 'shift', 'meta', 'fn']).describe('A modifier key.');

/** The canonical order of modifiers in a chord (`ctrl+alt+shift+meta+fn`): the schema's own order. */
export const MODIFIER_ORDER: readonly Modifier[] = ModifierSchema.options;

/** The modifiers of `held` in canonical order, each once. */
export function orderModifiers(held: Iterable<string>): Modifier[] {
  // An array is scanned as it is: no Set per call on the redactor's hot path (a chord holds at most 5).
  const list: readonly string[] = Array.isArray(held) ? held : Array.from(held);
  return MODIFIER_ORDER.filter((m) => list.includes(m));
}

const modifiers = z
  .array(ModifierSchema)
  .max(LIMITS.maxModifiers)
  .describe('Modifier keys held while the event happened, e.g. ["ctrl","shift"].');

/**
 * Key classes. The server keeps the class (and the name of non-printable keys), never the character:
 * `char` is any key that produces a printable character.
 */
export const KeyClassSchema = z
  .enum([
    'char',
    'space',
    'enter',
    'tab',
    'backspace',
    'delete',
    'escape',
    'arrow',
    'navigation',
    'function',
    'modifier',
    'media',
    'other',
  ])
  .describe(
    'Key class: char (printable), space, enter, tab, backspace, delete, escape, arrow, navigation (home/end/page), function (F1..F24), modifier, media, other.',
  );

export const MouseButtonSchema = z
  .enum(['left', 'right', 'middle', 'back', 'forward'])
  .describe('Mouse button.');

/** Fields every event carries. */
const envelope = {
  schemaVersion: z.literal(SCHEMA_VERSION).describe('Contract version; always 1 for this contract.'),
  eventId: z
    .string()
    .min(8)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, 'eventId must be 8-64 characters of A-Z a-z 0-9 _ -')
    .describe('Unique id made by the agent (UUID or ULID); the pipeline deduplicates on it.'),
  userId: id('Raw user id as the agent knows it. Pseudonymised server-side; never stored raw.'),
  deviceId: id('Raw device id. Pseudonymised server-side; never stored raw.'),
  hostName: id('Host name of the capturing machine. Pseudonymised server-side.').optional(),
  sessionId: id('Capture-session id made by the agent; also the Kinesis partition key.'),
  seq: z
    .number()
    .int()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .describe('Per-session, monotonically increasing sequence number, starting anywhere >= 0.'),
  ts: z.number().int().min(TS_MIN).max(TS_MAX).describe('Client timestamp, epoch milliseconds (UTC).'),
  org: z
    .strictObject({
      role: id('Job role, used by policy to exclude roles.').optional(),
      department: id('Department, used by policy.').optional(),
    })
    .optional()
    .describe('Optional organisation attributes used by policy.'),
};

const event = <T extends string, S extends z.ZodRawShape>(type: T, description: string, shape: S) =>
  z
    .strictObject({ ...envelope, type: z.literal(type).describe(description), ...shape })
    .describe(description);

/** Key pressed (raw recorder input). */
export const KeyDownSchema = event('key_down', 'A key was pressed (raw recorder input).', {
  key: id('Key name as the OS reports it, e.g. "a", "Enter", "ArrowLeft", "F5".'),
  keyClass: KeyClassSchema,
  char: z
    .string()
    .min(1)
    .max(8)
    .optional()
    .describe('Printable character produced, if any. The server never stores it; it coalesces into text.'),
  modifiers: modifiers.default([]),
});

/** Key released (raw recorder input). */
export const KeyUpSchema = event('key_up', 'A key was released (raw recorder input).', {
  key: id('Key name as the OS reports it.'),
  keyClass: KeyClassSchema,
  char: z.string().min(1).max(8).optional().describe('Printable character, if any (never stored).'),
  modifiers: modifiers.default([]),
});

/** Pointer moved. */
export const MouseMoveSchema = event('mouse_move', 'The pointer moved.', {
  x: coordinate('Pointer x, screen pixels.'),
  y: coordinate('Pointer y, screen pixels.'),
});

/** Mouse button pressed. */
export const MouseDownSchema = event('mouse_down', 'A mouse button was pressed.', {
  button: MouseButtonSchema,
  x: coordinate('Pointer x, screen pixels.'),
  y: coordinate('Pointer y, screen pixels.'),
  modifiers: modifiers.default([]),
});

/** Mouse button released. */
export const MouseUpSchema = event('mouse_up', 'A mouse button was released.', {
  button: MouseButtonSchema,
  x: coordinate('Pointer x, screen pixels.'),
  y: coordinate('Pointer y, screen pixels.'),
  modifiers: modifiers.default([]),
});

/** Wheel or trackpad scroll. */
export const WheelSchema = event('wheel', 'A wheel or trackpad scroll step.', {
  dx: coordinate('Horizontal scroll delta (positive = right).'),
  dy: coordinate('Vertical scroll delta (positive = down).'),
  x: coordinate('Pointer x when scrolling.').optional(),
  y: coordinate('Pointer y when scrolling.').optional(),
  modifiers: modifiers.default([]),
});

/** Identity of an input field, as stable as the platform allows. */
export const FieldSchema = z
  .strictObject({
    id: id('Stable field identity within the app (accessibility id, DOM path hash...).'),
    role: id('Accessibility role of the field, e.g. textbox, combobox.').optional(),
    name: freeText('Accessible name or label of the field.').optional(),
  })
  .describe('The input field text was typed into.');

/**
 * Agent-coalesced text typed into one field. The agent stamps the focus it was typed under (`appId`,
 * `processName`, `url`, as in the session's last `focus`) so the redactor can apply the app and domain
 * exclusions to the event itself: a redactor that does not know the session's focus (a new container, a
 * retry, a forgotten session) drops text that carries no context of its own.
 */
export const TextSchema = event('text', 'Text typed into one field, coalesced by the agent.', {
  field: FieldSchema,
  text: freeText('The text typed into the field during this run (after the agent applied backspaces).'),
  secure: z
    .boolean()
    .describe('True when the OS or the policy marks the field secure; its text never leaves the device.'),
  keyCount: z.number().int().min(0).max(1_000_000).optional().describe('Keys pressed to produce the text.'),
  durationMs: z.number().int().min(0).max(86_400_000).optional().describe('Time from first to last key.'),
  appId: id(
    'Application in focus while the text was typed (as in the last focus event). With processName, the context the redactor judges the text on when it does not know the session.',
  ).optional(),
  processName: id('Process in focus while the text was typed (as in the last focus event).').optional(),
  url: freeText(
    'URL of the active tab while the text was typed, for browsers (as in the last focus event).',
  ).optional(),
});

/** A modifier combination coalesced by the agent. */
export const HotkeySchema = event('hotkey', 'A modifier combination such as ctrl+c or cmd+shift+t.', {
  modifiers: z.array(ModifierSchema).min(1).max(LIMITS.maxModifiers).describe('Modifiers held.'),
  key: id('The non-modifier key of the combination, e.g. "c", "t", "Tab".'),
});

/** App or window focus changed. */
export const FocusSchema = event('focus', 'Focus moved to another app or window.', {
  appId: id('Application id (bundle id, AppUserModelID, executable path hash).'),
  processName: id('Process name, e.g. "code", "chrome".'),
  windowTitle: freeText('Window title.').optional(),
  url: freeText('URL of the active tab, for browsers.').optional(),
});

/** Rectangle in screen pixels. */
export const BoundsSchema = z
  .strictObject({
    x: coordinate('Left edge.'),
    y: coordinate('Top edge.'),
    width: z.number().finite().min(0).max(LIMITS.maxCoordinate).describe('Width.'),
    height: z.number().finite().min(0).max(LIMITS.maxCoordinate).describe('Height.'),
  })
  .describe('Element bounds, screen pixels.');

/** The UI element under the next action. */
export const UiElementSchema = event('ui_element', 'The UI element under the next action in this session.', {
  role: id('Accessibility role, e.g. button, link, textbox, menuitem.'),
  name: freeText('Accessible name of the element.').optional(),
  secure: z.boolean().default(false).describe('True for password, PIN, card and other secure fields.'),
  bounds: BoundsSchema.optional(),
});

/** Screen geometry, sent at session start and on change. */
export const ScreenSchema = event('screen', 'Screen geometry; sent at session start and when it changes.', {
  width: z.number().int().min(1).max(LIMITS.maxCoordinate).describe('Screen width, pixels.'),
  height: z.number().int().min(1).max(LIMITS.maxCoordinate).describe('Screen height, pixels.'),
  scale: z.number().finite().min(0.1).max(10).optional().describe('Device pixel ratio.'),
});

/** A user-declared task boundary. */
export const TaskMarkerSchema = event('task_marker', 'The user declared the start or end of a task.', {
  marker: z.enum(['start', 'end']).describe('Start or end of the task.'),
  label: freeText('Free-text task label the user gave.'),
  taskId: id('Agent-made id tying a start to its end.').optional(),
});

/** Clipboard use: size only, never content. */
export const ClipboardSchema = event('clipboard', 'Copy, cut or paste; size only, never content.', {
  op: z.enum(['copy', 'cut', 'paste']).describe('Clipboard operation.'),
  size: z
    .number()
    .int()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .describe('Size of the clipboard content, bytes.'),
  contentType: z.enum(['text', 'image', 'file', 'other']).optional().describe('Kind of content.'),
});

/** An error dialog appeared. */
export const ErrorDialogSchema = event('error_dialog', 'An error dialog appeared.', {
  title: freeText('Dialog title.'),
  text: freeText('Dialog text.').optional(),
  appId: id('Application that raised the dialog.').optional(),
});

/** Every event kind of contract v1, discriminated on `type`. */
export const EventSchema = z
  .discriminatedUnion('type', [
    KeyDownSchema,
    KeyUpSchema,
    MouseMoveSchema,
    MouseDownSchema,
    MouseUpSchema,
    WheelSchema,
    TextSchema,
    HotkeySchema,
    FocusSchema,
    UiElementSchema,
    ScreenSchema,
    TaskMarkerSchema,
    ClipboardSchema,
    ErrorDialogSchema,
  ])
  .describe('A worktrace interaction event, contract v1.');

/** A validated event (defaults applied). */
export type WorktraceEvent = z.infer<typeof EventSchema>;
/** An event as an agent may write it (defaulted fields optional). */
export type WorktraceEventInput = z.input<typeof EventSchema>;
/** The `type` discriminator values. */
export type EventType = WorktraceEvent['type'];
/** One event kind, by its `type`. */
export type EventOf<T extends EventType> = Extract<WorktraceEvent, { type: T }>;
export type Modifier = z.infer<typeof ModifierSchema>;
export type KeyClass = z.infer<typeof KeyClassSchema>;
export type MouseButton = z.infer<typeof MouseButtonSchema>;

/** All event types, in contract order. */
export const EVENT_TYPES = EventSchema.options.map((o) => o.shape.type.value) as EventType[];

/** True when ctrl, alt or meta is held: the key is a command (a shortcut), not typing. */
export function hasCommandModifier(e: { readonly modifiers: readonly Modifier[] }): boolean {
  return e.modifiers.some((m) => m === 'ctrl' || m === 'alt' || m === 'meta');
}

/**
 * True when ctrl or meta is held and alt is not: a command chord such as ctrl+c or cmd+s. With alt held
 * a key may type a character instead (AltGr, which Windows reports as ctrl+alt; option on macOS).
 */
export function isCommandChord(e: { readonly modifiers: readonly Modifier[] }): boolean {
  const m = e.modifiers;
  return (m.includes('ctrl') || m.includes('meta')) && !m.includes('alt');
}

/** True when a key event reports a printable character (anything but control characters). */
export function producesCharacter(e: { readonly char?: string | undefined }): boolean {
  return e.char !== undefined && /[^\p{Cc}]/u.test(e.char);
}

/**
 * True for a key event that types a printable character: char or space class with no ctrl/alt/meta held,
 * or with alt held (AltGr, option) and no meta when the key reports the character it typed.
 */
export function isTypingKey(e: EventOf<'key_down'> | EventOf<'key_up'>): boolean {
  if (e.keyClass !== 'char' && e.keyClass !== 'space') return false;
  if (!hasCommandModifier(e)) return true;
  return e.modifiers.includes('alt') && !e.modifiers.includes('meta') && producesCharacter(e);
}
