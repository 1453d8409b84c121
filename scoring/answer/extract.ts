/**
 * Pulling the final answer out of a model response (math tasks).
 *
 * Priority, first hit wins: Minerva's "final answer is $X$. I hope", the last
 * `\boxed{}`/`\fbox{}` (brace-matched; adjacent boxes joined by "," when only
 * "and"/","/"or" separate them), the last "answer is"/"answer:" phrase, then
 * the text after `####`, then the weak fallbacks: a bold value on the last
 * line, the last math span, and as a last resort the last number. Only the
 * text after a `</think>` block is read.
 *
 * @module
 */

import {
  codeAt,
  isAlpha,
  isDigit,
  isSpace,
  matchBrace,
  removeSpaces,
  trimAscii,
  trimEndChars,
} from "./text.ts";

/** Markers that end a reasoning block. */
export const THINK_ENDS = ["</think>", "<|end_of_thought|>"];

/** The part of a response after its reasoning block, without NULs and PRM step tags. */
export function stripThinking(text: string): string {
  let s = text;
  if (s.includes("\0")) s = s.replaceAll("\0", "");
  if (s.includes("ки")) s = s.replaceAll("ки", "");
  let cut = -1;
  for (const end of THINK_ENDS) {
    const i = s.lastIndexOf(end);
    if (i >= 0 && i + end.length > cut) cut = i + end.length;
  }
  return cut >= 0 ? s.slice(cut) : s;
}

interface Span {
  start: number;
  end: number;
  content: string;
}

/** The box whose keyword starts at `at` (`boxed` or `\fbox`, both 5 long), or null. */
function boxAt(text: string, at: number): Span | null {
  const after = at + 5;
  const start = codeAt(text, at - 1) === 92 ? at - 1 : at;
  const c = codeAt(text, after);
  if (c === 123) {
    const end = matchBrace(text, after);
    if (end < 0) return { start, end: text.length, content: text.slice(after + 1) };
    return { start, end, content: text.slice(after + 1, end - 1) };
  }
  if (c === 32) {
    let end = after + 1;
    while (end < text.length && text[end] !== "$" && text[end] !== "\n") end++;
    return { start, end, content: text.slice(after + 1, end) };
  }
  return null;
}

/** The last box that starts before `before`, or null. */
function boxBefore(text: string, before: number): Span | null {
  let limit = before;
  while (limit > 0) {
    const b = text.lastIndexOf("boxed", limit - 1);
    const f = text.lastIndexOf("\\fbox", limit - 1);
    const at = Math.max(b, f);
    if (at < 0) return null;
    const span = boxAt(text, at);
    if (span !== null) return span;
    limit = at;
  }
  return null;
}

const JOINERS = new Set(["", ",", "and", "or", ",and", "\\text{and}", "\\text{or}", "\\quad"]);

function isJoiner(gap: string): boolean {
  if (gap.length > 64) return false;
  let g = removeSpaces(gap);
  for (const t of ["$", "\\(", "\\)", "\\[", "\\]"]) {
    if (g.includes(t)) g = g.replaceAll(t, "");
  }
  return JOINERS.has(g);
}

/**
 * The content of the last `\boxed{}` (or `\fbox{}`), or null. Boxes right
 * before it that are only separated by "and", "," or "or" are joined with ",".
 */
export function lastBoxed(text: string): string | null {
  let span = boxBefore(text, text.length);
  if (span === null) return null;
  const parts = [span.content];
  while (true) {
    const prev = boxBefore(text, span.start);
    if (prev === null || prev.end > span.start) break;
    if (!isJoiner(text.slice(prev.end, span.start))) break;
    if (prev.content !== parts[0]) parts.unshift(prev.content);
    span = prev;
  }
  return parts.join(",");
}

function mathSpan(s: string): string | null {
  for (const [open, close] of [["$$", "$$"], ["\\[", "\\]"], ["\\(", "\\)"], ["$", "$"]]) {
    if (s.startsWith(open)) {
      const end = s.indexOf(close, open.length);
      if (end >= 0) return s.slice(open.length, end);
      return null;
    }
  }
  return null;
}

