/**
 * Score code responses for APPS, TACO and LiveCodeBench in a sandbox: extract
 * the program, run every test of a response in one sandbox batch (per-test
 * time limits scaled by the sandbox's measured speed), compare outputs in the
 * parent, and give a verdict per test and per response (DESIGN.md section 5).
 *
 * Test policy per family: APPS runs every test, as its reference runner does
 * (after two hard failures, such as timeouts, the rest are skipped); TACO and
 * LiveCodeBench stop at the first failing test, as theirs do. `tests` in the
 * score lists the verdicts of the tests that ran.
 *
 * Permissions: those of the sandbox (a Pyodide sandbox by default).
 *
 * @module
 */

import { correctnessOf, type Score, type TestVerdict } from "../../core/verdict.ts";
import { calibrateSpeedFactor } from "../../sandbox/calibrate.ts";
import { createPyodideSandbox, type PyodideSandbox } from "../../sandbox/pyodide_pool.ts";
import { runBatch, type RunResult, type Sandbox, SandboxError } from "../../sandbox/sandbox.ts";
import {
  appsCallMatches,
  appsStdinMatches,
  lcbCallMatches,
  lcbStdinMatches,
  parsePyValue,
  type PyValue,
} from "./compare.ts";
import { extractCode } from "./extract.ts";
import {
  APPS_HEADER,
  callDriver,
  LCB_HEADER,
  RESULT_MARKER,
  stdinProgram,
  SYNTAX_MARKER,
  withHeader,
} from "./programs.ts";

/** The benchmark a code item comes from. */
export type CodeFamily = "apps" | "taco" | "livecodebench";

/** APPS/TACO `input_output`. */
export interface CodeTests {
  inputs: unknown[];
  outputs: unknown[];
  fn_name?: string;
}

/** One LiveCodeBench test. */
export interface LcbTest {
  input: string;
  output: string;
  testtype: "stdin" | "functional";
  metadata?: { func_name?: string };
}

/** One response to score. */
export interface CodeItem {
  response: string;
  family: CodeFamily;
  /** APPS/TACO `input_output` (object or JSON string), or LiveCodeBench tests. */
  tests: CodeTests | LcbTest[] | string;
  starterCode?: string;
  fnName?: string;
  /** Native per-test time limit; default 4 s (APPS, TACO) or 6 s (LiveCodeBench). */
  timeLimitSeconds?: number;
  finishReason?: string | null;
}

/** Scores code items; owns its sandbox unless one was passed in. */
export interface CodeScorer extends AsyncDisposable {
  score(item: CodeItem): Promise<Score>;
  close(): Promise<void>;
  readonly info: { sandbox: string; speedFactor: number };
}

/** Options of {@linkcode createCodeScorer}. */
export interface CodeScorerOptions {
  /** A sandbox to use (not closed by the scorer); default: a new Pyodide sandbox. */
  sandbox?: Sandbox;
  workers?: number;
  memoryLimitMiB?: number;
  /** Run at most this many tests per response (the first ones). */
  maxTestsPerResponse?: number;
  /** Sandbox time / native time; measured (and cached) when absent. */
  speedFactor?: number;
  /** Native interpreter for the calibration (default `/usr/bin/python3`). */
  python?: string;
  /**
   * Whether the sandbox it starts kills its processes and re-raises on
   * SIGINT/SIGTERM (default true); a caller that handles signals itself and
   * calls `close()` passes false.
   */
  handleSignals?: boolean;
}

const DEFAULT_LIMIT_SECONDS: Record<CodeFamily, number> = {
  apps: 4,
  taco: 4,
  livecodebench: 6,
};
const MAX_HARD_FAILURES = 2;
const HARD: ReadonlySet<TestVerdict> = new Set(["timeout", "memory_limit", "output_limit"]);

interface PlannedTest {
  stdin: string;
  check(result: RunResult): TestVerdict;
}

interface Plan {
  code: string;
  program: string;
  tests: PlannedTest[];
  stopAtFirstFailure: boolean;
}

function failureVerdict(result: RunResult): TestVerdict | undefined {
  switch (result.status) {
    case "timeout":
      return "timeout";
    case "memory_limit":
      return "memory_limit";
    case "output_limit":
      return "output_limit";
    case "crash":
      return "runtime_error";
    case "exception":
      if (result.phase === "compile" || result.stderr.includes(SYNTAX_MARKER)) {
        return "syntax_error";
      }
      return "runtime_error";
    case "exit":
      if (result.stderr.includes(SYNTAX_MARKER)) return "syntax_error";
      return result.exitCode === 0 ? undefined : "runtime_error";
    case "ok":
      return undefined;
  }
}

