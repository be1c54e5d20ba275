/**
 * Parquet encoding (zstd) of lake rows, driven by the column lists in lake/schema.ts. Pure: bytes in
 * memory, no I/O. Uses Apache Arrow builders and parquet-wasm, so Lambdas, CLI and local mode share it.
 */
import * as arrow from 'apache-arrow';
// The IPC message metadata classes Arrow's own stream writer uses (not re-exported from the package root).
import {
  BufferRegion,
  FieldNode,
  Message,
  RecordBatch as RecordBatchHeader,
} from 'apache-arrow/ipc/metadata/message';
import * as pw from 'parquet-wasm/node';
import {
  ACTIONS_TABLE,
  type ColumnDef,
  type ColumnType,
  EPISODES_TABLE,
  EVENTS_TABLE,
  type ScalarType,
} from './schema.js';

/** A lake row: column name to value (missing or null = NULL). Timestamps are epoch milliseconds. */
export type LakeRow = object;

function scalarArrowType(type: ScalarType): arrow.DataType {
  switch (type) {
    case 'string':
      return new arrow.Utf8();
    case 'int32':
      return new arrow.Int32();
    case 'int64':
      return new arrow.Int64();
    case 'double':
      return new arrow.Float64();
    case 'boolean':
      return new arrow.Bool();
    case 'timestamp':
      // No time zone: Athena and DuckDB both read it as a plain UTC `timestamp`.
      return new arrow.TimestampMillisecond();
  }
}

/** The Arrow type of a lake column type. */
export function arrowTypeOf(type: ColumnType): arrow.DataType {
  if (typeof type === 'string') return scalarArrowType(type);
  if ('list' in type) return new arrow.List(new arrow.Field('element', scalarArrowType(type.list), true));
  const struct = new arrow.Struct(
    type.structList.map((f) => new arrow.Field(f.name, arrowTypeOf(f.type), true)),
  );
  return new arrow.List(new arrow.Field('element', struct, true));
}

/** Converts a value to what the Arrow builder of `type` expects. */
function coerce(type: ColumnType, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (type === 'int64') return typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value)));
  if (typeof type === 'object' && 'structList' in type) {
    return (value as Record<string, unknown>[]).map((item) => {
      const out: Record<string, unknown> = {};
      for (const f of type.structList) out[f.name] = coerce(f.type, item[f.name]);
      return out;
    });
  }
  return value;
}

const encoder = new TextEncoder();

/** A validity bitmap (Arrow: bit i set = value i present), or undefined when nothing is null. */
function validity(values: readonly unknown[]): { bitmap: Uint8Array | undefined; nulls: number } {
  const n = values.length;
  let bitmap: Uint8Array | undefined;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      bitmap ??= new Uint8Array(Math.ceil(n / 8)).fill(0xff);
      bitmap[i >> 3] = (bitmap[i >> 3] as number) & ~(1 << (i & 7));
      nulls++;
    }
  }
  return { bitmap, nulls };
}

/**
 * UTF-8 bytes and offsets of a string column. Lake strings are mostly ASCII (pseudonyms, enums, versions),
 * so the column is joined and encoded in one native call; when the byte count equals the character count
 * every value was ASCII and the character offsets are the byte offsets. Otherwise each value is encoded
 * on its own into a buffer sized for the worst case (3 bytes per UTF-16 unit).
 */
function utf8Column(values: readonly unknown[]): { offsets: Int32Array; bytes: Uint8Array } {
  const n = values.length;
  const offsets = new Int32Array(n + 1);
  let chars = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v === 'string') chars += v.length;
    offsets[i + 1] = chars;
  }
  // join() renders null and undefined as ''; string columns hold nothing else.
  const joined = Buffer.from(values.join(''), 'utf8');
  if (joined.byteLength === chars) return { offsets, bytes: joined };
  const bytes = new Uint8Array(chars * 3);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v === 'string') pos += encoder.encodeInto(v, bytes.subarray(pos)).written;
    offsets[i + 1] = pos;
  }
  return { offsets, bytes: bytes.subarray(0, pos) };
}

