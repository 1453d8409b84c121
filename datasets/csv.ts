/**
 * RFC 4180 CSV parsing into rows keyed by the header row.
 *
 * @module
 */

/**
 * Splits CSV text into records of fields: fields may be quoted, a doubled quote inside
 * quotes is one quote, and quoted fields may hold commas and line breaks. Records end at
 * LF or CRLF. A leading byte-order mark is dropped. Throws `SyntaxError` on a stray quote
 * or an unterminated quoted field, naming the 1-based line.
 */
export function parseCsvRecords(text: string): string[][] {
  const reader = new CsvRecordReader();
  return reader.push(text).concat(reader.finish());
}

/** `parseCsvRecords` over text given in pieces: each piece returns the records it completes. */
export class CsvRecordReader {
  #text = "";
  #line = 1;
  #started = false;

  /** The records completed by this piece of text. */
  push(text: string): string[][] {
    if (!this.#started && text) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.#text += text;
    // A record ends only at a line break.
    return text.includes("\n") ? this.#scan(false) : [];
  }

  /** The last record, when the text does not end with a line break. */
  finish(): string[][] {
    return this.#scan(true);
  }

  #scan(final: boolean): string[][] {
    const { records, consumed, line } = scanRecords(this.#text, this.#line, final);
    this.#text = this.#text.slice(consumed);
    this.#line = line;
    return records;
  }
}

/** What ends an unquoted run of field text. */
const SPECIAL = /[,\n\r"]/g;

function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf("\n", from); i >= 0 && i < to; i = text.indexOf("\n", i + 1)) count++;
  return count;
}

/**
 * The complete records of `text`, whose first line is `firstLine`; unless
 * `final`, a record the text does not finish is left for later (`consumed`
 * is where it starts, `line` its line).
 */
function scanRecords(
  text: string,
  firstLine: number,
  final: boolean,
): { records: string[][]; consumed: number; line: number } {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let line = firstLine;
  let i = 0;
  let fieldStarted = false;
  let recordStart = 0;
  let recordLine = firstLine;
  const n = text.length;
  const unfinished = () => ({ records, consumed: recordStart, line: recordLine });
  const endRecord = () => {
    record.push(field);
    records.push(record);
    record = [];
    field = "";
    fieldStarted = false;
  };
  while (i < n) {
    const ch = text[i];
    if (ch === '"' && !fieldStarted) {
      const startLine = line;
      i++;
      for (;;) {
        if (i >= n) {
          if (!final) return unfinished();
          throw new SyntaxError(`unterminated quoted field starting on line ${startLine}`);
        }
        const quote = text.indexOf('"', i);
        const end = quote < 0 ? n : quote;
        line += countLineBreaks(text, i, end);
        field += text.slice(i, end);
        i = end;
        if (quote < 0) continue;
        // A quote at the end of the text may be the first of a doubled one.
        if (i + 1 >= n && !final) return unfinished();
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        i++;
        break;
      }
      fieldStarted = true;
      const next = text[i];
      if (i < n && next !== "," && next !== "\n" && next !== "\r") {
        throw new SyntaxError(`unexpected character after a closing quote on line ${line}`);
      }
      continue;
    }
    if (ch === ",") {
      record.push(field);
      field = "";
      fieldStarted = false;
      i++;
    } else if (ch === "\n" || (ch === "\r" && text[i + 1] === "\n")) {
      endRecord();
      i += ch === "\r" ? 2 : 1;
      line++;
      recordStart = i;
      recordLine = line;
    } else if (ch === '"') {
      throw new SyntaxError(`unexpected quote inside an unquoted field on line ${line}`);
    } else {
      SPECIAL.lastIndex = i + 1;
      const end = SPECIAL.test(text) ? SPECIAL.lastIndex - 1 : n;
      field += text.slice(i, end);
      fieldStarted = true;
      i = end;
    }
  }
  if (!final) return unfinished();
  if (fieldStarted || record.length > 0) endRecord();
  return { records, consumed: n, line };
}

const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Rows of a CSV file with a header row, typed the way `datasets` (pandas) types them:
 * a column whose non-empty cells are all integers (or all numbers) holds numbers, and
 * empty cells are `null`. Unlike pandas, strings such as `NA` or `None` stay strings.
 * Throws `SyntaxError` on malformed CSV, a missing header, or a record with more fields
 * than the header.
 */
export function parseCsvRows(text: string): Record<string, unknown>[] {
  const records = parseCsvRecords(text);
  const table = new CsvTable(records.shift());
  const body = records.filter((record) => table.check(record));
  return body.map((record) => table.row(record));
}

/**
 * A CSV file's header and the type of each column, learnt from every body
 * record (`check`) before any row is built (`row`): one pass to learn, one
 * to build, so a file need not be held.
 */
export class CsvTable {
  readonly header: string[];
  #records = 0;
  #filled: boolean[];
  #numeric: boolean[];

  /** @throws {SyntaxError} when there is no header row. */
  constructor(header: string[] | undefined) {
    if (!header || (header.length === 1 && header[0] === "")) {
      throw new SyntaxError("the file has no header row");
    }
    this.header = header;
    this.#filled = header.map(() => false);
    this.#numeric = header.map(() => true);
  }

  /**
   * Learns a body record's cell types; false for a blank line (not a row).
   *
   * @throws {SyntaxError} when it has more fields than the header.
   */
  check(record: string[]): boolean {
    if (record.length === 1 && record[0] === "") return false;
    this.#records++;
    if (record.length > this.header.length) {
      throw new SyntaxError(
        `record ${this.#records} has ${record.length} fields but the header has ${this.header.length}`,
      );
    }
    record.forEach((cell, column) => {
      if (cell === "") return;
      this.#filled[column] = true;
      // Every integer matches FLOAT too: a column of numbers of either kind is numeric.
      if (this.#numeric[column] && !FLOAT.test(cell)) this.#numeric[column] = false;
    });
    return true;
  }

  /** A body record as a row, once every record has been checked. */
  row(record: string[]): Record<string, unknown> {
    const row: Record<string, unknown> = {};
    this.header.forEach((name, column) => {
      const cell = record[column] ?? "";
      row[name] = cell === ""
        ? null
        : this.#filled[column] && this.#numeric[column]
        ? Number(cell)
        : cell;
    });
    return row;
  }
}
