/**
 * Lake table layouts as data. The Parquet writers, the Glue tables and the DuckDB views all read the
 * column lists defined here, so they cannot drift apart.
 */

/** Scalar column types, named as the lake sees them. */
export type ScalarType = 'string' | 'int32' | 'int64' | 'double' | 'boolean' | 'timestamp';

/** A column type: a scalar, a list of scalars, or a list of structs (nested rows). */
export type ColumnType =
  | ScalarType
  | { readonly list: ScalarType }
  | { readonly structList: readonly ColumnDef[] };

/** One column of a lake table. */
export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
  /** What the column holds; also the Glue column comment. */
  readonly description: string;
}

/** A lake table: its columns, and its Hive-style partition keys (in the object key, not in the file). */
export interface TableDef {
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  readonly partitionKeys: readonly string[];
}

const c = (name: string, type: ColumnType, description: string): ColumnDef => ({ name, type, description });

/**
 * Events zone: one row per redacted event. Wide and sparse: each event type fills its own columns and
 * leaves the rest null, which Parquet stores almost for free. Free-text columns hold scrubbed text only;
 * id columns hold HMAC pseudonyms only.
 */
export const EVENTS_TABLE: TableDef = {
  name: 'events',
  partitionKeys: ['dt', 'hour'],
  columns: [
    c('event_id', 'string', 'Agent-made unique event id (deduplication key).'),
    c('schema_version', 'int32', 'Event contract version.'),
    c('event_type', 'string', 'Event type (contract discriminator).'),
    c('user_pseudonym', 'string', 'HMAC-SHA256 pseudonym of the user id.'),
    c('device_pseudonym', 'string', 'HMAC-SHA256 pseudonym of the device id.'),
    c('host_pseudonym', 'string', 'HMAC-SHA256 pseudonym of the host name, if sent.'),
    c('session_id', 'string', 'HMAC-SHA256 pseudonym of the capture-session id.'),
    c('seq', 'int64', 'Per-session sequence number.'),
    c(
      'ts',
      'timestamp',
      'Client event time (UTC, ms), quantised to the policy timing quantum for key events.',
    ),
    c('org_role', 'string', 'Organisation role (policy attribute).'),
    c('org_department', 'string', 'Organisation department (policy attribute).'),
    c('key_name', 'string', 'Name of a non-printable key; null for printable keys.'),
    c('key_class', 'string', 'Key class (char, enter, backspace, arrow...).'),
    c('modifiers', 'string', 'Modifiers held, "+"-joined in canonical order (ctrl+alt+shift+meta+fn).'),
    c('button', 'string', 'Mouse button.'),
    c('x', 'double', 'Pointer x, screen pixels.'),
    c('y', 'double', 'Pointer y, screen pixels.'),
    c('dx', 'double', 'Horizontal scroll delta.'),
    c('dy', 'double', 'Vertical scroll delta.'),
    c('text', 'string', 'Scrubbed text typed into one field (text events).'),
    c('field_id', 'string', 'Scrubbed field identity.'),
    c('field_role', 'string', 'Field accessibility role.'),
    c('field_name', 'string', 'Scrubbed field name.'),
    c('secure', 'boolean', 'Secure field or element (its text is never kept).'),
    c('key_count', 'int32', 'Keys pressed to produce the text.'),
    c('duration_ms', 'int64', 'Duration of the text run, ms.'),
    c('app_id', 'string', 'Application id.'),
    c('process_name', 'string', 'Process name.'),
    c('window_title', 'string', 'Scrubbed window title.'),
    c('url', 'string', 'Scrubbed URL (scheme, host, path; query values and fragment tokenised).'),
    c('element_role', 'string', 'UI element role.'),
    c('element_name', 'string', 'Scrubbed UI element name.'),
    c('element_x', 'double', 'UI element left edge.'),
    c('element_y', 'double', 'UI element top edge.'),
    c('element_width', 'double', 'UI element width.'),
    c('element_height', 'double', 'UI element height.'),
    c('screen_width', 'int32', 'Screen width, pixels.'),
    c('screen_height', 'int32', 'Screen height, pixels.'),
    c('screen_scale', 'double', 'Device pixel ratio.'),
    c('marker', 'string', 'Task marker: start or end.'),
    c('label', 'string', 'Scrubbed task label.'),
    c('task_id', 'string', 'Task id tying a start marker to its end.'),
    c('clipboard_op', 'string', 'Clipboard operation (copy, cut, paste).'),
    c('clipboard_size', 'int64', 'Clipboard content size, bytes (never the content).'),
    c('clipboard_type', 'string', 'Clipboard content kind.'),
    c('dialog_title', 'string', 'Scrubbed error dialog title.'),
    c('dialog_text', 'string', 'Scrubbed error dialog text.'),
    c('findings', 'string', 'JSON object of scrubber finding counts per entity type, e.g. {"EMAIL":1}.'),
    c('policy_version', 'string', 'Version of the policy that produced the row.'),
    c('key_version', 'string', 'Version of the pseudonym key that produced the row.'),
    c('redactor_version', 'string', 'Version of the redactor code.'),
    c('shard_id', 'string', 'Kinesis shard the event arrived on.'),
    c('sequence_number', 'string', 'Kinesis sequence number of the record that carried the event.'),
    c('arrival_ts', 'timestamp', 'Time the record reached Kinesis (approximate arrival).'),
  ],
};

