/**
 * A small parser and evaluator for answer expressions written in LaTeX or
 * plain text (`\frac{1}{2}`, `2\sqrt{3}`, `x^2+1`, `\sin^2 x`, `3\times10^{5}`).
 * Values are computed exactly as big-integer rationals where possible and
 * otherwise as floats at deterministic sample points, under a {@link Budget}.
 *
 * @module
 */

import type { Budget } from "./budget.ts";
import { isAlpha, isDigit } from "./text.ts";

/** A parsed expression. */
export type Expr =
  | { k: "num"; text: string }
  | { k: "var"; name: string }
  | { k: "const"; name: "pi" | "e" }
  | { k: "add" | "sub" | "mul" | "div" | "pow"; a: Expr; b: Expr }
  | { k: "neg" | "fact" | "abs" | "pct"; a: Expr }
  | { k: "fn"; name: string; a: Expr }
  | { k: "root"; n: Expr; a: Expr };

interface Token {
  t: "num" | "var" | "cmd" | "sym";
  v: string;
}

const FUNCTIONS = new Set([
  "sin",
  "cos",
  "tan",
  "cot",
  "sec",
  "csc",
  "ln",
  "log",
  "exp",
  "arcsin",
  "arccos",
  "arctan",
  "sinh",
  "cosh",
  "tanh",
]);

const GREEK = new Set([
  "alpha",
  "beta",
  "gamma",
  "delta",
  "epsilon",
  "varepsilon",
  "zeta",
  "eta",
  "theta",
  "vartheta",
  "kappa",
  "lambda",
  "mu",
  "nu",
  "xi",
  "rho",
  "sigma",
  "tau",
  "phi",
  "varphi",
  "chi",
  "psi",
  "omega",
]);

const SYMBOLS = "+-*/^()[]{}|!%";

/** Deepest bracket nesting and most nodes a parsed answer may have. */
const MAX_DEPTH = 64;
const MAX_NODES = 2000;

/** Names that also count without a backslash when written as a whole word (`sqrt(2)`, `pi/2`). */
const PLAIN_WORDS = new Set(["sqrt", "exp", "ln", "log", "sin", "cos", "tan", "pi"]);

function plainWordAt(s: string, i: number): string | null {
  let j = i;
  while (j < s.length && j - i < 5 && isAlpha(s.charCodeAt(j))) j++;
  if (j - i < 2 || j - i > 4 || (i > 0 && s[i - 1] === "\\")) return null;
  const word = s.slice(i, j);
  return PLAIN_WORDS.has(word) ? word : null;
}

function digitsEnd(s: string, from: number): number {
  let j = from;
  while (j < s.length && isDigit(s.charCodeAt(j))) j++;
  return j;
}

function tokenize(s: string, budget: Budget): Token[] | null {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    budget.spend(1);
    const c = s.charCodeAt(i);
    if (isDigit(c) || (c === 46 && isDigit(s.charCodeAt(i + 1)))) {
      let j = i;
      while (j < s.length && isDigit(s.charCodeAt(j))) j++;
      if (s[j] === "." && isDigit(s.charCodeAt(j + 1))) {
        j++;
        while (j < s.length && isDigit(s.charCodeAt(j))) j++;
      }
      out.push({ t: "num", v: s.slice(i, j) });
      i = j;
    } else if (isAlpha(c) && plainWordAt(s, i) !== null) {
      const word = plainWordAt(s, i)!;
      out.push({ t: "cmd", v: word });
      i += word.length;
    } else if (isAlpha(c)) {
      let name = s[i];
      i++;
      if (s[i] === "_") {
        if (s[i + 1] === "{") {
          const end = s.indexOf("}", i + 2);
          if (end < 0) return null;
          name += "_" + s.slice(i + 2, end);
          i = end + 1;
        } else if (
          i + 1 < s.length && (isAlpha(s.charCodeAt(i + 1)) || isDigit(s.charCodeAt(i + 1)))
        ) {
          name += "_" + s[i + 1];
          i += 2;
        } else return null;
      } else if (name !== "e") {
        // `k1` is one name, so `2k1` is not `2k` by implicit multiplication
        const end = digitsEnd(s, i);
        name += s.slice(i, end);
        i = end;
      }
      out.push({ t: "var", v: name });
    } else if (c === 92) {
      let j = i + 1;
      while (j < s.length && isAlpha(s.charCodeAt(j))) j++;
      if (j === i + 1) return null;
      out.push({ t: "cmd", v: s.slice(i + 1, j) });
      i = j;
    } else if (SYMBOLS.includes(s[i])) {
      out.push({ t: "sym", v: s[i] });
      i++;
    } else if (c === 32) i++;
    else return null;
  }
  return out;
}

