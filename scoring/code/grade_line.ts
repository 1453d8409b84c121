/**
 * The `grade` command's adapter for `"kind": "code"` lines:
 * `{"id", "response", "kind": "code", "tests": {inputs, outputs, fn_name?}, "task"?}`.
 * The family comes from `task` (`taco...`, `livecodebench...`/`lcb...`, else
 * APPS), or from the tests' shape (a list of LiveCodeBench tests).
 *
 * Permissions: none beyond the scorer's.
 *
 * @module
 */

import type { Score } from "../../core/verdict.ts";
import type { CodeFamily, CodeItem, CodeScorer } from "./scorer.ts";

/** A `grade` input line of kind `code`. */
export interface CodeGradeLine {
  id?: unknown;
  response: string;
  kind?: "code";
  tests: CodeItem["tests"];
  task?: string;
  fn_name?: string;
  starter_code?: string;
  time_limit_seconds?: number;
  finish_reason?: string | null;
}

/** The family a `grade` line belongs to. */
export function familyOf(line: Pick<CodeGradeLine, "task" | "tests">): CodeFamily {
  const task = (line.task ?? "").toLowerCase();
  if (task.startsWith("taco")) return "taco";
  if (task.startsWith("livecodebench") || task.startsWith("lcb")) return "livecodebench";
  if (Array.isArray(line.tests)) return "livecodebench";
  return "apps";
}

/** Score one `grade` line of kind `code`. */
export async function gradeCodeLine(scorer: CodeScorer, line: CodeGradeLine): Promise<Score> {
  if (typeof line.response !== "string") {
    throw new TypeError(`Cannot grade code line "${line.id}": "response" must be a string`);
  }
  if (line.tests === undefined || line.tests === null) {
    throw new TypeError(`Cannot grade code line "${line.id}": "tests" is missing`);
  }
  return await scorer.score({
    response: line.response,
    family: familyOf(line),
    tests: line.tests,
    fnName: line.fn_name,
    starterCode: line.starter_code,
    timeLimitSeconds: line.time_limit_seconds,
    finishReason: line.finish_reason,
  });
}
