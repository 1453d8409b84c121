/**
 * Normalization of an extracted answer (and of the gold answer), after the
 * Qwen2.5-Math / SkyThought `strip_answer_string` rules, with the
 * reference's bugs fixed: "and" is a separator (not deleted inside words),
 * only a brace-matched trailing `\text{unit}` is dropped, quotes are really
 * stripped, and a percent sign is kept as a trailing `%` so that the
 * comparison knows the value was a percentage.
 *
 * @module
 */

import {
  asciiLower,
  codeAt,
  isAlnum,
  isAlpha,
  isDigit,
  isSpace,
  matchBrace,
  trimAscii,
  trimEndChars,
  utf8Length,
} from "./text.ts";
import { RULES } from "./rules.ts";

const { numberWords: NUMBER_WORDS, unitWords: UNIT_WORDS, textCommands: TEXT_COMMANDS } = RULES;
const REPLACE = RULES.replacements;

/** Replaces each `\cmd{X}` by X (brace-matched). */
function unwrapCommand(s: string, cmd: string): string {
  let out = s;
  let from = 0;
  while (true) {
    const at = out.indexOf(cmd + "{", from);
    if (at < 0) return out;
    const open = at + cmd.length;
    const end = matchBrace(out, open);
    if (end < 0) return out;
    out = out.slice(0, at) + out.slice(open + 1, end - 1) + out.slice(end);
    from = at;
  }
}

/** Removes each `\cmd{...}` group entirely. */
function removeCommand(s: string, cmd: string): string {
  let out = s;
  while (true) {
    const at = out.indexOf(cmd + "{");
    if (at < 0) return out;
    const end = matchBrace(out, at + cmd.length);
    if (end < 0) return out;
    out = out.slice(0, at) + out.slice(end);
  }
}

function dropExponentSuffix(s: string): string {
  for (const e of ["^{2}", "^{3}", "^2", "^3"]) if (s.endsWith(e)) return s.slice(0, -e.length);
  return s;
}

/** Drops a trailing `\text{...}` unit group when something remains before it. */
function dropTrailingText(s: string): string {
  const body = dropExponentSuffix(s);
  for (const cmd of ["\\text", "\\mbox", "\\mathrm", "\\textrm"]) {
    let from = body.length;
    while (from >= 0) {
      const at = body.lastIndexOf(cmd + "{", from);
      if (at < 0) break;
      from = at - 1;
      const end = matchBrace(body, at + cmd.length);
      if (end !== body.length) continue;
      const rest = trimAscii(body.slice(0, at));
      if (rest === "" || "=<>,:(".includes(rest[rest.length - 1])) return s;
      return rest;
    }
  }
  return s;
}

function dropTrailingUnitWord(s: string): string {
  const body = dropExponentSuffix(s);
  let i = body.length;
  while (i > 0 && isAlpha(body.charCodeAt(i - 1))) i--;
  if (i === body.length || i === 0) return s;
  const word = asciiLower(body.slice(i));
  if (!UNIT_WORDS.has(word)) return s;
  const rest = trimAscii(body.slice(0, i));
  const last = rest.charCodeAt(rest.length - 1);
  if (rest === "" || !(isDigit(last) || last === 125)) return s;
  return rest;
}

/** `_{5}` becomes `_5` (one character inside). */
function simplifySubscripts(s: string): string {
  let out = s;
  let from = 0;
  while (true) {
    const at = out.indexOf("_{", from);
    if (at < 0) return out;
    if (out[at + 3] === "}" && isAlnum(codeAt(out, at + 2))) {
      out = out.slice(0, at + 1) + out[at + 2] + out.slice(at + 4);
    }
    from = at + 1;
  }
}

/** Whether `s` has an ASCII letter outside a `\command` name. */
function hasVariableLetter(s: string): boolean {
  let inCommand = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92) inCommand = true;
    else if (isAlpha(c)) {
      if (!inCommand) return true;
    } else inCommand = false;
  }
  return false;
}

