/**
 * Lake table layouts as data. The Parquet writers, the Glue tables, the DuckDB views and the TypeScript row
 * types (`RowOf`, `SparseRowOf`) all read the column lists defined here, so they cannot drift apart.
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
  /** False when every row holds a value (the row types then make the field non-null). @default true */
  readonly nullable?: boolean;
}

/** A lake table: its columns, and its Hive-style partition keys (in the object key, not in the file). */
export interface TableDef {
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  readonly partitionKeys: readonly string[];
}

/** A column that may be null. Name and type keep their literal types, which the row types are built from. */
const c = <const N extends string, const T extends ColumnType>(name: N, type: T, description: string) =>
  ({ name, type, description, nullable: true }) as const;

/** A column every row fills. */
const notNull = <const N extends string, const T extends ColumnType>(name: N, type: T, description: string) =>
  ({ name, type, description, nullable: false }) as const;

/** How rows hold each scalar type in TypeScript: int64 and timestamps as numbers (epoch ms), exact to 2^53. */
interface ScalarValues {
  string: string;
  int32: number;
  int64: number;
  double: number;
  boolean: boolean;
  timestamp: number;
}

/** The TypeScript value of a column type. */
export type ValueOf<T extends ColumnType> = T extends ScalarType
  ? ScalarValues[T]
  : T extends { readonly list: infer S extends ScalarType }
    ? ScalarValues[S][]
    : T extends { readonly structList: infer F extends readonly ColumnDef[] }
      ? RowOf<F>[]
      : never;

type NotNullColumn = { readonly nullable: false };

/** A complete row of a column list: every column present, nullable columns `| null`. */
export type RowOf<Cols extends readonly ColumnDef[]> = {
  [C in Cols[number] as C['name']]: C extends NotNullColumn ? ValueOf<C['type']> : ValueOf<C['type']> | null;
};

/** A sparse row of a column list: not-null columns present, nullable columns optional (absent = NULL). */
export type SparseRowOf<Cols extends readonly ColumnDef[]> = {
  [C in Cols[number] as C extends NotNullColumn ? C['name'] : never]: ValueOf<C['type']>;
} & {
  [C in Cols[number] as C extends NotNullColumn ? never : C['name']]?: ValueOf<C['type']> | null;
};

/**
 * Events zone: one row per redacted event. Wide and sparse: each event type fills its own columns and
 * leaves the rest null, which Parquet stores almost for free. Free-text columns hold scrubbed text only;
 * id columns hold HMAC pseudonyms only.
 */
export const EVENTS_TABLE = {
  name: 'events',
  partitionKeys: ['dt', 'hour', 'shard'],
  columns: [
    notNull(
      'event_id',
      'string',
      'Keyed HMAC of the agent-made event id (deduplication key; the same id always maps to the same value).',
    ),
    notNull('schema_version', 'int32', 'Event contract version.'),
    notNull('event_type', 'string', 'Event type (contract discriminator).'),
    notNull('user_pseudonym', 'string', 'HMAC-SHA256 pseudonym of the user id.'),
    notNull('device_pseudonym', 'string', 'HMAC-SHA256 pseudonym of the device id.'),
    c('host_pseudonym', 'string', 'HMAC-SHA256 pseudonym of the host name, if sent.'),
    notNull('session_id', 'string', 'HMAC-SHA256 pseudonym of the capture-session id.'),
    notNull('seq', 'int64', 'Per-session sequence number.'),
    notNull(
      'ts',
      'timestamp',
      'Client event time (UTC, ms), quantised to the policy timing quantum for key events.',
    ),
    c('org_role', 'string', 'Organisation role (policy attribute).'),
    c('org_department', 'string', 'Organisation department (policy attribute).'),
    c(
      'key_name',
      'string',
      'Name of a non-printable key; null for printable keys, class other and any key in a secure field.',
    ),
    c('key_class', 'string', 'Key class (char, enter, backspace, arrow...).'),
    c('modifiers', 'string', 'Modifiers held, "+"-joined in canonical order (ctrl+alt+shift+meta+fn).'),
    c('button', 'string', 'Mouse button.'),
    c('x', 'double', 'Pointer x, screen pixels.'),
    c('y', 'double', 'Pointer y, screen pixels.'),
    c('dx', 'double', 'Horizontal scroll delta.'),
    c('dy', 'double', 'Vertical scroll delta.'),
    c('text', 'string', 'Scrubbed text typed into one field (text events).'),
    c('field_id', 'string', 'Keyed HMAC of the field identity.'),
    c('field_role', 'string', 'Field accessibility role, scrubbed.'),
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
    notNull('policy_version', 'string', 'Version of the policy that produced the row.'),
    notNull('key_version', 'string', 'Version of the pseudonym key that produced the row.'),
    notNull('redactor_version', 'string', 'Version of the redactor code.'),
    c('shard_id', 'string', 'Kinesis shard the event arrived on.'),
    c('sequence_number', 'string', 'Kinesis sequence number of the record that carried the event.'),
    c('arrival_ts', 'timestamp', 'Time the record reached Kinesis (approximate arrival).'),
  ],
} as const satisfies TableDef;