/** Builds one flat column straight into Arrow buffers (much faster than generic builders). */
function flatColumn(type: ScalarType, values: unknown[]): arrow.Data {
  const n = values.length;
  const { bitmap, nulls } = validity(values);
  const common = { length: n, nullCount: nulls, nullBitmap: bitmap };
  switch (type) {
    case 'string': {
      const { offsets, bytes } = utf8Column(values);
      return arrow.makeData({ type: new arrow.Utf8(), ...common, valueOffsets: offsets, data: bytes });
    }
    case 'int32': {
      const data = new Int32Array(n);
      for (let i = 0; i < n; i++) data[i] = Number(values[i] ?? 0);
      return arrow.makeData({ type: new arrow.Int32(), ...common, data });
    }
    case 'double': {
      const data = new Float64Array(n);
      for (let i = 0; i < n; i++) data[i] = Number(values[i] ?? 0);
      return arrow.makeData({ type: new arrow.Float64(), ...common, data });
    }
    case 'int64':
    case 'timestamp': {
      // Written as little-endian 32-bit halves: a BigInt per value costs more than the rest of the column.
      const data = new BigInt64Array(n);
      const halves = new Int32Array(data.buffer);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v === 'bigint') {
          data[i] = v;
        } else if (v !== null && v !== undefined) {
          const x = Math.trunc(Number(v));
          const hi = Math.floor(x / 4294967296);
          halves[2 * i] = x - hi * 4294967296;
          halves[2 * i + 1] = hi;
        }
      }
      return type === 'int64'
        ? arrow.makeData({ type: new arrow.Int64(), ...common, data })
        : arrow.makeData({ type: new arrow.TimestampMillisecond(), ...common, data });
    }
    case 'boolean': {
      const data = new Uint8Array(Math.ceil(n / 8));
      for (let i = 0; i < n; i++)
        if (values[i] === true) data[i >> 3] = (data[i >> 3] as number) | (1 << (i & 7));
      return arrow.makeData({ type: new arrow.Bool(), ...common, data });
    }
  }
}

/**
 * Turns rows into one value array per column in a single pass over each row's own keys. Rows of different
 * event types have different shapes, so reading `row[name]` column by column was a megamorphic lookup
 * per cell; walking each row's keys once is several times faster. Keys that are not columns are ignored.
 */
function transpose(columns: readonly ColumnDef[], rows: readonly LakeRow[]): unknown[][] {
  const index = new Map(columns.map((col, i) => [col.name, i]));
  const out = columns.map(() => new Array<unknown>(rows.length).fill(null));
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as Record<string, unknown>;
    for (const name in row) {
      const c = index.get(name);
      if (c !== undefined) (out[c] as unknown[])[r] = row[name];
    }
  }
  return out;
}

/** The columns of rows as Arrow data, one per column; columns absent from a row are NULL. */
function columnData(columns: readonly ColumnDef[], rows: readonly LakeRow[]): arrow.Data[] {
  const valuesOf = transpose(columns, rows);
  return columns.map((col, c) => {
    const values = valuesOf[c] as unknown[];
    if (typeof col.type === 'string') return flatColumn(col.type, values);
    const builder = arrow.makeBuilder({ type: arrowTypeOf(col.type), nullValues: [null, undefined] });
    for (const v of values) builder.append(coerce(col.type, v));
    return builder.finish().flush();
  });
}

/** Builds one Arrow record batch from rows; columns absent from a row are NULL. */
function toRecordBatch(
  schema: arrow.Schema,
  columns: readonly ColumnDef[],
  rows: readonly LakeRow[],
): arrow.RecordBatch {
  const struct = arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length: rows.length,
    nullCount: 0,
    children: columnData(columns, rows),
  });
  return new arrow.RecordBatch(schema, struct);
}

/** An encapsulated IPC message: continuation marker, metadata length, metadata, padding to 8 bytes. */
function ipcFrame(metadata: Uint8Array): Uint8Array {
  const size = (metadata.byteLength + 8 + 7) & ~7;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setInt32(0, -1, true);
  view.setInt32(4, size - 8, true);
  out.set(metadata, 8);
  return out;
}

const NO_BYTES = new Uint8Array(0);

/**
 * The Arrow IPC stream (schema, one record batch, end of stream) of flat columns built by `flatColumn`,
 * written directly: Arrow's general stream writer re-encodes the schema and walks every buffer through
 * its visitors, which cost as much as building the columns. Same layout as that writer: per column a
 * validity buffer (empty when nothing is null), then offsets and values (strings) or values, each at an
 * 8-byte-aligned offset of the body.
 */