class ParseFail extends Error {}

class Parser {
  pos = 0;
  absDepth = 0;
  depth = 0;
  nodes = 0;
  constructor(readonly toks: Token[], readonly budget: Budget) {}

  peek(): Token | undefined {
    return this.toks[this.pos];
  }
  isSym(v: string): boolean {
    const t = this.toks[this.pos];
    return t !== undefined && t.t === "sym" && t.v === v;
  }
  isCmd(v: string): boolean {
    const t = this.toks[this.pos];
    return t !== undefined && t.t === "cmd" && t.v === v;
  }
  expect(v: string): void {
    if (!this.isSym(v)) throw new ParseFail();
    this.pos++;
  }
  node(e: Expr): Expr {
    this.budget.spend(1);
    this.nodes++;
    if (this.nodes > MAX_NODES) throw new ParseFail();
    return e;
  }

  expr(): Expr {
    let left = this.term();
    while (this.isSym("+") || this.isSym("-")) {
      const op = this.toks[this.pos].v;
      this.pos++;
      const right = this.term();
      left = this.node({ k: op === "+" ? "add" : "sub", a: left, b: right });
    }
    return left;
  }

  startsPrimary(): boolean {
    const t = this.peek();
    if (t === undefined) return false;
    if (t.t === "num" || t.t === "var") return true;
    if (t.t === "cmd") {
      return t.v === "frac" || t.v === "sqrt" || t.v === "pi" || FUNCTIONS.has(t.v) ||
        GREEK.has(t.v);
    }
    if (t.v === "(" || t.v === "{" || t.v === "[") return true;
    return t.v === "|" && this.absDepth === 0;
  }

  term(): Expr {
    let left = this.factor();
    while (true) {
      if (this.isSym("*") || this.isCmd("cdot") || this.isCmd("times")) {
        this.pos++;
        left = this.node({ k: "mul", a: left, b: this.factor() });
      } else if (this.isSym("/") || this.isCmd("div")) {
        this.pos++;
        left = this.node({ k: "div", a: left, b: this.factor() });
      } else if (this.startsPrimary()) {
        left = this.node({ k: "mul", a: left, b: this.power() });
      } else return left;
    }
  }

  factor(): Expr {
    let negate = false;
    while (this.isSym("-") || this.isSym("+")) {
      if (this.isSym("-")) negate = !negate;
      this.pos++;
    }
    const e = this.power();
    return negate ? this.node({ k: "neg", a: e }) : e;
  }

  exponent(): Expr {
    if (this.isSym("{")) {
      this.pos++;
      const e = this.expr();
      this.expect("}");
      return e;
    }
    if (this.isSym("-")) {
      this.pos++;
      return this.node({ k: "neg", a: this.primary() });
    }
    const t = this.peek();
    if (t !== undefined && t.t === "num" && t.v.length > 1 && !t.v.includes(".")) {
      this.toks[this.pos] = { t: "num", v: t.v.slice(1) };
      return this.node({ k: "num", text: t.v[0] });
    }
    return this.primary();
  }

  power(): Expr {
    let base = this.postfix(this.primary());
    if (this.isSym("^")) {
      this.pos++;
      const e = this.exponent();
      base = this.postfix(this.node({ k: "pow", a: base, b: e }));
    }
    return base;
  }

  postfix(e: Expr): Expr {
    let out = e;
    while (this.isSym("!") || this.isSym("%")) {
      out = this.node({ k: this.toks[this.pos].v === "!" ? "fact" : "pct", a: out });
      this.pos++;
    }
    return out;
  }

  group(): Expr {
    if (this.isSym("{")) {
      this.pos++;
      const e = this.expr();
      this.expect("}");
      return e;
    }
    return this.primary();
  }

  primary(): Expr {
    this.depth++;
    if (this.depth > MAX_DEPTH) throw new ParseFail();
    const e = this.primaryInner();
    this.depth--;
    return e;
  }