/**
 * Quarantine zone: one JSON object per invalid record (JSON Lines, one object per batch file). It holds the
 * record's structure, never its content: field paths with types and lengths, pseudonyms for ids, free text
 * only scrubbed and only where the valid path would have written it. The raw record never lands anywhere.
 */
export const QUARANTINE_TABLE = {
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
      'user_pseudonym',
      'string',
      "HMAC-SHA256 pseudonym of the record's user id (any type), when readable; erasure finds rows by it.",
    ),
    c(
      'scrubbed_payload',
      'string',
      "The record's structure as JSON: values as <type:length>, ids as pseudonyms, free text scrubbed (only where the valid path keeps it); a record that is not JSON as {bytes, hmac}.",
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
} as const satisfies TableDef;

/** The provenance columns every curated row carries. */
const CURATED_PROVENANCE = [
  notNull('policy_version', 'string', 'Policy version of the events the row came from.'),
  notNull('key_version', 'string', 'Pseudonym key version of the events the row came from.'),
  notNull('sequencer_version', 'string', 'Version of the sequencer code that produced the row.'),
] as const;

/** Columns of one step inside an episode's `steps` array (a compact copy of the action row). */
export const STEP_COLUMNS = [
  c('step_index', 'int32', 'Position of the step in its episode, from 0.'),
  notNull('action_type', 'string', 'Action vocabulary term (click, type, hotkey...).'),
  notNull(
    'action',
    'string',
    'The canonical action as JSON text, the training target (core/sequence/action-json.ts): fixed key order, numbers as JSON numbers, e.g. {"action":"click","x":0.5123,"y":0.3104,"button":"left"}.',
  ),
  notNull('ts', 'timestamp', 'Action start time.'),
  notNull('duration_ms', 'int64', 'Action duration, ms.'),
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
  c(
    'screen_width',
    'int32',
    'Width of the screen the action happened on, pixels (null before any screen event).',
  ),
  c('screen_height', 'int32', 'Height of the screen the action happened on, pixels.'),
] as const;

/** Curated zone, actions: one row per action, in episode and step order. */
export const ACTIONS_TABLE = {
  name: 'actions',
  partitionKeys: ['dt'],
  columns: [
    notNull(
      'action_id',
      'string',
      'Deterministic action id (hash of session, action type and first event seq).',
    ),
    c('episode_id', 'string', 'Episode the action belongs to (null for idle waits that separate episodes).'),
    notNull('session_id', 'string', 'Pseudonymous capture-session id.'),
    notNull('user_pseudonym', 'string', 'Pseudonymous user.'),
    notNull('device_pseudonym', 'string', 'Pseudonymous device.'),
    ...STEP_COLUMNS,
    c('process_name', 'string', 'Process in focus.'),
    c('url', 'string', 'Scrubbed URL in focus.'),
    c('field_id', 'string', 'Scrubbed field identity (type actions).'),
    notNull(
      'move_path_px',
      'double',
      'Pointer path length before the action, pixels (mouse moves are summarised here).',
    ),
    notNull('move_duration_ms', 'int64', 'Pointer movement time before the action, ms.'),
    notNull('first_seq', 'int64', 'First event seq the action was reduced from.'),
    notNull('last_seq', 'int64', 'Last event seq the action was reduced from.'),
    notNull('event_count', 'int32', 'Events reduced into the action.'),
    c('key_count', 'int32', 'Keys pressed to produce the text, backspaces included (type actions).'),
    notNull('task_start', 'boolean', 'First action after a task start marker.'),
    notNull('task_end', 'boolean', 'Last action before a task end marker.'),
    c('task_id', 'string', 'Task id of the marker on this action, if any.'),
    c('task_label', 'string', 'Scrubbed task label of the marker on this action, if any.'),
    notNull('after_error_dialog', 'boolean', 'First action after an error dialog appeared.'),
    ...CURATED_PROVENANCE,
  ],
} as const satisfies TableDef;

/** Curated zone, episodes: one row per episode with its ordered steps and labels. */
export const EPISODES_TABLE = {
  name: 'episodes',
  partitionKeys: ['dt'],
  columns: [
    notNull('episode_id', 'string', 'Deterministic episode id (hash of session and first action).'),
    notNull('session_id', 'string', 'Pseudonymous capture-session id.'),
    notNull('user_pseudonym', 'string', 'Pseudonymous user.'),
    notNull('device_pseudonym', 'string', 'Pseudonymous device.'),
    notNull('start_ts', 'timestamp', 'Start of the first step.'),
    notNull('end_ts', 'timestamp', 'End of the last step.'),
    notNull('duration_ms', 'int64', 'Episode duration, ms.'),
    notNull('step_count', 'int32', 'Number of steps.'),
    notNull('apps', { list: 'string' }, 'Applications used, in first-use order.'),
    notNull(
      'cut_reason',
      'string',
      'Why the episode ended: task_end, task_start, idle, context_change, max_duration, session_end.',
    ),
    c('task_label', 'string', 'Scrubbed task label from a task marker, if any.'),
    c('task_id', 'string', 'Task id from a task marker, if any.'),
    notNull('completed', 'boolean', 'True when a task end marker closed the episode.'),
    notNull(
      'labels',
      { list: 'string' },
      'Labels: error_recovery, shortcut_heavy, menu_heavy, context_switching, completed.',
    ),
    notNull('error_recovery', 'boolean', 'Episode contains an error recovery.'),
    c('recovery_start_step', 'int32', 'First step of the first recovery span, if any.'),
    c('recovery_end_step', 'int32', 'Last step of the first recovery span, if any.'),
    notNull('shortcut_count', 'int32', 'Hotkey steps.'),
    notNull('menu_count', 'int32', 'Clicks on menu items.'),
    notNull('context_switches', 'int32', 'switch_app / focus_window steps.'),
    notNull('steps', { structList: STEP_COLUMNS }, 'Ordered steps.'),
    ...CURATED_PROVENANCE,
  ],
} as const satisfies TableDef;