function captureAfter(text: string, pos: number): string {
  let i = pos;
  while (i < text.length && (isSpace(text.charCodeAt(i)) || text[i] === "*" || text[i] === ":")) {
    i++;
  }
  const rest = text.slice(i);
  const math = mathSpan(rest);
  if (math !== null) return trimAscii(math);
  let end = rest.indexOf("\n");
  if (end < 0) end = rest.length;
  let line = rest.slice(0, end);
  const stop = line.indexOf(". ");
  if (stop >= 0) line = line.slice(0, stop);
  return trimAscii(trimEndChars(trimAscii(line), "*"));
}

const HEAD_PATTERNS = new Map<string, RegExp>();

/** Start indices of `word` in `text`, ignoring ASCII case (the regex `i` flag never maps non-ASCII to ASCII). */
function occurrences(text: string, word: string): number[] {
  let re = HEAD_PATTERNS.get(word);
  if (re === undefined) {
    re = new RegExp(word, "gi");
    HEAD_PATTERNS.set(word, re);
  }
  const found: number[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) found.push(m.index);
  return found;
}

function isI(c: number): boolean {
  return c === 105 || c === 73;
}

function isS(c: number): boolean {
  return c === 115 || c === 83;
}

/**
 * The text after the last "answer is" / "answer:" phrase (any case), or null.
 * `heads` widens the head word, e.g. "choice is" and "option is" for letters.
 */
export function answerPhrase(text: string, heads: readonly string[] = ["answer"]): string | null {
  let best = -1;
  let bestCapture = "";
  for (const head of heads) {
    const starts = occurrences(text, head);
    for (let k = starts.length - 1; k >= 0; k--) {
      const at = starts[k];
      if (at <= best) break;
      if (isAlpha(codeAt(text, at - 1))) continue;
      let i = at + head.length;
      while (i < text.length && (text[i] === " " || text[i] === "*")) i++;
      if (text[i] === ":") i++;
      else if (
        isI(codeAt(text, i)) && isS(codeAt(text, i + 1)) && !isAlpha(codeAt(text, i + 2))
      ) i += 2;
      else continue;
      const capture = captureAfter(text, i);
      if (capture === "") continue;
      best = at;
      bestCapture = capture;
      break;
    }
  }
  return best >= 0 ? bestCapture : null;
}

function lastLine(text: string): string {
  const t = trimAscii(text);
  const nl = t.lastIndexOf("\n");
  return nl >= 0 ? t.slice(nl + 1) : t;
}

function boldOnLastLine(text: string): string | null {
  const line = lastLine(text);
  const close = line.lastIndexOf("**");
  if (close <= 0) return null;
  const open = line.lastIndexOf("**", close - 1);
  if (open < 0) return null;
  let content = line.slice(open + 2, close);
  const colon = content.lastIndexOf(":");
  if (colon >= 0) content = content.slice(colon + 1);
  content = trimAscii(content);
  let hasDigit = false;
  for (let i = 0; i < content.length; i++) if (isDigit(content.charCodeAt(i))) hasDigit = true;
  return hasDigit ? content : null;
}

/** The last number in `text` (`-`, digits with `,ddd` groups, `.digits`), commas dropped. */
export function lastNumber(text: string): string | null {
  let i = text.length - 1;
  while (i >= 0) {
    if (!isDigit(text.charCodeAt(i))) {
      i--;
      continue;
    }
    const end = i + 1;
    let start = i;
    let sawDot = false;
    while (start > 0) {
      const c = text.charCodeAt(start - 1);
      if (isDigit(c)) start--;
      else if (c === 46 && !sawDot && isDigit(codeAt(text, start - 2))) {
        sawDot = true;
        start--;
      } else if (
        c === 44 && isDigit(codeAt(text, start - 2)) && isDigit(codeAt(text, start)) &&
        isDigit(codeAt(text, start + 1)) && isDigit(codeAt(text, start + 2)) &&
        !isDigit(codeAt(text, start + 3))
      ) start--;
      else break;
    }
    if (!sawDot && codeAt(text, start - 1) === 46 && !isDigit(codeAt(text, start - 2))) start--;
    if (codeAt(text, start - 1) === 45) start--;
    return text.slice(start, end).replaceAll(",", "");
  }
  return null;
}

/**
 * Whether a `$..$` pair encloses dollar amounts, not math: `$5 and $6`
 * (space before the closing `$`), `$50-$35` (a digit after it), `$50/2=$<<`
 * (an `=` before it), or a line break inside.
 */
