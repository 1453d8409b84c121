/**
 * The top-level entries of a JSON object file, one at a time: a
 * `results.json` of any size is read without holding it. Each value is
 * parsed on its own; the scan only tracks strings and nesting.
 *
 * Needs read access to the file.
 *
 * @module
 */
import { concatBytes } from "./bytes.ts";

/** One top-level entry and where its value's text is in the file. */
export interface JsonObjectEntry {
  key: string;
  value: unknown;
  /** Byte offset and length of the value's JSON text. */
  offset: number;
  length: number;
}

const CHUNK = 1 << 20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/**
 * Streams the entries of the JSON object in `path`, in file order.
 *
 * @throws {SyntaxError} when the file is not one JSON object.
 */
export async function* jsonObjectEntries(path: string): AsyncGenerator<JsonObjectEntry> {
  const file = await Deno.open(path, { read: true });
  const decoder = new TextDecoder();
  // Where the scan is: before the object, expecting a key, inside a key,
  // after a key, inside a value, after the object.
  let state = "start" as "start" | "key" | "in-key" | "colon" | "value" | "end";
  let depth = 0;
  let inString = false;
  let escaped = false;
  let parts: Uint8Array[] = [];
  let partStart = 0;
  let key = "";
  let valueOffset = 0;
  let base = 0;
  let entries = 0;
  const fail = (message: string): never => {
    throw new SyntaxError(`${message} at byte ${base}`);
  };
  const take = (chunk: Uint8Array, end: number): Uint8Array => {
    parts.push(chunk.subarray(partStart, end));
    const bytes = parts.length === 1 ? parts[0] : concatBytes(parts);
    parts = [];
    return bytes;
  };
  try {
    const buffer = new Uint8Array(CHUNK);
    for (;;) {
      const read = await file.read(buffer);
      if (read === null) break;
      const chunk = buffer.subarray(0, read);
      partStart = 0;
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i];
        if (inString) {
          if (escaped) escaped = false;
          else if (byte === BACKSLASH) escaped = true;
          else if (byte === QUOTE) {
            inString = false;
            if (state === "in-key") {
              key = JSON.parse(decoder.decode(take(chunk, i + 1)));
              state = "colon";
            }
          }
          continue;
        }
        switch (state) {
          case "start":
            if (byte === 0x7b) state = "key";
            else if (!isSpace(byte) && !(base + i < 3 && byte >= 0xbb)) fail("not a JSON object");
            break;
          case "key":
            if (byte === QUOTE) {
              inString = true;
              state = "in-key";
              partStart = i;
            } else if (byte === 0x7d && entries === 0) state = "end";
            else if (!isSpace(byte)) fail("expected a key");
            break;
          case "colon":
            if (byte === 0x3a) {
              state = "value";
              valueOffset = -1;
            } else if (!isSpace(byte)) fail("expected ':'");
            break;
          case "value": {
            if (valueOffset < 0) {
              if (isSpace(byte)) break;
              valueOffset = base + i;
              partStart = i;
            }
            if (byte === QUOTE) inString = true;
            else if (byte === 0x7b || byte === 0x5b) depth++;
            else if (byte === 0x5d || (byte === 0x7d && depth > 0)) depth--;
            else if (depth === 0 && (byte === 0x2c || byte === 0x7d)) {
              const bytes = take(chunk, i);
              let length = bytes.length;
              while (length > 0 && isSpace(bytes[length - 1])) length--;
              const value = JSON.parse(decoder.decode(bytes.subarray(0, length)));
              entries++;
              state = byte === 0x2c ? "key" : "end";
              yield { key, value, offset: valueOffset, length };
            }
            break;
          }
          case "end":
            if (!isSpace(byte)) fail("text after the object");
        }
      }
      if (state === "in-key" || (state === "value" && valueOffset >= 0)) {
        parts.push(chunk.slice(partStart));
      }
      base += chunk.length;
    }
  } finally {
    file.close();
  }
  if (state !== "end") throw new SyntaxError("the JSON object is not complete");
}
