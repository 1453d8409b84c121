/**
 * Multiple-choice letter extraction (GPQA, MMLU, MMLU-Pro, ARC).
 *
 * Cascade, first hit wins: the last `\boxed{}`, the last "answer is" /
 * "answer:" / "choice is" / "option is" phrase, the last line when it starts
 * with a letter, then the last standalone capital letter in range. Letters are
 * case-sensitive in running text, so the article "a" is never an answer, and
 * "A"/"I" followed by a lower-case word ("A triangle", "I think") are skipped.
 * An option's text may stand in for its letter.
 *
 * @module
 */

import { answerPhrase, lastBoxed } from "./extract.ts";
import { optionGold } from "./text_answer.ts";
import { asciiLower, codeAt, isAlnum, isAlpha, isSpace, trimAscii } from "./text.ts";

const WRAPPER_PREFIXES = [
  "\\textbf{",
  "\\text{",
  "\\mathrm{",
  "\\mathbf{",
  "\\(",
  "$",
  "*",
  "(",
  "[",
  "{",
  "#",
  ">",
];

function stripWrappers(s: string): string {
  let t = trimAscii(s);
  let changed = true;
  for (let round = 0; changed && round < 16; round++) {
    changed = false;
    for (const p of WRAPPER_PREFIXES) {
      if (t.startsWith(p)) {
        t = trimAscii(t.slice(p.length));
        changed = true;
      }
    }
    for (const w of ["option", "choice"]) {
      if (asciiLower(t.slice(0, w.length)) === w && !isAlpha(codeAt(t, w.length))) {
        t = trimAscii(t.slice(w.length));
        changed = true;
      }
    }
  }
  return t;
}

function isArticle(s: string, i: number): boolean {
  const c = s[i];
  if (c !== "A" && c !== "I") return false;
  const next = codeAt(s, i + 2);
  return s[i + 1] === " " && next >= 97 && next <= 122;
}

function optionKey(s: string): string {
  let out = "";
  const lower = asciiLower(s);
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if (isAlnum(c) || c >= 128) out += lower[i];
  }
  return out;
}

function matchOption(s: string, choices: readonly string[] | undefined): string | null {
  if (choices === undefined || choices.length === 0) return null;
  let t = trimAscii(s);
  while (t.endsWith("}")) t = t.slice(0, -1);
  const key = optionKey(t);
  if (key === "") return null;
  let found = -1;
  for (let k = 0; k < choices.length && k < 16; k++) {
    if (optionKey(choices[k]) === key) {
      if (found >= 0) return null;
      found = k;
    }
  }
  return found >= 0 ? String.fromCharCode(65 + found) : null;
}

/**
 * The letter a captured answer starts with (`B`, `(B)`, `**B**`, `\text{B}`,
 * `Option B`, `b)`), or the letter of the option whose text it is.
 */
function letterOf(
  s: string,
  count: number,
  choices: readonly string[] | undefined,
  strictFollow: boolean,
): string | null {
  const t = stripWrappers(s);
  if (t.length > 0) {
    const c = t.charCodeAt(0);
    const next = codeAt(t, 1);
    if (c >= 65 && c < 65 + count && !isAlnum(next) && next !== 39 && !isArticle(t, 0)) {
      if (!strictFollow || next === -1 || (!isSpace(next) && next !== 39)) return t[0];
    }
    if (c >= 97 && c < 97 + count && (next === 41 || (next === -1 && t.length === 1))) {
      return String.fromCharCode(c - 32);
    }
  }
  return matchOption(t, choices);
}

const NEGATIONS = ["not", "n't", "cannot", "never", "rule out", "ruled out", "eliminate", "except"];

/** Longest clause read before a letter when looking for a negation. */
const MAX_CLAUSE = 80;

/**
 * Whether the ASCII clause before `at` (back to `,` `.` `;` `:` `!` `?`, a
 * line break or a non-ASCII character) denies the letter ("it can't be A").
 */
function isNegated(text: string, at: number): boolean {
  let start = at;
  while (start > 0 && at - start < MAX_CLAUSE) {
    const c = text.charCodeAt(start - 1);
    if (c >= 128 || ",.;:!?\n".includes(text[start - 1])) break;
    start--;
  }
  const clause = asciiLower(text.slice(start, at));
  return NEGATIONS.some((w) => clause.includes(w));
}

function lastStandaloneLetter(text: string, count: number): string | null {
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c < 65 || c >= 65 + count) continue;
    const prev = codeAt(text, i - 1);
    const next = codeAt(text, i + 1);
    if (isAlnum(prev) || prev === 92 || prev === 39 || isAlnum(next) || next === 39) continue;
    if (isArticle(text, i) || isNegated(text, i)) continue;
    return text[i];
  }
  return null;
}

function lastLine(text: string): string {
  const t = trimAscii(text);
  const nl = t.lastIndexOf("\n");
  return nl >= 0 ? t.slice(nl + 1) : t;
}

/**
 * The chosen letter ("A".."P") of a multiple-choice response, or null.
 * `count` is the number of options; with `strongOnly` only a box or an answer
 * phrase counts (a response cut by max_tokens).
 */
export function extractChoice(
  text: string,
  count: number,
  choices?: readonly string[],
  strongOnly = false,
): string | null {
  const boxed = lastBoxed(text);
  if (boxed !== null) {
    const l = letterOf(boxed, count, choices, false);
    if (l !== null) return l;
  }
  const phrase = answerPhrase(text, ["answer", "choice", "option"]);
  if (phrase !== null) {
    const l = letterOf(phrase, count, choices, false);
    if (l !== null) return l;
  }
  if (strongOnly) return null;
  const line = lastLine(text);
  const l = letterOf(line, count, choices, true);
  if (l !== null) return l;
  return lastStandaloneLetter(text, count);
}

/**
 * The gold letter in canonical form: trimmed, upper-case, without brackets or
 * a period, and without the option text a gold may carry (`(D) Alina`).
 */
export function cleanGoldLetter(gold: string): string {
  const option = optionGold(gold);
  if (option !== null) return option.letter;
  let g = trimAscii(gold);
  if (g.length >= 2 && g.startsWith("(") && g.endsWith(")")) g = g.slice(1, -1);
  if (g.endsWith(".")) g = g.slice(0, -1);
  g = trimAscii(g);
  const c = g.charCodeAt(0);
  return g.length === 1 && c >= 97 && c <= 122 ? String.fromCharCode(c - 32) : g;
}