  primaryInner(): Expr {
    const t = this.peek();
    if (t === undefined) throw new ParseFail();
    this.pos++;
    if (t.t === "num") {
      const n = this.node({ k: "num", text: t.v });
      if (!t.v.includes(".") && this.isCmd("frac")) {
        const save = this.pos;
        this.pos++;
        const frac = this.fracBody();
        if (frac.k === "div" && frac.a.k === "num" && frac.b.k === "num") {
          return this.node({ k: "add", a: n, b: frac });
        }
        this.pos = save;
      }
      return n;
    }
    if (t.t === "var") {
      if (t.v === "e") return this.node({ k: "const", name: "e" });
      return this.node({ k: "var", name: t.v });
    }
    if (t.t === "cmd") {
      if (t.v === "frac") return this.fracBody();
      if (t.v === "pi") return this.node({ k: "const", name: "pi" });
      if (GREEK.has(t.v)) return this.node({ k: "var", name: "\\" + t.v });
      if (t.v === "sqrt") {
        let n: Expr = { k: "num", text: "2" };
        if (this.isSym("[")) {
          this.pos++;
          n = this.expr();
          this.expect("]");
        }
        return this.node({ k: "root", n, a: this.group() });
      }
      if (FUNCTIONS.has(t.v)) return this.func(t.v);
      throw new ParseFail();
    }
    if (t.v === "(" || t.v === "[" || t.v === "{") {
      const close = t.v === "(" ? ")" : t.v === "[" ? "]" : "}";
      const e = this.expr();
      this.expect(close);
      return e;
    }
    if (t.v === "|") {
      this.absDepth++;
      const e = this.expr();
      this.absDepth--;
      this.expect("|");
      return this.node({ k: "abs", a: e });
    }
    throw new ParseFail();
  }

  fracBody(): Expr {
    const num = this.group();
    const den = this.group();
    return this.node({ k: "div", a: num, b: den });
  }

  func(name: string): Expr {
    let power: Expr | null = null;
    if (this.isSym("^")) {
      this.pos++;
      power = this.exponent();
    }
    const arg = this.isSym("(") || this.isSym("{") ? this.primary() : this.power();
    const e: Expr = this.node({ k: "fn", name, a: arg });
    return power === null ? e : this.node({ k: "pow", a: e, b: power });
  }
}

/** Parses an answer expression; null when it is not a single expression. */
export function parseExpression(s: string, budget: Budget): Expr | null {
  const toks = tokenize(s, budget);
  if (toks === null || toks.length === 0) return null;
  const p = new Parser(toks, budget);
  try {
    const e = p.expr();
    return p.pos === toks.length ? e : null;
  } catch (err) {
    if (err instanceof ParseFail) return null;
    throw err;
  }
}

/** Variable names in an expression, sorted. */
export function variablesOf(e: Expr): string[] {
  const names = new Set<string>();
  const walk = (x: Expr): void => {
    if (x.k === "var") names.add(x.name);
    else if (x.k === "num" || x.k === "const") return;
    else if (x.k === "root") {
      walk(x.n);
      walk(x.a);
    } else if ("b" in x) {
      walk(x.a);
      walk(x.b);
    } else walk(x.a);
  };
  walk(e);
  return [...names].sort();
}

function factorial(n: number): number {
  let r = 1;
  for (let i = 2; i <= n; i++) r *= i;
  return r;
}

/** Evaluates with floats; NaN when any step leaves the finite reals. */
export function evalFloat(e: Expr, env: Map<string, number>, budget: Budget): number {
  budget.spend(1);
  let v: number;
  switch (e.k) {
    case "num":
      v = Number(e.text);
      break;
    case "var":
      v = env.get(e.name) ?? NaN;
      break;
    case "const":
      v = e.name === "pi" ? Math.PI : Math.E;
      break;
    case "add":
      v = evalFloat(e.a, env, budget) + evalFloat(e.b, env, budget);
      break;
    case "sub":
      v = evalFloat(e.a, env, budget) - evalFloat(e.b, env, budget);
      break;
    case "mul":
      v = evalFloat(e.a, env, budget) * evalFloat(e.b, env, budget);
      break;
    case "div":
      v = evalFloat(e.a, env, budget) / evalFloat(e.b, env, budget);
      break;
    case "pow": {
      const a = evalFloat(e.a, env, budget);
      const b = evalFloat(e.b, env, budget);
      v = Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.pow(a, b);
      break;
    }
    case "neg":
      v = -evalFloat(e.a, env, budget);
      break;
    case "pct":
      v = evalFloat(e.a, env, budget) / 100;
      break;
    case "abs":
      v = Math.abs(evalFloat(e.a, env, budget));
      break;
    case "fact": {
      const x = evalFloat(e.a, env, budget);
      v = x >= 0 && x <= 170 && Math.floor(x) === x ? factorial(x) : NaN;
      break;
    }
    case "root": {
      const n = evalFloat(e.n, env, budget);
      const x = evalFloat(e.a, env, budget);
      if (n === 2) v = Math.sqrt(x);
      else if (x < 0 && Math.floor(n) === n && n % 2 === 1) v = -Math.pow(-x, 1 / n);
      else v = Math.pow(x, 1 / n);
      break;
    }
    case "fn":
      v = applyFunction(e.name, evalFloat(e.a, env, budget));
      break;
  }
  return Number.isFinite(v) ? v : NaN;
}

