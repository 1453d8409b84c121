/**
 * Complex values of constant expressions in the imaginary unit `i`
 * (`i(2-i)` is `1+2i`): `i` is √-1, not a variable.
 *
 * @module
 */

import type { Budget } from "./budget.ts";
import { evalFloat, type Expr } from "./expression.ts";

/** A complex value: real and imaginary parts. */
export type Complex = readonly [number, number];

/** Largest integer power taken exactly (by squaring). */
const MAX_POWER = 1_000_000;

function hasI(e: Expr): boolean {
  if (e.k === "var") return e.name === "i";
  if (e.k === "num" || e.k === "const") return false;
  if (e.k === "root") return hasI(e.n) || hasI(e.a);
  if ("b" in e) return hasI(e.a) || hasI(e.b);
  return hasI(e.a);
}

function real(e: Expr, budget: Budget): Complex | null {
  const v = evalFloat(e, new Map(), budget);
  return Number.isNaN(v) ? null : [v, 0];
}

function times(a: Complex, b: Complex): Complex {
  return [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
}

function power(base: Complex, n: number): Complex | null {
  if (!Number.isInteger(n) || Math.abs(n) > MAX_POWER) {
    return base[1] === 0 ? [Math.pow(base[0], n), 0] : null;
  }
  let r: Complex = [1, 0];
  let b = base;
  for (let k = Math.abs(n); k > 0; k = Math.floor(k / 2)) {
    if (k % 2 === 1) r = times(r, b);
    b = times(b, b);
  }
  if (n >= 0) return r;
  const d = r[0] * r[0] + r[1] * r[1];
  return d === 0 ? null : [r[0] / d, -r[1] / d];
}

function evalNode(e: Expr, budget: Budget): Complex | null {
  if (!hasI(e)) {
    const r = real(e, budget);
    if (r !== null) return r;
  }
  switch (e.k) {
    case "var":
      return [0, 1];
    case "neg": {
      const a = evalComplex(e.a, budget);
      return a === null ? null : [-a[0], -a[1]];
    }
    case "add":
    case "sub":
    case "mul":
    case "div": {
      const a = evalComplex(e.a, budget);
      if (a === null) return null;
      const b = evalComplex(e.b, budget);
      if (b === null) return null;
      if (e.k === "add") return [a[0] + b[0], a[1] + b[1]];
      if (e.k === "sub") return [a[0] - b[0], a[1] - b[1]];
      if (e.k === "mul") return times(a, b);
      const d = b[0] * b[0] + b[1] * b[1];
      return d === 0 ? null : [(a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d];
    }
    case "pow": {
      if (hasI(e.b)) return null;
      const base = evalComplex(e.a, budget);
      if (base === null) return null;
      const n = evalFloat(e.b, new Map(), budget);
      return Number.isNaN(n) ? null : power(base, n);
    }
    case "root": {
      if (hasI(e.n)) return null;
      const n = evalFloat(e.n, new Map(), budget);
      const x = evalComplex(e.a, budget);
      if (x === null || x[1] !== 0 || n !== 2) return null;
      return x[0] < 0 ? [0, Math.sqrt(-x[0])] : [Math.sqrt(x[0]), 0];
    }
    default:
      return null;
  }
}

/**
 * The complex value of an expression whose only variable is `i` (square
 * roots of negative numbers included), or null (a function of `i`, a
 * non-integer power of a complex value, division by 0).
 */
export function evalComplex(e: Expr, budget: Budget): Complex | null {
  budget.spend(1);
  const v = evalNode(e, budget);
  return v !== null && Number.isFinite(v[0]) && Number.isFinite(v[1]) ? v : null;
}

function near(x: number, y: number): boolean {
  return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
}

/** Whether two complex values are equal up to rounding. */
export function complexEqual(a: Complex, b: Complex): boolean {
  return near(a[0], b[0]) && near(a[1], b[1]);
}