function callResult(stdout: string): PyValue | undefined {
  const at = stdout.lastIndexOf(RESULT_MARKER);
  if (at < 0) return undefined;
  const end = stdout.indexOf("\n", at);
  return parsePyValue(stdout.slice(at + RESULT_MARKER.length, end < 0 ? undefined : end));
}

function parseTests(tests: CodeItem["tests"]): CodeTests | LcbTest[] {
  let parsed: unknown = tests;
  if (typeof tests === "string") {
    try {
      parsed = JSON.parse(tests);
    } catch (cause) {
      throw new TypeError("Cannot read code tests: not valid JSON", { cause });
    }
  }
  if (Array.isArray(parsed)) {
    const bad = parsed.findIndex((t) =>
      typeof t?.input !== "string" || typeof t?.output !== "string"
    );
    if (bad >= 0) {
      throw new TypeError(`Cannot read code tests: test ${bad} needs string "input" and "output"`);
    }
    return parsed;
  }
  const io = parsed as Partial<CodeTests> | null;
  if (!Array.isArray(io?.inputs) || !Array.isArray(io?.outputs)) {
    throw new TypeError('Cannot read code tests: "inputs" and "outputs" must be lists');
  }
  if (io.outputs.length < io.inputs.length) {
    throw new TypeError(
      `Cannot read code tests: ${io.inputs.length} inputs but ${io.outputs.length} outputs`,
    );
  }
  return io as CodeTests;
}

/** The method name in LeetCode-style starter code (`def name(self, ...)`). */
export function starterFunctionName(starterCode: string | undefined): string | undefined {
  if (!starterCode) return undefined;
  return /def\s+([A-Za-z_]\w*)\s*\(/.exec(starterCode)?.[1];
}

function stdinText(input: unknown): string {
  if (typeof input === "string") return input;
  if (Array.isArray(input)) return input.map(String).join("\n");
  return String(input);
}

/** How a response will be tested: the program, one stdin and checker per test. */
export function planTests(item: CodeItem, code: string, maxTests = Infinity): Plan {
  const tests = parseTests(item.tests);
  if (Array.isArray(tests)) {
    const chosen = tests.slice(0, maxTests);
    const functional = chosen[0]?.testtype === "functional";
    if (functional) {
      const fnName = item.fnName ?? starterFunctionName(item.starterCode) ??
        chosen[0]?.metadata?.func_name ?? starterFunctionName(code);
      if (!fnName) throw new TypeError("Cannot run functional tests: no function name");
      return {
        code,
        program: callDriver(withHeader(LCB_HEADER, code), fnName, "lcb"),
        stopAtFirstFailure: true,
        tests: chosen.map((t) => ({
          stdin: t.input,
          check: (r) => {
            const value = callResult(r.stdout);
            if (value === undefined) return "runtime_error";
            return lcbCallMatches(value, t.output) ? "pass" : "wrong_answer";
          },
        })),
      };
    }
    return {
      code,
      program: stdinProgram(withHeader(LCB_HEADER, code)),
      stopAtFirstFailure: true,
      tests: chosen.map((t) => ({
        stdin: t.input,
        check: (r) => lcbStdinMatches(r.stdout, t.output) ? "pass" : "wrong_answer",
      })),
    };
  }
  const inputs = tests.inputs.slice(0, maxTests);
  const fnName = item.fnName ?? tests.fn_name;
  const stopAtFirstFailure = item.family === "taco";
  if (fnName) {
    return {
      code,
      program: callDriver(withHeader(APPS_HEADER, code), fnName, "apps"),
      stopAtFirstFailure,
      tests: inputs.map((input, i) => ({
        stdin: JSON.stringify(input),
        check: (r) => {
          const value = callResult(r.stdout);
          if (value === undefined) return "runtime_error";
          return appsCallMatches(value, tests.outputs[i]) ? "pass" : "wrong_answer";
        },
      })),
    };
  }
  return {
    code,
    program: stdinProgram(withHeader(APPS_HEADER, code)),
    stopAtFirstFailure,
    tests: inputs.map((input, i) => ({
      stdin: stdinText(input),
      check: (r) => appsStdinMatches(r.stdout, tests.outputs[i]) ? "pass" : "wrong_answer",
    })),
  };
}

/** Run a plan once; `crashed` says whether the sandbox process died under it. */
async function runPlan(
  sandbox: Sandbox,
  plan: Plan,
  timeLimitMs: number,
  memoryLimitMiB: number | undefined,
): Promise<{ verdicts: TestVerdict[]; crashed: boolean }> {
  const verdicts: TestVerdict[] = [];
  let crashed = false;
  let hardFailures = 0;
  await runBatch(sandbox, {
    code: plan.program,
    inputs: plan.tests.map((t) => t.stdin),
    timeLimitMs,
    memoryLimitMiB,
  }, (index, result) => {
    if (result.status === "crash") crashed = true;
    const verdict = failureVerdict(result) ?? plan.tests[index].check(result);
    verdicts[index] = verdict;
    if (verdict === "pass") return true;
    if (plan.stopAtFirstFailure || verdict === "syntax_error") return false;
    if (HARD.has(verdict) && ++hardFailures >= MAX_HARD_FAILURES) return false;
    return true;
  });
  return { verdicts: verdicts.filter((v) => v !== undefined), crashed };
}

/**
 * Score one response in `sandbox`. `speedFactor` scales the native time limit.
 * Sandbox failures are retried once, then reported as `infra_error`.
 */
export async function scoreCode(
  sandbox: Sandbox,
  item: CodeItem,
  options: { speedFactor?: number; maxTestsPerResponse?: number; memoryLimitMiB?: number } = {},
): Promise<Score> {
  const code = extractCode(item.response);
  // Without tests nothing can be judged, whatever the response holds.
  let tests: CodeTests | LcbTest[];
  try {
    tests = parseTests(item.tests);
  } catch (error) {
    return unscored(code, (error as Error).message);
  }
  if ((Array.isArray(tests) ? tests.length : tests.inputs.length) === 0) {
    return unscored(code, "no tests");
  }
  if (code === null) {
    return {
      verdict: "no_code",
      correct: false,
      extracted: null,
      detail: item.finishReason === "length" ? "truncated before any code" : undefined,
    };
  }
  let plan: Plan;
  try {
    plan = planTests(item, code, options.maxTestsPerResponse);
  } catch (error) {
    return unscored(code, `Cannot plan tests: ${(error as Error).message}`);
  }
  if (plan.tests.length === 0) return unscored(code, "no tests");
  const seconds = item.timeLimitSeconds ?? DEFAULT_LIMIT_SECONDS[item.family];
  const timeLimitMs = Math.round(seconds * 1000 * (options.speedFactor ?? 1));
  let lastError: unknown;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const { verdicts, crashed } = await runPlan(
        sandbox,
        plan,
        timeLimitMs,
        options.memoryLimitMiB,
      );
      if (crashed && attempt === 0) continue;
      const failing = verdicts.find((v) => v !== "pass");
      // Tests missing with none failing: the program stopped the harness itself.
      const verdict = failing ??
        (verdicts.length === plan.tests.length ? "correct" : "runtime_error");
      return {
        verdict,
        correct: correctnessOf(verdict),
        extracted: code,
        tests: verdicts,
        detail: verdicts.length < plan.tests.length
          ? `ran ${verdicts.length} of ${plan.tests.length} tests`
          : undefined,
      };
    } catch (error) {
      if (!(error instanceof SandboxError)) throw error;
      lastError = error;
    }
  }
  return unscored(code, `Sandbox failed: ${(lastError as Error)?.message ?? "process died twice"}`);
}

