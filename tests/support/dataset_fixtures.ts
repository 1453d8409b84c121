/**
 * Small dataset fixtures for tests: Parquet and Arrow bytes written by the test itself.
 *
 * @module
 */
import { Field, List, Table, tableToIPC, Utf8, vectorFromArray } from "apache-arrow";
import { parquetWriteBuffer } from "hyparquet-writer";
import type { ColumnSource } from "hyparquet-writer";
import { zstdCompressSync } from "node:zlib";

/** Rows as JSON Lines text. */
export function toJsonl(rows: Record<string, unknown>[]): string {
  return rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
}

/**
 * A Parquet file holding `columns` (name to values, types guessed by hyparquet-writer
 * unless given). `codec` defaults to SNAPPY, as pyarrow writes; `ZSTD` is supported too.
 * `rowGroupSize` splits the rows into groups of that many.
 */
export function parquetBytes(
  columns: Record<string, unknown[]>,
  options: {
    codec?: "SNAPPY" | "ZSTD" | "UNCOMPRESSED";
    types?: Record<string, string>;
    rowGroupSize?: number;
  } = {},
): Uint8Array {
  const columnData = Object.entries(columns).map(([name, data]) => ({
    name,
    data,
    ...(options.types?.[name] ? { type: options.types[name] } : {}),
  })) as ColumnSource[];
  const buffer = parquetWriteBuffer({
    columnData,
    codec: options.codec ?? "SNAPPY",
    ...(options.rowGroupSize ? { rowGroupSize: options.rowGroupSize } : {}),
    compressors: { ZSTD: (input: Uint8Array) => new Uint8Array(zstdCompressSync(input)) },
  });
  return new Uint8Array(buffer);
}

/** Column-major form of rows that share the same keys. */
export function columnsOf(rows: Record<string, unknown>[]): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const key of Object.keys(rows[0])) out[key] = rows.map((r) => r[key] ?? null);
  return out;
}

/**
 * An Arrow IPC stream holding `columns`, the way `datasets` saves a split
 * (`data-00000-of-00001.arrow`): string columns are plain `Utf8`, not dictionaries.
 */
export function arrowBytes(columns: Record<string, unknown[]>): Uint8Array {
  const vectors = Object.fromEntries(
    Object.entries(columns).map(([name, data]) => [
      name,
      data.every((v) => typeof v === "string" || v === null)
        ? vectorFromArray(data as (string | null)[], new Utf8())
        : data.every((v) => Array.isArray(v) && v.every((s) => typeof s === "string"))
        ? vectorFromArray(data as string[][], new List(new Field("item", new Utf8(), true)))
        : vectorFromArray(data),
    ]),
  );
  return tableToIPC(new Table(vectors), "stream");
}
