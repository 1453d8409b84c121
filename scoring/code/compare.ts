/**
 * Output comparison as each benchmark defines it, done in the parent (the
 * expected output never enters the sandbox).
 *
 * - APPS and TACO stdin: the reference's cascade (stripped text, line lists,
 *   floats with `np.allclose`, whitespace-token sets, rounded number sets).
 * - APPS and TACO call-based: Python `==` on the returned value, also against
 *   `outputs[i][0]`, tuples as lists.
 * - LiveCodeBench stdin: the official `grade_stdio` (line by line, stripped,
 *   numbers equal as decimals). Functional: Python `==` on the JSON value,
 *   floats within 1e-6.
 *
 * Values returned by call-based programs arrive in a tagged JSON form (see
 * {@linkcode PyValue}) so that ints, floats, tuples, sets and dict keys keep
 * their Python meaning.
 *
 * Permissions: none.
 *
 * @module
 */

/**
 * A Python value in JSON: numbers, strings, booleans, null and arrays as
 * themselves; `{"$int": "123"}` for ints beyond 2^53, `{"$float": "nan"}`
 * for non-finite floats, `{"$dict": [[k, v], ...]}`, `{"$set": [...]}` and
 * `{"$repr": "..."}` for anything else.
 */
export type PyValue =
  | null
  | boolean
  | number
  | string
  | PyValue[]
  | { $int: string }
  | { $float: string }
  | { $dict: [PyValue, PyValue][] }
  | { $set: PyValue[] }
  | { $repr: string };

/** Deeper values than the driver writes (it stops at 200) are not its output. */
const MAX_VALUE_DEPTH = 256;
/** Python refuses to print ints longer than this (`sys.get_int_max_str_digits()`). */
const MAX_INT_DIGITS = 4300;

function isPyValue(v: unknown, depth: number): v is PyValue {
  if (depth > MAX_VALUE_DEPTH) return false;
  if (v === null || typeof v === "boolean" || typeof v === "number" || typeof v === "string") {
    return true;
  }
  if (Array.isArray(v)) return v.every((e) => isPyValue(e, depth + 1));
  if (typeof v !== "object") return false;
  const keys = Object.keys(v);
  if (keys.length !== 1) return false;
  const inner = (v as Record<string, unknown>)[keys[0]];
  switch (keys[0]) {
    case "$int":
      return typeof inner === "string" && inner.length <= MAX_INT_DIGITS + 1 &&
        /^-?\d+$/.test(inner);
    case "$float":
      return typeof inner === "string" && /^-?(?:inf|nan)$/i.test(inner);
    case "$repr":
      return typeof inner === "string";
    case "$set":
      return Array.isArray(inner) && inner.every((e) => isPyValue(e, depth + 1));
    case "$dict":
      return Array.isArray(inner) &&
        inner.every((pair) =>
          Array.isArray(pair) && pair.length === 2 && isPyValue(pair[0], depth + 1) &&
          isPyValue(pair[1], depth + 1)
        );
    default:
      return false;
  }
}

/**
 * A call-based driver's result line as a {@linkcode PyValue}, or `undefined`
 * when it is not one (the program printed something else after the marker).
 */
export function parsePyValue(text: string): PyValue | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isPyValue(value, 0) ? value : undefined;
}

type Num = { kind: "num"; value: number; big?: bigint };

function asNumber(v: PyValue): Num | undefined {
  if (typeof v === "number") return { kind: "num", value: v };
  if (typeof v === "boolean") return { kind: "num", value: v ? 1 : 0 };
  if (v && typeof v === "object" && !Array.isArray(v)) {
    if ("$int" in v) return { kind: "num", value: Number(v.$int), big: BigInt(v.$int) };
    if ("$float" in v) {
      const f = v.$float.toLowerCase();
      return { kind: "num", value: f === "nan" ? NaN : f.startsWith("-") ? -Infinity : Infinity };
    }
  }
  return undefined;
}