function applyFunction(name: string, x: number): number {
  switch (name) {
    case "sin":
      return Math.sin(x);
    case "cos":
      return Math.cos(x);
    case "tan":
      return Math.tan(x);
    case "cot":
      return 1 / Math.tan(x);
    case "sec":
      return 1 / Math.cos(x);
    case "csc":
      return 1 / Math.sin(x);
    case "ln":
    case "log":
      return Math.log(x);
    case "exp":
      return Math.exp(x);
    case "arcsin":
      return Math.asin(x);
    case "arccos":
      return Math.acos(x);
    case "arctan":
      return Math.atan(x);
    case "sinh":
      return Math.sinh(x);
    case "cosh":
      return Math.cosh(x);
    default:
      return Math.tanh(x);
  }
}

/** An exact rational `num/den` with `den > 0` (not necessarily reduced). */
export interface Rational {
  num: bigint;
  den: bigint;
}

/** Exact values stay below this many hex digits (4096 bits). */
const MAX_HEX = 1024;

function hexDigits(x: bigint): number {
  if (x === 0n) return 0;
  return (x < 0n ? -x : x).toString(16).length;
}

function checked(r: Rational, budget: Budget): Rational | null {
  const hn = hexDigits(r.num);
  const hd = hexDigits(r.den);
  budget.spend(1 + ((hn + hd) >> 3));
  if (hn > MAX_HEX || hd > MAX_HEX) return null;
  return r;
}

function parseDecimal(text: string): Rational {
  const dot = text.indexOf(".");
  if (dot < 0) return { num: BigInt(text), den: 1n };
  const frac = text.slice(dot + 1);
  return { num: BigInt(text.slice(0, dot) + frac), den: 10n ** BigInt(frac.length) };
}

/** Evaluates exactly; null when the value is not a (small enough) rational. */
export function evalExact(e: Expr, budget: Budget): Rational | null {
  budget.spend(1);
  switch (e.k) {
    case "num":
      return checked(parseDecimal(e.text), budget);
    case "neg": {
      const a = evalExact(e.a, budget);
      return a === null ? null : { num: -a.num, den: a.den };
    }
    case "abs": {
      const a = evalExact(e.a, budget);
      return a === null ? null : { num: a.num < 0n ? -a.num : a.num, den: a.den };
    }
    case "pct": {
      const a = evalExact(e.a, budget);
      return a === null ? null : checked({ num: a.num, den: a.den * 100n }, budget);
    }
    case "add":
    case "sub": {
      const a = evalExact(e.a, budget);
      if (a === null) return null;
      const b = evalExact(e.b, budget);
      if (b === null) return null;
      const bn = e.k === "add" ? b.num : -b.num;
      return checked({ num: a.num * b.den + bn * a.den, den: a.den * b.den }, budget);
    }
    case "mul": {
      const a = evalExact(e.a, budget);
      if (a === null) return null;
      const b = evalExact(e.b, budget);
      if (b === null) return null;
      return checked({ num: a.num * b.num, den: a.den * b.den }, budget);
    }
    case "div": {
      const a = evalExact(e.a, budget);
      if (a === null) return null;
      const b = evalExact(e.b, budget);
      if (b === null || b.num === 0n) return null;
      const neg = b.num < 0n;
      return checked({
        num: neg ? -(a.num * b.den) : a.num * b.den,
        den: neg ? -(a.den * b.num) : a.den * b.num,
      }, budget);
    }
    case "pow": {
      const a = evalExact(e.a, budget);
      if (a === null) return null;
      const b = evalExact(e.b, budget);
      if (b === null || b.den !== 1n) return null;
      const n = b.num < 0n ? -b.num : b.num;
      const size = Math.max(hexDigits(a.num), hexDigits(a.den));
      if (n > 4096n || BigInt(size) * n > BigInt(MAX_HEX + 1)) return null;
      if (b.num < 0n && a.num === 0n) return null;
      let num = a.num ** n;
      let den = a.den ** n;
      if (b.num < 0n) [num, den] = num < 0n ? [-den, -num] : [den, num];
      return checked({ num, den }, budget);
    }
    case "fact": {
      const a = evalExact(e.a, budget);
      if (a === null || a.den !== 1n || a.num < 0n || a.num > 300n) return null;
      let r = 1n;
      for (let i = 2n; i <= a.num; i++) r *= i;
      return checked({ num: r, den: 1n }, budget);
    }
    default:
      return null;
  }
}

/** Whether two rationals are equal (by cross-multiplication). */
export function rationalEqual(a: Rational, b: Rational): boolean {
  return a.num * b.den === b.num * a.den;
}

/** The float nearest to a rational (good enough for tolerance checks). */
export function rationalToFloat(r: Rational): number {
  return Number(r.num) / Number(r.den);
}
