/**
 * Math and multiple-choice answer grading (the TypeScript reference path).
 * Importing it needs no permissions. The Rust twin in `native/` implements
 * the same rules and gives the same verdicts.
 *
 * @example
 * ```ts
 * import { tsAnswerGrader } from "./mod.ts";
 * const [s] = tsAnswerGrader().grade([{ response: "So $\\boxed{\\frac12}$.", gold: "0.5", format: "math" }]);
 * // s.verdict === "correct", s.extracted === "\\frac{1}{2}"
 * ```
 *
 * @module
 */

import type { Score } from "../../core/verdict.ts";
import { type AnswerItem, gradeAnswer } from "./grade.ts";
import { cleanRaw, extractRawAnswer, stripThinking } from "./extract.ts";
import { normalizeAnswer } from "./normalize.ts";

export { ANSWER_FORMATS, type AnswerFormat, type AnswerItem, gradeAnswer } from "./grade.ts";
export { normalizeAnswer } from "./normalize.ts";
export { mathEqual } from "./equivalence.ts";
export { Budget, BudgetExceeded, GRADE_BUDGET, GRADER_MODES, type GraderMode } from "./budget.ts";
import type { GraderMode } from "./budget.ts";
export { extractChoice } from "./choice.ts";

/** A batch grader: the TypeScript reference or the native library. */
export interface AnswerGrader {
  readonly path: "native" | "ts";
  /** The equivalence rules it follows (the native library follows `skyeval`'s). */
  readonly mode?: GraderMode;
  /** Grades every item; the result has one Score per item, in order. */
  grade(items: readonly AnswerItem[]): Score[];
}

/** The TypeScript grader (always available), following `mode`'s rules. */
export function tsAnswerGrader(options: { mode?: GraderMode } = {}): AnswerGrader {
  const mode = options.mode ?? "skyeval";
  return {
    path: "ts",
    mode,
    grade(items: readonly AnswerItem[]): Score[] {
      return items.map((item) => gradeAnswer(item, mode));
    },
  };
}

/**
 * The normalized final answer of a text (a model response or a reference
 * solution such as Minerva's or NuminaMath's), or null when it has none.
 */
export function extractMathAnswer(text: string): string | null {
  const raw = extractRawAnswer(stripThinking(text));
  if (raw === null) return null;
  const s = normalizeAnswer(cleanRaw(raw));
  return s === "" ? null : s;
}
