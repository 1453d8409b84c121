/**
 * `skyeval score --run-dir DIR [--task T] [--ids a,b]`: re-score saved
 * generations in place. Reads our `samples.jsonl`, or a SkyThought
 * `results.json` when that is all the folder has.
 *
 * @module
 */
import { targetsOf } from "../core/prepare.ts";
import { readJson, readSamples, RUN_FILES, RunDirError, SampleLog } from "../core/run_dir.ts";
import { writeRunFiles } from "../core/run.ts";
import type { SampleRecord } from "../core/sample_record.ts";
import { scoreSamples } from "../core/score_samples.ts";
import type { Summary } from "../core/summary.ts";
import { loadTask } from "../tasks/registry.ts";
import { type TaskConfig, TaskConfigSchema, type TaskDefinition } from "../tasks/schema.ts";
import type { Row } from "../tasks/handler.ts";
import { VERSION } from "../version.ts";
import { parseFlags } from "./flags.ts";
import { type CommandIO, UsageError } from "./io.ts";
import { chooseScorers } from "./scorers.ts";

const FLAGS = {
  "run-dir": { type: "string" },
  task: { type: "string" },
  ids: { type: "string" },
  scorer: { type: "string" },
  "tasks-dir": { type: "string", multiple: true },
  help: { type: "boolean", short: "h" },
} as const;

/** Help text for `score`. */
export const SCORE_HELP =
  `Usage: skyeval score --run-dir DIR [--task TASK] [--ids ID,ID] [--scorer auto|native|ts]

Re-score the generations saved in a run folder, in place: results.json and
summary.json are rewritten, and samples.jsonl gains the re-scored lines.
Works on skyeval run folders and on SkyThought ones (results.json + summary.json).

  --run-dir DIR     the run folder
  --task TASK       task to score as (default: the one recorded in summary.json)
  --ids ID,...      only these _index values (the rest keep their scores)
  --scorer PATH     auto (native when built), native or ts`;

/** Runs `score`; returns the exit code. */
export async function runScore(args: string[], io: CommandIO): Promise<number> {
  const { values: flags } = parseFlags("score", args, FLAGS);
  if (flags.help) {
    io.print(SCORE_HELP);
    return 0;
  }
  const runDir = flags["run-dir"]?.replace(/\/+$/, "");
  if (!runDir) throw new UsageError("score: missing option --run-dir");
  try {
    if (!(await Deno.stat(runDir)).isDirectory) throw new Error();
  } catch {
    throw new UsageError(`Run directory "${runDir}" does not exist`);
  }
  const summaryPath = `${runDir}/${RUN_FILES.summary}`;
  const previous = await readJson(summaryPath).catch((error) => {
    throw new UsageError(
      error instanceof RunDirError && /does not exist/.test(error.message)
        ? `Run summary file "${summaryPath}" does not exist`
        : (error as Error).message,
    );
  }) as Partial<Summary> & { configuration?: Record<string, unknown> };
  const configuration = previous.configuration ?? {};
  const task = await taskFor(flags.task, configuration, flags["tasks-dir"] ?? []);

  const samplesPath = `${runDir}/${RUN_FILES.samples}`;
  let records = [...(await readSamples(samplesPath)).records.values()];
  const resultsPath = `${runDir}/${RUN_FILES.results}`;
  const fromSkyThought = records.length === 0;
  if (fromSkyThought) records = recordsFromResults(await readJson(resultsPath));
  else {
    // results.json is the file users post-process (e.g. stripping thinking):
    // when its response text differs from the log's, its text is scored.
    const edited = await readJson(resultsPath).then(recordsFromResults, () => []);
    const texts = new Map(edited.map((r) => [r.id, r.responses.map((x) => x.content)]));
    let changed = 0;
    records = records.map((record) => {
      const text = texts.get(record.id);
      if (!text || text.length !== record.responses.length) return record;
      if (text.every((t, i) => t === record.responses[i].content)) return record;
      changed++;
      return { ...record, responses: record.responses.map((r, i) => ({ ...r, content: text[i] })) };
    });
    if (changed) io.stderr(`note: scoring the edited text of ${changed} samples from results.json`);
  }
  const wanted = flags.ids
    ? new Set(flags.ids.split(",").map((s) => s.trim()).filter(Boolean))
    : null;
  if (wanted) {
    const known = new Set(records.map((r) => r.id));
    const missing = [...wanted].filter((id) => !known.has(id));
    if (missing.length) throw new UsageError(`--ids not in this run: ${missing.join(", ")}`);
  }
  const toScore = records.filter((r) => (!wanted || wanted.has(r.id)) && r.responses.length > 0);
  const scoring = chooseScorers(flags.scorer, io);
  let rescored: SampleRecord[];
  try {
    rescored = await scoreSamples(
      toScore,
      targetsOf(task, toScore.map((r) => r.row as Row)),
      scoring.scorers,
    );
  } finally {
    await scoring.close();
  }
  const byId = new Map(rescored.map((r) => [r.id, r]));
  const merged = records.map((r) => byId.get(r.id) ?? r);

  const log = await SampleLog.open(samplesPath, { truncate: fromSkyThought });
  for (const record of fromSkyThought ? merged : rescored) await log.append(record);
  await log.close();

  const n = Number(
    previous.n ?? (configuration.sampling_params as { n?: number } | undefined)?.n ??
      Math.max(1, ...merged.map((r) => r.responses.length)),
  );
  const summary = await writeRunFiles(runDir, merged, {
    configuration,
    n,
    status: merged.every((r) => r.scored || r.responses.length === 0) ? "scored" : "generated",
    scoring: scoring.describe(),
    fingerprint: {
      ...(previous.fingerprint ?? {}),
      rescored_with: VERSION,
      rescored_as_task: task.name,
    },
    version: VERSION,
  });
  io.print(
    `rescored ${rescored.length} samples; accuracy ${
      (summary.accuracy * 100).toFixed(2)
    }% over ${summary.scored_responses} scored responses` +
      (summary.unscored_responses ? `, ${summary.unscored_responses} unscored` : ""),
  );
  return 0;
}

