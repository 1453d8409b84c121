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
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let line = 1;
  let i = 0;
  let fieldStarted = false;
  const n = text.length;
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
          throw new SyntaxError(`unterminated quoted field starting on line ${startLine}`);
        }
        const c = text[i];
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === "\n") line++;
        field += c;
        i++;
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
    } else if (ch === '"') {
      throw new SyntaxError(`unexpected quote inside an unquoted field on line ${line}`);
    } else {
      field += ch;
      fieldStarted = true;
      i++;
    }
  }
  if (fieldStarted || record.length > 0) endRecord();
  return records;
}

const INTEGER = /^[+-]?\d+$/;
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
  const header = records.shift();
  if (!header || (header.length === 1 && header[0] === "")) {
    throw new SyntaxError("the file has no header row");
  }
  const body = records.filter((r) => !(r.length === 1 && r[0] === ""));
  body.forEach((record, index) => {
    if (record.length > header.length) {
      throw new SyntaxError(
        `record ${index + 1} has ${record.length} fields but the header has ${header.length}`,
      );
    }
  });
  const converters = header.map((_, column) => columnConverter(body.map((r) => r[column] ?? "")));
  return body.map((record) => {
    const row: Record<string, unknown> = {};
    header.forEach((name, column) => {
      row[name] = converters[column](record[column] ?? "");
    });
    return row;
  });
}

function columnConverter(cells: string[]): (cell: string) => unknown {
  const filled = cells.filter((c) => c !== "");
  if (
    filled.length > 0 && filled.every((c) => INTEGER.test(c) && Number.isSafeInteger(Number(c)))
  ) {
    return (c) => (c === "" ? null : Number(c));
  }
  if (filled.length > 0 && filled.every((c) => FLOAT.test(c))) {
    return (c) => (c === "" ? null : Number(c));
  }
  return (c) => (c === "" ? null : c);
}