/**
 * Drops `x=`, `y=`, `z=` at the start of the answer or of a comma-separated
 * part, when what follows has no variable (`x=5` is 5, `x=y+2` stays).
 */
function stripVariablePrefixes(s: string): string {
  const parts = s.split(",");
  for (let k = 0; k < parts.length; k++) {
    const t = trimAscii(parts[k]);
    if (t[0] !== "x" && t[0] !== "y" && t[0] !== "z") continue;
    let i = 1;
    while (i < t.length && isSpace(t.charCodeAt(i))) i++;
    if (t[i] !== "=") continue;
    const rest = trimAscii(t.slice(i + 1));
    if (!hasVariableLetter(rest)) parts[k] = rest;
  }
  return parts.join(",");
}

/** Removes spaces, keeping one where it ends a command before a letter (`\le x`). */
function removeSpacesKeepingCommands(s: string): string {
  let out = "";
  let inCommand = false;
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (isSpace(c)) {
      let j = i;
      while (j < s.length && isSpace(s.charCodeAt(j))) j++;
      if (inCommand && isAlpha(codeAt(s, j))) out += " ";
      inCommand = false;
      i = j;
      continue;
    }
    if (c === 92) inCommand = true;
    else if (!isAlpha(c)) inCommand = false;
    out += s[i];
    i++;
  }
  return out;
}

function replaceArrayBegin(s: string): string {
  let out = s;
  while (true) {
    const at = out.indexOf("\\begin{array}{");
    if (at < 0) return out;
    const end = matchBrace(out, at + 13);
    if (end < 0) return out;
    out = out.slice(0, at) + "\\begin{pmatrix}" + out.slice(end);
  }
}

function removeSizers(s: string): string {
  let out = s;
  for (const cmd of ["\\left", "\\right"]) {
    let from = 0;
    while (true) {
      const at = out.indexOf(cmd, from);
      if (at < 0) break;
      if (isAlpha(codeAt(out, at + cmd.length))) {
        from = at + cmd.length;
        continue;
      }
      out = out.slice(0, at) + out.slice(at + cmd.length);
      from = at;
    }
  }
  return out;
}

/** Replaces the standalone word `word` (not touching letters or `\`) by `by`. */
function replaceWord(s: string, word: string, by: string): string {
  let out = s;
  let from = 0;
  while (true) {
    const at = out.indexOf(word, from);
    if (at < 0) return out;
    const before = codeAt(out, at - 1);
    if (isAlpha(before) || before === 92 || isAlpha(codeAt(out, at + word.length))) {
      from = at + word.length;
      continue;
    }
    out = out.slice(0, at) + by + out.slice(at + word.length);
    from = at + by.length;
  }
}

function dropZeroDecimals(s: string): string {
  let out = "";
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 46 && i > 0 && isDigit(s.charCodeAt(i - 1))) {
      let j = i + 1;
      while (j < s.length && s[j] === "0") j++;
      if (!isDigit(codeAt(s, j))) {
        i = j;
        continue;
      }
    }
    out += s[i];
    i++;
  }
  return out;
}

function fixSqrt(s: string): string {
  let out = "";
  let i = 0;
  while (i < s.length) {
    if (s.startsWith("\\sqrt", i)) {
      let j = i + 5;
      while (j < s.length && (isAlnum(s.charCodeAt(j)) || s[j] === "_")) j++;
      if (j > i + 5) {
        out += "\\sqrt{" + s.slice(i + 5, j) + "}";
        i = j;
        continue;
      }
      out += "\\sqrt";
      i += 5;
      continue;
    }
    out += s[i];
    i++;
  }
  return out;
}

function firstCodePoint(s: string): string {
  const cp = s.codePointAt(0);
  return cp === undefined ? "" : String.fromCodePoint(cp);
}