/** Python `==` on two values, with an optional float tolerance. */
export function pyEquals(a: PyValue, b: PyValue, floatTolerance = 0): boolean {
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na || nb) {
    if (!na || !nb) return false;
    if (na.big !== undefined && nb.big !== undefined) return na.big === nb.big;
    if (na.value === nb.value) return true;
    if (floatTolerance > 0 && Number.isFinite(na.value) && Number.isFinite(nb.value)) {
      return Math.abs(na.value - nb.value) <= floatTolerance * Math.max(1, Math.abs(nb.value));
    }
    return false;
  }
  if (typeof a === "string" || typeof b === "string") return a === b;
  if (a === null || b === null) return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => pyEquals(x, b[i], floatTolerance));
  }
  if (typeof a !== "object" || typeof b !== "object") return false;
  if ("$dict" in a && "$dict" in b) {
    if (a.$dict.length !== b.$dict.length) return false;
    return a.$dict.every(([k, v]) =>
      b.$dict.some(([k2, v2]) => pyEquals(k, k2) && pyEquals(v, v2, floatTolerance))
    );
  }
  if ("$set" in a && "$set" in b) {
    if (a.$set.length !== b.$set.length) return false;
    return a.$set.every((x) => b.$set.some((y) => pyEquals(x, y)));
  }
  if ("$repr" in a && "$repr" in b) return a.$repr === b.$repr;
  return false;
}

/**
 * A dataset value (plain JSON) as a {@linkcode PyValue}. Object keys that are
 * integers become ints, as the reference does for APPS/TACO.
 */
export function fromDatasetJson(value: unknown): PyValue {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) return { $float: String(value) };
    return value as PyValue;
  }
  if (Array.isArray(value)) return value.map(fromDatasetJson);
  return {
    $dict: Object.entries(value).map(([k, v]) => [
      /^-?\d+$/.test(k) ? Number(k) : k,
      fromDatasetJson(v),
    ]),
  };
}

/** APPS/TACO call-based: `out == expected`, or `out == expected[0]`, tuples as lists. */
export function appsCallMatches(actual: PyValue, expected: unknown): boolean {
  const want = fromDatasetJson(expected);
  if (pyEquals(actual, want)) return true;
  if (Array.isArray(want) && want.length > 0) {
    if (pyEquals(actual, want[0])) return true;
  }
  return false;
}

