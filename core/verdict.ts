/**
 * The verdict vocabulary shared by every scorer (DESIGN.md section 5).
 *
 * A bare boolean hides why a response failed; a verdict says it. `correct` is
 * `null` when the response could not be scored (`grader_error`, `infra_error`):
 * unscored is not wrong.
 *
 * @module
 */

/** Verdicts of a math or multiple-choice response. */
export type AnswerVerdict =
  | "correct"
  | "incorrect"
  | "no_answer"
  | "truncated"
  | "grader_error";

/** Verdict of one test case run against a code response. */
export type TestVerdict =
  | "pass"
  | "wrong_answer"
  | "runtime_error"
  | "timeout"
  | "memory_limit"
  | "output_limit"
  | "syntax_error";

/**
 * Verdict of a whole code response: `correct` when every test is exactly
 * `pass`, otherwise the verdict of the first test that did not pass, or
 * `no_code` (nothing to run) or `infra_error` (the sandbox itself failed).
 */
export type CodeVerdict =
  | "correct"
  | Exclude<TestVerdict, "pass">
  | "no_code"
  | "infra_error";

/** Any verdict a scored response may carry. */
export type Verdict = AnswerVerdict | CodeVerdict;

/** Every verdict, in the order reports list them. */
export const VERDICTS: readonly Verdict[] = [
  "correct",
  "incorrect",
  "no_answer",
  "truncated",
  "wrong_answer",
  "runtime_error",
  "timeout",
  "memory_limit",
  "output_limit",
  "syntax_error",
  "no_code",
  "grader_error",
  "infra_error",
];

/** Whether a verdict counts as correct, wrong, or unscored (`null`). */
export function correctnessOf(verdict: Verdict): boolean | null {
  if (verdict === "correct") return true;
  if (verdict === "grader_error" || verdict === "infra_error") return null;
  return false;
}

/** The outcome of scoring one response. */
export interface Score {
  verdict: Verdict;
  /** `true`/`false`, or `null` when unscored. Always `correctnessOf(verdict)`. */
  correct: boolean | null;
  /** The answer (or code) the scorer extracted, `null` when none. */
  extracted: string | null;
  /** Per-test verdicts, for code responses. */
  tests?: TestVerdict[];
  /** A short human-readable reason, e.g. the grader error text. */
  detail?: string;
}