/**
 * Quarantine zone: one JSON object per invalid record (JSON Lines, one object per batch file). The payload
 * is scrubbed before it is written; the raw record never lands anywhere.
 */
export const QUARANTINE_TABLE: TableDef = {
  name: 'quarantine',
  partitionKeys: ['dt', 'hour'],
  columns: [
    c(
      'reason',
      'string',
      'Why the record was quarantined: invalid_json, invalid_utf8, too_large, contract, deaggregation.',
    ),
    c('issues', 'string', 'JSON array of {path, message} contract breaches (never content).'),
    c('event_type', 'string', 'Event type, when readable and known.'),
    c(
      'scrubbed_payload',
      'string',
      'The record after scrubbing and pseudonymisation of every string it holds.',
    ),
    c('findings', 'string', 'JSON object of scrubber finding counts per entity type.'),
    c('shard_id', 'string', 'Kinesis shard id.'),
    c('sequence_number', 'string', 'Kinesis sequence number.'),
    c('sub_sequence_number', 'int64', 'Position inside a KPL-aggregated record, if any.'),
    c('arrival_ts', 'int64', 'Approximate arrival time at Kinesis, epoch ms (JSON number).'),
    c('policy_version', 'string', 'Policy version.'),
    c('key_version', 'string', 'Pseudonym key version.'),
    c('redactor_version', 'string', 'Redactor version.'),
  ],
};

/** The provenance columns every curated row carries. */
const CURATED_PROVENANCE: readonly ColumnDef[] = [
  c('policy_version', 'string', 'Policy version of the events the row came from.'),
  c('key_version', 'string', 'Pseudonym key version of the events the row came from.'),
  c('sequencer_version', 'string', 'Version of the sequencer code that produced the row.'),
];

/** Columns of one step inside an episode's `steps` array (a compact copy of the action row). */
export const STEP_COLUMNS: readonly ColumnDef[] = [
  c('step_index', 'int32', 'Position of the step in its episode, from 0.'),
  c('action_type', 'string', 'Action vocabulary term (click, type, hotkey...).'),
  c('ts', 'timestamp', 'Action start time.'),
  c('duration_ms', 'int64', 'Action duration, ms.'),
  c('x', 'double', 'Normalised x (0..1 of the screen width).'),
  c('y', 'double', 'Normalised y (0..1 of the screen height).'),
  c('to_x', 'double', 'Drag end, normalised x.'),
  c('to_y', 'double', 'Drag end, normalised y.'),
  c('button', 'string', 'Mouse button.'),
  c('scroll_direction', 'string', 'up, down, left or right.'),
  c('scroll_amount', 'double', 'Total scroll distance in wheel units.'),
  c('text', 'string', 'Scrubbed typed text (type actions).'),
  c('keys', 'string', 'Key or combination, e.g. enter, ctrl+c.'),
  c('repeat', 'int32', 'Repeat count (key actions).'),
  c('app_id', 'string', 'Application in focus.'),
  c('window_title', 'string', 'Scrubbed window title in focus.'),
  c('element_role', 'string', 'Role of the target UI element.'),
  c('element_name', 'string', 'Scrubbed name of the target UI element.'),
];