function fixFracs(s: string): string {
  const parts = s.split("\\frac");
  let out = parts[0];
  for (let k = 1; k < parts.length; k++) {
    const sub = parts[k];
    out += "\\frac";
    if (sub.length > 0 && sub[0] === "{") {
      out += sub;
      continue;
    }
    const a = firstCodePoint(sub);
    const b = firstCodePoint(sub.slice(a.length));
    if (a === "" || b === "") return s;
    const rest = sub.slice(a.length + b.length);
    if (b !== "{") out += "{" + a + "}{" + b + "}" + rest;
    else out += "{" + a + "}" + b + rest;
  }
  return out;
}

function isCanonicalInt(s: string): boolean {
  let i = s.startsWith("-") ? 1 : 0;
  if (i >= s.length) return false;
  if (s[i] === "0" && s.length > i + 1) return false;
  for (; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

function fixSlash(s: string): string {
  const parts = s.split("/");
  if (parts.length !== 2) return s;
  if (!isCanonicalInt(parts[0]) || !isCanonicalInt(parts[1])) return s;
  return "\\frac{" + parts[0] + "}{" + parts[1] + "}";
}

function isPlainInt(s: string): boolean {
  let i = s.startsWith("-") ? 1 : 0;
  if (i >= s.length) return false;
  for (; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

function canonicalInt(s: string): string {
  const neg = s.startsWith("-");
  let d = neg ? s.slice(1) : s;
  let z = 0;
  while (z < d.length - 1 && d[z] === "0") z++;
  d = d.slice(z);
  return neg && d !== "0" ? "-" + d : d;
}

function compareInts(a: string, b: string): number {
  const na = a.startsWith("-");
  const nb = b.startsWith("-");
  if (na !== nb) return na ? -1 : 1;
  const da = na ? a.slice(1) : a;
  const db = nb ? b.slice(1) : b;
  let c = da.length !== db.length ? da.length - db.length : da < db ? -1 : da > db ? 1 : 0;
  if (na) c = -c;
  return c;
}

function isThousandsGrouped(parts: string[]): boolean {
  const first = parts[0].startsWith("-") ? parts[0].slice(1) : parts[0];
  if (first.length < 1 || first.length > 3 || first[0] === "0") return false;
  for (let i = 0; i < first.length; i++) if (!isDigit(first.charCodeAt(i))) return false;
  for (let k = 1; k < parts.length; k++) {
    const p = parts[k];
    if (p.length !== 3) return false;
    for (let i = 0; i < 3; i++) if (!isDigit(p.charCodeAt(i))) return false;
  }
  return true;
}

/** `1,22` or `2,5`: one comma that reads as a decimal comma (not a thousands separator). */
export function decimalComma(s: string): string | null {
  const comma = s.indexOf(",");
  if (comma < 0 || s.indexOf(",", comma + 1) >= 0) return null;
  const start = s.startsWith("-") ? 1 : 0;
  if (comma === start || digitRun(s, start) !== comma) return null;
  if (digitRun(s, comma + 1) !== s.length || s.length - comma - 1 === 3) return null;
  if (comma + 1 === s.length) return null;
  return s.slice(0, comma) + "." + s.slice(comma + 1);
}

function sortIntList(s: string): string {
  if (!s.includes(",")) return s;
  const parts = s.split(",");
  if (isThousandsGrouped(parts)) return parts.join("");
  if (decimalComma(s) !== null) return s;
  for (const p of parts) if (!isPlainInt(p)) return s;
  return parts.map(canonicalInt).sort(compareInts).join(",");
}

function collapseCommas(s: string): string {
  let out = s;
  while (out.includes(",,")) out = out.replaceAll(",,", ",");
  if (out.startsWith(",")) out = out.slice(1);
  if (out.endsWith(",")) out = out.slice(0, -1);
  return out;
}

function stripQuotes(s: string): string {
  if (s.length >= 2) {
    const q = s[0];
    if ((q === '"' || q === "'") && s[s.length - 1] === q) return s.slice(1, -1);
  }
  return s;
}

function replaceMany(s: string, pairs: readonly (readonly [string, string])[]): string {
  let out = s;
  for (const [from, to] of pairs) if (out.includes(from)) out = out.replaceAll(from, to);
  return out;
}

/** `X \approx 0.577` is X; `x \approx 0.577` (a name on the left) is the value on the right. */
function dropApproxTail(s: string): string {
  const at = s.indexOf("\\approx");
  if (at < 0 || isAlpha(codeAt(s, at + 7))) return s;
  const left = trimAscii(s.slice(0, at));
  const right = trimAscii(s.slice(at + 7));
  const name = left.length <= 2 && [...left].every((c) => isAlpha(c.charCodeAt(0)));
  return name && right !== "" ? right : left;
}

/** Without a stray trailing `\` (a line break `\\` stays). */
function dropStrayBackslash(s: string): string {
  let t = s;
  while (t.endsWith("\\") && !t.endsWith("\\\\")) t = trimAscii(t.slice(0, -1));
  return t;
}

function digitRun(s: string, from: number): number {
  let j = from;
  while (j < s.length && isDigit(s.charCodeAt(j))) j++;
  return j;
}

/** A mixed number written with a space, `1 1/2` or `-2 3/4`, as `1\frac{1}{2}`. */
function mixedNumber(s: string): string {
  const start = s.startsWith("-") ? 1 : 0;
  const whole = digitRun(s, start);
  if (whole === start || !isSpace(codeAt(s, whole))) return s;
  let i = whole;
  while (isSpace(codeAt(s, i))) i++;
  const num = digitRun(s, i);
  if (num === i || s[num] !== "/") return s;
  const den = digitRun(s, num + 1);
  if (den === num + 1 || den !== s.length) return s;
  return `${s.slice(0, whole)}\\frac{${s.slice(i, num)}}{${s.slice(num + 1)}}`;
}

/** Normalizes an answer string so that equal answers usually compare equal as strings. */
export function normalizeAnswer(input: string): string {
  let s = trimAscii(input);
  if (s.includes("\n")) s = s.replaceAll("\n", "");
  s = dropStrayBackslash(trimEndChars(s, "."));
  s = replaceMany(s, REPLACE.spacing);
  s = replaceArrayBegin(s);
  s = replaceMany(s, REPLACE.spelling);
  s = dropApproxTail(s);
  s = removeSizers(s);
  s = replaceMany(s, REPLACE.braces);
  s = dropTrailingText(s);
  s = dropTrailingUnitWord(s);
  s = replaceMany(s, REPLACE.decorations);
  s = removeCommand(s, "\\mbox");
  for (const cmd of TEXT_COMMANDS) s = unwrapCommand(s, cmd);
  s = replaceMany(trimAscii(s), REPLACE.ordinals);
  s = simplifySubscripts(s);
  const word = NUMBER_WORDS.get(asciiLower(s));
  if (word !== undefined) s = word;
  s = replaceWord(replaceWord(s, "and", ","), "or", ",");
  s = stripVariablePrefixes(s);
  s = replaceMany(s, REPLACE.sets);
  if (!s.includes("\\infty")) s = replaceWord(s, "inf", "\\infty");
  s = stripQuotes(trimAscii(s));
  if (s.includes("j") && !s.includes("i")) s = s.replaceAll("j", "i");
  s = dropZeroDecimals(s);
  if (s.length === 0) return s;
  if (s[0] === ".") s = "0" + s;
  const eq = s.split("=");
  if (eq.length === 2 && utf8Length(eq[0]) <= 2 && !hasVariableLetter(eq[1])) s = eq[1];
  s = fixSqrt(mixedNumber(s));
  s = removeSpacesKeepingCommands(s);
  s = replaceMany(s, REPLACE.membership);
  s = fixFracs(s);
  s = fixSlash(s);
  s = collapseCommas(s);
  return sortIntList(s);
}
