/**
 * Parquet encoding (zstd) of lake rows, driven by the column lists in lake-schema.ts. Pure: bytes in
 * memory, no I/O. Uses Apache Arrow builders and parquet-wasm, so Lambdas, CLI and local mode share it.
 */
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm/node';
import type { ColumnDef, ColumnType, ScalarType } from './lake-schema.js';

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
function validity(
  n: number,
  isNull: (i: number) => boolean,
): { bitmap: Uint8Array | undefined; nulls: number } {
  let bitmap: Uint8Array | undefined;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (isNull(i)) {
      if (!bitmap) {
        bitmap = new Uint8Array(Math.ceil(n / 8)).fill(0xff);
      }
      bitmap[i >> 3] = (bitmap[i >> 3] as number) & ~(1 << (i & 7));
      nulls++;
    }
  }
  return { bitmap, nulls };
}

/** Builds one flat column straight into Arrow buffers (much faster than generic builders). */
function flatColumn(type: ScalarType, values: unknown[]): arrow.Data {
  const n = values.length;
  const { bitmap, nulls } = validity(n, (i) => values[i] === null || values[i] === undefined);
  const common = { length: n, nullCount: nulls, nullBitmap: bitmap };
  switch (type) {
    case 'string': {
      const offsets = new Int32Array(n + 1);
      let bytes = new Uint8Array(Math.max(64, n * 16));
      let pos = 0;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v === 'string' && v !== '') {
          if (pos + v.length * 3 > bytes.length) {
            const grown = new Uint8Array(Math.max(bytes.length * 2, pos + v.length * 3));
            grown.set(bytes.subarray(0, pos));
            bytes = grown;
          }
          pos += encoder.encodeInto(v, bytes.subarray(pos)).written;
        }
        offsets[i + 1] = pos;
      }
      return arrow.makeData({
        type: new arrow.Utf8(),
        ...common,
        valueOffsets: offsets,
        data: bytes.subarray(0, pos),
      });
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
      const data = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        data[i] = typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v ?? 0)));
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

/** Builds an Arrow table from rows; columns absent from a row are NULL. */
export function toArrowTable(columns: readonly ColumnDef[], rows: readonly LakeRow[]): arrow.Table {
  const vectors: Record<string, arrow.Vector> = {};
  for (const col of columns) {
    const values = rows.map((row) => (row as Record<string, unknown>)[col.name]);
    if (typeof col.type === 'string') {
      vectors[col.name] = arrow.makeVector(flatColumn(col.type, values));
      continue;
    }
    const builder = arrow.makeBuilder({ type: arrowTypeOf(col.type), nullValues: [null, undefined] });
    for (const v of values) builder.append(coerce(col.type, v));
    vectors[col.name] = builder.finish().toVector();
  }
  return new arrow.Table(vectors);
}

/** Encodes rows as one Parquet file (zstd, column-chunk statistics), in column order. */
export function encodeParquet(columns: readonly ColumnDef[], rows: readonly LakeRow[]): Uint8Array {
  const ipc = arrow.tableToIPC(toArrowTable(columns, rows), 'stream');
  const table = pw.Table.fromIPCStream(ipc);
  const props = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression.ZSTD)
    // zstd already folds repeated values; dictionary pages doubled the encode time and made files larger
    // on the event corpus. Chunk-level statistics still let engines skip row groups by min/max.
    .setDictionaryEnabled(false)
    .setStatisticsEnabled(pw.EnabledStatistics.Chunk)
    .setCreatedBy('worktrace')
    .build();
  return pw.writeParquet(table, props);
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

/** Decodes a Parquet file into plain rows (int64 as number, timestamps as epoch ms). For tests and tools. */
export function decodeParquet(bytes: Uint8Array): Record<string, unknown>[] {
  const table = arrow.tableFromIPC(pw.readParquet(bytes).intoIPCStream());
  return table.toArray().map((r) => plain(r) as Record<string, unknown>);
}
