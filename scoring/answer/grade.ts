/**
 * Grading one answer item: extraction, normalization and comparison per
 * format, under the work budget, to a {@link Score} with a verdict.
 *
 * @module
 */

import { correctnessOf, type Score } from "../../core/verdict.ts";
import type { AnswerVerdict } from "../../core/verdict.ts";
import { Budget, BudgetExceeded, GRADE_BUDGET, type GraderMode } from "./budget.ts";
import { cleanGoldLetter, extractChoice } from "./choice.ts";
import {
  cleanRaw,
  extractRawAnswer,
  lastBoxed,
  lastNumber,
  stripThinking,
  unwrapMath,
} from "./extract.ts";
import { matchesOption, optionGold, textGold, textKey } from "./text_answer.ts";
import { mathEqual, numbersEqual, parseNumber } from "./equivalence.ts";
import { normalizeAnswer } from "./normalize.ts";
import { utf8Length } from "./text.ts";
import { BUDGET_DETAIL, GOLD_TOO_LONG_DETAIL } from "./rules.ts";

/** Answer formats: free-form math, GSM8K numbers, and multiple-choice letters. */
export type AnswerFormat = "math" | "gsm8k" | "choice" | "mmlu_pro" | "arc";

/** Every answer format, in a fixed order (the native path encodes formats by index). */
export const ANSWER_FORMATS: readonly AnswerFormat[] = [
  "math",
  "gsm8k",
  "choice",
  "mmlu_pro",
  "arc",
];

/** One response to grade. */
export interface AnswerItem {
  /** The model's full text. */
  response: string;
  /** math/gsm8k: the reference answer; choice formats: the gold letter ("A".."P"). */
  gold: string;
  format: AnswerFormat;
  /** Option texts in letter order (choice formats): the option text may stand for its letter. */
  choices?: string[];
  /** "length" means the response was cut by max_tokens. */
  finishReason?: string | null;
}

const DEFAULT_OPTION_COUNT: Record<string, number> = { choice: 4, mmlu_pro: 10, arc: 5 };

function score(verdict: AnswerVerdict, extracted: string | null, detail?: string): Score {
  const s: Score = { verdict, correct: correctnessOf(verdict), extracted };
  if (detail !== undefined) s.detail = detail;
  return s;
}

function missing(truncated: boolean): Score {
  return score(truncated ? "truncated" : "no_answer", null);
}

/** Longest raw answer (in UTF-8 bytes) that is graded; longer ones are not answers. */
export const MAX_ANSWER_BYTES = 4096;

function gradeMath(text: string, gold: string, truncated: boolean, budget: Budget): Score {
  const raw = extractRawAnswer(text, truncated);
  if (raw === null || utf8Length(raw) > MAX_ANSWER_BYTES) return missing(truncated);
  const pred = normalizeAnswer(cleanRaw(raw));
  if (pred === "") return missing(truncated);
  const g = unwrapMath(gold.includes("boxed") ? lastBoxed(gold) ?? gold : gold);
  if (utf8Length(g) > MAX_ANSWER_BYTES) return score("grader_error", pred, GOLD_TOO_LONG_DETAIL);
  const words = textGold(g);
  if (words !== null) return score(textKey(pred) === words ? "correct" : "incorrect", pred);
  const option = optionGold(g);
  if (option !== null) return score(matchesOption(pred, option) ? "correct" : "incorrect", pred);
  const ref = normalizeAnswer(cleanRaw(g));
  try {
    return score(mathEqual(pred, ref, budget) ? "correct" : "incorrect", pred);
  } catch (err) {
    if (err instanceof BudgetExceeded) return score("grader_error", pred, BUDGET_DETAIL);
    throw err;
  }
}

function goldNumber(gold: string): string | null {
  const hash = gold.lastIndexOf("####");
  const tail = hash >= 0 ? gold.slice(hash + 4) : gold;
  return lastNumber(tail.replaceAll("$", ""));
}

function gradeGsm8k(text: string, gold: string, truncated: boolean): Score {
  const raw = extractRawAnswer(text, truncated, false);
  if (raw === null || utf8Length(raw) > MAX_ANSWER_BYTES) return missing(truncated);
  const pred = lastNumber(raw.replaceAll("$", ""));
  if (pred === null) return missing(truncated);
  const g = goldNumber(gold);
  const pn = parseNumber(pred);
  const gn = g === null ? null : parseNumber(g);
  const ok = pn !== null && gn !== null && numbersEqual(pn, gn);
  return score(ok ? "correct" : "incorrect", pred);
}

function gradeChoice(item: AnswerItem, text: string, truncated: boolean): Score {
  const given = item.choices?.length ?? 0;
  const count = Math.min(16, Math.max(2, given > 0 ? given : DEFAULT_OPTION_COUNT[item.format]));
  const letter = extractChoice(text, count, item.choices, truncated);
  if (letter === null) return missing(truncated);
  return score(letter === cleanGoldLetter(item.gold) ? "correct" : "incorrect", letter);
}

/** Without NULs and lone surrogates (what the native path receives as UTF-8). */
export function cleanText(s: string): string {
  const t = s.includes("\0") ? s.replaceAll("\0", "") : s;
  return t.isWellFormed() ? t : t.toWellFormed();
}

/**
 * Grades one item. Never throws: an internal failure is a `grader_error`.
 * `mode` picks the equivalence rules (see {@link GraderMode}).
 */
export function gradeAnswer(input: AnswerItem, mode: GraderMode = "skyeval"): Score {
  const item: AnswerItem = {
    ...input,
    response: cleanText(input.response),
    gold: cleanText(input.gold),
    choices: input.choices?.map(cleanText),
  };
  const truncated = item.finishReason === "length";
  const text = stripThinking(item.response);
  try {
    switch (item.format) {
      case "math":
        return gradeMath(text, item.gold, truncated, new Budget(GRADE_BUDGET, mode));
      case "gsm8k":
        return gradeGsm8k(text, item.gold, truncated);
      default:
        return gradeChoice(item, text, truncated);
    }
  } catch (err) {
    return score("grader_error", null, err instanceof Error ? err.message : String(err));
  }
}