function isDollarAmounts(raw: string, after: number): boolean {
  const last = codeAt(raw, raw.length - 1);
  return isSpace(last) || last === 61 || isDigit(after) || raw.includes("\n");
}

const MATH_DELIMITERS: readonly (readonly [string, string])[] = [
  ["$$", "$$"],
  ["\\[", "\\]"],
  ["\\(", "\\)"],
  ["$", "$"],
];

/**
 * The content of the last math span (`$$..$$`, `\[..\]`, `\(..\)`, `$..$`)
 * with something in it, or null. Spans are paired left to right; `\$` is a
 * dollar sign, not a delimiter.
 */
export function lastMathSpan(text: string): string | null {
  let last: string | null = null;
  let i = text.indexOf("$") < 0 && text.indexOf("\\") < 0 ? text.length : 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 36 && c !== 92) {
      i++;
      continue;
    }
    if (c === 92 && text[i + 1] !== "[" && text[i + 1] !== "(") {
      i += 2;
      continue;
    }
    const pair = MATH_DELIMITERS.find(([open]) => text.startsWith(open, i))!;
    const [open, close] = pair;
    let end = text.indexOf(close, i + open.length);
    while (close === "$" && end > 0 && text[end - 1] === "\\") end = text.indexOf(close, end + 1);
    if (end < 0) break;
    const raw = text.slice(i + open.length, end);
    if (open === "$" && isDollarAmounts(raw, codeAt(text, end + 1))) {
      i = end;
      continue;
    }
    const content = trimAscii(raw);
    if (content !== "") last = content;
    i = end + close.length;
  }
  return last;
}

/** `s` without math delimiters around the whole of it (`$x$`, `\(x\)`, `\[x\]`, `$$x$$`). */
export function unwrapMath(s: string): string {
  const t = trimAscii(s);
  for (const [open, close] of MATH_DELIMITERS) {
    if (t.length > open.length + close.length && t.startsWith(open) && t.endsWith(close)) {
      const inner = t.slice(open.length, t.length - close.length);
      if (!inner.includes(open) && !inner.includes(close)) return trimAscii(inner);
    }
  }
  return t;
}

/** The rest of the line after the last `####` (GSM8K's answer marker), or null. */
function afterHashes(text: string): string | null {
  const at = text.lastIndexOf("####");
  if (at < 0) return null;
  let end = text.indexOf("\n", at);
  if (end < 0) end = text.length;
  const rest = trimAscii(text.slice(at + 4, end));
  return rest === "" ? null : rest;
}

/**
 * The raw (not normalized) final answer of a response, or null. With
 * `strongOnly`, only explicit answers count (box, answer phrase): what a
 * response cut by max_tokens may still contain. Without `mathSpans` (GSM8K,
 * where `$` is money) the last math span is not read.
 */
export function extractRawAnswer(
  text: string,
  strongOnly = false,
  mathSpans = true,
): string | null {
  const minerva = text.indexOf("final answer is $");
  if (minerva >= 0) {
    const end = text.indexOf("$. I hope", minerva + 17);
    if (end >= 0) return trimAscii(text.slice(minerva + 17, end));
  }
  const boxed = lastBoxed(text);
  if (boxed !== null) return boxed;
  const phrase = answerPhrase(text);
  if (phrase !== null) return phrase;
  const hashes = afterHashes(text);
  if (hashes !== null) return hashes;
  if (strongOnly) return null;
  const bold = boldOnLastLine(text);
  if (bold !== null) return bold;
  const span = mathSpans ? lastMathSpan(text) : null;
  if (span !== null) return span;
  return lastNumber(text);
}

/** Final clean-up of a raw answer: line breaks, leading ":", trailing "." and "/". */
export function cleanRaw(raw: string): string {
  let s = "";
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === "\n") {
      while (i + 1 < raw.length && isSpace(raw.charCodeAt(i + 1))) i++;
      continue;
    }
    s += raw[i];
  }
  s = trimAscii(s);
  if (s.startsWith(":")) s = s.slice(1);
  if (s.endsWith(".")) s = s.slice(0, -1);
  if (s.endsWith("/")) s = s.slice(0, -1);
  return s;
}
