/**
 * Parquet decoding with hyparquet (loaded on first use, off the CLI's start-up),
 * every codec `datasets` and pyarrow write.
 *
 * @module
 */
import type { AsyncBuffer, Compressors } from "npm:hyparquet@1.33.0";
import { brotliDecompressSync, gunzipSync, zstdDecompressSync } from "node:zlib";
import { toPlainRow } from "./plain_values.ts";

/** Decompressors for the codecs hyparquet lacks (it has SNAPPY built in). */
export const PARQUET_COMPRESSORS: Compressors = {
  GZIP: (input) => new Uint8Array(gunzipSync(input)),
  BROTLI: (input) => new Uint8Array(brotliDecompressSync(input)),
  ZSTD: (input) => new Uint8Array(zstdDecompressSync(input)),
  LZ4_RAW: (input, outputLength) => lz4BlockDecompress(input, outputLength),
};

/** Whether `bytes` starts and ends with the Parquet magic `PAR1`. */
export function looksLikeParquet(bytes: Uint8Array): boolean {
  const magic = (at: number) =>
    bytes[at] === 0x50 && bytes[at + 1] === 0x41 && bytes[at + 2] === 0x52 &&
    bytes[at + 3] === 0x31;
  return bytes.length >= 12 && magic(0) && magic(bytes.length - 4);
}

/**
 * Every row of a Parquet file as plain JSON values (see `toPlainValue`).
 * Throws `SyntaxError` when the bytes are not a readable Parquet file.
 */
export async function parseParquetRows(bytes: Uint8Array): Promise<Record<string, unknown>[]> {
  if (!looksLikeParquet(bytes)) throw new SyntaxError("not a Parquet file (no PAR1 magic)");
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const { parquetReadObjects } = await import("npm:hyparquet@1.33.0");
  let rows: Record<string, unknown>[];
  try {
    rows = await parquetReadObjects({
      file: file as ArrayBuffer,
      compressors: PARQUET_COMPRESSORS,
    });
  } catch (error) {
    throw new SyntaxError(`unreadable Parquet (${(error as Error).message})`);
  }
  return rows.map(toPlainRow);
}

/**
 * The rows of a Parquet file on disk, one row group at a time: memory holds
 * one group's rows, never the file. The same rows as `parseParquetRows`.
 * Throws `SyntaxError` when the file is not readable Parquet.
 */
export async function* streamParquetRows(path: string): AsyncGenerator<Record<string, unknown>> {
  const file = await Deno.open(path, { read: true });
  try {
    const buffer = fileBuffer(file);
    const ends = new Uint8Array(await buffer.slice(0, Math.min(4, buffer.byteLength)));
    const tail = new Uint8Array(await buffer.slice(Math.max(0, buffer.byteLength - 4)));
    const magic = new Uint8Array(12);
    magic.set(ends, 0);
    magic.set(tail, 8);
    if (buffer.byteLength < 12 || !looksLikeParquet(magic)) {
      throw new SyntaxError("not a Parquet file (no PAR1 magic)");
    }
    const { parquetMetadataAsync, parquetReadObjects } = await import("npm:hyparquet@1.33.0");
    const unreadable = (error: unknown) =>
      new SyntaxError(`unreadable Parquet (${(error as Error).message})`);
    const metadata = await parquetMetadataAsync(buffer).catch((error) => {
      throw unreadable(error);
    });
    let rowStart = 0;
    for (const group of metadata.row_groups) {
      const rowEnd = rowStart + Number(group.num_rows);
      const rows = await parquetReadObjects({
        file: buffer,
        metadata,
        rowStart,
        rowEnd,
        compressors: PARQUET_COMPRESSORS,
      }).catch((error) => {
        throw unreadable(error);
      });
      for (const row of rows) yield toPlainRow(row);
      rowStart = rowEnd;
    }
  } finally {
    file.close();
  }
}

/** An open file as hyparquet's `AsyncBuffer`; each slice is read at once, so slices never interleave. */
function fileBuffer(file: Deno.FsFile): AsyncBuffer {
  const byteLength = file.statSync().size;
  return {
    byteLength,
    slice(start: number, end = byteLength): ArrayBuffer {
      const bytes = new Uint8Array(Math.max(0, end - start));
      file.seekSync(start, Deno.SeekMode.Start);
      for (let filled = 0; filled < bytes.length;) {
        const read = file.readSync(bytes.subarray(filled));
        if (read === null) throw new SyntaxError("unreadable Parquet (the file ended early)");
        filled += read;
      }
      return bytes.buffer;
    },
  };
}

/** Decodes one raw LZ4 block (no frame) of known decompressed size. */
function lz4BlockDecompress(input: Uint8Array, outputLength: number): Uint8Array {
  const out = new Uint8Array(outputLength);
  let i = 0;
  let o = 0;
  while (i < input.length) {
    const token = input[i++];
    let literals = token >> 4;
    if (literals === 15) {
      let b: number;
      do {
        b = input[i++];
        literals += b;
      } while (b === 255);
    }
    out.set(input.subarray(i, i + literals), o);
    i += literals;
    o += literals;
    if (i >= input.length) break;
    const offset = input[i] | (input[i + 1] << 8);
    i += 2;
    let match = (token & 15) + 4;
    if ((token & 15) === 15) {
      let b: number;
      do {
        b = input[i++];
        match += b;
      } while (b === 255);
    }
    for (let k = 0; k < match; k++, o++) out[o] = out[o - offset];
  }
  return out;
}