function flatIPC(head: Uint8Array, children: readonly arrow.Data[], rows: number): Uint8Array {
  const nodes: FieldNode[] = [];
  const regions: BufferRegion[] = [];
  const buffers: Uint8Array[] = [];
  let bodyLength = 0;
  const add = (view: ArrayBufferView | undefined) => {
    const bytes = view ? new Uint8Array(view.buffer, view.byteOffset, view.byteLength) : NO_BYTES;
    regions.push(new BufferRegion(bodyLength, bytes.byteLength));
    buffers.push(bytes);
    bodyLength += (bytes.byteLength + 7) & ~7;
  };
  for (const d of children) {
    nodes.push(new FieldNode(d.length, d.nullCount));
    add(d.nullCount > 0 ? d.nullBitmap : undefined);
    if (d.typeId === arrow.Type.Utf8) add(d.valueOffsets);
    add(d.values);
  }
  const meta = ipcFrame(
    Message.encode(Message.from(new RecordBatchHeader(rows, nodes, regions, null), bodyLength)),
  );
  const out = new Uint8Array(head.byteLength + meta.byteLength + bodyLength + 8);
  out.set(head, 0);
  out.set(meta, head.byteLength);
  const body = head.byteLength + meta.byteLength;
  for (let i = 0; i < buffers.length; i++)
    out.set(buffers[i] as Uint8Array, body + (regions[i] as BufferRegion).offset);
  // End of stream: continuation marker and a zero length.
  new DataView(out.buffer).setInt32(body + bodyLength, -1, true);
  return out;
}

/**
 * Everything the encoding of one column list needs that does not depend on the rows, built once: the Arrow
 * schema, its IPC message (flat lists only, see flatIPC) and the columns that get statistics. Writer
 * settings: zstd for every column, no dictionary pages (zstd already folds repeated values; dictionaries
 * doubled the encode time and made event files larger). Chunk-level min/max statistics only on int64 and
 * timestamp columns (event time, seq, arrival): those are what engines prune row groups by, while
 * statistics on hashed ids and free text cost a quarter of the write and prune nothing.
 */
export class ParquetLayout {
  readonly schema: arrow.Schema;
  /** The schema's IPC message when every column is a scalar; undefined for nested columns. */
  private readonly flatHead: Uint8Array | undefined;
  private readonly statsColumns: readonly string[];

  constructor(readonly columns: readonly ColumnDef[]) {
    this.schema = new arrow.Schema(columns.map((c) => new arrow.Field(c.name, arrowTypeOf(c.type), true)));
    this.flatHead = columns.every((c) => typeof c.type === 'string')
      ? ipcFrame(Message.encode(Message.from(this.schema)))
      : undefined;
    this.statsColumns = columns
      .filter((c) => c.type === 'int64' || c.type === 'timestamp')
      .map((c) => c.name);
  }

  /** Encodes rows as one Parquet file (zstd), in column order. */
  encode(rows: readonly LakeRow[]): Uint8Array {
    return pw.writeParquet(pw.Table.fromIPCStream(this.toIPC(rows)), this.writerProperties());
  }

  /** The Arrow IPC stream of rows: direct for flat tables, Arrow's writer for nested columns. */
  private toIPC(rows: readonly LakeRow[]): Uint8Array {
    if (this.flatHead) return flatIPC(this.flatHead, columnData(this.columns, rows), rows.length);
    return arrow.RecordBatchStreamWriter.writeAll([
      toRecordBatch(this.schema, this.columns, rows),
    ]).toUint8Array(true);
  }

  /** Fresh writer properties: writeParquet consumes the object, so each file gets its own. */
  private writerProperties(): pw.WriterProperties {
    let b = new pw.WriterPropertiesBuilder()
      .setCompression(pw.Compression.ZSTD)
      .setDictionaryEnabled(false)
      .setStatisticsEnabled(pw.EnabledStatistics.None)
      .setCreatedBy('worktrace');
    for (const name of this.statsColumns) b = b.setColumnStatisticsEnabled(name, pw.EnabledStatistics.Chunk);
    return b.build();
  }
}

/** Layouts of the lake's Parquet tables, built once at load and never changed. */
const LAKE_LAYOUTS: ReadonlyMap<readonly ColumnDef[], ParquetLayout> = new Map(
  [EVENTS_TABLE, ACTIONS_TABLE, EPISODES_TABLE].map((t) => [t.columns, new ParquetLayout(t.columns)]),
);

/**
 * Encodes rows as one Parquet file (zstd), in column order. The lake tables' column lists use layouts built
 * at load; any other list builds its layout per call (hold a ParquetLayout to encode many files of it).
 */