/** Curated zone, actions: one row per action, in episode and step order. */
export const ACTIONS_TABLE: TableDef = {
  name: 'actions',
  partitionKeys: ['dt'],
  columns: [
    c('action_id', 'string', 'Deterministic action id (hash of session, action type and first event seq).'),
    c('episode_id', 'string', 'Episode the action belongs to (null for idle waits that separate episodes).'),
    c('session_id', 'string', 'Pseudonymous capture-session id.'),
    c('user_pseudonym', 'string', 'Pseudonymous user.'),
    c('device_pseudonym', 'string', 'Pseudonymous device.'),
    ...STEP_COLUMNS,
    c('process_name', 'string', 'Process in focus.'),
    c('url', 'string', 'Scrubbed URL in focus.'),
    c('field_id', 'string', 'Scrubbed field identity (type actions).'),
    c(
      'move_path_px',
      'double',
      'Pointer path length before the action, pixels (mouse moves are summarised here).',
    ),
    c('move_duration_ms', 'int64', 'Pointer movement time before the action, ms.'),
    c('first_seq', 'int64', 'First event seq the action was reduced from.'),
    c('last_seq', 'int64', 'Last event seq the action was reduced from.'),
    c('event_count', 'int32', 'Events reduced into the action.'),
    c('key_count', 'int32', 'Keys pressed to produce the text, backspaces included (type actions).'),
    c('task_start', 'boolean', 'First action after a task start marker.'),
    c('task_end', 'boolean', 'Last action before a task end marker.'),
    c('task_id', 'string', 'Task id of the marker on this action, if any.'),
    c('task_label', 'string', 'Scrubbed task label of the marker on this action, if any.'),
    c('after_error_dialog', 'boolean', 'First action after an error dialog appeared.'),
    ...CURATED_PROVENANCE,
  ],
};

/** Curated zone, episodes: one row per episode with its ordered steps and labels. */
export const EPISODES_TABLE: TableDef = {
  name: 'episodes',
  partitionKeys: ['dt'],
  columns: [
    c('episode_id', 'string', 'Deterministic episode id (hash of session and first action).'),
    c('session_id', 'string', 'Pseudonymous capture-session id.'),
    c('user_pseudonym', 'string', 'Pseudonymous user.'),
    c('device_pseudonym', 'string', 'Pseudonymous device.'),
    c('start_ts', 'timestamp', 'Start of the first step.'),
    c('end_ts', 'timestamp', 'End of the last step.'),
    c('duration_ms', 'int64', 'Episode duration, ms.'),
    c('step_count', 'int32', 'Number of steps.'),
    c('apps', { list: 'string' }, 'Applications used, in first-use order.'),
    c(
      'cut_reason',
      'string',
      'Why the episode ended: task_end, task_start, idle, context_change, max_duration, session_end.',
    ),
    c('task_label', 'string', 'Scrubbed task label from a task marker, if any.'),
    c('task_id', 'string', 'Task id from a task marker, if any.'),
    c('completed', 'boolean', 'True when a task end marker closed the episode.'),
    c(
      'labels',
      { list: 'string' },
      'Labels: error_recovery, shortcut_heavy, menu_heavy, context_switching, completed.',
    ),
    c('error_recovery', 'boolean', 'Episode contains an error recovery.'),
    c('recovery_start_step', 'int32', 'First step of the first recovery span, if any.'),
    c('recovery_end_step', 'int32', 'Last step of the first recovery span, if any.'),
    c('shortcut_count', 'int32', 'Hotkey steps.'),
    c('menu_count', 'int32', 'Clicks on menu items.'),
    c('context_switches', 'int32', 'switch_app / focus_window steps.'),
    c('steps', { structList: STEP_COLUMNS }, 'Ordered steps.'),
    ...CURATED_PROVENANCE,
  ],
};

/**
 * Opted-out subjects, for the views: JSON Lines objects `{"user_pseudonym": "..."}` under `opt_outs/` in the
 * curated bucket (pseudonyms only, never raw ids). The training views exclude every subject listed here,
 * whatever the age of their rows.
 */
export const OPT_OUTS_TABLE: TableDef = {
  name: 'opt_outs',
  partitionKeys: [],
  columns: [c('user_pseudonym', 'string', 'Pseudonym of a subject who opted out or was erased.')],
};

