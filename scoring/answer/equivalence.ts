/**
 * Whether two normalized math answers are equivalent: string equality, then
 * numbers (exact for integers, 1e-4 relative otherwise, percent-aware), then
 * structure (unions, matrices, tuples and intervals with their brackets,
 * sets and lists in any order, equations and inequalities), then symbolic
 * equality by exact rational evaluation or evaluation at sample points.
 *
 * @module
 */

import type { Budget } from "./budget.ts";
import {
  evalExact,
  evalFloat,
  type Expr,
  parseExpression,
  rationalEqual,
  variablesOf,
} from "./expression.ts";
import {
  asciiLower,
  asciiUpper,
  codeAt,
  isAlnum,
  isAlpha,
  isDigit,
  splitTopLevel,
  utf8Length,
} from "./text.ts";
import { decimalComma } from "./normalize.ts";
import { complexEqual, evalComplex } from "./complex.ts";

/** A plain number with its exact canonical form. */
export interface ParsedNumber {
  canonical: string;
  digits: string;
  exp: number;
  neg: boolean;
  isInt: boolean;
  percent: boolean;
  value: number;
  /** The power of ten of the last digit written (`1.50` is -2, `12%` is -2, `3e5` is 5). */
  place: number;
}

function isGroupOfThree(s: string, at: number): boolean {
  return isDigit(codeAt(s, at)) && isDigit(codeAt(s, at + 1)) && isDigit(codeAt(s, at + 2)) &&
    !isDigit(codeAt(s, at + 3));
}

/** Parses a plain number (`-1,234.5e-3`, `12%`); null when `s` is anything else. */
export function parseNumber(s: string): ParsedNumber | null {
  let i = 0;
  let neg = false;
  if (s[i] === "-" || s[i] === "+") {
    neg = s[i] === "-";
    i++;
  }
  let intPart = "";
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) intPart += s[i];
    else if (c === 44 && intPart !== "" && isGroupOfThree(s, i + 1)) {
      // thousands separator
    } else break;
    i++;
  }
  let fracPart = "";
  let isInt = true;
  if (s[i] === ".") {
    isInt = false;
    i++;
    while (i < s.length && isDigit(s.charCodeAt(i))) fracPart += s[i++];
  }
  if (intPart === "" && fracPart === "") return null;
  let exp = 0;
  if ((s[i] === "e" || s[i] === "E") && i + 1 < s.length) {
    let j = i + 1;
    let eneg = false;
    if (s[j] === "-" || s[j] === "+") {
      eneg = s[j] === "-";
      j++;
    }
    const start = j;
    while (j < s.length && isDigit(s.charCodeAt(j))) j++;
    if (j === start || j - start > 6) return null;
    exp = Number(s.slice(start, j)) * (eneg ? -1 : 1);
    isInt = false;
    i = j;
  }
  let percent = false;
  if (s[i] === "%") {
    percent = true;
    isInt = false;
    i++;
  }
  if (i !== s.length) return null;
  let digits = intPart + fracPart;
  let e = exp - fracPart.length - (percent ? 2 : 0);
  const place = e;
  let z = 0;
  while (z < digits.length && digits[z] === "0") z++;
  digits = digits.slice(z);
  let t = digits.length;
  while (t > 0 && digits[t - 1] === "0") t--;
  e += digits.length - t;
  digits = digits.slice(0, t);
  if (digits === "") {
    e = 0;
    neg = false;
  }
  let value = Number(
    (intPart === "" ? "0" : intPart) + "." + (fracPart === "" ? "0" : fracPart) + "e" + exp,
  );
  if (percent) value /= 100;
  if (neg) value = -value;
  return {
    canonical: (neg ? "-" : "") + digits + "e" + e,
    digits,
    exp: e,
    neg,
    isInt,
    percent,
    value,
    place,
  };
}

/** Python's `math.isclose(a, b, rel_tol=tol)`. */
export function isClose(a: number, b: number, tol: number): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b));
}

