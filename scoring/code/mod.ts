/**
 * Code scoring for APPS, TACO and LiveCodeBench: extraction, test harnesses,
 * output comparison, per-test and per-response verdicts.
 *
 * Importing this module needs no permissions; `createCodeScorer` starts a
 * Pyodide sandbox (run, read of the Pyodide package, write of its cache).
 *
 * @module
 */

export {
  type CodeFamily,
  type CodeItem,
  type CodeScorer,
  type CodeScorerOptions,
  type CodeTests,
  createCodeScorer,
  type LcbTest,
  planTests,
  scoreCode,
  starterFunctionName,
} from "./scorer.ts";
export { extractCode } from "./extract.ts";
export {
  appsCallMatches,
  appsStdinMatches,
  lcbCallMatches,
  lcbStdinMatches,
  pyEquals,
  type PyValue,
} from "./compare.ts";
export { type CodeGradeLine, familyOf, gradeCodeLine } from "./grade_line.ts";
