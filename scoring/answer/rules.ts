/**
 * The grading rule table (`rules.json`): unit words, number words, the
 * replacement lists of normalization, and the verdict and detail codes. The
 * Rust twin reads the same file (`native/src/rules.rs`), so a rule changes
 * in one place for both.
 *
 * @module
 */

import table from "./rules.json" with { type: "json" };
import type { AnswerVerdict } from "../../core/verdict.ts";

/** A list of `[from, to]` replacements applied in order. */
export type Replacements = readonly (readonly [string, string])[];

/** The parsed rule table. */
export interface RuleTable {
  /** Verdicts in code order (the native wire format sends the index). */
  verdicts: readonly AnswerVerdict[];
  /** Detail texts in code order; code 0 (`""`) means no detail. */
  details: readonly string[];
  numberWords: ReadonlyMap<string, string>;
  unitWords: ReadonlySet<string>;
  textCommands: readonly string[];
  replacements: {
    spacing: Replacements;
    spelling: Replacements;
    braces: Replacements;
    decorations: Replacements;
    ordinals: Replacements;
    sets: Replacements;
    membership: Replacements;
  };
}

function pairs(list: string[][]): Replacements {
  return list.map(([from, to]) => [from, to] as const);
}

/** The rule table both implementations read. */
export const RULES: RuleTable = {
  verdicts: table.verdicts as AnswerVerdict[],
  details: table.details,
  numberWords: new Map(Object.entries(table.numberWords)),
  unitWords: new Set(table.unitWords),
  textCommands: table.textCommands,
  replacements: {
    spacing: pairs(table.replacements.spacing),
    spelling: pairs(table.replacements.spelling),
    braces: pairs(table.replacements.braces),
    decorations: pairs(table.replacements.decorations),
    ordinals: pairs(table.replacements.ordinals),
    sets: pairs(table.replacements.sets),
    membership: pairs(table.replacements.membership),
  },
};

/** Detail code of a grade that ran out of its work budget. */
export const BUDGET_DETAIL = RULES.details[1];
/** Detail code of a gold answer too long to grade. */
export const GOLD_TOO_LONG_DETAIL = RULES.details[2];
/** Detail code of a panic inside the native grader. */
export const INTERNAL_DETAIL = RULES.details[3];
