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
