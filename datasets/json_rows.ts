/**
 * JSON and JSON Lines parsing into rows.
 *
 * @module
 */

import { concatBytes } from "../core/bytes.ts";

type Row = Record<string, unknown>;

function isRow(value: unknown): value is Row {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Incremental JSON Lines reader: feed it byte chunks, get back the rows of every line
 * that is complete. Blank lines are skipped; a line that is not a JSON object throws
 * `SyntaxError` naming its 1-based line number.
 */
export class JsonlReader {
  #pending: Uint8Array[] = [];
  #line = 0;
  #decoder = new TextDecoder();

  /** Rows of the lines completed by this chunk. */
  push(chunk: Uint8Array): Row[] {
    const rows: Row[] = [];
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, start);
      if (newline < 0) break;
      this.#pending.push(chunk.subarray(start, newline));
      this.#takeLine(rows);
      start = newline + 1;
    }
    if (start < chunk.length) this.#pending.push(chunk.slice(start));
    return rows;
  }

  /** Rows of a last line with no trailing newline. */
  finish(): Row[] {
    const rows: Row[] = [];
    if (this.#pending.length > 0) this.#takeLine(rows);
    return rows;
  }

  #takeLine(rows: Row[]): void {
    this.#line++;
    const parts = this.#pending;
    this.#pending = [];
    const bytes = parts.length === 1 ? parts[0] : concatBytes(parts);
    let text = this.#decoder.decode(bytes);
    if (this.#line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new SyntaxError(`line ${this.#line} is not valid JSON (${(error as Error).message})`);
    }
    if (!isRow(value)) throw new SyntaxError(`line ${this.#line} is not a JSON object`);
    rows.push(value);
  }
}

/** Rows of a whole JSON Lines text. */
export function parseJsonlRows(text: string): Row[] {
  const reader = new JsonlReader();
  const rows = reader.push(new TextEncoder().encode(text));
  return rows.concat(reader.finish());
}

/**
 * Rows of a JSON document the way `datasets`' json loader reads it: an array of
 * objects; an object holding the rows in `field`, in `data`, or in its only list of
 * objects; an object of equally long columns; or, when the text is not one JSON
 * document, JSON Lines. Throws `SyntaxError` when no rows can be found.
 */
export function parseJsonRows(text: string, field?: string): Row[] {
  const trimmed = text.replace(/^\ufeff/, "").trimStart();
  let document: unknown;
  try {
    document = JSON.parse(trimmed);
  } catch (error) {
    if (trimmed.startsWith("{")) return parseJsonlRows(trimmed);
    throw new SyntaxError(`not valid JSON (${(error as Error).message})`);
  }
  if (field !== undefined) {
    if (!isRow(document) || !Array.isArray(document[field])) {
      throw new SyntaxError(`no list named "${field}" at the top level`);
    }
    return rowsOfArray(document[field] as unknown[]);
  }
  if (Array.isArray(document)) return rowsOfArray(document);
  if (!isRow(document)) throw new SyntaxError("the document is neither an array nor an object");
  const lists = Object.entries(document).filter(([, v]) => Array.isArray(v)) as [
    string,
    unknown[],
  ][];
  if (lists.length === 0) return [document];
  if (Array.isArray(document.data)) return rowsOfArray(document.data);
  const rowLists = lists.filter(([, v]) => v.length > 0 && v.every(isRow));
  if (rowLists.length === 1) return rowsOfArray(rowLists[0][1]);
  if (rowLists.length > 1) {
    throw new SyntaxError(
      `the object holds several lists of rows (${
        rowLists.map(([k]) => `"${k}"`).join(", ")
      }): choose one with a field`,
    );
  }
  return columnsToRows(document);
}

function rowsOfArray(items: unknown[]): Row[] {
  items.forEach((item, index) => {
    if (!isRow(item)) throw new SyntaxError(`row ${index} is not a JSON object`);
  });
  return items as Row[];
}

function columnsToRows(document: Row): Row[] {
  const columns = Object.entries(document);
  const length = columns.every(([, v]) => Array.isArray(v))
    ? (columns[0][1] as unknown[]).length
    : -1;
  if (length < 0 || columns.some(([, v]) => (v as unknown[]).length !== length)) {
    throw new SyntaxError("the object is neither a list of rows nor equally long columns");
  }
  return Array.from({ length }, (_, i) => {
    const row: Row = {};
    for (const [name, values] of columns) row[name] = (values as unknown[])[i];
    return row;
  });
}
