/**
 * Answers that are words, not mathematics: a gold written as `\text{east}`
 * compares as text (case, spacing and punctuation aside), and a gold that
 * names a multiple-choice option with its text (`(D) Alina`, `C Cecile`)
 * accepts the letter or the text.
 *
 * @module
 */

import { asciiLower, isAlnum, isAlpha, isDigit, matchBrace, trimAscii } from "./text.ts";

/** Lower-case letters and digits only: what is left of a text answer to compare. */
export function textKey(s: string): string {
  let out = "";
  const lower = asciiLower(s);
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if (isAlnum(c) || c >= 128) out += lower[i];
  }
  return out;
}

/**
 * The text key of a gold that is one `\text{...}` group of words (no digits,
 * at least two letters), or null for anything else.
 */
export function textGold(gold: string): string | null {
  const g = trimAscii(gold);
  for (const cmd of ["\\text{", "\\textbf{", "\\mathrm{"]) {
    if (!g.startsWith(cmd) || matchBrace(g, cmd.length - 1) !== g.length) continue;
    const inner = g.slice(cmd.length, -1);
    let letters = 0;
    for (let i = 0; i < inner.length; i++) {
      const c = inner.charCodeAt(i);
      if (isDigit(c) || c === 92 || c === 123) return null;
      if (isAlpha(c)) letters++;
    }
    return letters >= 2 ? textKey(inner) : null;
  }
  return null;
}

/** A gold naming an option: its letter and the option's text. */
export interface OptionGold {
  letter: string;
  text: string;
}

/** `(D) Alina`, `D) Alina`, `C Cecile`, `B. Paris` as letter and text; null otherwise. */
export function optionGold(gold: string): OptionGold | null {
  let g = trimAscii(gold);
  const bracketed = g.startsWith("(");
  if (bracketed) g = g.slice(1);
  const c = g.charCodeAt(0);
  if (c < 65 || c > 69) return null;
  let i = 1;
  if (g[i] === ")" || (!bracketed && (g[i] === "." || g[i] === ":"))) i++;
  else if (bracketed) return null;
  if (g[i] !== " ") return null;
  const text = trimAscii(g.slice(i));
  if (text === "" || !isAlpha(text.charCodeAt(0))) return null;
  return { letter: g[0], text };
}

/** Whether a normalized answer picks the option: its letter (alone or with the text) or its text. */
export function matchesOption(pred: string, option: OptionGold): boolean {
  const key = textKey(pred);
  const letter = option.letter.toLowerCase();
  const text = textKey(option.text);
  return key === letter || key === text || key === letter + text;
}
