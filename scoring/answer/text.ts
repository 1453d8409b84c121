/**
 * ASCII-only text helpers shared by the answer grader.
 *
 * The Rust twin (`native/src/text.rs`) works on UTF-8 bytes while JavaScript
 * strings are UTF-16, so every rule here looks only at ASCII characters and
 * cuts strings only at ASCII positions: both sides then produce the same
 * substrings.
 *
 * @module
 */

/** Whether the UTF-16 code unit is an ASCII digit. */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Whether the UTF-16 code unit is an ASCII letter. */
export function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Whether the UTF-16 code unit is an ASCII letter or digit. */
export function isAlnum(c: number): boolean {
  return isDigit(c) || isAlpha(c);
}

/** Whether the UTF-16 code unit is ASCII whitespace. */
export function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** The code unit at `i`, or -1 outside the string. */
export function codeAt(s: string, i: number): number {
  return i >= 0 && i < s.length ? s.charCodeAt(i) : -1;
}

/** Lower-cases ASCII letters only (keeps every index in place). */
export function asciiLower(s: string): string {
  let out = "";
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      out += s.slice(start, i) + String.fromCharCode(c + 32);
      start = i + 1;
    }
  }
  return start === 0 ? s : out + s.slice(start);
}

/** Upper-cases ASCII letters only. */
export function asciiUpper(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 97 && c <= 122 ? String.fromCharCode(c - 32) : s[i];
  }
  return out;
}

/** Trims ASCII whitespace from both ends. */
export function trimAscii(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s.charCodeAt(a))) a++;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

/** Removes every ASCII whitespace character. */
export function removeSpaces(s: string): string {
  let out = "";
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (isSpace(s.charCodeAt(i))) {
      out += s.slice(start, i);
      start = i + 1;
    }
  }
  return start === 0 ? s : out + s.slice(start);
}

/** Strips any of `chars` (ASCII) from the end. */
export function trimEndChars(s: string, chars: string): string {
  let b = s.length;
  while (b > 0 && chars.includes(s[b - 1])) b--;
  return s.slice(0, b);
}

/** Strips any of `chars` (ASCII) from the start. */
export function trimStartChars(s: string, chars: string): string {
  let a = 0;
  while (a < s.length && chars.includes(s[a])) a++;
  return s.slice(a);
}

/**
 * Index just past the brace group opening at `open` (which must be `{`),
 * or -1 when the group never closes.
 */
export function matchBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 123) depth++;
    else if (c === 125) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Whether `s` contains `word` at `i` with no ASCII letter right after it. */
export function wordAt(s: string, i: number, word: string): boolean {
  return s.startsWith(word, i) && !isAlpha(codeAt(s, i + word.length));
}

/**
 * Splits at every top-level occurrence of `sep` (outside (), [], {} groups).
 * Returns `[s]` when there is no top-level separator.
 */
export function splitTopLevel(s: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") depth--;
    else if (depth === 0 && s.startsWith(sep, i)) {
      parts.push(s.slice(start, i));
      start = i + sep.length;
      i = start - 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

/** UTF-8 byte length (the Rust twin measures strings in bytes). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
