/**
 * `--backend-args`, `--sampling-params` and `--task-args` parsing, compatible
 * with SkyThought's `parse_multi_args`: either a dictionary literal (JSON or
 * Python) or `k=v,k2=v2` with typed values.
 *
 * Unlike the reference, spaces inside values survive and commas inside
 * brackets or quotes do not split a pair, so `stop=["\n\n", "END"]` works.
 *
 * @module
 */
import { type LiteralValue, parsePythonLiteral } from "./python_literal.ts";

/** Parsed arguments: a plain object of typed values. */
export type MultiArgs = { [key: string]: LiteralValue };

/**
 * Parses `k=v,k2=v2` or a dictionary literal into a typed object.
 *
 * Values go through Python-literal parsing (`8` is a number, `True` a
 * boolean, `'x'` a string); anything that is not a literal stays a string,
 * so `revision=0dccf55` gives `"0dccf55"`.
 *
 * @throws {TypeError} on a malformed argument string.
 */
export function parseMultiArgs(text: string): MultiArgs {
  const trimmed = text.trim();
  if (trimmed === "") return {};
  if (trimmed.startsWith("{")) {
    let value: LiteralValue;
    try {
      value = parsePythonLiteral(trimmed);
    } catch (error) {
      throw invalid(text, (error as Error).message);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw invalid(text);
    return value;
  }
  const out: MultiArgs = {};
  for (const pair of splitTopLevel(trimmed, ",")) {
    const parts = splitTopLevel(pair, "=");
    if (parts.length !== 2 || parts[0].trim() === "") throw invalid(text);
    out[parts[0].trim()] = literalOrString(parts[1].trim());
  }
  return out;
}

function literalOrString(text: string): LiteralValue {
  try {
    return parsePythonLiteral(text);
  } catch {
    return text;
  }
}

function invalid(text: string, detail?: string): TypeError {
  return new TypeError(
    `Expected comma separated list of parameters arg1=val1,arg2=val2 or a dictionary, got invalid argument "${text}"${
      detail ? `: ${detail}` : ""
    }`,
  );
}

/** Splits on `separator` outside brackets and quotes. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if ("[({".includes(c)) depth++;
    else if ("])}".includes(c)) depth--;
    else if (c === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
