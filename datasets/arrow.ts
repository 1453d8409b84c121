/**
 * Arrow IPC decoding (the `data-0000N-of-0000M.arrow` files `datasets` writes with
 * `save_to_disk`, stream or file format) with apache-arrow, loaded on first use: it
 * adds about 0.3 s to every start of the CLI otherwise.
 *
 * @module
 */
import { toPlainValue } from "./plain_values.ts";

/** Whether `bytes` opens like an Arrow IPC stream (continuation marker) or file (`ARROW1`). */
export function looksLikeArrow(bytes: Uint8Array): boolean {
  const stream = bytes[0] === 0xff && bytes[1] === 0xff && bytes[2] === 0xff && bytes[3] === 0xff;
  const file = new TextDecoder().decode(bytes.subarray(0, 6)) === "ARROW1";
  return stream || file;
}

/**
 * Every row of an Arrow IPC stream or file as plain JSON values.
 * Throws `SyntaxError` when the bytes are not readable Arrow IPC.
 */
export async function parseArrowRows(bytes: Uint8Array): Promise<Record<string, unknown>[]> {
  if (!looksLikeArrow(bytes)) throw new SyntaxError("not an Arrow IPC file");
  const { RecordBatchReader, Vector } = await import("npm:apache-arrow@21.2.0");
  const arrowToPlain = (value: unknown): unknown => {
    if (value instanceof Vector) return Array.from(value, arrowToPlain);
    if (
      value !== null && typeof value === "object" && !(value instanceof Date) &&
      !ArrayBuffer.isView(value) && typeof (value as { toJSON?: unknown }).toJSON === "function"
    ) {
      const json = (value as { toJSON(): Record<string, unknown> }).toJSON();
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(json)) out[key] = arrowToPlain(inner);
      return out;
    }
    return toPlainValue(value);
  };
  const rows: Record<string, unknown>[] = [];
  try {
    for (const batch of RecordBatchReader.from(bytes)) {
      const names = batch.schema.fields.map((f) => f.name);
      const columns = names.map((_, i) => batch.getChildAt(i));
      for (let r = 0; r < batch.numRows; r++) {
        const row: Record<string, unknown> = {};
        names.forEach((name, i) => {
          row[name] = arrowToPlain(columns[i]?.get(r));
        });
        rows.push(row);
      }
    }
  } catch (error) {
    throw new SyntaxError(`unreadable Arrow IPC (${(error as Error).message})`);
  }
  return rows;
}
