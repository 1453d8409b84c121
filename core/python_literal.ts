/**
 * A parser for the Python literals SkyThought's users type on the command
 * line: `{'a': 1, "b": [True, None]}`, `0.7`, `'text'`. It accepts JSON too.
 * Only literals: no names, calls or expressions.
 *
 * @module
 */

/** A value a Python literal can denote, as plain JSON-like data. */
export type LiteralValue =
  | null
  | boolean
  | number
  | string
  | LiteralValue[]
  | { [key: string]: LiteralValue };

/**
 * Parses one Python (or JSON) literal.
 *
 * @throws {SyntaxError} when the text is not a single literal.
 */
export function parsePythonLiteral(text: string): LiteralValue {
  const parser = new LiteralParser(text);
  const value = parser.value();
  parser.skipSpace();
  if (!parser.done()) throw new SyntaxError(`Unexpected text at offset ${parser.offset}`);
  return value;
}

const NAMED: Record<string, LiteralValue> = {
  True: true,
  False: false,
  None: null,
  true: true,
  false: false,
  null: null,
};

const NUMBER = /^[+-]?(?:\d[\d_]*\.?[\d_]*(?:[eE][+-]?\d+)?|\.\d[\d_]*(?:[eE][+-]?\d+)?|inf|nan)/;

class LiteralParser {
  offset = 0;
  constructor(readonly text: string) {}

  done(): boolean {
    return this.offset >= this.text.length;
  }

  skipSpace(): void {
    while (!this.done() && /\s/.test(this.text[this.offset])) this.offset++;
  }

  value(): LiteralValue {
    this.skipSpace();
    const c = this.text[this.offset];
    if (c === "{") return this.dict();
    if (c === "[") return this.sequence("]");
    if (c === "(") return this.sequence(")");
    if (c === "'" || c === '"') return this.string(c);
    const rest = this.text.slice(this.offset);
    const word = /^[A-Za-z_]+/.exec(rest)?.[0];
    if (word && word in NAMED) {
      this.offset += word.length;
      return NAMED[word];
    }
    const number = NUMBER.exec(rest)?.[0];
    if (number) {
      this.offset += number.length;
      const value = Number(number.replaceAll("_", "").replace("inf", "Infinity"));
      if (!Number.isNaN(value) || number.endsWith("nan")) return value;
    }
    throw new SyntaxError(`Unexpected text at offset ${this.offset}`);
  }

  expect(char: string): void {
    this.skipSpace();
    if (this.text[this.offset] !== char) {
      throw new SyntaxError(`Expected "${char}" at offset ${this.offset}`);
    }
    this.offset++;
  }

  /** Consumes `close` (after an optional comma) and reports whether it did. */
  closes(close: string): boolean {
    this.skipSpace();
    if (this.text[this.offset] === close) {
      this.offset++;
      return true;
    }
    return false;
  }

  dict(): LiteralValue {
    this.expect("{");
    const out: { [key: string]: LiteralValue } = {};
    while (!this.closes("}")) {
      const key = this.value();
      if (typeof key === "object" && key !== null) {
        throw new SyntaxError(`Dictionary keys must be scalars at offset ${this.offset}`);
      }
      this.expect(":");
      out[String(key)] = this.value();
      if (!this.closes(",")) {
        this.expect("}");
        break;
      }
    }
    return out;
  }

  sequence(close: string): LiteralValue {
    this.offset++;
    const out: LiteralValue[] = [];
    while (!this.closes(close)) {
      out.push(this.value());
      if (!this.closes(",")) {
        this.expect(close);
        break;
      }
    }
    return out;
  }

  string(quote: string): LiteralValue {
    let out = "";
    this.offset++;
    while (!this.done()) {
      const c = this.text[this.offset++];
      if (c === quote) return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = this.text[this.offset++];
      const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", "0": "\0" };
      if (e === "u" || e === "x") {
        const width = e === "u" ? 4 : 2;
        out += String.fromCharCode(parseInt(this.text.slice(this.offset, this.offset + width), 16));
        this.offset += width;
      } else out += simple[e] ?? e;
    }
    throw new SyntaxError("Unterminated string");
  }
}