async function taskFor(
  name: string | undefined,
  configuration: Record<string, unknown>,
  dirs: string[],
): Promise<TaskDefinition> {
  const recorded = configuration.task as { name?: string; config?: TaskConfig } | undefined;
  if (name) return await loadTask(name, { dirs });
  if (recorded?.config) {
    const parsed = TaskConfigSchema.safeParse(recorded.config);
    if (parsed.success) {
      return { name: recorded.name ?? "task", config: parsed.data, source: "run" };
    }
  }
  if (recorded?.name) return await loadTask(recorded.name, { dirs });
  throw new UsageError("score: the run records no task; pass --task");
}

/** Sample records from a SkyThought `results.json`. */
function recordsFromResults(results: unknown): SampleRecord[] {
  if (!results || typeof results !== "object") {
    throw new UsageError("results.json is not an object");
  }
  return Object.entries(results as Record<string, Record<string, unknown>>).map(([id, value]) => {
    const { responses, token_usages, input_conversation, prompt: _p, ...row } = value;
    const usages = listOf<{ completion_tokens?: number; prompt_tokens?: number }>(token_usages);
    return {
      id,
      row: { ...row, _index: id },
      messages: (input_conversation ?? []) as SampleRecord["messages"],
      prompt_tokens: usages[0]?.prompt_tokens ?? null,
      responses: listOf<{ content: string; finish_reason?: string }>(responses).map((
        r,
        i,
      ) => ({
        content: r.content,
        finish_reason: r.finish_reason ?? null,
        completion_tokens: usages[i]?.completion_tokens ?? null,
        correctness: null,
        reason: "",
      })),
      scored: false,
    };
  });
}

/**
 * A list from results.json: the current list form, or the old form keyed by
 * temperature (`{"0.7": {...}}`) that SkyThought wrote before Feb 2025.
 */
function listOf<T>(value: unknown): T[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value as T[];
  if (typeof value === "object") return Object.values(value) as T[];
  throw new UsageError(
    `results.json holds a response list of an unknown shape: ${JSON.stringify(value).slice(0, 60)}`,
  );
}