export function encodeParquet(columns: readonly ColumnDef[], rows: readonly LakeRow[]): Uint8Array {
  return (LAKE_LAYOUTS.get(columns) ?? new ParquetLayout(columns)).encode(rows);
}

/** Converts Arrow values (bigints, nested vectors, struct rows) into plain JSON-like values. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof arrow.Vector) return [...value].map(plain);
  // Arrow struct rows are proxies whose `in` operator hides toJSON, so probe the property directly.
  const toJSON = value && typeof value === 'object' ? (value as { toJSON?: unknown }).toJSON : undefined;
  if (typeof toJSON === 'function') {
    const obj = toJSON.call(value) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = plain(v);
    return out;
  }
  return value;
}

const utf8 = new TextDecoder();

/**
 * Plain values of one flat Arrow column chunk, read straight from its buffers: null for nulls, strings,
 * numbers (int64 and timestamps as numbers, exact up to 2^53), booleans. Undefined for other types.
 */
function flatValues(d: arrow.Data): unknown[] | undefined {
  const n = d.length;
  const out = new Array<unknown>(n);
  const base = d.offset;
  const bitmap = d.nullCount > 0 ? d.nullBitmap : undefined;
  const isNull = (i: number) =>
    bitmap !== undefined && ((bitmap[(base + i) >> 3] as number) & (1 << ((base + i) & 7))) === 0;
  switch (d.typeId) {
    case arrow.Type.Utf8: {
      const offsets = d.valueOffsets as Int32Array;
      const bytes = d.values as Uint8Array;
      const from = offsets[base] as number;
      const to = offsets[base + n] as number;
      // Mostly ASCII: decode the column once and slice it when characters and bytes line up.
      const whole = utf8.decode(bytes.subarray(from, to));
      const ascii = whole.length === to - from;
      for (let i = 0; i < n; i++) {
        if (isNull(i)) {
          out[i] = null;
          continue;
        }
        const a = offsets[base + i] as number;
        const b = offsets[base + i + 1] as number;
        out[i] = ascii ? whole.slice(a - from, b - from) : utf8.decode(bytes.subarray(a, b));
      }
      return out;
    }
    case arrow.Type.Int:
    case arrow.Type.Float:
    case arrow.Type.Timestamp: {
      const values = d.values as ArrayLike<number | bigint>;
      if (values instanceof BigInt64Array) {
        // Halves, as in flatColumn: one BigInt per value would dominate decoding.
        const halves = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
        for (let i = 0; i < n; i++) {
          const j = base + i;
          out[i] = isNull(i)
            ? null
            : (halves[2 * j + 1] as number) * 4294967296 + ((halves[2 * j] as number) >>> 0);
        }
        return out;
      }
      if (values instanceof BigUint64Array) return undefined;
      for (let i = 0; i < n; i++) out[i] = isNull(i) ? null : Number(values[base + i]);
      return out;
    }
    case arrow.Type.Bool: {
      const bits = d.values as Uint8Array;
      for (let i = 0; i < n; i++) {
        const j = base + i;
        out[i] = isNull(i) ? null : ((bits[j >> 3] as number) & (1 << (j & 7))) !== 0;
      }
      return out;
    }
    default:
      return undefined;
  }
}

/**
 * Decodes a Parquet file into plain rows (int64 as number, timestamps as epoch ms, nested lists as arrays
 * of plain objects). Flat columns are read column by column from their buffers; Arrow's row proxies cost
 * tens of microseconds per row, which made decoding the sequencer's main cost.
 */
export function decodeParquet(bytes: Uint8Array): Record<string, unknown>[] {
  const table = arrow.tableFromIPC(pw.readParquet(bytes).intoIPCStream());
  // Every row is a copy of one template holding all columns, so rows share a shape and are filled by
  // plain stores instead of growing property by property.
  const template: Record<string, unknown> = {};
  for (const field of table.schema.fields) template[field.name] = null;
  const rows: Record<string, unknown>[] = Array.from({ length: table.numRows }, () => ({ ...template }));
  for (const field of table.schema.fields) {
    const column = table.getChild(field.name);
    if (!column) continue;
    let at = 0;
    for (const chunk of column.data) {
      const values = flatValues(chunk);
      for (let i = 0; i < chunk.length; i++) {
        (rows[at + i] as Record<string, unknown>)[field.name] = values
          ? values[i]
          : plain(column.get(at + i));
      }
      at += chunk.length;
    }
  }
  return rows;
}
