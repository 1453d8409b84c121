/**
 * Loads a local data file (`--dataset-path`).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { isAbsolute, resolve } from "node:path";
import {
  type DataFormat,
  formatOfName,
  readDataFile,
  streamCsvRows,
  streamJsonlRows,
} from "./data_file.ts";
import { streamParquetRows } from "./parquet.ts";
import { DatasetError } from "./errors.ts";

/** Rows, content hash and absolute path of a local `.jsonl`, `.json`, `.parquet`, `.csv` or `.arrow`. */
export async function loadLocalFile(
  path: string,
  field?: string,
): Promise<
  { rows: Record<string, unknown>[]; contentHash: string; origin: string; files: string[] }
> {
  const prefix = `Cannot read dataset "${path}"`;
  const format = formatOfName(path);
  if (!format) {
    const ext = path.match(/\.[^./]+$/)?.[0];
    throw new DatasetError(
      `${prefix}: unsupported file type${
        ext ? ` "${ext}"` : ""
      } (use .jsonl, .json, .parquet, .csv or .arrow)`,
    );
  }
  let absolute: string;
  try {
    absolute = isAbsolute(path) ? path : resolve(path);
  } catch (error) {
    throw readFailure(prefix, error);
  }
  const total = createHash("sha256");
  let content;
  try {
    const stat = await Deno.stat(absolute);
    if (stat.isDirectory) throw new DatasetError(`${prefix}: it is a directory, not a file`);
    content = await readDataFile({ path: absolute }, format, { field, hashers: [total] });
  } catch (error) {
    throw readFailure(prefix, error);
  }
  if (content.rows.length === 0) throw new DatasetError(`${prefix}: the file has no rows`);
  return {
    rows: content.rows,
    contentHash: total.digest("hex"),
    origin: `local file ${absolute}`,
    files: [absolute],
  };
}

/** A local dataset read row by row: a file larger than memory. */
export interface StreamedDataset {
  origin: string;
  files: string[];
  /**
   * The rows, in file order, read afresh on each call; every byte read is
   * also given to `feed`. Failures are `DatasetError`s.
   */
  rows(feed?: (chunk: Uint8Array) => void): AsyncGenerator<Row>;
}

type Row = Record<string, unknown>;

/** Row readers of the formats read row by row, each given every byte read (for hashing). */
const STREAMED: Partial<
  Record<DataFormat, (path: string, feed?: (chunk: Uint8Array) => void) => AsyncGenerator<Row>>
> = {
  jsonl: streamJsonlRows,
  csv: streamCsvRows,
  // Row groups are read where they lie; the bytes are hashed in one pass first.
  parquet: async function* (path, feed) {
    if (feed) {
      const file = await Deno.open(path, { read: true });
      for await (const chunk of file.readable) feed(chunk);
    }
    yield* streamParquetRows(path);
  },
};

/**
 * A local JSON Lines, CSV or Parquet file as a row stream; null for other
 * formats (they are loaded whole with `loadLocalFile`).
 */
export function streamLocalFile(path: string): StreamedDataset | null {
  const format = formatOfName(path);
  const read = format && STREAMED[format];
  if (!read) return null;
  const prefix = `Cannot read dataset "${path}"`;
  const absolute = isAbsolute(path) ? path : resolve(path);
  return {
    origin: `local file ${absolute}`,
    files: [absolute],
    async *rows(feed) {
      try {
        yield* read(absolute, feed);
      } catch (error) {
        throw readFailure(prefix, error);
      }
    },
  };
}

/** A `DatasetError` for an I/O or parse failure while reading a data file. */
export function readFailure(prefix: string, error: unknown): DatasetError {
  if (error instanceof DatasetError) return error;
  if (error instanceof Deno.errors.NotFound) {
    return new DatasetError(`${prefix}: file does not exist`, { cause: error });
  }
  if (error instanceof Deno.errors.NotCapable) {
    return new DatasetError(`${prefix}: no read permission (run with --allow-read)`, {
      cause: error,
    });
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return new DatasetError(`${prefix}: file is not readable (permission denied)`, {
      cause: error,
    });
  }
  if (error instanceof Deno.errors.IsADirectory) {
    return new DatasetError(`${prefix}: it is a directory, not a file`, { cause: error });
  }
  if (error instanceof SyntaxError) {
    return new DatasetError(`${prefix}: ${error.message}`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new DatasetError(`${prefix}: ${message}`, { cause: error });
}
