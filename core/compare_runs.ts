/**
 * A paired comparison of two runs on the problems they share: whether the
 * fingerprints allow comparing them at all, the difference in accuracy
 * (B − A) with its 95% interval and p-value (McNemar's exact test when each
 * problem has one response in each run, a seeded paired bootstrap over
 * problems otherwise), which problems moved each way, and how many problems
 * a benchmark would need to resolve the observed difference. Pure.
 *
 * @module
 */
import { userPrompt } from "./conversation.ts";
import { stableStringify } from "./hash.ts";
import type { SampleRecord } from "./sample_record.ts";
import type { Summary } from "./summary.ts";
import { mcnemarExactP } from "./stats/mcnemar.ts";
import { pairedBootstrap } from "./stats/paired_bootstrap.ts";
import { problemsToResolve } from "./stats/sample_size.ts";

/** One run to compare. */
export interface ComparedRun {
  label: string;
  summary: Partial<Summary> | null;
  records: readonly SampleRecord[];
}

/** A problem whose score differs between the runs (scores are per-problem accuracy, 0-1). */
export interface MovedProblem {
  id: string;
  a: number;
  b: number;
}

/** The outcome of {@linkcode compareRuns}. */
export interface RunComparison {
  a: { label: string; problems: number; accuracy: number };
  b: { label: string; problems: number; accuracy: number };
  /** How problems were matched: by `_index`, or by problem text when the ids disagree. */
  paired_by: "id" | "problem text";
  shared_problems: number;
  only_in_a: number;
  only_in_b: number;
  /** Shared problems left out because one run has no scored response for them. */
  unscored_in_either: number;
  /** Reasons the runs measure different things; non-empty means not comparable. */
  not_comparable: string[];
  warnings: string[];
  test: "mcnemar_exact" | "paired_bootstrap";
  /** Accuracy of B minus accuracy of A on the shared problems. */
  difference: number;
  ci95: [number, number];
  p_value: number;
  /** Problems B does better on, biggest change first. */
  improved: MovedProblem[];
  /** Problems B does worse on, biggest change first. */
  regressed: MovedProblem[];
  /** Problems needed for 80% power at α = 0.05 to resolve this difference; `null` when it is 0. */
  problems_needed: number | null;
}

/** Options of {@linkcode compareRuns}. */
export interface CompareOptions {
  /** Bootstrap seed (default "0"). */
  seed?: string;
  resamples?: number;
}

interface ProblemScore {
  id: string;
  text: string;
  judged: number;
  score: number;
}

const Z95 = 1.959963984540054;

/** Compares run B against run A on their shared problems. */
export function compareRuns(
  a: ComparedRun,
  b: ComparedRun,
  options: CompareOptions = {},
): RunComparison {
  const scoresA = problemScores(a.records);
  const scoresB = problemScores(b.records);
  const byId = pairUp(scoresA, scoresB, (p) => p.id);
  const smaller = Math.min(scoresA.length, scoresB.length);
  const byText = byId.length * 2 < smaller ? pairUp(scoresA, scoresB, (p) => p.text) : null;
  const usedText = byText !== null && byText.length > byId.length;
  const pairs = usedText ? byText : byId;

  const judged = pairs.filter(([x, y]) => x.judged > 0 && y.judged > 0);
  const differences = judged.map(([x, y]) => y.score - x.score);
  const mean = (values: number[]) =>
    values.length ? values.reduce((s, v) => s + v, 0) / values.length : 0;
  const oneEach = judged.every(([x, y]) => x.judged === 1 && y.judged === 1);
  // Old SkyThought files key problems by their text: name a pair by its shorter id.
  const moved = judged.map(([x, y]) => ({
    id: x.id.length < y.id.length ? x.id : y.id,
    a: x.score,
    b: y.score,
  }))
    .filter((m) => m.a !== m.b)
    .sort((p, q) => Math.abs(q.b - q.a) - Math.abs(p.b - p.a) || naturalCompare(p.id, q.id));

  const { not_comparable, warnings } = comparability(a, b);
  if (usedText) warnings.push("The runs number their problems differently: paired by problem text");
  let test: RunComparison["test"];
  let difference = mean(differences);
  let ci95: [number, number];
  let p: number;
  if (judged.length === 0) {
    test = oneEach ? "mcnemar_exact" : "paired_bootstrap";
    ci95 = [0, 0];
    p = 1;
  } else if (oneEach) {
    test = "mcnemar_exact";
    const gained = differences.filter((d) => d > 0).length;
    const lost = differences.filter((d) => d < 0).length;
    const count = differences.length;
    difference = (gained - lost) / count;
    const variance = (gained + lost) / count - difference ** 2;
    const half = Z95 * Math.sqrt(Math.max(0, variance) / count);
    ci95 = [difference - half, difference + half];
    p = mcnemarExactP(gained, lost);
  } else {
    test = "paired_bootstrap";
    const boot = pairedBootstrap(differences, options);
    ci95 = boot.ci95;
    p = boot.p;
  }
  return {
    a: { label: a.label, problems: scoresA.length, accuracy: mean(judged.map(([x]) => x.score)) },
    b: { label: b.label, problems: scoresB.length, accuracy: mean(judged.map(([, y]) => y.score)) },
    paired_by: usedText ? "problem text" : "id",
    shared_problems: pairs.length,
    only_in_a: scoresA.length - pairs.length,
    only_in_b: scoresB.length - pairs.length,
    unscored_in_either: pairs.length - judged.length,
    not_comparable,
    warnings,
    test,
    difference,
    ci95,
    p_value: p,
    improved: moved.filter((m) => m.b > m.a),
    regressed: moved.filter((m) => m.b < m.a),
    problems_needed: problemsToResolve(differences),
  };
}

