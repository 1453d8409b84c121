/**
 * Choosing the scoring path: the native (Rust, FFI) answer grader when it
 * is built and allowed, else the TypeScript one; the Pyodide code scorer
 * started only when a code task needs it.
 *
 * @module
 */
import { GRADER_MODES, type GraderMode, tsAnswerGrader } from "../scoring/answer/mod.ts";
import { openNativeAnswerGrader } from "../native/mod.ts";
import { type CodeScorer, createCodeScorer } from "../scoring/code/mod.ts";
import type { Scorers } from "../core/score_samples.ts";
import { type CommandIO, UsageError } from "./io.ts";

/** `--scorer` values. */
export type ScorerChoice = "auto" | "native" | "ts";

/** Scorers plus what to record about them. */
export interface ChosenScorers {
  scorers: Scorers;
  /** Recorded in `summary.json` as `scoring`. */
  describe(): Record<string, unknown>;
  close(): Promise<void>;
}

/** The `--grader` value: the equivalence rules (default `skyeval`). */
export function graderMode(value: string | undefined): GraderMode {
  const mode = (value ?? "skyeval") as GraderMode;
  if (!GRADER_MODES.includes(mode)) {
    throw new UsageError(`--grader must be ${GRADER_MODES.join(" or ")}, got "${value}"`);
  }
  return mode;
}

/**
 * The `--scorer` and `--grader` values, checked together (before any slow
 * work, so nothing is printed or loaded first).
 *
 * @throws {UsageError} for an unknown value or a pair that cannot run.
 */
export function scorerChoice(
  choice: string | undefined,
  grader?: string,
): { wanted: ScorerChoice; mode: GraderMode } {
  const wanted = choice ?? "auto";
  if (wanted !== "auto" && wanted !== "native" && wanted !== "ts") {
    throw new UsageError(`--scorer must be auto, native or ts, got "${choice}"`);
  }
  const mode = graderMode(grader);
  if (mode !== "skyeval" && wanted === "native") {
    throw new UsageError(`--grader ${mode} runs on the TypeScript grader; drop --scorer native`);
  }
  return { wanted, mode };
}

/**
 * Picks the answer grader and prepares a lazy code scorer. `grader` is the
 * `--grader` flag: `skythought` rules run on the TypeScript grader only.
 */
export function chooseScorers(
  choice: string | undefined,
  io: Pick<CommandIO, "stderr" | "env">,
  grader?: string,
): ChosenScorers {
  const note = io.stderr;
  const { wanted, mode } = scorerChoice(choice, grader);
  let answer = tsAnswerGrader({ mode });
  let fallbackReason: string | null = null;
  if (wanted !== "ts" && mode === "skyeval") {
    const native = openNativeAnswerGrader();
    if ("unavailable" in native) {
      if (wanted === "native") throw new UsageError(`--scorer native: ${native.unavailable}`);
      fallbackReason = native.unavailable;
      note(`scoring: TypeScript grader (native library unavailable: ${native.unavailable})`);
    } else answer = native;
  }
  let code: Promise<CodeScorer> | undefined;
  let codeInfo: CodeScorer["info"] | undefined;
  const startCode = () => {
    code ??= createCodeScorer({ handleSignals: false }).then((scorer) => {
      codeInfo = scorer.info;
      return scorer;
    });
    return code;
  };
  return {
    scorers: { answer, code: startCode },
    describe: () => ({
      answer_path: answer.path,
      grader: mode,
      ...(fallbackReason ? { native_unavailable: fallbackReason } : {}),
      ...(codeInfo
        ? {
          code_sandbox: codeInfo.sandbox,
          sandbox_speed_factor: codeInfo.speedFactor,
        }
        : {}),
    }),
    async close() {
      // A sandbox that failed to start has nothing to close; its failure
      // was reported where it was used (or is moot after Ctrl-C).
      const scorer = await code?.catch(() => null);
      await scorer?.close();
    },
  };
}