function shifted(n: ParsedNumber, by: number): string {
  return n.digits === "" ? n.canonical : (n.neg ? "-" : "") + n.digits + "e" + (n.exp + by);
}

/**
 * Whether two written numbers are equal: exactly, as the numbers they write
 * (no tolerance: `326.51` is not `326.5`), or as the same percentage when one
 * side carries a `%` (`25%` is 25 and 0.25).
 */
export function numbersEqual(p: ParsedNumber, r: ParsedNumber): boolean {
  if (p.canonical === r.canonical) return true;
  if (p.percent !== r.percent) {
    return p.canonical === shifted(r, 2) || p.canonical === shifted(r, -2);
  }
  return false;
}

/**
 * SkyThought's number comparison (`--grader skythought`): 1e-4 relative
 * tolerance, and the reference value also taken times and over 100.
 */
export function numbersClose(p: ParsedNumber, r: ParsedNumber): boolean {
  if (p.canonical === r.canonical) return true;
  if (p.isInt && r.isInt && !p.percent && !r.percent) return false;
  return [r.value, r.value * 100, r.value / 100].some((v) => isClose(p.value, v, 1e-4));
}

/**
 * The precision rule: a decimal written by the model matches an exact value
 * when it equals that value rounded to the digits written (`0.577` is
 * `\frac{\sqrt3}{3}`, `1.414` is `\sqrt2`).
 */
export function roundsTo(decimal: ParsedNumber, exact: number): boolean {
  if (!Number.isFinite(exact)) return false;
  const half = Number(`5e${decimal.place - 1}`);
  return Math.abs(exact - decimal.value) <= half * (1 + 1e-9) + Math.abs(exact) * 1e-15;
}

function lastChoiceLetter(s: string): string {
  const u = asciiUpper(s);
  for (let i = u.length - 1; i >= 0; i--) {
    const c = u.charCodeAt(i);
    if (c >= 65 && c <= 69 && !isAlnum(u.charCodeAt(i - 1)) && !isAlnum(u.charCodeAt(i + 1))) {
      return u[i];
    }
  }
  return s;
}

interface Bracketed {
  open: string;
  close: string;
  items: string[];
}