function unscored(code: string | null, detail: string): Score {
  return { verdict: "infra_error", correct: null, extracted: code, detail };
}

/**
 * Create a code scorer. Without a `sandbox` it starts a Pyodide sandbox (and
 * closes it on `close()`); without a `speedFactor` it measures one against
 * the native `python3` and caches it next to the sandbox assets.
 *
 * @example
 * ```ts ignore
 * await using scorer = await createCodeScorer();
 * const score = await scorer.score({
 *   family: "apps",
 *   response: "```python\nprint(int(input()) * 2)\n```",
 *   tests: { inputs: ["2\n"], outputs: ["4\n"] },
 * });
 * // score.verdict === "correct"
 * ```
 */
export async function createCodeScorer(options: CodeScorerOptions = {}): Promise<CodeScorer> {
  const owned = options.sandbox === undefined;
  const sandbox: Sandbox = options.sandbox ??
    await createPyodideSandbox({
      workers: options.workers,
      memoryLimitMiB: options.memoryLimitMiB,
      handleSignals: options.handleSignals,
    });
  let speedFactor = options.speedFactor;
  if (speedFactor === undefined) {
    try {
      const cacheDir = (sandbox as Partial<PyodideSandbox>).cacheDir;
      const calibration = await calibrateSpeedFactor(sandbox, {
        python: options.python,
        cacheFile: cacheDir ? `${cacheDir.replace(/\/$/, "")}/speed_factor.json` : undefined,
      });
      speedFactor = calibration.factor;
    } catch (error) {
      if (owned) await sandbox.close();
      throw error;
    }
  }
  const factor = speedFactor;
  const scorer: CodeScorer = {
    info: { sandbox: sandbox.name, speedFactor: factor },
    score: (item) =>
      scoreCode(sandbox, item, {
        speedFactor: factor,
        maxTestsPerResponse: options.maxTestsPerResponse,
      }),
    close: async () => {
      if (owned) await sandbox.close();
    },
    [Symbol.asyncDispose]: () => scorer.close(),
  };
  return scorer;
}