// Each alternative consumes digits one way only, so a long non-number fails in linear time.
const PY_FLOAT =
  /^\s*[+-]?(?:(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?|inf(?:inity)?|nan)\s*$/i;

/** Python `float(text)`, or `undefined` where Python raises. */
export function pyFloat(text: string): number | undefined {
  if (!PY_FLOAT.test(text)) return undefined;
  const t = text.trim().replace(/_/g, "").toLowerCase();
  if (t.endsWith("nan")) return NaN;
  if (t.includes("inf")) return t.startsWith("-") ? -Infinity : Infinity;
  return Number(t);
}

function allClose(a: number[], b: number[]): boolean {
  return a.length === b.length &&
    a.every((x, i) => Math.abs(x - b[i]) <= 1e-8 + 1e-5 * Math.abs(b[i]));
}

function pyRound3(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}

function setKey(items: Iterable<string>): string {
  return JSON.stringify([...new Set(items)].sort());
}

/** Python's `str.split()` (no argument). */
function pySplit(s: string): string[] {
  // deno-lint-ignore no-control-regex
  return s.split(/[\s\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/)
    .filter((x) => x !== "");
}

/** Python's `str.strip()` (no argument); `trim()` strips what `\s` matches, in linear time. */
function pyStrip(s: string): string {
  return s.trim();
}

/** Python's `str.splitlines()`. */
function pySplitLines(s: string): string[] {
  // deno-lint-ignore no-control-regex
  const lines = s.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (lines.length > 0 && lines.at(-1) === "") lines.pop();
  return lines;
}

/**
 * The APPS/TACO stdin cascade (`testing_util.run_test`), for one test whose
 * expected output is a string (or, rarely, a list of lines).
 */
export function appsStdinMatches(stdout: string, expected: unknown): boolean {
  const output = pySplitLines(stdout);
  // custom_compare_: the joined lines, also with each line stripped.
  if (typeof expected === "string") {
    if (pyStrip(output.join("\n")) === pyStrip(expected)) return true;
    if (pyStrip(output.map(pyStrip).join("\n")) === pyStrip(expected)) return true;
  }
  const eqList = (a: string[], b: unknown) =>
    Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);
  // output == [expected], output == expected, stripped lines == expected.
  if (typeof expected === "string" && output.length === 1 && output[0] === expected) return true;
  if (Array.isArray(expected)) {
    if (eqList(output, expected)) return true;
    if (eqList(output.map(pyStrip), expected)) return true;
  }
  // Expected split into stripped non-empty lines.
  let lines: string[] | string[][];
  if (Array.isArray(expected)) {
    lines = expected.map((e) => String(e).split("\n").filter((x) => x).map(pyStrip));
  } else {
    lines = String(expected).split("\n").filter((x) => x.length > 0).map(pyStrip);
  }
  if (!Array.isArray(expected)) {
    const flat = lines as string[];
    if (output.length === 1 && flat.length === 1 && output[0] === flat[0]) return true;
    if (eqList(output, flat)) return true;
  }
  const nonEmpty = output.filter((x) => x.length > 0);
  // Floats, np.allclose.
  if (!Array.isArray(expected)) {
    const a = nonEmpty.map(pyFloat);
    const b = (lines as string[]).map(pyFloat);
    if (a.every((x) => x !== undefined) && b.every((x) => x !== undefined)) {
      if (allClose(a as number[], b as number[])) return true;
    }
  }
  // Sets of whitespace tokens.
  if (!Array.isArray(expected)) {
    const expectedSet = setKey(pySplit(String(expected)));
    const outputTokens = pySplit(stdout);
    if (setKey(outputTokens) === expectedSet) return true;
    // Sets of per-line token sets vs the expected token set (the reference's final steps).
    const outLineSets = nonEmpty.map((l) => pySplit(l)).filter((t) => t.length > 0);
    const expLineSets = (lines as string[]).map((l) => pySplit(l)).filter((t) => t.length > 0);
    const keyOf = (sets: string[][], f: (t: string) => string) =>
      JSON.stringify([...new Set(sets.map((s) => setKey(s.map(f))))].sort());
    if (keyOf(outLineSets, (t) => t) === keyOf(expLineSets, (t) => t)) return true;
    const allNumbers = [...outLineSets, ...expLineSets].every((s) =>
      s.every((t) => pyFloat(t) !== undefined)
    );
    if (allNumbers) {
      const r = (t: string) => pyRound3(pyFloat(t)!);
      if (keyOf(outLineSets, r) === keyOf(expLineSets, r)) return true;
    }
  }
  return false;
}

/** A canonical form of a decimal token (Python `Decimal` equality), or `undefined`. */
function decimalKey(token: string): string | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(token);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return undefined;
  let digits = m[2] + (m[3] ?? "");
  let point = m[2].length + Number(m[4] ?? 0);
  const leading = digits.length - digits.replace(/^0+/, "").length;
  let end = digits.length;
  while (end > leading && digits.charCodeAt(end - 1) === 48) end--;
  digits = digits.slice(leading, end);
  point -= leading;
  if (digits === "") return "0";
  return `${m[1] === "-" ? "-" : ""}${digits}e${point}`;
}

function decimalLine(line: string): string[] | undefined {
  const out: string[] = [];
  for (const token of line.split(/\s+/).filter((t) => t !== "")) {
    const key = decimalKey(token);
    if (key === undefined) return undefined;
    out.push(key);
  }
  return out;
}

/** LiveCodeBench stdin (`grade_stdio`): same lines after strip; unequal lines must be equal decimals. */
export function lcbStdinMatches(stdout: string, expected: string): boolean {
  const strip = (s: string) => pyStrip(s).split("\n").map(pyStrip);
  const got = strip(stdout);
  const want = strip(expected);
  if (got.length !== want.length) return false;
  for (let i = 0; i < got.length; i++) {
    if (got[i] === want[i]) continue;
    const a = decimalLine(got[i]);
    const b = decimalLine(want[i]);
    if (!a || !b || a.length !== b.length || a.some((x, j) => x !== b[j])) return false;
  }
  return true;
}

/** LiveCodeBench functional: Python `==` on the JSON-decoded expected output, floats within 1e-6. */
export function lcbCallMatches(actual: PyValue, expectedJson: string): boolean {
  let expected: unknown;
  try {
    expected = JSON.parse(expectedJson);
  } catch {
    expected = expectedJson.trim();
  }
  return pyEquals(actual, fromDatasetJson(expected), 1e-6);
}