function closes(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const ch = s[i];
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function bracketed(s: string): Bracketed {
  const first = s[0];
  const last = s[s.length - 1];
  if (
    s.length >= 2 && (first === "(" || first === "[" || first === "{") &&
    (last === ")" || last === "]" || last === "}") && closes(s, 0) === s.length - 1
  ) {
    return { open: first, close: last, items: splitItems(s.slice(1, -1)) };
  }
  return { open: "", close: "", items: splitItems(s) };
}

/** Items separated by `,`, or by `;` when there is no top-level comma (`(0;-2;6)`). */
function splitItems(s: string): string[] {
  const items = splitTopLevel(s, ",");
  return items.length === 1 ? splitTopLevel(s, ";") : items;
}

function allPairsEqual(a: string[], b: string[], budget: Budget, depth: number): boolean {
  for (let i = 0; i < a.length; i++) if (!mathEqual(a[i], b[i], budget, depth)) return false;
  return true;
}

function unorderedEqual(a: string[], b: string[], budget: Budget, depth: number): boolean {
  const used = new Array<boolean>(b.length).fill(false);
  for (const x of a) {
    let found = false;
    for (let j = 0; j < b.length; j++) {
      if (!used[j] && mathEqual(x, b[j], budget, depth)) {
        used[j] = true;
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

const RELATIONS: readonly (readonly [string, string, boolean])[] = [
  ["\\le", "le", false],
  ["\\ge", "le", true],
  ["\\lt", "lt", false],
  ["\\gt", "lt", true],
  ["\\ne", "ne", false],
  ["<", "lt", false],
  [">", "lt", true],
  ["=", "eq", false],
];

interface Relation {
  op: string;
  left: string;
  right: string;
}

function relationOf(s: string): Relation | null {
  let found: Relation | null = null;
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") depth--;
    if (depth !== 0) continue;
    for (const [token, op, flip] of RELATIONS) {
      if (!s.startsWith(token, i)) continue;
      if (token.startsWith("\\") && isAlpha(codeAt(s, i + token.length))) continue;
      if (found !== null) return null;
      const left = s.slice(0, i);
      const right = s.slice(i + token.length);
      found = flip ? { op, left: right, right: left } : { op, left, right };
      i += token.length - 1;
      break;
    }
  }
  return found;
}

const POINTS = 4;

/** Deepest nesting of tuples, sets and matrices that is compared. */
const MAX_NESTING = 16;

function sampleValue(varIndex: number, point: number): number {
  const x = (varIndex + 1) * 0.6180339887498949 + (point + 1) * 0.41421356237309503;
  return 0.3 + (x - Math.floor(x)) * 1.9;
}

function envAt(vars: string[], point: number): Map<string, number> {
  const env = new Map<string, number>();
  for (let v = 0; v < vars.length; v++) env.set(vars[v], sampleValue(v, point));
  return env;
}

function unionVars(a: Expr, b: Expr): string[] {
  return [...new Set([...variablesOf(a), ...variablesOf(b)])].sort();
}

function expressionsEqual(a: Expr, b: Expr, budget: Budget): boolean {
  const vars = unionVars(a, b);
  if (vars.length === 0) {
    const ea = evalExact(a, budget);
    if (ea !== null) {
      const eb = evalExact(b, budget);
      if (eb !== null) return rationalEqual(ea, eb);
    }
    const fa = evalFloat(a, new Map(), budget);
    const fb = evalFloat(b, new Map(), budget);
    if (Number.isNaN(fa) || Number.isNaN(fb)) return false;
    return isClose(fa, fb, budget.mode === "skythought" ? 1e-4 : 1e-9);
  }
  if (vars.length === 1 && vars[0] === "i") {
    const ca = evalComplex(a, budget);
    const cb = ca === null ? null : evalComplex(b, budget);
    if (ca !== null && cb !== null) return complexEqual(ca, cb);
  }
  let valid = 0;
  for (let k = 0; k < POINTS; k++) {
    const env = envAt(vars, k);
    const fa = evalFloat(a, env, budget);
    const fb = evalFloat(b, env, budget);
    if (Number.isNaN(fa) && Number.isNaN(fb)) continue;
    if (!isClose(fa, fb, 1e-6)) return false;
    valid++;
  }
  return valid >= 2;
}

function differenceExpr(r: Relation, budget: Budget): Expr | null {
  const l = parseExpression(r.left, budget);
  if (l === null) return null;
  const rr = parseExpression(r.right, budget);
  if (rr === null) return null;
  return { k: "sub", a: l, b: rr };
}

function relationsEqual(p: Relation, r: Relation, budget: Budget): boolean {
  if (p.op !== r.op) return false;
  const fp = differenceExpr(p, budget);
  const fr = differenceExpr(r, budget);
  if (fp === null || fr === null) {
    return asciiLower(p.left) === asciiLower(r.left) && asciiLower(p.right) === asciiLower(r.right);
  }
  const vars = unionVars(fp, fr);
  const points = vars.length === 0 ? 1 : POINTS;
  let ratio = NaN;
  let valid = 0;
  for (let k = 0; k < points; k++) {
    const env = envAt(vars, k);
    const a = evalFloat(fp, env, budget);
    const b = evalFloat(fr, env, budget);
    if (Number.isNaN(a) && Number.isNaN(b)) continue;
    if (Number.isNaN(a) || Number.isNaN(b)) return false;
    if (a === 0 && b === 0) {
      valid++;
      continue;
    }
    if (a === 0 || b === 0) return false;
    const q = a / b;
    if (Number.isNaN(ratio)) ratio = q;
    else if (!isClose(q, ratio, 1e-6)) return false;
    valid++;
  }
  if (valid < Math.min(points, 2)) return false;
  if (Number.isNaN(ratio)) return true;
  return p.op === "eq" || p.op === "ne" || ratio > 0;
}

/** Whether `s` is a short variable name usable as `x` in `x=5`. */
function isShortName(s: string): boolean {
  return s.length > 0 && utf8Length(s) <= 2;
}

/**
 * A one-variable inequality as an interval (`x<3` is `(-\infty,3)`, `3\le x`
 * is `[3,\infty)`), or null. Only a gold inequality is read this way, so a
 * model cannot pass by restating the question's inequality.
 */
function inequalityAsInterval(r: Relation): string | null {
  const closed = r.op === "le";
  if (isShortName(r.left) && isAlpha(r.left.charCodeAt(0)) && r.right !== "") {
    return "(-\\infty," + r.right + (closed ? "]" : ")");
  }
  if (isShortName(r.right) && isAlpha(r.right.charCodeAt(0)) && r.left !== "") {
    return (closed ? "[" : "(") + r.left + ",\\infty)";
  }
  return null;
}

/** Most `\pm` signs in one item that are expanded (2^3 values). */
const MAX_PLUS_MINUS = 3;

/** Every sign choice of the `\pm` signs in `s`, or null when there are too many. */
function signChoices(s: string): string[] | null {
  let out = [""];
  let from = 0;
  let count = 0;
  while (true) {
    const at = s.indexOf("\\pm", from);
    if (at < 0 || isAlpha(codeAt(s, at + 3))) break;
    if (++count > MAX_PLUS_MINUS) return null;
    const head = s.slice(from, at);
    out = out.flatMap((o) => [o + head + "+", o + head + "-"]);
    from = at + 3;
  }
  return out.map((o) => o + s.slice(from));
}

/**
 * `a\pm b` as the list `a+b,a-b`; in a plain list each item's `\pm` signs
 * expand (`\pm1,\pm2` is four values). Null when there is nothing to expand
 * or `s` is a bracketed tuple or interval.
 */
function expandPlusMinus(s: string): string | null {
  const at = s.indexOf("\\pm");
  if (at < 0 || isAlpha(codeAt(s, at + 3))) return null;
  if (s[0] === "(" || s[0] === "[") return null;
  const values: string[] = [];
  for (const item of splitTopLevel(s, ",")) {
    const choices = signChoices(item);
    if (choices === null) return null;
    values.push(...choices);
  }
  return values.join(",");
}

function structuralEqual(pred: string, ref: string, budget: Budget, depth: number): boolean {
  if (depth > MAX_NESTING) return false;
  const pe = expandPlusMinus(pred);
  const re = expandPlusMinus(ref);
  if (pe !== null || re !== null) return mathEqual(pe ?? pred, re ?? ref, budget, depth + 1);
  const pu = splitTopLevel(pred, "\\cup");
  const ru = splitTopLevel(ref, "\\cup");
  if (pu.length > 1 || ru.length > 1) {
    return pu.length === ru.length && allPairsEqual(pu, ru, budget, depth + 1);
  }
  const pm = pred.startsWith("\\begin{pmatrix}") && pred.endsWith("\\end{pmatrix}");
  const rm = ref.startsWith("\\begin{pmatrix}") && ref.endsWith("\\end{pmatrix}");
  if (pm || rm) {
    if (pm !== rm) {
      // `v = \begin{pmatrix}..` against the matrix alone
      const r = relationOf(pm ? ref : pred);
      if (r === null || r.op !== "eq" || !isShortName(r.left)) return false;
      return mathEqual(pm ? pred : r.right, pm ? r.right : ref, budget, depth + 1);
    }
    const prow = splitTopLevel(pred.slice(15, -13), "\\\\");
    const rrow = splitTopLevel(ref.slice(15, -13), "\\\\");
    if (prow.length !== rrow.length) return false;
    for (let i = 0; i < prow.length; i++) {
      const pc = splitTopLevel(prow[i], "&");
      const rc = splitTopLevel(rrow[i], "&");
      if (pc.length !== rc.length || !allPairsEqual(pc, rc, budget, depth + 1)) return false;
    }
    return true;
  }
  if (pred[0] === "(" || pred[0] === "[") {
    const gold = relationOf(ref);
    if (gold !== null && (gold.op === "lt" || gold.op === "le")) {
      const interval = inequalityAsInterval(gold);
      if (interval !== null) return mathEqual(pred, interval, budget, depth + 1);
    }
  }
  const pb = bracketed(pred);
  const rb = bracketed(ref);
  if (pb.items.length > 1 || rb.items.length > 1) {
    if (pb.items.length !== rb.items.length) return false;
    const pTuple = pb.open === "(" || pb.open === "[";
    const rTuple = rb.open === "(" || rb.open === "[";
    if (pTuple && rTuple) {
      const bracketsMatter = budget.mode !== "skythought";
      if (bracketsMatter && (pb.open !== rb.open || pb.close !== rb.close)) return false;
      return allPairsEqual(pb.items, rb.items, budget, depth + 1);
    }
    if (pTuple || rTuple) return allPairsEqual(pb.items, rb.items, budget, depth + 1);
    return allPairsEqual(pb.items, rb.items, budget, depth + 1) ||
      unorderedEqual(pb.items, rb.items, budget, depth + 1);
  }
  if (pb.open === "{" && rb.open === "{") {
    return mathEqual(pb.items[0], rb.items[0], budget, depth + 1);
  }
  const pr = relationOf(pred);
  const rr = relationOf(ref);
  if (pr !== null && rr !== null) return relationsEqual(pr, rr, budget);
  if (pr !== null) {
    return pr.op === "eq" && isShortName(pr.left) && mathEqual(pr.right, ref, budget, depth + 1);
  }
  if (rr !== null) {
    return rr.op === "eq" && isShortName(rr.left) && mathEqual(pred, rr.right, budget, depth + 1);
  }
  const a = parseExpression(pred, budget);
  if (a === null) return false;
  const b = parseExpression(ref, budget);
  if (b === null) return false;
  return expressionsEqual(a, b, budget);
}

/**
 * Whether the normalized prediction equals the normalized reference.
 * Throws BudgetExceeded when the comparison runs out of work units.
 */
export function mathEqual(pred: string, ref: string, budget: Budget, depth = 0): boolean {
  budget.spend(4 + ((utf8Length(pred) + utf8Length(ref)) >> 5));
  if (asciiLower(pred) === asciiLower(ref)) return true;
  if (ref.length === 1 && ref >= "A" && ref <= "E") return lastChoiceLetter(pred) === ref;
  let pn = parseNumber(pred);
  let rn = parseNumber(ref);
  if (pn === null && rn !== null && !rn.isInt) pn = parseDecimalComma(pred);
  if (rn === null && pn !== null && !pn.isInt) rn = parseDecimalComma(ref);
  if (pn !== null && rn !== null) {
    return budget.mode === "skythought" ? numbersClose(pn, rn) : numbersEqual(pn, rn);
  }
  if (pred === "") return false;
  if (budget.mode === "skythought") return structuralEqual(pred, ref, budget, depth);
  if (pn !== null && isWrittenDecimal(pn)) {
    const v = numericValue(ref, budget);
    if (v !== null) return roundsTo(pn, v);
  }
  if (rn !== null && isWrittenDecimal(rn)) {
    const v = numericValue(pred, budget);
    if (v !== null) return roundsTo(rn, v);
  }
  return structuralEqual(pred, ref, budget, depth);
}

function parseDecimalComma(s: string): ParsedNumber | null {
  const d = decimalComma(s);
  return d === null ? null : parseNumber(d);
}

function isWrittenDecimal(n: ParsedNumber): boolean {
  return !n.isInt && !n.percent && n.place < 0;
}

/** The value of a constant expression (`\frac{\sqrt3}{3}`), or null (variables, not parsed). */
function numericValue(s: string, budget: Budget): number | null {
  const e = parseExpression(s, budget);
  if (e === null || variablesOf(e).length > 0) return null;
  const v = evalFloat(e, new Map(), budget);
  return Number.isNaN(v) ? null : v;
}