/** Every lake table, by name. */
export const LAKE_TABLES = {
  events: EVENTS_TABLE,
  quarantine: QUARANTINE_TABLE,
  actions: ACTIONS_TABLE,
  episodes: EPISODES_TABLE,
  opt_outs: OPT_OUTS_TABLE,
} as const;

/** The lake zones; each is one bucket. */
export const ZONES = ['quarantine', 'events', 'curated', 'athena-results'] as const;
export type Zone = (typeof ZONES)[number];

/**
 * Object key layout per table (Hive-style partitions, so Glue partition projection and DuckDB
 * `hive_partitioning` both read them):
 *   events bucket:     events/dt=YYYY-MM-DD/hour=HH/<shardId>-<firstSeq>-<lastSeq>.parquet
 *   quarantine bucket: quarantine/dt=YYYY-MM-DD/hour=HH/<shardId>-<firstSeq>-<lastSeq>.jsonl
 *   curated bucket:    actions/dt=YYYY-MM-DD/<file>.parquet and episodes/dt=YYYY-MM-DD/<file>.parquet
 */
export const TABLE_LOCATIONS = {
  events: { zone: 'events', prefix: 'events/' },
  quarantine: { zone: 'quarantine', prefix: 'quarantine/' },
  actions: { zone: 'curated', prefix: 'actions/' },
  episodes: { zone: 'curated', prefix: 'episodes/' },
  opt_outs: { zone: 'curated', prefix: 'opt_outs/' },
} as const satisfies Record<string, { zone: Zone; prefix: string }>;

/** Bucket name of a zone for a stage when no explicit name is configured (local mode uses these). */
export function defaultBucketName(stage: string, zone: Zone): string {
  return `worktrace-${stage}-${zone}`.toLowerCase();
}

/**
 * One events-zone row, keyed exactly as EVENTS_TABLE's columns (a test keeps them in step). Rows are
 * already redacted: ids are pseudonyms and free text is scrubbed. Printable keys typed one by one are not
 * stored as key rows: the redactor coalesces them (with the backspaces applied inside the run) into one
 * `text` row; key rows remain only for non-printable keys and for keys pressed with ctrl/alt/meta held.
 */
export interface EventRow {
  event_id: string;
  schema_version: number;
  event_type: string;
  user_pseudonym: string;
  device_pseudonym: string;
  host_pseudonym?: string | null;
  session_id: string;
  seq: number;
  /** Epoch ms. */
  ts: number;
  org_role?: string | null;
  org_department?: string | null;
  key_name?: string | null;
  key_class?: string | null;
  modifiers?: string | null;
  button?: string | null;
  x?: number | null;
  y?: number | null;
  dx?: number | null;
  dy?: number | null;
  text?: string | null;
  field_id?: string | null;
  field_role?: string | null;
  field_name?: string | null;
  secure?: boolean | null;
  key_count?: number | null;
  duration_ms?: number | null;
  app_id?: string | null;
  process_name?: string | null;
  window_title?: string | null;
  url?: string | null;
  element_role?: string | null;
  element_name?: string | null;
  element_x?: number | null;
  element_y?: number | null;
  element_width?: number | null;
  element_height?: number | null;
  screen_width?: number | null;
  screen_height?: number | null;
  screen_scale?: number | null;
  marker?: string | null;
  label?: string | null;
  task_id?: string | null;
  clipboard_op?: string | null;
  clipboard_size?: number | null;
  clipboard_type?: string | null;
  dialog_title?: string | null;
  dialog_text?: string | null;
  findings?: string | null;
  policy_version: string;
  key_version: string;
  redactor_version: string;
  shard_id?: string | null;
  sequence_number?: string | null;
  /** Epoch ms. */
  arrival_ts?: number | null;
}

/** Maps a column type to its Glue/Athena (Hive DDL) type name. */
export function glueTypeOf(type: ColumnType): string {
  if (typeof type === 'string') {
    return {
      string: 'string',
      int32: 'int',
      int64: 'bigint',
      double: 'double',
      boolean: 'boolean',
      timestamp: 'timestamp',
    }[type];
  }
  if ('list' in type) return `array<${glueTypeOf(type.list)}>`;
  return `array<struct<${type.structList.map((f) => `${f.name}:${glueTypeOf(f.type)}`).join(',')}>>`;
}
