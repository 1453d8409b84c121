/**
 * Reads one data file (JSONL, JSON, Parquet or CSV) into rows, hashing its bytes.
 *
 * @module
 */
import { createHash, type Hash } from "node:crypto";
import { looksLikeArrow, parseArrowRows } from "./arrow.ts";
import { CsvRecordReader, CsvTable, parseCsvRows } from "./csv.ts";
import { JsonlReader, parseJsonRows } from "./json_rows.ts";
import { concatBytes } from "../core/bytes.ts";
import { parseParquetRows } from "./parquet.ts";

/** The data file formats skyeval reads (`arrow` = Arrow IPC as `datasets` saves it). */
export type DataFormat = "jsonl" | "json" | "parquet" | "csv" | "arrow";

/** Where a data file's bytes are: on disk, or already in memory. */
export type DataInput = { path: string } | { bytes: Uint8Array };

/** The rows of a data file and the digest of the bytes they came from. */
export interface DataFileContent {
  rows: Record<string, unknown>[];
  /** sha256 hex of the file's bytes. */
  sha256: string;
  size: number;
}

/** The format a file name implies by its extension (a URL's query is ignored), or `null`. */
export function formatOfName(name: string): DataFormat | null {
  const base = name.replace(/[?#].*$/, "").toLowerCase();
  if (base.endsWith(".jsonl") || base.endsWith(".ndjson")) return "jsonl";
  if (base.endsWith(".json")) return "json";
  if (base.endsWith(".parquet")) return "parquet";
  if (base.endsWith(".csv")) return "csv";
  if (base.endsWith(".arrow")) return "arrow";
  return null;
}

/** The format of a file judged by its first bytes: Parquet magic, JSON, else CSV. */
export function sniffFormat(bytes: Uint8Array): DataFormat {
  if (bytes[0] === 0x50 && bytes[1] === 0x41 && bytes[2] === 0x52 && bytes[3] === 0x31) {
    return "parquet";
  }
  if (looksLikeArrow(bytes)) return "arrow";
  const head = new TextDecoder().decode(bytes.subarray(0, 4096)).replace(/^\ufeff/, "")
    .trimStart();
  if (head.startsWith("[")) return "json";
  if (head.startsWith("{")) return "json";
  return "csv";
}

/**
 * Reads a data file. JSONL on disk is parsed as it streams, so a file is never held
 * in memory twice. Every byte read is also fed to `hashers` (for a run's content hash).
 * Parse failures throw `SyntaxError` (naming the line for JSONL); I/O errors propagate.
 */
export async function readDataFile(
  input: DataInput,
  format: DataFormat,
  options: { field?: string; hashers?: Hash[] } = {},
): Promise<DataFileContent> {
  const own = createHash("sha256");
  const hashers = [own, ...(options.hashers ?? [])];
  let size = 0;
  const feed = (chunk: Uint8Array) => {
    size += chunk.length;
    for (const h of hashers) h.update(chunk);
  };
  if (format === "jsonl" && "path" in input) {
    const rows = await Array.fromAsync(streamJsonlRows(input.path, feed));
    return { rows, sha256: own.digest("hex"), size };
  }
  const bytes = "bytes" in input ? input.bytes : await Deno.readFile(input.path);
  feed(bytes);
  const rows = await parseBytes(bytes, format, options.field);
  return { rows, sha256: own.digest("hex"), size };
}

/**
 * The rows of a JSON Lines file, parsed as it streams and never held whole;
 * every chunk read is also given to `feed` (for hashing). Parse failures
 * throw `SyntaxError` naming the line.
 */
export async function* streamJsonlRows(
  path: string,
  feed?: (chunk: Uint8Array) => void,
): AsyncGenerator<Record<string, unknown>> {
  const reader = new JsonlReader();
  // The stream closes the file when it ends, and is cancelled (closing it) on a throw.
  const file = await Deno.open(path, { read: true });
  for await (const chunk of file.readable) {
    feed?.(chunk);
    yield* reader.push(chunk);
  }
  yield* reader.finish();
}

/**
 * The rows of a CSV file, never held whole: a first pass reads the header
 * and learns each column's type, a second builds the rows (as
 * `parseCsvRows` would). The second pass's bytes are given to `feed`.
 * Malformed CSV throws `SyntaxError`.
 */
export async function* streamCsvRows(
  path: string,
  feed?: (chunk: Uint8Array) => void,
): AsyncGenerator<Record<string, unknown>> {
  let table: CsvTable | undefined;
  for await (const record of csvRecords(path)) {
    if (table) table.check(record);
    else table = new CsvTable(record);
  }
  table ??= new CsvTable(undefined);
  let header = true;
  for await (const record of csvRecords(path, feed)) {
    if (header) header = false;
    else if (record.length > 1 || record[0] !== "") yield table.row(record);
  }
}

async function* csvRecords(
  path: string,
  feed?: (chunk: Uint8Array) => void,
): AsyncGenerator<string[]> {
  const reader = new CsvRecordReader();
  const decoder = new TextDecoder();
  const file = await Deno.open(path, { read: true });
  for await (const chunk of file.readable) {
    feed?.(chunk);
    yield* reader.push(decoder.decode(chunk, { stream: true }));
  }
  yield* reader.push(decoder.decode());
  yield* reader.finish();
}

async function parseBytes(
  bytes: Uint8Array,
  format: DataFormat,
  field: string | undefined,
): Promise<Record<string, unknown>[]> {
  switch (format) {
    case "parquet":
      return await parseParquetRows(bytes);
    case "arrow":
      return await parseArrowRows(bytes);
    case "csv":
      return parseCsvRows(new TextDecoder().decode(bytes));
    case "json":
      return parseJsonRows(new TextDecoder().decode(bytes), field);
    case "jsonl": {
      const reader = new JsonlReader();
      return reader.push(bytes).concat(reader.finish());
    }
  }
}

export { concatBytes };