/** Per-problem accuracy over judged responses (errored samples are left out). */
function problemScores(records: readonly SampleRecord[]): ProblemScore[] {
  return records.filter((r) => r.responses.length > 0).map((record) => {
    let judged = 0;
    let correct = 0;
    if (record.scored) {
      for (const response of record.responses) {
        if (response.correctness === null) continue;
        judged++;
        if (response.correctness) correct++;
      }
    }
    return {
      id: record.id,
      text: problemKey(record),
      judged,
      score: judged ? correct / judged : 0,
    };
  });
}

/** A problem's text with whitespace collapsed, for pairing runs that number problems differently. */
export function problemKey(record: SampleRecord): string {
  const field = ["problem", "question", "Question"].find((k) => typeof record.row[k] === "string");
  const text = field ? record.row[field] as string : userPrompt(record.messages) || record.id;
  return text.trim().replace(/\s+/g, " ");
}

function pairUp(
  a: readonly ProblemScore[],
  b: readonly ProblemScore[],
  key: (p: ProblemScore) => string,
): [ProblemScore, ProblemScore][] {
  const inA = new Map(a.map((p) => [key(p), p]));
  const pairs: [ProblemScore, ProblemScore][] = [];
  for (const y of b) {
    const x = inA.get(key(y));
    if (x) pairs.push([x, y]);
  }
  return pairs;
}

/** What the fingerprints say about comparing the runs. */
function comparability(
  a: ComparedRun,
  b: ComparedRun,
): { not_comparable: string[]; warnings: string[] } {
  const not_comparable: string[] = [];
  const warnings: string[] = [];
  const fa = a.summary?.fingerprint as Fingerprint | undefined;
  const fb = b.summary?.fingerprint as Fingerprint | undefined;
  for (const [run, fingerprint] of [[a, fa], [b, fb]] as const) {
    if (!fingerprint?.dataset) {
      warnings.push(`"${run.label}" records no fingerprint: dataset and prompt are not checked`);
    }
  }
  const taskA = taskName(a.summary);
  const taskB = taskName(b.summary);
  if (taskA && taskB && taskA !== taskB) {
    not_comparable.push(`The runs are of different tasks ("${taskA}" and "${taskB}")`);
  }
  if (!fa?.dataset || !fb?.dataset) return { not_comparable, warnings };
  if (fa.dataset.sha256 && fb.dataset.sha256 && fa.dataset.sha256 !== fb.dataset.sha256) {
    not_comparable.push(
      `The datasets differ (sha256 ${fa.dataset.sha256.slice(0, 12)} and ${
        fb.dataset.sha256.slice(0, 12)
      })`,
    );
  }
  if (fa.prompt_sha256 !== fb.prompt_sha256) {
    warnings.push(
      "The prompts differ (system prompt, template or prefill): the difference is the model and the prompt together",
    );
  }
  if (fa.task_version !== fb.task_version) {
    warnings.push(
      `The task versions differ (${fa.task_version} and ${fb.task_version}): extraction or scoring may have changed`,
    );
  }
  const graderA = fa.rescored_with ?? fa.skyeval_version;
  const graderB = fb.rescored_with ?? fb.skyeval_version;
  if (graderA !== graderB) {
    warnings.push(`The runs were graded by different skyeval versions (${graderA} and ${graderB})`);
  }
  const sampling = (f: Fingerprint) => stableStringify({ ...f.sampling, n: undefined });
  if (sampling(fa) !== sampling(fb)) {
    warnings.push("The sampling parameters differ");
  }
  return { not_comparable, warnings };
}

interface Fingerprint {
  dataset?: { sha256?: string };
  prompt_sha256?: string;
  task_version?: unknown;
  skyeval_version?: string;
  rescored_with?: string;
  sampling?: Record<string, unknown>;
}

function taskName(summary: Partial<Summary> | null): string | null {
  const task = summary?.configuration?.task;
  if (typeof task === "string") return task;
  const name = (task as { name?: unknown } | undefined)?.name;
  return typeof name === "string" ? name : null;
}

const collator = new Intl.Collator("en", { numeric: true });
function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b);
}