/**
 * Opted-out subjects, for the views: JSON Lines objects `{"user_pseudonym": "..."}` under `opt_outs/` in the
 * curated bucket (pseudonyms only, never raw ids). The training views exclude every subject listed here,
 * whatever the age of their rows.
 */
export const OPT_OUTS_TABLE = {
  name: 'opt_outs',
  partitionKeys: [],
  columns: [notNull('user_pseudonym', 'string', 'Pseudonym of a subject who opted out or was erased.')],
} as const satisfies TableDef;

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
 *   events bucket:     events/dt=YYYY-MM-DD/hour=HH/shard=NN/<shardId>-<firstSeq>-<lastSeq>_ts<min>-<max>.parquet
 *                      (min, max: the event-time range of its rows, epoch ms, core/lake/keys.ts)
 *                      (NN: the session's sequence shard, core/sequence/shards.ts; objects written before
 *                      shards sit at events/dt=/hour=/<file> and age out with the events retention)
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
 * One events-zone row, derived from EVENTS_TABLE's columns (a column added there appears here). Rows are
 * already redacted: ids are pseudonyms and free text is scrubbed. Printable keys typed one by one are not
 * stored as key rows: the redactor coalesces them (with the backspaces applied inside the run) into one
 * `text` row; key rows remain only for non-printable keys and for keys pressed with ctrl/alt/meta held.
 * Timestamps (`ts`, `arrival_ts`) are epoch ms.
 */
export type EventRow = SparseRowOf<typeof EVENTS_TABLE.columns>;

/** One actions-zone row (ACTIONS_TABLE); the sequencer narrows `action_type` to its vocabulary. */
export type ActionRow = RowOf<typeof ACTIONS_TABLE.columns>;

/** One episodes-zone row (EPISODES_TABLE). */
export type EpisodeRow = RowOf<typeof EPISODES_TABLE.columns>;

/** One step of an episode's `steps` array (STEP_COLUMNS). */
export type StepRow = RowOf<typeof STEP_COLUMNS>;

/**
 * Each scalar type's name in the engines that read the lake: Glue/Athena DDL (Hive) and Athena views
 * (Trino). One table, so the Glue columns and the view column types cannot disagree.
 */
export const SCALAR_TYPE_NAMES = {
  string: { glue: 'string', trino: 'varchar', duckdb: 'VARCHAR' },
  int32: { glue: 'int', trino: 'integer', duckdb: 'INTEGER' },
  int64: { glue: 'bigint', trino: 'bigint', duckdb: 'BIGINT' },
  double: { glue: 'double', trino: 'double', duckdb: 'DOUBLE' },
  boolean: { glue: 'boolean', trino: 'boolean', duckdb: 'BOOLEAN' },
  timestamp: { glue: 'timestamp', trino: 'timestamp(3)', duckdb: 'TIMESTAMP' },
} as const satisfies Record<ScalarType, { glue: string; trino: string; duckdb: string }>;

/** Maps a column type to its Glue/Athena (Hive DDL) type name. */
export function glueTypeOf(type: ColumnType): string {
  if (typeof type === 'string') return SCALAR_TYPE_NAMES[type].glue;
  if ('list' in type) return `array<${glueTypeOf(type.list)}>`;
  return `array<struct<${type.structList.map((f) => `${f.name}:${glueTypeOf(f.type)}`).join(',')}>>`;
}

/** Maps a column type to its Trino type name (what Athena views return), e.g. `array(row(a varchar))`. */
export function trinoTypeOf(type: ColumnType): string {
  if (typeof type === 'string') return SCALAR_TYPE_NAMES[type].trino;
  if ('list' in type) return `array(${trinoTypeOf(type.list)})`;
  return `array(row(${type.structList.map((f) => `${f.name} ${trinoTypeOf(f.type)}`).join(', ')}))`;
}

/** Maps a column type to its DuckDB type name (the local twin of the Glue tables). */
export function duckTypeOf(type: ColumnType): string {
  if (typeof type === 'string') return SCALAR_TYPE_NAMES[type].duckdb;
  if ('list' in type) return `${duckTypeOf(type.list)}[]`;
  return `STRUCT(${type.structList.map((f) => `"${f.name}" ${duckTypeOf(f.type)}`).join(', ')})[]`;
}
